#include <jobop/text/display_width.hpp>

#include <jobop/text/utf8.hpp>
#include <jobop/text/width_table.hpp>

#include <algorithm>

namespace jobop::text {

namespace {

constexpr char32_t k_zero_width_joiner = 0x200D;

bool in_table(char32_t code, const detail::CodeRange* table, std::size_t size) {
  const auto* end = table + size;
  const auto* it = std::upper_bound(
    table, end, code, [](char32_t c, const detail::CodeRange& r) { return c < r.first; });
  return it != table && code <= (it - 1)->last;
}

// One character as a terminal draws it: a code point with the zero-width
// code points that follow it, and whatever a ZWJ glues on.
struct Cluster {
  std::size_t bytes = 0;
  std::size_t width = 0;
};

Cluster next_cluster(std::string_view text, std::size_t pos) {
  const auto first = decode_utf8(text, pos);
  if (first.length == 0) {
    return {1, 1};
  }
  const int base = code_point_width(first.code);
  Cluster cluster{first.length, base < 0 ? 1U : static_cast<std::size_t>(base)};
  bool joined = false;
  while (pos + cluster.bytes < text.size()) {
    const auto next = decode_utf8(text, pos + cluster.bytes);
    if (next.length == 0) {
      break;
    }
    const int width = code_point_width(next.code);
    if (width == 0 || joined) {
      // A wide code point after a zero-width base (a lone mark) widens it.
      if (joined || cluster.width == 0) {
        cluster.width = std::max(cluster.width, static_cast<std::size_t>(std::max(width, 0)));
      }
      joined = next.code == k_zero_width_joiner;
      cluster.bytes += next.length;
      continue;
    }
    break;
  }
  return cluster;
}

} // namespace

int code_point_width(char32_t code) {
  if (code == 0) {
    return 0;
  }
  if (code < 0x20 || (code >= 0x7F && code < 0xA0)) {
    return -1;
  }
  if (code < 0x300) {
    return 1;
  }
  if (in_table(code, detail::k_zero_width_ranges, detail::k_zero_width_ranges_size)) {
    return 0;
  }
  if (in_table(code, detail::k_wide_ranges, detail::k_wide_ranges_size)) {
    return 2;
  }
  return 1;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  // ASCII fast path: most ids and states are plain.
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte < 0x7F) {
      ++width;
      ++i;
      continue;
    }
    const auto cluster = next_cluster(text, i);
    width += cluster.width;
    i += cluster.bytes;
  }
  return width;
}

std::string truncate_to_width(std::string_view text, std::size_t width, std::string_view ellipsis) {
  if (display_width(text) <= width) {
    return std::string(text);
  }
  const std::size_t ellipsis_width = display_width(ellipsis);
  if (width < ellipsis_width) {
    return std::string(width, '.');
  }
  const std::size_t room = width - ellipsis_width;
  std::size_t used = 0;
  std::size_t bytes = 0;
  while (bytes < text.size()) {
    const auto cluster = next_cluster(text, bytes);
    if (used + cluster.width > room) {
      break;
    }
    used += cluster.width;
    bytes += cluster.bytes;
  }
  std::string out(text.substr(0, bytes));
  out += ellipsis;
  return out;
}

} // namespace jobop::text
