#pragma once

#include <cli/globals.hpp>

#include <CLI/CLI.hpp>

// Help for people, and the files an installed tool carries: the `help` and
// `completion` commands and the help formatter. Each is generated from the
// app itself (command_tree.hpp), so none can drift from what jobop parses.
namespace jobop::cli {

// Use jobop's help formatter on `app` and every subcommand added after: a
// subcommand's help ends with the global options it also accepts (--db,
// --engine-config, ...). Call before adding subcommands.
void install_help_formatter(CLI::App& app);

// Return the help text of `command` (the root or any subcommand), as
// `jobop help CMD` and `CMD --help` print it.
std::string help_text(const CLI::App& command);

// `jobop help [CMD...]` (and `--man`, the manual page). Add it last: it
// completes the subcommands added before it.
void setup_help_command(CLI::App& app);

// `jobop completion bash|zsh|fish`, and the hidden `__job-ids` the scripts
// call to complete job ids from the metastore.
void setup_completion_command(CLI::App& app, Globals& globals);

} // namespace jobop::cli
