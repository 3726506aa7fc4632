#include <jobop/operator/exec_router.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace jobop::ops {

namespace {

// Keep this much of the program's stderr for the error text.
constexpr std::size_t k_max_stderr = 2048;

// Own a file descriptor.
class Fd {
public:
  explicit Fd(int fd = -1) : m_fd(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }
  void reset() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = -1;
  }

private:
  int m_fd;
};

// The environment of the child: ours without JOBOP_{JOB_ID,EPOCH,NODE_ID,
// ADDRESS}, plus those four for `message`.
std::vector<std::string> child_environment(const CancelMessage& message) {
  static const char* const k_names[] = {
    "JOBOP_JOB_ID=", "JOBOP_EPOCH=", "JOBOP_NODE_ID=", "JOBOP_ADDRESS="};
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    bool ours = false;
    for (const char* name : k_names) {
      ours |= std::strncmp(*e, name, std::strlen(name)) == 0;
    }
    if (!ours) {
      env.emplace_back(*e);
    }
  }
  env.push_back(std::string(k_names[0]) + message.job_id);
  env.push_back(std::string(k_names[1]) + std::to_string(message.epoch));
  env.push_back(std::string(k_names[2]) + message.node_id);
  env.push_back(std::string(k_names[3]) + message.address);
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

std::string describe_failure(int status, const std::string& program,
                             const std::string& stderr_text) {
  std::string why;
  if (WIFEXITED(status)) {
    why = program + " exited with status " + std::to_string(WEXITSTATUS(status));
  } else if (WIFSIGNALED(status)) {
    why = program + " was killed by signal " + std::to_string(WTERMSIG(status));
  } else {
    why = program + " failed";
  }
  if (!stderr_text.empty()) {
    why += ": " + stderr_text;
  }
  return why;
}

} // namespace

ExecRouter::ExecRouter(std::string program, core::Nanos timeout)
  : m_program(std::move(program)), m_timeout(timeout) {}

SendOutcome ExecRouter::send(store::Metastore&, const CancelMessage& message, core::UnixNanos) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return {SendStatus::failed, std::string("cannot make a pipe: ") + std::strerror(errno)};
  }
  Fd read_end(pipe_fds[0]);
  Fd write_end(pipe_fds[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  // Our stdout carries JSON: the program's stdout goes nowhere.
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so that a timeout kills what it started too.
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t defaults;
  sigemptyset(&defaults);
  posix_spawnattr_setsigmask(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> args{m_program, message.job_id, std::to_string(message.epoch),
                                message.node_id, message.address};
  std::vector<std::string> env = child_environment(message);
  auto argv = pointers(args);
  auto envp = pointers(env);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, m_program.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  write_end.reset();
  if (rc != 0) {
    return {SendStatus::failed, "cannot run " + m_program + ": " + std::strerror(rc)};
  }

  // A duration, not a time of day: the steady clock bounds the wait.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(m_timeout);
  std::string stderr_text;
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      break;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return {SendStatus::failed, m_program + " timed out after " +
                                    std::to_string(m_timeout / core::k_millisecond) +
                                    " ms and was killed"};
    }
    const int wait_ms = static_cast<int>(std::min<long long>(left.count() + 1, 10));
    if (read_end.get() >= 0) {
      pollfd pfd{read_end.get(), POLLIN, 0};
      if (::poll(&pfd, 1, wait_ms) > 0) {
        char buf[512];
        const ssize_t n = ::read(read_end.get(), buf, sizeof buf);
        if (n > 0) {
          const auto room = k_max_stderr - std::min(k_max_stderr, stderr_text.size());
          stderr_text.append(buf, std::min(room, static_cast<std::size_t>(n)));
        } else if (n == 0) {
          read_end.reset();
        }
      }
    } else {
      ::poll(nullptr, 0, wait_ms);
    }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    return {SendStatus::sent, {}};
  }
  // Take what is left in the pipe without waiting on a grandchild holding it.
  pollfd pfd{read_end.get(), POLLIN, 0};
  while (read_end.get() >= 0 && stderr_text.size() < k_max_stderr && ::poll(&pfd, 1, 0) > 0) {
    char buf[512];
    const ssize_t n = ::read(read_end.get(), buf, sizeof buf);
    if (n <= 0) {
      break;
    }
    stderr_text.append(buf,
                       std::min(k_max_stderr - stderr_text.size(), static_cast<std::size_t>(n)));
  }
  while (!stderr_text.empty() && (stderr_text.back() == '\n' || stderr_text.back() == '\r')) {
    stderr_text.pop_back();
  }
  return {SendStatus::failed, describe_failure(status, m_program, stderr_text)};
}

} // namespace jobop::ops
