#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// Prose for a terminal of a given width: lines broken between words by
// display width (CJK and emoji count two), so a note or a warning never runs
// past the right edge.
namespace jobop::text {

// Return `paragraph` broken into lines of at most `width` columns. Lines
// after the first are indented two columns deeper than the paragraph's own
// leading spaces, so a wrapped "warning: ..." reads as one item. A word
// wider than a line is cut between characters; nothing is ever dropped. An
// empty paragraph is one empty line.
std::vector<std::string> wrap_to_width(std::string_view paragraph, std::size_t width);

} // namespace jobop::text
