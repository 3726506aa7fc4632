#pragma once

#include <cli/command_tree.hpp>

#include <string>
#include <vector>

// The completion scripts of `jobop completion`, generated from the command
// tree: subcommands, flags, their values (choices, files) and job ids, which
// the scripts ask `jobop __job-ids` for with the metastore flags of the
// command line being completed.
namespace jobop::cli {

// Return the bash script (`complete -F _jobop jobop`).
std::string bash_completion(const CommandSpec& root);

// Return the zsh script (`#compdef jobop`, for a file `_jobop` on $fpath).
std::string zsh_completion(const CommandSpec& root);

// Return the fish script (`complete -c jobop ...`).
std::string fish_completion(const CommandSpec& root);

// Shared by the generators.
namespace completion {

// One command of the tree with its path, flattened for case tables.
struct Entry {
  const CommandSpec* command;
  std::string path; // "job put"
  // Its own flags and those of the commands between it and the root (the
  // root's flags are global and listed once).
  std::vector<const OptionSpec*> flags;
};

// Return every command of the tree, the root first.
std::vector<Entry> entries(const CommandSpec& root);

// Return how a value completes, as the shell functions read it: "" (no
// value), "word", "file", "ids" or "choice A B C".
std::string value_spec(const OptionSpec& option);

// Return "--name" and "-n" for every name of `option`.
std::vector<std::string> flag_words(const OptionSpec& option);

// Return `text` as one single-quoted POSIX shell word.
std::string shell_quote(const std::string& text);

// Return the first sentence of `description`, for one-line menus.
std::string summary(const std::string& description);

// The metastore flags the scripts pass on to `jobop __job-ids`.
inline const std::vector<std::string>& store_flags() {
  static const std::vector<std::string> flags = {"--db", "--engine-config", "--password-file",
                                                 "--busy-timeout"};
  return flags;
}

// Return the functions bash and zsh share: `_jobop_subcommands PATH`,
// `_jobop_flags PATH`, `_jobop_value PATH FLAG`, `_jobop_positional PATH N`,
// `_jobop_walk WORD...`, which reads the command line before the cursor, and
// `_jobop_ids PREFIX`.
std::string shared_functions(const CommandSpec& root);

} // namespace completion

} // namespace jobop::cli
