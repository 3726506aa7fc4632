#pragma once

#include <cli/globals.hpp>

#include <CLI/CLI.hpp>

// Every subcommand of jobop, each in its own file: it parses flags and calls
// one core function. No SQL and no policy here.
namespace jobop::cli {} // namespace jobop::cli
