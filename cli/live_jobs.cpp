#include <cli/live_jobs.hpp>

#include <cli/human_time.hpp>
#include <jobop/text/display_width.hpp>
#include <jobop/text/utf8.hpp>
#include <jobop/time/timestamp.hpp>

#include <algorithm>
#include <array>

namespace jobop::cli {

namespace {

// `text` padded with spaces to `width` display columns.
std::string padded(const std::string& text, std::size_t width) {
  const std::size_t shown = text::display_width(text);
  return text + std::string(width > shown ? width - shown : 0, ' ');
}

} // namespace

std::vector<std::string> pending_job_lines(const std::vector<model::StatusRow>& rows,
                                           core::UnixNanos now, core::Nanos stuck_after) {
  // The cells of each line: id, how long canceling, sends, stuck.
  std::vector<std::array<std::string, 4>> cells;
  std::array<std::size_t, 4> widths{};
  for (const model::StatusRow& row : rows) {
    const auto since = row.canceling_since();
    const std::int64_t sends = row.outbox ? row.outbox->send_count : 0;
    std::array<std::string, 4> line{text::terminal_safe(row.id),
                                    since ? "canceling for " +
                                              human_age(time::nanos_between(*since, now))
                                          : std::string("canceling"),
                                    sends == 1 ? std::string("cancel sent once")
                                               : "cancel sent " + std::to_string(sends) + " times",
                                    row.looks_stuck(now, stuck_after) ? "STUCK" : ""};
    for (std::size_t i = 0; i < line.size(); ++i) {
      widths[i] = std::max(widths[i], text::display_width(line[i]));
    }
    cells.push_back(std::move(line));
  }
  std::vector<std::string> lines;
  lines.reserve(cells.size());
  for (const auto& line : cells) {
    std::string text = "  ";
    for (std::size_t i = 0; i < line.size(); ++i) {
      text += i + 1 < line.size() ? padded(line[i], widths[i]) + "  " : line[i];
    }
    // No trailing blanks where a later column is empty.
    text.erase(text.find_last_not_of(' ') + 1);
    lines.push_back(std::move(text));
  }
  return lines;
}

} // namespace jobop::cli
