// kill -9 of `jobop cancel -` and `jobop tick` at seeded random moments: the
// metastore stays sound, every job is untouched or fully changed, what the
// tool reported is kept, and rerunning the command finishes the work.
// Sizes: JOBOP_STRESS_KILL_CANCEL_JOBS, JOBOP_STRESS_KILL_TICK_JOBS,
// JOBOP_STRESS_KILLS, JOBOP_STRESS_KILLS_PER_ROUND, JOBOP_STRESS_SEED.
#include "kill_support.hpp"
#include "process.hpp"
#include "stress_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <random>
#include <set>
#include <thread>

using jobop::test::Child;
using jobop::test::ChildOptions;
using jobop::test::spawn_jobop;
using jobop::test::TempDir;
namespace stress = jobop::stress;

namespace {

constexpr jobop::core::UnixNanos k_seeded_at = 1'714'564'900 * jobop::core::k_second;

// How one kill went.
struct KillOutcome {
  bool killed = false; // false: the command ended before the signal
  int exit_code = 0;
  std::string out;
  std::string err;
};

// Run `args` on `store` (stdin from `input` if not empty), send SIGKILL
// after `delay`, and return how it ended.
KillOutcome run_and_kill(const stress::StressStore& store, const std::vector<std::string>& args,
                         const std::string& input, const TempDir& dir,
                         std::chrono::microseconds delay) {
  Child child = spawn_jobop(store.args(args), ChildOptions{input, dir.file("kill.out"),
                                                           dir.file("kill.err"), "", store.env()});
  std::this_thread::sleep_for(delay);
  child.kill(SIGKILL);
  KillOutcome outcome;
  outcome.exit_code = child.wait();
  outcome.killed = child.killed_by_signal();
  outcome.out = jobop::test::read_file(dir.file("kill.out"));
  outcome.err = jobop::test::read_file(dir.file("kill.err"));
  return outcome;
}

// JOBOP_STRESS_KILLS, or 30 kills per command (20 sanitized) on SQLite and
// 15 (8) on MySQL, where each costs more (a restore of the schema and
// commands that talk to a server): each test stays well under a minute.
std::size_t kills_default() {
  return stress::stress_on_mysql() ? stress::env_count("JOBOP_STRESS_KILLS", 15, 8)
                                   : stress::env_count("JOBOP_STRESS_KILLS", 30, 20);
}

const char* backend_name() {
  return stress::stress_on_mysql() ? "mysql" : "sqlite";
}

} // namespace

