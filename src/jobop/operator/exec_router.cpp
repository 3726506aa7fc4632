#include <jobop/operator/exec_router.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <string_view>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace jobop::ops {

namespace {

bool is_executable_file(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
         ::access(path.c_str(), X_OK) == 0;
}

} // namespace

std::string exec_program_problem(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    if (::access(program.c_str(), F_OK) != 0) {
      return "no such file";
    }
    return is_executable_file(program) ? "" : "not an executable file";
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    const auto colon = dirs.find(':');
    const std::string dir(dirs.substr(0, colon));
    if (is_executable_file((dir.empty() ? "." : dir) + "/" + program)) {
      return "";
    }
    if (colon == std::string_view::npos) {
      return "not found in PATH";
    }
    dirs.remove_prefix(colon + 1);
  }
}

std::vector<std::string> exec_environment(const char* const* parent,
                                          const std::vector<std::string>& pass,
                                          const CancelMessage& message) {
  static const char* const k_kept[] = {"PATH", "HOME", "LANG", "TZ", "USER"};
  static const char* const k_fields[] = {"JOBOP_JOB_ID", "JOBOP_EPOCH", "JOBOP_NODE_ID",
                                         "JOBOP_ADDRESS"};
  const auto named = [](std::string_view entry, std::string_view name) {
    return entry.size() > name.size() && entry.substr(0, name.size()) == name &&
           entry[name.size()] == '=';
  };
  std::vector<std::string> env;
  for (const char* const* e = parent; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry(*e);
    bool keep = entry.substr(0, 3) == "LC_";
    for (const char* name : k_kept) {
      keep = keep || named(entry, name);
    }
    for (const std::string& name : pass) {
      keep = keep || named(entry, name);
    }
    // The message's fields are always this message's, never inherited.
    for (const char* name : k_fields) {
      keep = keep && !named(entry, name);
    }
    if (keep) {
      env.emplace_back(entry);
    }
  }
  env.push_back(std::string(k_fields[0]) + "=" + message.job_id);
  env.push_back(std::string(k_fields[1]) + "=" + std::to_string(message.epoch));
  env.push_back(std::string(k_fields[2]) + "=" + message.node_id);
  env.push_back(std::string(k_fields[3]) + "=" + message.address);
  return env;
}

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

// Stop the program's process group: SIGTERM, then SIGKILL after the grace.
void stop_group(pid_t pid, int& status) {
  ::kill(-pid, SIGTERM);
  const auto grace_end =
    std::chrono::steady_clock::now() + std::chrono::nanoseconds(k_exec_stop_grace);
  while (std::chrono::steady_clock::now() < grace_end) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      // The leader is gone; what it started goes with the group.
      ::kill(-pid, SIGKILL);
      return;
    }
    ::poll(nullptr, 0, 10);
  }
  ::kill(-pid, SIGKILL);
  ::waitpid(pid, &status, 0);
}

} // namespace

ExecRouter::ExecRouter(std::string program, core::Nanos timeout)
  : ExecRouter(std::move(program), ExecOptions{timeout, {}, {}}) {}

ExecRouter::ExecRouter(std::string program, ExecOptions options)
  : m_program(std::move(program)), m_options(std::move(options)) {}

SendOutcome ExecRouter::send(store::Metastore&, const CancelMessage& message, core::UnixNanos) {
  const auto stopping = [this] { return m_options.stop_requested && m_options.stop_requested(); };
  if (stopping()) {
    return {SendStatus::failed, "not run: jobop is stopping (SIGINT/SIGTERM)"};
  }
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

  std::vector<std::string> args{m_program,       "--",
                                message.job_id,  std::to_string(message.epoch),
                                message.node_id, message.address};
  std::vector<std::string> env = exec_environment(environ, m_options.pass_env, message);
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
  const auto deadline =
    std::chrono::steady_clock::now() + std::chrono::nanoseconds(m_options.timeout);
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
                                    std::to_string(m_options.timeout / core::k_millisecond) +
                                    " ms and was killed"};
    }
    if (stopping()) {
      stop_group(pid, status);
      return {SendStatus::failed,
              m_program + " was stopped: jobop received SIGINT/SIGTERM before it exited"};
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
