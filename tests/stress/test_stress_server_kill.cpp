// kill -9 of the MySQL server in the middle of a bulk `jobop cancel -`, at
// seeded random moments: jobop exits 5 with store.lost (store.unreachable if
// it had not connected yet), every job it reported is committed, every job is
// untouched or fully changed, and after a restart a rerun finishes the work.
// Needs the private test server (JOBOP_TEST_MYSQL_CTL); skipped with an
// external one. Sizes: JOBOP_STRESS_SERVER_KILL_JOBS, JOBOP_STRESS_SERVER_KILLS,
// JOBOP_STRESS_SEED (see docs/reliability.md).
#include "kill_support.hpp"
#include "process.hpp"
#include "stress_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <map>
#include <random>
#include <thread>

using jobop::test::Child;
using jobop::test::ChildOptions;
using jobop::test::spawn_jobop;
using jobop::test::TempDir;
namespace stress = jobop::stress;

namespace {

// How long jobop may take to notice that the server is gone: its socket is
// reset when the server dies, so this is far more than it needs.
constexpr auto k_exit_bound = std::chrono::seconds(30);

// The `code` of the last JSON diagnostic on `err` ("" if there is none).
std::string last_diagnostic_code(const std::string& err) {
  std::string code;
  for (const auto& line : stress::complete_json_lines(err)) {
    if (line.is_object() && line.contains("code")) {
      code = line.at("code").get<std::string>();
    }
  }
  return code;
}

} // namespace

TEST_SUITE("server_kill") {
  TEST_CASE("kill -9 of the MySQL server during a bulk cancel: exit 5, what was reported is "
            "committed, nothing is half-written, a rerun finishes") {
    // Enough ids for several chunks of 16,384 jobs (one transaction each).
    const std::size_t n_jobs = stress::env_count("JOBOP_STRESS_SERVER_KILL_JOBS", 40000, 33000);
    const std::size_t n_kills = stress::env_count("JOBOP_STRESS_SERVER_KILLS", 6, 3);
    const std::uint64_t seed = stress::stress_seed() + 2;
    std::mt19937_64 random(seed);
    if (!stress::mysql_server_or_skip("server kill", true)) {
      return;
    }
    INFO("seed " << seed);

    TempDir dir;
    const auto setup_start = std::chrono::steady_clock::now();
    stress::CancelScenario scenario(dir, n_jobs, random, true);
    // Declared after the scenario, so destroyed before it: the server runs
    // again before the scenario drops its schemas, and before the next test.
    stress::TestServer server;
    stress::StressStore& db = scenario.db();
    const auto& command = stress::CancelScenario::command();
    const double setup_seconds = stress::seconds_since(setup_start);

    scenario.reset();
    const stress::FullRun baseline = stress::run_fully(db, command, scenario.input(), dir);
    REQUIRE_MESSAGE(baseline.exit_code == 0, baseline.err);
    REQUIRE(stress::printed_records(baseline.out).size() == n_jobs);
    REQUIRE(scenario.check_after(baseline.out) == scenario.to_change());

    std::size_t kills = 0;   // kills that hit a running jobop
    std::size_t partial = 0; // ... and left some but not all jobs changed
    std::size_t reported = 0;
    std::size_t attempts = 0;
    std::map<std::string, std::size_t> codes; // diagnostics of the interrupted runs
    double restart_max = 0;
    double restart_total = 0;
    double exit_after_kill_max = 0;
    const auto start = std::chrono::steady_clock::now();
    while (kills < n_kills && attempts++ < 3 * n_kills) {
      scenario.reset();
      Child child =
        spawn_jobop(db.args(command), ChildOptions{scenario.input(), dir.file("kill.out"),
                                                   dir.file("kill.err"), "", db.env()});
      // Stratified: the k-th kill lands at a random moment of the k-th of
      // n_kills equal slices of 0-95 % of a full run, so that a few kills
      // still cover start-up, the reads and the commits of every chunk.
      const double slice = 0.95 * baseline.seconds / static_cast<double>(n_kills);
      const double at = slice * (static_cast<double>((attempts - 1) % n_kills) +
                                 std::uniform_real_distribution<double>(0.0, 1.0)(random));
      std::this_thread::sleep_for(std::chrono::microseconds(static_cast<std::int64_t>(at * 1e6)));
      server.kill9();
      const auto killed_at = std::chrono::steady_clock::now();
      while (!child.try_wait() && std::chrono::steady_clock::now() - killed_at < k_exit_bound) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      const bool exited = child.try_wait();
      const double exit_after_kill = stress::seconds_since(killed_at);
      if (!exited) {
        child.kill(SIGKILL);
        child.wait();
      }
      const double restart = server.start();
      restart_max = std::max(restart_max, restart);
      restart_total += restart;
      REQUIRE_MESSAGE(exited,
                      "jobop still ran " << k_exit_bound.count() << " s after the server died");
      const std::string out = jobop::test::read_file(dir.file("kill.out"));
      const std::string err = jobop::test::read_file(dir.file("kill.err"));
      const auto printed = stress::printed_records(out);

      if (child.exit_code() == 0) {
        // It had finished (or finished its last commit) before the signal:
        // not a kill of a running command, but the work must be complete.
        CHECK(printed.size() == n_jobs);
      } else {
        ++kills;
        exit_after_kill_max = std::max(exit_after_kill_max, exit_after_kill);
        const std::string code = last_diagnostic_code(err);
        ++codes[code.empty() ? "(none)" : code];
        CHECK_MESSAGE(child.exit_code() == 5, "exit " << child.exit_code() << ": " << err);
        CHECK_MESSAGE((code == "store.lost" || code == "store.unreachable"), err);
        reported += printed.size();
      }
      const std::size_t done = scenario.check_after(out);
      partial += child.exit_code() != 0 && done > 0 && done < scenario.to_change();

      // The same command again, on the restarted server, finishes the work.
      const stress::FullRun rerun = stress::run_fully(db, command, scenario.input(), dir);
      REQUIRE_MESSAGE(rerun.exit_code == 0, rerun.err);
      CHECK(scenario.check_after(rerun.out) == scenario.to_change());
      std::size_t changed = 0;
      for (const auto& record : stress::printed_records(rerun.out)) {
        changed += record.changed;
      }
      CHECK(changed == scenario.to_change() - done);
    }
    CHECK(kills == n_kills);
    const nlohmann::json figures = {
      {"test", "server kill"},
      {"backend", "mysql"},
      {"sanitized", stress::sanitized_build()},
      {"jobs", n_jobs},
      {"seed", seed},
      {"kills", kills},
      {"kills_mid_run", partial},
      {"runs_done_before_kill", attempts - kills},
      {"diagnostics", codes},
      {"records_reported_before_kills", reported},
      {"jobop_exit_after_kill_max_seconds", exit_after_kill_max},
      {"restart_max_seconds", restart_max},
      {"restart_mean_seconds", attempts > 0 ? restart_total / static_cast<double>(attempts) : 0.0},
      {"setup_seconds", setup_seconds},
      {"full_run_seconds", baseline.seconds},
      {"seconds", stress::seconds_since(start)}};
    std::cout << figures.dump() << std::endl;
  }
}