TEST_SUITE("kill9_cancel") {
  TEST_CASE("kill -9 of a bulk cancel leaves each job untouched or canceling; a rerun finishes") {
    // 20,000 ids make two chunks, so that a kill can land between commits;
    // the sanitized build on SQLite keeps to one (6,000), its runs being
    // slower there (on MySQL the server does most of the work).
    const std::size_t n_jobs = stress::env_count("JOBOP_STRESS_KILL_CANCEL_JOBS", 20000,
                                                 stress::stress_on_mysql() ? 20000 : 6000);
    const std::size_t n_kills = kills_default();
    const std::size_t per_round =
      std::max<std::size_t>(1, stress::env_count("JOBOP_STRESS_KILLS_PER_ROUND", 5));
    const std::uint64_t seed = stress::stress_seed();
    std::mt19937_64 random(seed);
    if (stress::stress_on_mysql() && !stress::mysql_server_or_skip("kill9 cancel", false)) {
      return;
    }
    INFO("seed " << seed);

    TempDir dir;
    stress::CancelScenario scenario(dir, n_jobs, random);
    stress::StressStore& db = scenario.db();
    const auto& command = stress::CancelScenario::command();
    const std::string& input = scenario.input();
    const auto check_after = [&](const std::string& printed) {
      return scenario.check_after(printed);
    };

    scenario.reset();
    const stress::FullRun baseline = stress::run_fully(db, command, input, dir);
    REQUIRE_MESSAGE(baseline.exit_code == 0, baseline.err);
    REQUIRE(stress::printed_records(baseline.out).size() == n_jobs);
    const std::size_t to_change = check_after(baseline.out);
    REQUIRE(to_change == scenario.to_change());

    std::size_t kills = 0;
    std::size_t partial = 0; // kills that left some but not all jobs changed
    std::size_t reported = 0;
    std::size_t attempts = 0;
    const auto start = std::chrono::steady_clock::now();
    while (kills < n_kills && attempts < 4 * n_kills) {
      scenario.reset();
      std::size_t done = 0;
      for (std::size_t k = 0; k < per_round && kills < n_kills; ++attempts) {
        const auto outcome =
          run_and_kill(db, command, input, dir, stress::random_delay(random, baseline.seconds));
        if (!outcome.killed) {
          REQUIRE_MESSAGE(outcome.exit_code == 0, outcome.err);
        } else {
          ++kills;
          ++k;
          reported +=
            static_cast<std::size_t>(std::count(outcome.out.begin(), outcome.out.end(), '\n'));
        }
        const std::size_t now_done = check_after(outcome.out);
        CHECK(now_done >= done); // a rerun never undoes
        partial += now_done > done && now_done < to_change;
        done = now_done;
      }
      // Rerunning the same command finishes the work.
      const stress::FullRun rerun = stress::run_fully(db, command, input, dir);
      REQUIRE_MESSAGE(rerun.exit_code == 0, rerun.err);
      CHECK(check_after(rerun.out) == to_change);
      std::size_t changed = 0;
      for (const auto& record : stress::printed_records(rerun.out)) {
        changed += record.changed;
      }
      CHECK(changed == to_change - done);
    }
    CHECK(kills == n_kills);
    const nlohmann::json figures = {{"test", "kill9 cancel"},
                                    {"backend", backend_name()},
                                    {"sanitized", stress::sanitized_build()},
                                    {"jobs", n_jobs},
                                    {"seed", seed},
                                    {"kills", kills},
                                    {"kills_mid_run", partial},
                                    {"records_reported_before_kills", reported},
                                    {"full_run_seconds", baseline.seconds},
                                    {"seconds", stress::seconds_since(start)}};
    std::cout << figures.dump() << std::endl;
  }
}

