// kill -9 of `jobop cancel -` and `jobop tick` at seeded random moments: the
// metastore stays sound, every job is untouched or fully changed, what the
// tool reported is kept, and rerunning the command finishes the work.
// Sizes: JOBOP_STRESS_KILL_CANCEL_JOBS, JOBOP_STRESS_KILL_TICK_JOBS,
// JOBOP_STRESS_KILLS, JOBOP_STRESS_KILLS_PER_ROUND, JOBOP_STRESS_SEED.
#include "process.hpp"
#include "stress_support.hpp"

#include <jobop/operator/cancel.hpp>
#include <jobop/store/metastore.hpp>
#include <jobop/store/open.hpp>
#include <jobop/store/sqlite/sqlite_metastore.hpp>

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
namespace store = jobop::store;

namespace {

constexpr jobop::core::UnixNanos k_seeded_at = 1'714'564'900 * jobop::core::k_second;

// How one kill went.
struct KillOutcome {
  bool killed = false; // false: the command ended before the signal
  int exit_code = 0;
  std::string out;
  std::string err;
};

// Run `args` on the metastore `db` (stdin from `input` if not empty), send
// SIGKILL after `delay`, and return how it ended.
KillOutcome run_and_kill(const std::string& db, const std::vector<std::string>& args,
                         const std::string& input, const TempDir& dir,
                         std::chrono::microseconds delay) {
  std::vector<std::string> argv{"--db", db};
  argv.insert(argv.end(), args.begin(), args.end());
  Child child =
    spawn_jobop(argv, ChildOptions{input, dir.file("kill.out"), dir.file("kill.err"), "", {}});
  std::this_thread::sleep_for(delay);
  child.kill(SIGKILL);
  KillOutcome outcome;
  outcome.exit_code = child.wait();
  outcome.killed = child.killed_by_signal();
  outcome.out = jobop::test::read_file(dir.file("kill.out"));
  outcome.err = jobop::test::read_file(dir.file("kill.err"));
  return outcome;
}

// Run `args` to its end; return exit code, stdout, stderr and the seconds it took.
struct FullRun {
  int exit_code = 0;
  std::string out;
  std::string err;
  double seconds = 0;
};

FullRun run_fully(const std::string& db, const std::vector<std::string>& args,
                  const std::string& input, const TempDir& dir) {
  std::vector<std::string> argv{"--db", db};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto start = std::chrono::steady_clock::now();
  Child child =
    spawn_jobop(argv, ChildOptions{input, dir.file("full.out"), dir.file("full.err"), "", {}});
  FullRun run;
  run.exit_code = child.wait();
  run.seconds = stress::seconds_since(start);
  run.out = jobop::test::read_file(dir.file("full.out"));
  run.err = jobop::test::read_file(dir.file("full.err"));
  return run;
}

// Return a moment to kill at: uniform over most of a full run, so that
// kills land in start-up, in every chunk and at the very end.
// One record of `cancel -o jsonl`.
struct Printed {
  std::string id;
  bool changed = false;
};

// Return the id and `changed` of each complete line of `cancel -o jsonl`
// output. The ids of this test are plain ASCII ("bulk-00042"), so scanning
// for the keys is exact, and much faster than a JSON parser in the
// sanitized build; a line without them is a failure.
std::vector<Printed> printed_records(const std::string& text) {
  std::vector<Printed> records;
  std::size_t begin = 0;
  for (std::size_t end = text.find('\n'); end != std::string::npos;
       begin = end + 1, end = text.find('\n', begin)) {
    const std::string_view line(text.data() + begin, end - begin);
    const std::size_t id_at = line.find(",\"id\":\"");
    const std::size_t changed_at = line.find(",\"changed\":");
    REQUIRE_MESSAGE((id_at != std::string_view::npos && changed_at != std::string_view::npos),
                    line);
    const std::size_t id_begin = id_at + 7;
    const std::size_t id_end = line.find('"', id_begin);
    records.push_back({std::string(line.substr(id_begin, id_end - id_begin)),
                       line.substr(changed_at + 11, 4) == "true"});
  }
  return records;
}

std::chrono::microseconds random_delay(std::mt19937_64& random, double full_run_seconds) {
  std::uniform_real_distribution<double> pick(0.0, 0.95 * full_run_seconds);
  return std::chrono::microseconds(static_cast<std::int64_t>(pick(random) * 1e6));
}

} // namespace

