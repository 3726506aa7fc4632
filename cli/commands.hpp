#pragma once

#include <cli/globals.hpp>

#include <CLI/CLI.hpp>

// Every subcommand of jobop, each in its own file: it parses flags and calls
// one core function. No SQL and no policy here.
namespace jobop::cli {

// `jobop backoff-sim`: the schedule, trace replay or failure model of a policy.
void setup_backoff_sim_command(CLI::App& app, Globals& globals);

} // namespace jobop::cli