TEST_SUITE("kill9_tick") {
  TEST_CASE("kill -9 of a tick leaves each op untouched or fully done; a rerun finishes") {
    const std::size_t n_jobs = stress::env_count("JOBOP_STRESS_KILL_TICK_JOBS", 12000, 9000);
    const std::size_t n_kills = kills_default();
    const std::uint64_t seed = stress::stress_seed() + 1;
    std::mt19937_64 random(seed);

    if (stress::stress_on_mysql() && !stress::mysql_server_or_skip("kill9 tick", false)) {
      return;
    }
    INFO("seed " << seed);

    // A third of the canceling jobs terminated (tick: op canceled), a third
    // soft-deleted (orphans: op noop), a third live (tick: an outbox send).
    TempDir dir;
    stress::StressStore pristine(dir.path(), "pristine");
    const auto ids = stress::job_ids(n_jobs, "tick-");
    pristine.seed_running_jobs(ids);
    {
      std::vector<std::string> order = ids;
      std::shuffle(order.begin(), order.end(), random); // op seq_ids in random job order
      pristine.mark_canceling(order, k_seeded_at);
      const jobop::model::JobState ends[] = {jobop::model::JobState::stopped,
                                             jobop::model::JobState::finished,
                                             jobop::model::JobState::failed};
      std::vector<std::string> ending[3];
      std::vector<std::string> deleted;
      for (std::size_t i = 0; i < n_jobs; ++i) {
        if (i % 3 == 0) {
          ending[(i / 3) % 3].push_back(ids[i]);
        } else if (i % 3 == 1) {
          deleted.push_back(ids[i]);
        }
      }
      for (int e = 0; e < 3; ++e) {
        pristine.set_states(ending[e], ends[e], k_seeded_at);
      }
      pristine.soft_delete(deleted, k_seeded_at);
    }
    const auto before = pristine.read_jobs();
    std::vector<std::string> by_seq = ids;
    std::sort(by_seq.begin(), by_seq.end(), [&](const std::string& a, const std::string& b) {
      return before.at(a).op_seq_id < before.at(b).op_seq_id;
    });
    stress::StressStore db(dir.path(), "jobop");
    const std::vector<std::string> command{"tick"};

    // Check what a kill left; return the set of ops it had done.
    const auto check_after = [&](const std::string& printed) {
      // The first command after a crash may well be a read-only `status`.
      const auto first =
        jobop::test::run_jobop(db.args({"status", by_seq.front(), "-o", "jsonl"}), "", db.env());
      REQUIRE_MESSAGE(first.exit_code == 0, first.err);
      REQUIRE(db.integrity() == "ok");
      const auto now = db.read_jobs();
      std::set<std::string> done;
      bool gap = false;
      std::size_t bad = 0;
      for (const std::string& id : by_seq) {
        const auto& was = before.at(id);
        const auto& is = now.at(id);
        bad += is.state != was.state || is.live != was.live || is.op_seq_id != was.op_seq_id;
        bool changed = false;
        if (!was.live) {
          bad += is.op != 2 && is.op != 1;
          changed = is.op == 1;
        } else if (was.state >= 3) {
          bad += is.op != 2 && is.op != 3;
          changed = is.op == 3;
        } else {
          bad += is.op != 2 || is.send_count > 1;
          changed = is.send_count == 1;
        }
        // An op whose write is lost keeps its old updated_at.
        bad += !changed && is.op_updated_at != was.op_updated_at;
        bad += changed && gap; // pages commit in seq_id order
        gap |= !changed;
        if (changed) {
          done.insert(id);
        }
      }
      CHECK_MESSAGE(bad == 0, bad << " op(s) half-done, done out of order or touched");
      // `tick` prints its document at the end: whatever it printed is there.
      for (const auto& document : stress::complete_json_lines(printed)) {
        CHECK(document.at("items").size() == n_jobs);
        CHECK(done.size() == n_jobs);
      }
      return done;
    };

    db.copy_from(pristine);
    const stress::FullRun baseline = stress::run_fully(db, command, "", dir);
    REQUIRE_MESSAGE(baseline.exit_code == 0, baseline.err);
    REQUIRE(check_after(baseline.out).size() == n_jobs);

    std::size_t kills = 0;
    std::size_t partial = 0;
    std::size_t attempts = 0;
    const auto start = std::chrono::steady_clock::now();
    while (kills < n_kills && attempts++ < 4 * n_kills) {
      db.copy_from(pristine);
      const auto outcome =
        run_and_kill(db, command, "", dir, stress::random_delay(random, baseline.seconds));
      if (!outcome.killed) {
        REQUIRE_MESSAGE(outcome.exit_code == 0, outcome.err);
      } else {
        ++kills;
      }
      const auto done = check_after(outcome.out);
      partial += outcome.killed && !done.empty() && done.size() < n_jobs;

      // Rerun: every op reaches its end; a live job is sent once more.
      const stress::FullRun rerun = stress::run_fully(db, command, "", dir);
      REQUIRE_MESSAGE(rerun.exit_code == 0, rerun.err);
      const auto now = db.read_jobs();
      std::size_t unfinished = 0;
      for (const std::string& id : ids) {
        const auto& was = before.at(id);
        const auto& is = now.at(id);
        if (!was.live) {
          unfinished += is.op != 1;
        } else if (was.state >= 3) {
          unfinished += is.op != 3;
        } else {
          unfinished += is.op != 2 || is.send_count != (done.count(id) != 0 ? 2 : 1);
        }
      }
      CHECK(unfinished == 0);
      const auto document = nlohmann::json::parse(rerun.out);
      const auto& counts = document.at("counts");
      CHECK(counts.at("canceled").get<std::size_t>() + counts.at("noop").get<std::size_t>() +
              counts.at("cancel_sent").get<std::size_t>() ==
            n_jobs - (done.size() - std::count_if(done.begin(), done.end(), [&](const auto& id) {
                        return before.at(id).live && before.at(id).state < 3;
                      })));
    }
    CHECK(kills == n_kills);
    const nlohmann::json figures = {{"test", "kill9 tick"},
                                    {"backend", backend_name()},
                                    {"sanitized", stress::sanitized_build()},
                                    {"jobs", n_jobs},
                                    {"seed", seed},
                                    {"kills", kills},
                                    {"kills_mid_run", partial},
                                    {"full_run_seconds", baseline.seconds},
                                    {"seconds", stress::seconds_since(start)}};
    std::cout << figures.dump() << std::endl;
  }
}
