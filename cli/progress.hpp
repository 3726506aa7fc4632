#pragma once

#include <cli/diagnostics.hpp>
#include <jobop/core/clock.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

// Progress for people on stderr, only when it is a terminal: a block of
// lines at the bottom that is redrawn in place, and a done/total meter with
// rate and ETA. Nothing here writes to stdout: the results stay as they are.
namespace jobop::cli {

// Lines kept at the bottom of stderr, redrawn in place, capped to the
// terminal's height and cut to its width (a wrapped line would break the
// redraw). While it lives, diagnostics print above it.
class LiveBlock final : public StderrOverlay {
public:
  // Draw on `err`, the stream of file descriptor `fd`.
  explicit LiveBlock(std::ostream& err, int fd = 2);
  ~LiveBlock() override;
  LiveBlock(const LiveBlock&) = delete;
  LiveBlock& operator=(const LiveBlock&) = delete;

  // Replace the block's lines with `lines` and draw them.
  void show(std::vector<std::string> lines);
  // Remove the block from the screen (it stays empty until the next show).
  void clear();
  void erase() override;
  void redraw() override;

private:
  std::ostream& m_err;
  int m_fd;
  std::vector<std::string> m_lines;
  std::size_t m_drawn = 0;
};

// Return `lines` as a block of at most `height` lines, each cut to `width`
// columns: when they do not fit, the last line says how many were left out.
std::vector<std::string> fit_block(const std::vector<std::string>& lines, std::size_t width,
                                   std::size_t height);

// Return the meter line: "cancel  1200/5000  24%  3100/s  ETA 1s" (no rate
// or ETA before anything is done).
std::string progress_line(std::string_view what, std::int64_t done, std::int64_t total,
                          core::Nanos elapsed);

// A done/total meter on a LiveBlock, drawn at most ten times a second. A
// disabled meter does nothing, so callers need no second code path.
class ProgressMeter {
public:
  ProgressMeter(std::string what, std::int64_t total, bool enabled);
  // Record that `done` of the total are done; redraw if it is time.
  void update(std::int64_t done);
  // Remove the meter from the screen.
  void finish();

private:
  std::string m_what;
  std::int64_t m_total;
  std::unique_ptr<LiveBlock> m_block;
  std::chrono::steady_clock::time_point m_start;
  std::chrono::steady_clock::time_point m_last_draw;
};

} // namespace jobop::cli
