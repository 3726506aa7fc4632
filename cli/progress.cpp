#include <cli/progress.hpp>

#include <cli/human_time.hpp>
#include <cli/terminal.hpp>
#include <jobop/text/display_width.hpp>

#include <iostream>

namespace jobop::cli {

namespace {

constexpr auto k_redraw_every = std::chrono::milliseconds(100);

core::Nanos since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                              start)
    .count();
}

} // namespace

LiveBlock::LiveBlock(std::ostream& err, int fd) : m_err(err), m_fd(fd) {
  set_stderr_overlay(this);
}

LiveBlock::~LiveBlock() {
  set_stderr_overlay(nullptr);
  erase();
}

void LiveBlock::show(std::vector<std::string> lines) {
  m_lines = std::move(lines);
  redraw();
}

void LiveBlock::clear() {
  erase();
  m_lines.clear();
}

void LiveBlock::erase() {
  if (m_drawn == 0) {
    return;
  }
  std::string sequence;
  for (std::size_t i = 0; i < m_drawn; ++i) {
    sequence += "\033[1A\033[2K"; // up one line, erase it
  }
  m_err << sequence << std::flush;
  m_drawn = 0;
}

void LiveBlock::redraw() {
  // One write per frame: erasing and drawing apart would flicker.
  std::string frame;
  for (std::size_t i = 0; i < m_drawn; ++i) {
    frame += "\033[1A\033[2K";
  }
  // One column short of the width: a full line makes some terminals wrap.
  const std::size_t width = terminal_width(m_fd);
  const auto lines = fit_block(m_lines, width > 1 ? width - 1 : 1, terminal_height(m_fd) - 1);
  for (const auto& line : lines) {
    frame += line + "\n";
  }
  m_drawn = lines.size();
  m_err << frame << std::flush;
}

std::vector<std::string> fit_block(const std::vector<std::string>& lines, std::size_t width,
                                   std::size_t height) {
  std::vector<std::string> out;
  if (height == 0) {
    return out;
  }
  const bool cut = lines.size() > height;
  const std::size_t keep = cut ? height - 1 : lines.size();
  for (std::size_t i = 0; i < keep; ++i) {
    out.push_back(text::truncate_to_width(lines[i], width));
  }
  if (cut) {
    out.push_back(text::truncate_to_width(
      "\u2026 and " + std::to_string(lines.size() - keep) + " more", width));
  }
  return out;
}

std::string progress_line(std::string_view what, std::int64_t done, std::int64_t total,
                          core::Nanos elapsed) {
  std::string line(what);
  line += "  " + std::to_string(done) + "/" + std::to_string(total);
  if (total > 0) {
    line += "  " + std::to_string(done * 100 / total) + "%";
  }
  if (done > 0 && elapsed > 0) {
    const double seconds = static_cast<double>(elapsed) / 1e9;
    const double rate = static_cast<double>(done) / seconds;
    line += "  " + std::to_string(static_cast<std::int64_t>(rate)) + "/s";
    if (total >= done) {
      const double left = static_cast<double>(total - done) / rate;
      line += "  ETA " + human_age(static_cast<core::Nanos>(left * 1e9));
    }
  }
  return line;
}

ProgressMeter::ProgressMeter(std::string what, std::int64_t total, bool enabled)
  : m_what(std::move(what)), m_total(total), m_start(std::chrono::steady_clock::now()),
    m_last_draw(m_start) {
  if (enabled) {
    m_block = std::make_unique<LiveBlock>(std::cerr);
    m_block->show({progress_line(m_what, 0, m_total, 0)});
  }
}

void ProgressMeter::update(std::int64_t done) {
  if (!m_block) {
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (now - m_last_draw < k_redraw_every && done < m_total) {
    return;
  }
  m_last_draw = now;
  m_block->show({progress_line(m_what, done, m_total, since(m_start))});
}

void ProgressMeter::finish() {
  m_block.reset();
}

} // namespace jobop::cli
