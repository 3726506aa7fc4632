#pragma once

#include <cli/command_tree.hpp>

#include <string>

// The manual page jobop(1), written from the command tree at build time (and
// by `jobop help --man`), so it lists exactly the commands and flags jobop
// parses.
namespace jobop::cli {

// Return the man page of `root` as roff (man macros).
std::string man_page(const CommandSpec& root);

// Return `text` safe as roff text: backslashes escaped, a leading `.` or `'`
// neutralised on every line, `code` in backticks set bold, and every
// non-ASCII character written as \[uXXXX] (so groff needs no preprocessor).
std::string roff_text(const std::string& text);

} // namespace jobop::cli
