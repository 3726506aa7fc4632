#pragma once

#include <string>
#include <vector>

// Confirmation before a change a person may regret (`cancel --force`, a
// cancel of many jobs). Only a person at a terminal is asked; a script never
// sees a prompt.
namespace jobop::cli {

// Return true if a question can be asked: stderr is a terminal and so is
// stdin, or, when stdin carries data (`cancel -` reads ids from it), the
// process has a controlling terminal (/dev/tty) to read the answer from.
bool can_ask(bool stdin_is_data);

// List `changes` (capped to the terminal's height) and `question` followed
// by " [y/N] " on stderr, then read one line of answer from stdin or, when
// `stdin_is_data`, from /dev/tty. Return true only for "y" or "yes" (any
// case); end of input or anything else is no.
bool ask_yes_no(const std::string& question, const std::vector<std::string>& changes,
                bool stdin_is_data);

} // namespace jobop::cli
