#pragma once

#include "process.hpp"
#include "stress_support.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

// What the kill tests share (tests/stress/test_stress_kill9.cpp kills jobop,
// test_stress_server_kill.cpp kills the MySQL server): running a command to
// its end or until a kill, reading what `cancel -o jsonl` printed, and the
// bulk-cancel scenario with the checks of what a kill may leave.
namespace jobop::stress {

// A command run to its end: exit code, stdout, stderr and the seconds it took.
struct FullRun {
  int exit_code = 0;
  std::string out;
  std::string err;
  double seconds = 0;
};

// Run jobop `args` on `store` to its end, stdin from `input` if not empty,
// its streams in files of `dir`.
FullRun run_fully(const StressStore& store, const std::vector<std::string>& args,
                  const std::string& input, const test::TempDir& dir);

// Return a moment to kill at: uniform over 0-95 % of a full run, so that
// kills land in start-up, in every chunk and at the very end.
std::chrono::microseconds random_delay(std::mt19937_64& random, double full_run_seconds);

// One record of `cancel -o jsonl`.
struct Printed {
  std::string id;
  bool changed = false;
};

// Return the id and `changed` of each complete line of `cancel -o jsonl`
// output. The ids of these tests are plain ASCII ("bulk-00042"), so scanning
// for the keys is exact, and much faster than a JSON parser in the sanitized
// build; a complete line without them is a failure, a last line cut by a
// kill is ignored.
std::vector<Printed> printed_records(const std::string& text);

// The bulk cancel the kill tests interrupt: `n_jobs` jobs "bulk-NNNNN",
// running but for every 20th finished (a cancel must leave it alone) and
// every 20th (offset 1) already canceling (a cancel must not touch its op
// again), and their ids shuffled with `random` on stdin of
// `jobop cancel - -o jsonl`. The pristine metastore is seeded once; db() is
// the one the commands run on, a copy of it after reset(). On MySQL when
// `mysql` (see StressStore).
class CancelScenario {
public:
  CancelScenario(const test::TempDir& dir, std::size_t n_jobs, std::mt19937_64& random,
                 bool mysql = stress_on_mysql());

  // The command: `cancel - -o jsonl`, its ids from input().
  static const std::vector<std::string>& command();
  const std::string& input() const { return m_input; }
  const std::vector<std::string>& order() const { return m_order; }
  StressStore& db() { return m_db; }
  // How many jobs a full run changes (the running ones).
  std::size_t to_change() const { return m_to_change; }
  // Make db() the pristine metastore again.
  void reset() { m_db.copy_from(m_pristine); }

  // Check what a kill (or a run) left in db(), given the stdout `printed` of
  // the command; return how many jobs are done (canceling by this command).
  // - a read-only `jobop status ID` succeeds (the first command after a
  //   crash may well be one);
  // - db().integrity() is "ok";
  // - every job is untouched or fully changed (a new Canceling op row with
  //   created_at = updated_at, the job row as before, no outbox row); the
  //   finished and the already-canceling jobs are exactly as before;
  // - the changed jobs are a prefix of the input (chunks commit in order);
  // - every job `printed` names is still canceling (or, finished, untouched).
  std::size_t check_after(const std::string& printed);

private:
  StressStore m_pristine;
  StressStore m_db;
  std::map<std::string, JobView> m_before;
  std::vector<std::string> m_order;
  std::string m_input;
  std::size_t m_to_change = 0;
};

} // namespace jobop::stress
