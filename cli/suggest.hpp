#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// "Did you mean ...?" for a mistyped subcommand or flag (SPEC §4, for people).
namespace jobop::cli {

// Return the optimal-string-alignment distance of `a` and `b`: insertions,
// deletions, substitutions and swaps of two neighbours count one each, so
// "stauts" is one step from "status".
std::size_t edit_distance(std::string_view a, std::string_view b);

// Return the candidate nearest to `word`, or nothing when none is near enough
// to be what was meant: within a third of the word's length (at least one
// step), or a candidate that `word` (two characters or more) begins.
std::optional<std::string> nearest(std::string_view word,
                                   const std::vector<std::string>& candidates);

// A suggestion for one argument the parser did not expect.
struct Suggestion {
  std::string argument;   // as given, e.g. "--routr" or "stauts"
  std::string suggestion; // e.g. "--router" or "status"
  std::string message;    // for the diagnostic, naming both and the command
};

// Return a suggestion for the first unexpected argument of the failed parse
// of `root`: a word where a subcommand may stand is compared with the
// subcommands of the deepest command parsed, a flag with the flags of that
// command and of the commands above it (global flags are accepted anywhere).
std::optional<Suggestion> suggest_for(const CLI::App& root);

// Return the visible subcommand names of `app` (hidden ones left out).
std::vector<std::string> visible_subcommand_names(const CLI::App& app);

// Return "jobop job put" for the command `app`.
std::string command_path(const CLI::App& app);

} // namespace jobop::cli
