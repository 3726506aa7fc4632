#include <cli/stop_signal.hpp>

#include <jobop/core/exceptions.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace jobop::cli {

namespace {

volatile std::sig_atomic_t g_stop_requested = 0;
// A self-pipe: the handler writes a byte so that a sleeping poll() wakes up.
int g_wake_pipe[2] = {-1, -1};
struct sigaction g_previous_int {};
struct sigaction g_previous_term {};

extern "C" void on_stop_signal(int /*signal*/) {
  const int saved_errno = errno;
  g_stop_requested = 1;
  const char byte = 's';
  // Async-signal-safe; a full pipe already holds a wake-up byte.
  [[maybe_unused]] const ssize_t ignored = write(g_wake_pipe[1], &byte, 1);
  errno = saved_errno;
}

} // namespace

StopSignal::StopSignal() {
  g_stop_requested = 0;
  // Close-on-exec: programs run by the exec router must not inherit the pipe.
  if (pipe2(g_wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw core::Error(core::ExitCode::internal, "internal.signal",
                      "cannot create the pipe that wakes a watch loop on SIGINT/SIGTERM");
  }
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  // SA_RESTART: a system call in progress (SQLite's I/O) is resumed, not failed.
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, &g_previous_int);
  sigaction(SIGTERM, &action, &g_previous_term);
}

StopSignal::~StopSignal() {
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
  close(g_wake_pipe[0]);
  close(g_wake_pipe[1]);
  g_wake_pipe[0] = -1;
  g_wake_pipe[1] = -1;
}

bool StopSignal::requested() const {
  return stop_requested();
}

bool stop_requested() {
  return g_stop_requested != 0;
}

bool StopSignal::sleep_for(core::Nanos duration) const {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::nanoseconds(duration);
  while (!requested()) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      break;
    }
    pollfd wake{g_wake_pipe[0], POLLIN, 0};
    const int timeout = left > 60'000 ? 60'000 : static_cast<int>(left);
    if (poll(&wake, 1, timeout) < 0 && errno != EINTR) {
      break;
    }
  }
  return requested();
}

} // namespace jobop::cli
