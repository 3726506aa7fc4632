#include "process.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace jobop::test {

std::string jobop_binary() {
  const char* path = std::getenv("JOBOP_BIN");
  if (path == nullptr || *path == '\0') {
    throw std::runtime_error("JOBOP_BIN is not set: run the end-to-end tests through ctest");
  }
  return path;
}

namespace {

void check(int rc, const char* what) {
  if (rc != 0) {
    throw std::runtime_error(std::string(what) + ": " + std::strerror(rc == -1 ? errno : rc));
  }
}

} // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input,
                          const std::vector<std::string>& env) {
  int in_pipe[2];
  int out_pipe[2];
  int err_pipe[2];
  // Close-on-exec: a child spawned at the same moment by another thread must
  // not inherit these ends, or this child's EOF never comes while it runs.
  check(pipe2(in_pipe, O_CLOEXEC), "pipe");
  check(pipe2(out_pipe, O_CLOEXEC), "pipe");
  check(pipe2(err_pipe, O_CLOEXEC), "pipe");

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
    posix_spawn_file_actions_addclose(&actions, fd);
  }

  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    // A JOBOP_DB of the person running the tests must not point them at a
    // real metastore; tests that want it pass it in `env`.
    if (std::strncmp(*e, "JOBOP_DB=", 9) != 0) {
      env_strings.emplace_back(*e);
    }
  }
  env_strings.insert(env_strings.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& s : env_strings) {
    envp.push_back(s.data());
  }
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& s : args) {
    argp.push_back(s.data());
  }
  argp.push_back(nullptr);

  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argp[0], &actions, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(in_pipe[1]);
    close(out_pipe[0]);
    close(err_pipe[0]);
    throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(rc));
  }

  // Feed stdin and drain both outputs together so no pipe fills up and blocks.
  ProcessResult result;
  std::size_t written = 0;
  int in_fd = in_pipe[1];
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  }
  int out_fd = out_pipe[0];
  int err_fd = err_pipe[0];
  signal(SIGPIPE, SIG_IGN);
  while (in_fd >= 0 || out_fd >= 0 || err_fd >= 0) {
    pollfd fds[3] = {{in_fd, POLLOUT, 0}, {out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw std::runtime_error("poll failed");
    }
    if (in_fd >= 0 && (fds[0].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      const ssize_t n = write(in_fd, input.data() + written, input.size() - written);
      if (n > 0) {
        written += static_cast<std::size_t>(n);
      }
      if (n < 0 || written == input.size()) {
        close(in_fd);
        in_fd = -1;
      }
    }
    for (int i = 1; i < 3; ++i) {
      int& fd = i == 1 ? out_fd : err_fd;
      if (fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        char buffer[65536];
        const ssize_t n = read(fd, buffer, sizeof buffer);
        if (n > 0) {
          (i == 1 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
        } else {
          close(fd);
          fd = -1;
        }
      }
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

ProcessResult run_jobop(const std::vector<std::string>& args, const std::string& input,
                        const std::vector<std::string>& env) {
  std::vector<std::string> argv{jobop_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, input, env);
}

namespace {

// Return this process's environment followed by `extra`.
std::vector<std::string> environment_with(const std::vector<std::string>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    out.emplace_back(*e);
  }
  out.insert(out.end(), extra.begin(), extra.end());
  return out;
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

} // namespace

Child::Child(const std::vector<std::string>& argv, const ChildOptions& options) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const auto or_null = [](const std::string& path) { return path.empty() ? "/dev/null" : path; };
  const std::string in = or_null(options.stdin_path);
  const std::string out = or_null(options.stdout_path);
  const std::string err = or_null(options.stderr_path);
  posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (!options.cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());
  }
  std::vector<std::string> env = environment_with(options.env);
  std::vector<std::string> args = argv;
  auto envp = pointers_to(env);
  auto argp = pointers_to(args);
  const int rc = posix_spawn(&m_pid, argp[0], &actions, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    m_pid = -1;
    throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(rc));
  }
}

Child::~Child() {
  if (m_pid > 0) {
    ::kill(m_pid, SIGKILL);
    int status = 0;
    while (waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

Child::Child(Child&& other) noexcept
  : m_pid(other.m_pid), m_exit_code(other.m_exit_code), m_signal(other.m_signal) {
  other.m_pid = -1;
}

void Child::kill(int signal) {
  if (m_pid > 0) {
    ::kill(m_pid, signal);
  }
}

void Child::record(int status) {
  m_pid = -1;
  if (WIFSIGNALED(status)) {
    m_signal = WTERMSIG(status);
    m_exit_code = 128 + m_signal;
  } else {
    m_exit_code = WEXITSTATUS(status);
  }
}

bool Child::try_wait() {
  if (m_pid <= 0) {
    return true;
  }
  int status = 0;
  const pid_t done = waitpid(m_pid, &status, WNOHANG);
  if (done == m_pid) {
    record(status);
    return true;
  }
  return false;
}

int Child::wait() {
  if (m_pid > 0) {
    int status = 0;
    pid_t done = -1;
    while ((done = waitpid(m_pid, &status, 0)) < 0 && errno == EINTR) {
    }
    if (done != m_pid) {
      m_pid = -1;
      throw std::runtime_error(std::string("waitpid failed: ") + std::strerror(errno));
    }
    record(status);
  }
  return m_exit_code;
}

Child spawn_jobop(const std::vector<std::string>& args, const ChildOptions& options) {
  std::vector<std::string> argv{jobop_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return Child(argv, options);
}

PtySession::PtySession(const std::vector<std::string>& args, const PtyOptions& options) {
  winsize size{};
  size.ws_col = options.columns;
  size.ws_row = options.rows;
  int slave = -1;
  if (openpty(&m_master, &slave, nullptr, nullptr, &size) != 0) {
    throw std::runtime_error(std::string("openpty: ") + std::strerror(errno));
  }
  int in_pipe[2] = {-1, -1};
  int out_pipe[2] = {-1, -1};
  check(pipe2(in_pipe, O_CLOEXEC), "pipe");
  check(pipe2(out_pipe, O_CLOEXEC), "pipe");

  // Everything the child needs is built before fork: after it, only
  // async-signal-safe calls.
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto name = entry.substr(0, entry.find('='));
    if (name != "JOBOP_DB" && name != "TERM" && name != "NO_COLOR" && name != "COLUMNS" &&
        name != "LINES") {
      env.push_back(entry);
    }
  }
  // getenv takes the first entry of a name: one TERM only.
  bool term_given = false;
  for (const auto& entry : options.env) {
    term_given = term_given || entry.rfind("TERM=", 0) == 0;
  }
  if (!term_given) {
    env.emplace_back("TERM=xterm");
  }
  env.insert(env.end(), options.env.begin(), options.env.end());
  std::vector<std::string> argv{jobop_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto envp = pointers_to(env);
  auto argp = pointers_to(argv);

  m_pid = fork();
  if (m_pid < 0) {
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (m_pid == 0) {
    setsid();
    ioctl(slave, TIOCSCTTY, 0);
    dup2(options.stdin_on_pty ? slave : in_pipe[0], 0);
    dup2(options.stdout_on_pty ? slave : out_pipe[1], 1);
    dup2(slave, 2);
    if (slave > 2) {
      close(slave);
    }
    close(m_master);
    execve(argp[0], argp.data(), envp.data());
    _exit(127);
  }
  close(slave);
  close(in_pipe[0]);
  close(out_pipe[1]);
  if (!options.input.empty()) {
    // Small inputs: they fit in the pipe's buffer.
    const ssize_t n = write(in_pipe[1], options.input.data(), options.input.size());
    (void)n;
  }
  close(in_pipe[1]);
  if (options.stdout_on_pty) {
    close(out_pipe[0]);
  } else {
    m_out_fd = out_pipe[0];
  }
}

PtySession::~PtySession() {
  if (m_pid > 0) {
    ::kill(m_pid, SIGKILL);
    int status = 0;
    while (waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (m_master >= 0) {
    close(m_master);
  }
  if (m_out_fd >= 0) {
    close(m_out_fd);
  }
}

bool PtySession::pump(int timeout_ms) {
  if (m_master < 0 && m_out_fd < 0) {
    return false;
  }
  pollfd fds[2] = {{m_master, POLLIN, 0}, {m_out_fd, POLLIN, 0}};
  if (poll(fds, 2, timeout_ms) < 0) {
    return errno == EINTR;
  }
  for (int i = 0; i < 2; ++i) {
    int& fd = i == 0 ? m_master : m_out_fd;
    if (fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      char buffer[65536];
      const ssize_t n = read(fd, buffer, sizeof buffer);
      if (n > 0) {
        (i == 0 ? m_screen : m_out).append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        // EIO on the master: every holder of the terminal has closed it.
        close(fd);
        fd = -1;
      }
    }
  }
  return true;
}

bool PtySession::wait_for(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (m_screen.find(text) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !pump(static_cast<int>(std::min<long>(left.count(), 100)))) {
      return m_screen.find(text) != std::string::npos;
    }
  }
  return true;
}

void PtySession::type(const std::string& keys) {
  const ssize_t n = write(m_master, keys.data(), keys.size());
  if (n != static_cast<ssize_t>(keys.size())) {
    throw std::runtime_error("cannot type on the pty");
  }
}

int PtySession::wait() {
  if (m_pid > 0) {
    // The master stays readable until jobop and its terminal are gone;
    // reap as soon as it exits so a grandchild cannot hold the loop.
    int status = 0;
    while (true) {
      if (!pump(50)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      const pid_t done = waitpid(m_pid, &status, WNOHANG);
      if (done == m_pid) {
        break;
      }
    }
    m_pid = -1;
    while (pump(50)) {
      if (m_master < 0 && m_out_fd < 0) {
        break;
      }
    }
    m_exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  return m_exit_code;
}

std::string plain_text(const std::string& screen) {
  std::string out;
  for (std::size_t i = 0; i < screen.size(); ++i) {
    if (screen[i] == '\033' && i + 1 < screen.size() && screen[i + 1] == '[') {
      i += 2;
      while (i < screen.size() && !(screen[i] >= '@' && screen[i] <= '~')) {
        ++i;
      }
      continue;
    }
    if (screen[i] != '\r') {
      out += screen[i];
    }
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "jobop-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  m_path = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(m_path, ignored);
}

} // namespace jobop::test
