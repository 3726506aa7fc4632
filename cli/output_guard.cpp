#include <cli/output_guard.hpp>

#include <cli/diagnostics.hpp>
#include <jobop/core/exceptions.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <unistd.h>

namespace jobop::cli {

namespace {

// Set once the loss was reported, so that close_stdout does not say it twice.
bool g_loss_reported = false;

std::string loss_message(int error) {
  std::string message = "the results could not be written to stdout";
  if (error != 0) {
    message += std::string(" (") + std::strerror(error) + ")";
  }
  return message + ": what was done up to here is done, whether or not it was printed; a "
                   "rerun is safe";
}

// The errno of a failed write, when it still tells one: iostreams keep no
// error of their own.
int write_errno() {
  return errno == EPIPE || errno == ENOSPC || errno == EBADF || errno == EIO || errno == EDQUOT ||
             errno == EFBIG
           ? errno
           : 0;
}

} // namespace

void ensure_written(std::ostream& out) {
  if (out.fail()) {
    g_loss_reported = true;
    throw core::OutputError("output.write_failed", loss_message(write_errno()));
  }
}

int close_stdout(int exit_code) {
  errno = 0;
  std::cout.flush();
  bool lost = std::cout.fail();
  int error = lost ? write_errno() : 0;
  if (std::fflush(stdout) != 0) {
    lost = true;
    error = errno;
  }
  // A descriptor that was closed from the start (EBADF) failed every write
  // above already; close() on NFS may report a write that failed late.
  if (::close(STDOUT_FILENO) != 0 && errno != EBADF && errno != EINTR) {
    lost = true;
    error = errno;
  }
  if (!lost || g_loss_reported) {
    return exit_code;
  }
  g_loss_reported = true;
  write_diagnostic(std::cerr, "error", "output.write_failed", loss_message(error));
  return exit_code == core::to_int(core::ExitCode::success)
           ? core::to_int(core::ExitCode::output_failed)
           : exit_code;
}

} // namespace jobop::cli
