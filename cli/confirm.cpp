#include <cli/confirm.hpp>

#include <cli/progress.hpp>
#include <cli/terminal.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <fcntl.h>
#include <iostream>
#include <string>
#include <unistd.h>

namespace jobop::cli {

namespace {

// Read one line from `fd`, unbuffered: nothing after the answer is consumed.
std::string read_line(int fd) {
  std::string line;
  char c = 0;
  while (true) {
    const ssize_t n = read(fd, &c, 1);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0 || c == '\n') {
      return line;
    }
    line += c;
  }
}

std::string trimmed_lower(const std::string& text) {
  std::string out;
  for (const unsigned char c : text) {
    if (!std::isspace(c)) {
      out += static_cast<char>(std::tolower(c));
    }
  }
  return out;
}

} // namespace

bool can_ask(bool stdin_is_data) {
  if (!is_terminal(STDERR_FILENO)) {
    return false;
  }
  if (!stdin_is_data) {
    return is_terminal(STDIN_FILENO);
  }
  const int tty = open("/dev/tty", O_RDONLY | O_CLOEXEC);
  if (tty < 0) {
    return false;
  }
  close(tty);
  return true;
}

bool ask_yes_no(const std::string& question, const std::vector<std::string>& changes,
                bool stdin_is_data) {
  // Leave room for the question and the answer's line.
  const std::size_t height = terminal_height(STDERR_FILENO);
  const auto listing =
    fit_block(changes, terminal_width(STDERR_FILENO), height > 3 ? height - 3 : 1);
  std::string prompt;
  for (const auto& line : listing) {
    prompt += line + "\n";
  }
  prompt += question + " [y/N] ";
  std::cerr << prompt << std::flush;
  std::string answer;
  if (stdin_is_data) {
    const int tty = open("/dev/tty", O_RDONLY | O_CLOEXEC);
    if (tty < 0) {
      return false;
    }
    answer = read_line(tty);
    close(tty);
  } else {
    answer = read_line(STDIN_FILENO);
  }
  const std::string word = trimmed_lower(answer);
  return word == "y" || word == "yes";
}

} // namespace jobop::cli
