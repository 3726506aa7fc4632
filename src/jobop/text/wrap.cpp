#include <jobop/text/wrap.hpp>

#include <jobop/text/display_width.hpp>

#include <algorithm>

namespace jobop::text {

namespace {

constexpr std::size_t k_hanging_indent = 2;

// Return the longest prefix of `word` in `width` columns, at least one
// character (a CJK character in a one-column line still moves on).
std::string_view fitting_prefix(std::string_view word, std::size_t width) {
  const std::string cut = truncate_to_width(word, width, "");
  if (!cut.empty()) {
    return word.substr(0, cut.size());
  }
  std::size_t bytes = 1;
  while (bytes < word.size() && (static_cast<unsigned char>(word[bytes]) & 0xC0) == 0x80) {
    ++bytes;
  }
  return word.substr(0, bytes);
}

} // namespace

std::vector<std::string> wrap_to_width(std::string_view paragraph, std::size_t width) {
  const std::size_t lead = std::min(paragraph.find_first_not_of(' '), paragraph.size());
  if (display_width(paragraph) <= width || lead == paragraph.size()) {
    return {std::string(paragraph)};
  }
  // The indents shrink on a terminal too narrow for them.
  const std::size_t first_indent = std::min(lead, width / 2);
  const std::size_t next_indent = std::min(lead + k_hanging_indent, width / 2);
  std::vector<std::string> lines;
  std::string line(first_indent, ' ');
  std::size_t used = first_indent;
  bool empty = true;
  std::size_t at = lead;
  while (at < paragraph.size()) {
    std::size_t end = std::min(paragraph.find(' ', at), paragraph.size());
    // "95 %" stays on one line: a lone "%" never starts one.
    while (paragraph.substr(end).rfind(" % ", 0) == 0 || paragraph.substr(end) == " %") {
      end = std::min(paragraph.find(' ', end + 2), paragraph.size());
    }
    std::string_view word = paragraph.substr(at, end - at);
    at = std::min(paragraph.find_first_not_of(' ', end), paragraph.size());
    while (!word.empty()) {
      const std::size_t word_width = display_width(word);
      const std::size_t needed = (empty ? 0 : 1) + word_width;
      if (used + needed <= width) {
        line += (empty ? "" : " ") + std::string(word);
        used += needed;
        empty = false;
        break;
      }
      if (!empty) {
        lines.push_back(line);
        line.assign(next_indent, ' ');
        used = next_indent;
        empty = true;
        continue;
      }
      // A word wider than a whole line: as much as fits, the rest below.
      const std::string_view head = fitting_prefix(word, width > used ? width - used : 1);
      lines.push_back(line + std::string(head));
      word.remove_prefix(head.size());
      line.assign(next_indent, ' ');
      used = next_indent;
    }
  }
  if (!empty) {
    lines.push_back(line);
  }
  return lines;
}

} // namespace jobop::text
