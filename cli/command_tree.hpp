#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

// The command line as data, read from the CLI11 app itself, so that the help
// command, the completion scripts and the man page can never drift from the
// flags jobop really parses.
namespace jobop::cli {

// What a value of an option or positional is, for completion.
enum class ValueKind {
  none,   // a flag: no value
  word,   // free text: nothing to offer
  file,   // a path
  choice, // one of `OptionSpec::choices`
  job_id, // a job id of the metastore
};

// One flag, option or positional argument.
struct OptionSpec {
  std::vector<std::string> long_names;  // without the dashes: "router"
  std::vector<std::string> short_names; // without the dash: "o"
  std::string positional;               // "ID", "STATE" for a positional
  std::string value_name;               // "TEXT", "FILE", ... ("" for a flag)
  std::string description;
  std::string default_value;
  std::string env; // the environment variable it reads, if any
  ValueKind kind = ValueKind::none;
  std::vector<std::string> choices;
  bool required = false;
  bool repeatable = false; // more than one value, or the flag repeated
};

// One command: the root, a subcommand or a nested one ("job put").
struct CommandSpec {
  std::string name;              // "put"
  std::vector<std::string> path; // {"job", "put"} (empty for the root)
  std::string description;
  std::string footer;                  // examples
  std::vector<OptionSpec> options;     // flags and options, in definition order
  std::vector<OptionSpec> positionals; // in order
  std::vector<CommandSpec> subcommands;
  bool needs_subcommand = false;
};

// Return the command tree of `app`: visible subcommands and options (hidden
// ones, with an empty group, are left out), and the choices
// of every option checked by CLI::IsMember or tagged by completion_values().
CommandSpec describe_commands(CLI::App& app);

// Return `path` joined with spaces ("job put"; "" for the root).
std::string join_path(const std::vector<std::string>& path);

// Return a validator that accepts every value (the command checks it later,
// with its own error codes) and carries `values` for completion and the man
// page.
CLI::Validator completion_values(const std::vector<std::string>& values);

} // namespace jobop::cli
