#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// How many terminal columns text takes, as wcwidth() says in a UTF-8
// locale but independent of the process's locale: CJK and emoji take two,
// combining marks none. Text is cut only between whole characters (a base
// with its combining marks, an emoji ZWJ sequence), so a CJK character or an
// emoji is never broken.
namespace jobop::text {

// Return the columns `code` takes: 2 for East Asian Wide and Fullwidth, 0 for
// combining marks, format characters and NUL, -1 for other controls, else 1.
int code_point_width(char32_t code);

// Return the columns `text` takes. Each invalid byte and each control
// counts one column (callers show them escaped); a ZWJ sequence counts as
// its first character.
std::size_t display_width(std::string_view text);

// Return the longest prefix of `text` that fits in `width` columns, ended by
// `ellipsis` when something was cut (the ellipsis counts in the width).
std::string truncate_to_width(std::string_view text, std::size_t width,
                              std::string_view ellipsis = "\u2026");

} // namespace jobop::text
