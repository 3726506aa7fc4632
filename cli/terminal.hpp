#pragma once

#include <cstddef>
#include <string>

// What jobop knows about the terminal it prints to: whether a stream is one,
// its size, and whether colour is wanted. Scripts see none of this: every
// answer falls back to "not a terminal".
namespace jobop::cli {

enum class ColourMode { automatic, always, never };

// Return the mode named `name` ("auto", "always", "never"; validated by CLI11).
ColourMode parse_colour_mode(const std::string& name);

// Return true if `fd` is a terminal.
bool is_terminal(int fd);

// Return true if `a` and `b` are the same terminal device: output on one
// lands between the lines of the other.
bool same_terminal(int a, int b);

// Return the width to fit output on `fd` to: the terminal's (TIOCGWINSZ),
// else a positive `COLUMNS`, else 80.
std::size_t terminal_width(int fd);

// Return the height of the terminal on `fd`: TIOCGWINSZ, else a positive
// `LINES`, else 24.
std::size_t terminal_height(int fd);

// Return true if output on `fd` may use ANSI colour under `mode`: `always`
// does; `auto` only on a terminal, with `NO_COLOR` unset or empty
// (https://no-color.org) and `TERM` not `dumb`.
bool colour_enabled(ColourMode mode, int fd);

// Return true if `fd` is a terminal that can redraw lines in place (progress,
// live blocks): not `TERM=dumb`.
bool live_terminal(int fd);

} // namespace jobop::cli
