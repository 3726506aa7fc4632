#pragma once

#include <cli/globals.hpp>

#include <CLI/CLI.hpp>

// Every subcommand of jobop, each in its own file: it parses flags and calls
// one core function. No SQL and no policy here.
namespace jobop::cli {

// `jobop backoff-sim`: the schedule, trace replay or failure model of a policy.
void setup_backoff_sim_command(CLI::App& app, Globals& globals);
// `jobop init [--demo]`: create or adopt the metastore.
void setup_init_command(CLI::App& app, Globals& globals);
// `jobop job put|set-state|delete`: write job rows as the engine does.
void setup_job_command(CLI::App& app, Globals& globals);
// `jobop cancel ID... | -`: the user-facing cancel, with --dry-run, --wait, --force.
void setup_cancel_command(CLI::App& app, Globals& globals);
// `jobop status [ID...]`: jobs with their user-facing state and op.
void setup_status_command(CLI::App& app, Globals& globals);
// `jobop tick`: drive every canceling op one step, or in a loop.
void setup_tick_command(CLI::App& app, Globals& globals);
// `jobop history [ID...]`: the audit trail.
void setup_history_command(CLI::App& app, Globals& globals);

} // namespace jobop::cli
