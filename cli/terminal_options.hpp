#pragma once

#include <cli/globals.hpp>

#include <CLI/CLI.hpp>

// The global options for people at a terminal: --log-format, --color,
// --quiet. Scripts need none of them: without a terminal every default
// already prints JSON, no colour and no progress.
namespace jobop::cli {

// Add --log-format, --color and --quiet to `app`; the first two take effect
// the moment they are parsed, before any subcommand runs.
void add_terminal_options(CLI::App& app, Globals& globals);

// Return true if long work may show progress and live lines on stderr:
// stderr is a terminal that can redraw lines, and no --quiet.
bool progress_wanted(const Globals& globals);

} // namespace jobop::cli
