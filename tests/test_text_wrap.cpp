#include <jobop/text/display_width.hpp>
#include <jobop/text/wrap.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using jobop::text::display_width;
using jobop::text::wrap_to_width;
using Lines = std::vector<std::string>;

namespace {

// Return the words of `lines` joined by one space: what wrapping must keep.
std::string joined(const Lines& lines) {
  std::string out;
  for (const auto& line : lines) {
    const auto start = line.find_first_not_of(' ');
    out += (out.empty() ? "" : " ") + line.substr(start == std::string::npos ? 0 : start);
  }
  return out;
}

} // namespace

TEST_CASE("a paragraph that fits is one line, as it is; an empty one is an empty line") {
  CHECK(wrap_to_width("note: short", 80) == Lines{"note: short"});
  CHECK(wrap_to_width("  two  spaces kept", 80) == Lines{"  two  spaces kept"});
  CHECK(wrap_to_width("", 80) == Lines{""});
}

TEST_CASE("a long paragraph breaks between words, later lines two columns deeper") {
  const auto lines = wrap_to_width("warning: uptime 0s: 100 terminated runs are too few", 24);
  CHECK(lines == Lines{"warning: uptime 0s: 100", "  terminated runs are", "  too few"});
  const auto indented = wrap_to_width("  policy: initial 5s, x1.2, max 5m0s", 20);
  CHECK(indented == Lines{"  policy: initial", "    5s, x1.2, max", "    5m0s"});
  for (const auto& line : indented) {
    CHECK(display_width(line) <= 20);
  }
}

TEST_CASE("\"95 %\" is never broken before its percent sign") {
  const auto lines = wrap_to_width("for p99 to mean much: its 95 % interval", 28);
  CHECK(lines == Lines{"for p99 to mean much: its", "  95 % interval"});
}

TEST_CASE("CJK counts two columns; a word wider than a line is cut between characters") {
  const std::string cjk = "second: 候选策略候选策略候选策略.toml";
  const auto lines = wrap_to_width(cjk, 16);
  for (const auto& line : lines) {
    CHECK(display_width(line) <= 16);
  }
  CHECK(lines.front() == "second:");
  CHECK(lines.at(1) == "  候选策略候选策");
  // Nothing is dropped: the pieces joined give the path back.
  std::string path;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    path += lines[i].substr(2);
  }
  CHECK(path == "候选策略候选策略候选策略.toml");
  // A two-column character on a line of one still moves on.
  CHECK(joined(wrap_to_width("候选", 1)) == "候 选");
}
