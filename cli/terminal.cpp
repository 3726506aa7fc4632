#include <cli/terminal.hpp>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace jobop::cli {

namespace {

// Return the positive integer in the environment variable `name`, or 0.
std::size_t positive_env(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr) {
    return 0;
  }
  std::size_t value = 0;
  const char* end = text + std::strlen(text);
  const auto [ptr, ec] = std::from_chars(text, end, value);
  if (ec != std::errc() || ptr != end || value > 100000) {
    return 0;
  }
  return value;
}

bool term_is_dumb() {
  const char* term = std::getenv("TERM");
  return term != nullptr && std::strcmp(term, "dumb") == 0;
}

} // namespace

ColourMode parse_colour_mode(const std::string& name) {
  if (name == "always") {
    return ColourMode::always;
  }
  if (name == "never") {
    return ColourMode::never;
  }
  return ColourMode::automatic;
}

bool is_terminal(int fd) {
  return isatty(fd) == 1;
}

bool same_terminal(int a, int b) {
  if (!is_terminal(a) || !is_terminal(b)) {
    return false;
  }
  struct stat sa {};
  struct stat sb {};
  return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_rdev == sb.st_rdev;
}

std::size_t terminal_width(int fd) {
  winsize size{};
  if (ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  const std::size_t columns = positive_env("COLUMNS");
  return columns > 0 ? columns : 80;
}

std::size_t terminal_height(int fd) {
  winsize size{};
  if (ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_row > 0) {
    return size.ws_row;
  }
  const std::size_t lines = positive_env("LINES");
  return lines > 0 ? lines : 24;
}

bool colour_enabled(ColourMode mode, int fd) {
  if (mode != ColourMode::automatic) {
    return mode == ColourMode::always;
  }
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour != nullptr && *no_colour != '\0') {
    return false;
  }
  return !term_is_dumb() && is_terminal(fd);
}

bool live_terminal(int fd) {
  return is_terminal(fd) && !term_is_dumb();
}

} // namespace jobop::cli