TEST_SUITE("kill9_cancel") {
  TEST_CASE("kill -9 of a bulk cancel leaves each job untouched or canceling; a rerun finishes") {
    const std::size_t n_jobs = stress::env_count("JOBOP_STRESS_KILL_CANCEL_JOBS", 20000, 6000);
    const std::size_t n_kills = stress::env_count("JOBOP_STRESS_KILLS", 30, 20);
    const std::size_t per_round =
      std::max<std::size_t>(1, stress::env_count("JOBOP_STRESS_KILLS_PER_ROUND", 5));
    const std::uint64_t seed = stress::stress_seed();
    std::mt19937_64 random(seed);

    TempDir dir;
    const std::string pristine = dir.file("pristine.db");
    const auto ids = stress::job_ids(n_jobs, "bulk-");
    stress::seed_running_jobs(pristine, ids);
    // Every 20th job finished (a cancel must leave it alone) and every 20th
    // (offset 1) already canceling (a cancel must not touch its op again).
    {
      jobop::store::sqlite::SqliteMetastore s(pristine, store::OpenMode::read_write);
      s.db().exec("PRAGMA synchronous=OFF");
      std::vector<std::string> pre_canceling;
      for (std::size_t i = 0; i < n_jobs; ++i) {
        if (i % 20 == 0) {
          s.set_job_state(ids[i], jobop::model::JobState::finished, std::nullopt, k_seeded_at);
        } else if (i % 20 == 1) {
          pre_canceling.push_back(ids[i]);
        }
      }
      jobop::ops::cancel_jobs(s, pre_canceling, {}, k_seeded_at);
    }
    const auto before = stress::read_jobs(pristine);
    std::vector<std::string> order = ids;
    std::shuffle(order.begin(), order.end(), random);
    const std::string input = dir.file("ids.txt");
    stress::write_lines(input, order);
    const std::vector<std::string> command{"cancel", "-", "-o", "jsonl"};
    const std::string db = dir.file("jobop.db");

    // Check what a kill left; return how many jobs of `order` are done.
    const auto check_after = [&](const std::string& printed) {
      INFO("seed " << seed);
      // The first command after a crash may well be a read-only `status`.
      const auto first =
        jobop::test::run_jobop({"--db", db, "status", order.front(), "-o", "jsonl"});
      REQUIRE_MESSAGE(first.exit_code == 0, first.err);
      REQUIRE(stress::integrity_check(db) == "ok");
      const auto now = stress::read_jobs(db);
      REQUIRE(now.size() == before.size());
      std::size_t done = 0;
      bool gap = false;
      std::size_t bad = 0;
      for (const std::string& id : order) {
        const auto& was = before.at(id);
        const auto& is = now.at(id);
        // The job row itself is never written by a cancel of a live job.
        bad +=
          is.state != was.state || is.job_updated_at != was.job_updated_at || is.send_count != 0;
        if (was.state == 3 || was.op == 2) {
          // Finished, or canceling already: untouched whatever happened.
          bad += is.op != was.op || is.op_updated_at != was.op_updated_at;
          continue;
        }
        if (is.op == 0) {
          gap = true;
        } else {
          // Fully changed: a new Canceling row, after every job before it
          // in the input (chunks commit in order).
          bad +=
            is.op != 2 || is.op_created_at.empty() || is.op_created_at != is.op_updated_at || gap;
          ++done;
        }
      }
      CHECK_MESSAGE(bad == 0, bad << " job(s) half-changed, changed out of order or touched");
      // Every job the killed process reported is still canceling (or was
      // left alone as terminated).
      std::size_t lost = 0;
      for (const auto& record : printed_records(printed)) {
        const auto& is = now.at(record.id);
        lost += before.at(record.id).state == 3 ? is.op != 0 : is.op != 2;
      }
      CHECK_MESSAGE(lost == 0, lost << " reported job(s) lost their change");
      return done;
    };

    stress::copy_metastore(pristine, db);
    const FullRun baseline = run_fully(db, command, input, dir);
    REQUIRE(baseline.exit_code == 0);
    REQUIRE(printed_records(baseline.out).size() == n_jobs);
    const std::size_t to_change = check_after(baseline.out);
    REQUIRE(to_change == static_cast<std::size_t>(
                           std::count_if(before.begin(), before.end(), [](const auto& job) {
                             return job.second.state != 3 && job.second.op != 2;
                           })));

    std::size_t kills = 0;
    std::size_t partial = 0; // kills that left some but not all jobs changed
    std::size_t reported = 0;
    std::size_t attempts = 0;
    const auto start = std::chrono::steady_clock::now();
    while (kills < n_kills && attempts < 4 * n_kills) {
      stress::copy_metastore(pristine, db);
      std::size_t done = 0;
      for (std::size_t k = 0; k < per_round && kills < n_kills; ++attempts) {
        const auto outcome =
          run_and_kill(db, command, input, dir, random_delay(random, baseline.seconds));
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
      const FullRun rerun = run_fully(db, command, input, dir);
      REQUIRE_MESSAGE(rerun.exit_code == 0, rerun.err);
      CHECK(check_after(rerun.out) == to_change);
      std::size_t changed = 0;
      for (const auto& record : printed_records(rerun.out)) {
        changed += record.changed;
      }
      CHECK(changed == to_change - done);
    }
    CHECK(kills == n_kills);
    const nlohmann::json figures = {{"test", "kill9 cancel"},
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
    const std::size_t n_kills = stress::env_count("JOBOP_STRESS_KILLS", 30, 20);
    const std::uint64_t seed = stress::stress_seed() + 1;
    std::mt19937_64 random(seed);

    // A third of the canceling jobs terminated (tick: op canceled), a third
    // soft-deleted (orphans: op noop), a third live (tick: an outbox send).
    TempDir dir;
    const std::string pristine = dir.file("pristine.db");
    const auto ids = stress::job_ids(n_jobs, "tick-");
    stress::seed_running_jobs(pristine, ids);
    {
      jobop::store::sqlite::SqliteMetastore s(pristine, store::OpenMode::read_write);
      s.db().exec("PRAGMA synchronous=OFF");
      std::vector<std::string> order = ids;
      std::shuffle(order.begin(), order.end(), random); // op seq_ids in random job order
      jobop::ops::cancel_jobs(s, order, {}, k_seeded_at);
      const jobop::model::JobState ends[] = {jobop::model::JobState::stopped,
                                             jobop::model::JobState::finished,
                                             jobop::model::JobState::failed};
      for (std::size_t i = 0; i < n_jobs; ++i) {
        if (i % 3 == 0) {
          s.set_job_state(ids[i], ends[(i / 3) % 3], std::nullopt, k_seeded_at);
        } else if (i % 3 == 1) {
          s.delete_job(ids[i], k_seeded_at);
        }
      }
    }
    const auto before = stress::read_jobs(pristine);
    std::vector<std::string> by_seq = ids;
    std::sort(by_seq.begin(), by_seq.end(), [&](const std::string& a, const std::string& b) {
      return before.at(a).op_seq_id < before.at(b).op_seq_id;
    });
    const std::string db = dir.file("jobop.db");
    const std::vector<std::string> command{"tick"};

    // Check what a kill left; return the set of ops it had done.
    const auto check_after = [&](const std::string& printed) {
      INFO("seed " << seed);
      // The first command after a crash may well be a read-only `status`.
      const auto first =
        jobop::test::run_jobop({"--db", db, "status", by_seq.front(), "-o", "jsonl"});
      REQUIRE_MESSAGE(first.exit_code == 0, first.err);
      REQUIRE(stress::integrity_check(db) == "ok");
      const auto now = stress::read_jobs(db);
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

    stress::copy_metastore(pristine, db);
    const FullRun baseline = run_fully(db, command, "", dir);
    REQUIRE(baseline.exit_code == 0);
    REQUIRE(check_after(baseline.out).size() == n_jobs);

    std::size_t kills = 0;
    std::size_t partial = 0;
    std::size_t attempts = 0;
    const auto start = std::chrono::steady_clock::now();
    while (kills < n_kills && attempts++ < 4 * n_kills) {
      stress::copy_metastore(pristine, db);
      const auto outcome =
        run_and_kill(db, command, "", dir, random_delay(random, baseline.seconds));
      if (!outcome.killed) {
        REQUIRE_MESSAGE(outcome.exit_code == 0, outcome.err);
      } else {
        ++kills;
      }
      const auto done = check_after(outcome.out);
      partial += outcome.killed && !done.empty() && done.size() < n_jobs;

      // Rerun: every op reaches its end; a live job is sent once more.
      const FullRun rerun = run_fully(db, command, "", dir);
      REQUIRE_MESSAGE(rerun.exit_code == 0, rerun.err);
      const auto now = stress::read_jobs(db);
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
