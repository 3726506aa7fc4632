#pragma once

#include <string>
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
