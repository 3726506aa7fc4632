#pragma once

#include <chrono>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

// Run the built jobop binary as a child process, as a script would.
namespace jobop::test {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Return the path of the jobop binary under test (env JOBOP_BIN, set by ctest).
std::string jobop_binary();

// Run `argv` (argv[0] is the program path) with `input` on stdin and the
// extra `env` entries ("NAME=value") added to this process's environment.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = "",
                          const std::vector<std::string>& env = {});

// Run jobop with `args`.
ProcessResult run_jobop(const std::vector<std::string>& args, const std::string& input = "",
                        const std::vector<std::string>& env = {});

// Where a Child's standard streams go and where it runs. Empty paths mean
// /dev/null (stdin, stdout, stderr) or this process's directory (cwd).
struct ChildOptions {
  std::string stdin_path;
  std::string stdout_path;
  std::string stderr_path;
  std::string cwd;
  // Extra environment entries ("NAME=value").
  std::vector<std::string> env;
};

// A child process that runs while the test goes on, so that it can be killed
// at any moment or run alongside others. Its streams are files, not pipes:
// what it wrote before a kill is still there to read, and nothing can block
// on a full pipe. A running child is killed with SIGKILL and reaped when this
// object goes away.
class Child {
public:
  Child(const std::vector<std::string>& argv, const ChildOptions& options);
  ~Child();
  Child(Child&& other) noexcept;
  Child& operator=(Child&&) = delete;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return m_pid; }
  // Send `signal`; do nothing once the child was reaped.
  void kill(int signal);
  // Reap the child if it has ended and return true then.
  bool try_wait();
  // Wait for the end; return the exit code, or 128 + the signal that killed it.
  int wait();
  // True once reaped, with the way it ended.
  bool reaped() const { return m_pid <= 0; }
  bool killed_by_signal() const { return m_signal != 0; }
  int exit_code() const { return m_exit_code; }

private:
  void record(int status);

  pid_t m_pid = -1;
  int m_exit_code = -1;
  int m_signal = 0;
};

// Start jobop with `args` as a Child.
Child spawn_jobop(const std::vector<std::string>& args, const ChildOptions& options);

// How a PtySession's jobop meets its terminal: stderr is always the pty;
// stdin and stdout may be pipes instead, as in `ids | jobop cancel - > out`.
struct PtyOptions {
  unsigned short columns = 80;
  unsigned short rows = 24;
  // False: stdin is a pipe fed with `input`, then closed.
  bool stdin_on_pty = true;
  std::string input;
  // False: stdout is a pipe, collected in PtySession::out().
  bool stdout_on_pty = true;
  // Extra environment entries ("NAME=value"); TERM is xterm and NO_COLOR,
  // COLUMNS and LINES are unset unless given here.
  std::vector<std::string> env;
};

// jobop on a real pseudo-terminal, in a session of its own with the pty as
// its controlling terminal (so /dev/tty works): what a person at a terminal
// sees, and keys typed as a person types them.
class PtySession {
public:
  PtySession(const std::vector<std::string>& args, const PtyOptions& options);
  ~PtySession();
  PtySession(const PtySession&) = delete;
  PtySession& operator=(const PtySession&) = delete;

  // Read the terminal until `text` has appeared; return false after `timeout`.
  bool wait_for(const std::string& text,
                std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Type `keys` on the terminal.
  void type(const std::string& keys);
  // Read until jobop ends; return its exit code (128 + signal).
  int wait();
  // Everything written to the terminal so far, with "\r\n" as it arrives.
  const std::string& screen() const { return m_screen; }
  // What jobop wrote to stdout, when it was a pipe.
  const std::string& out() const { return m_out; }

private:
  // Read what is ready within `timeout_ms`; return false once both are closed.
  bool pump(int timeout_ms);

  pid_t m_pid = -1;
  int m_master = -1;
  int m_out_fd = -1;
  std::string m_screen;
  std::string m_out;
  int m_exit_code = -1;
};

// Return `screen` as plain lines: ANSI escape sequences and CRs removed.
std::string plain_text(const std::string& screen);

// Return the whole content of the file at `path` ("" if it does not exist).
std::string read_file(const std::string& path);

// A fresh empty directory that is removed when this object goes away.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return m_path; }
  // Return `path()/name`.
  std::string file(const std::string& name) const { return m_path + "/" + name; }

private:
  std::string m_path;
};

} // namespace jobop::test
