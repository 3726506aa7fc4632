// Many jobop processes on one metastore at once: bulk and one-by-one
// cancels, two tick loops and a job master stopping canceling jobs. Sizes:
// JOBOP_STRESS_JOBS, JOBOP_STRESS_BULK_CANCELLERS, JOBOP_STRESS_BULK_ROUNDS,
// JOBOP_STRESS_SINGLE_CANCELLERS, JOBOP_STRESS_SINGLE_IDS,
// JOBOP_STRESS_MASTER_CLI_STOPS (see docs/reliability.md). On a SQLite file, or
// on a fresh schema of the MySQL test server with JOBOP_STRESS_BACKEND=mysql.
#include "process.hpp"
#include "stress_support.hpp"

#include <jobop/store/metastore.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <thread>

using jobop::test::ChildOptions;
using jobop::test::run_jobop;
using jobop::test::spawn_jobop;
using jobop::test::TempDir;
namespace stress = jobop::stress;

namespace {

// What every process did, gathered by the threads that ran them.
class Tally {
public:
  // Count a finished process; remember it as a failure unless it exited 0.
  void ended(const std::string& what, int exit_code, const std::string& err) {
    std::lock_guard lock(m_mutex);
    ++m_processes;
    if (exit_code != 0) {
      m_failures.push_back(what + ": exit " + std::to_string(exit_code) + ": " + err);
    }
  }
  // Count the records of a `cancel -o jsonl` output.
  void cancel_output(const std::string& out) {
    const auto lines = stress::complete_json_lines(out);
    std::lock_guard lock(m_mutex);
    for (const auto& line : lines) {
      ++m_cancel_records;
      if (line.at("changed").get<bool>()) {
        ++m_cancel_changed[line.at("id").get<std::string>()];
      }
    }
  }
  // Count the items of the tick documents (one a line) in `out`.
  void tick_output(const std::string& out) {
    const auto lines = stress::complete_json_lines(out);
    std::lock_guard lock(m_mutex);
    for (const auto& line : lines) {
      ++m_ticks;
      for (const auto& item : line.at("items")) {
        ++m_tick_items;
        if (item.at("action") == "canceled") {
          ++m_tick_canceled[item.at("id").get<std::string>()];
        } else if (item.at("action") == "cancel_sent") {
          ++m_tick_sent;
        }
      }
    }
  }
  void stopped(const std::string& id, bool through_cli) {
    std::lock_guard lock(m_mutex);
    ++m_stopped[id];
    ++(through_cli ? m_cli_stops : m_api_stops);
  }

  std::size_t m_processes = 0;
  std::vector<std::string> m_failures;
  std::size_t m_cancel_records = 0;
  std::map<std::string, int> m_cancel_changed;
  std::size_t m_ticks = 0;
  std::size_t m_tick_items = 0;
  std::size_t m_tick_sent = 0;
  std::map<std::string, int> m_tick_canceled;
  std::map<std::string, int> m_stopped;
  std::size_t m_cli_stops = 0;
  std::size_t m_api_stops = 0;

private:
  std::mutex m_mutex;
};

std::string join_failures(const std::vector<std::string>& failures) {
  std::string text;
  for (const auto& f : failures) {
    text += f + "\n";
  }
  return text;
}

// The last JSON diagnostic of `err` (null if there is none).
nlohmann::json last_diagnostic(const std::string& err) {
  nlohmann::json last;
  for (const auto& line : stress::complete_json_lines(err)) {
    if (line.is_object() && line.contains("code")) {
      last = line;
    }
  }
  return last;
}

} // namespace

TEST_SUITE("concurrency") {

  TEST_CASE("many processes cancel, tick and stop the same jobs at once and lose no update") {
    // Fewer jobs on MySQL, where every commit waits for the server's log
    // flush and the tick loops resend to every canceling job each time.
    const std::size_t n_jobs = stress::stress_on_mysql()
                                 ? stress::env_count("JOBOP_STRESS_JOBS", 2000, 800)
                                 : stress::env_count("JOBOP_STRESS_JOBS", 3000, 1000);
    const std::size_t n_bulk = stress::env_count("JOBOP_STRESS_BULK_CANCELLERS", 4);
    const std::size_t bulk_rounds =
      std::max<std::size_t>(1, stress::env_count("JOBOP_STRESS_BULK_ROUNDS", 4));
    const std::size_t n_single = stress::env_count("JOBOP_STRESS_SINGLE_CANCELLERS", 4);
    const std::size_t single_ids = stress::env_count("JOBOP_STRESS_SINGLE_IDS", 15, 8);
    const std::size_t cli_stop_budget = stress::env_count("JOBOP_STRESS_MASTER_CLI_STOPS", 150, 40);
    const std::uint64_t seed = stress::stress_seed();
    REQUIRE(n_bulk + n_single >= 1);
    if (stress::stress_on_mysql() && !stress::mysql_server_or_skip("concurrency", false)) {
      return;
    }

    TempDir dir;
    stress::StressStore metastore(dir.path(), "jobop");
    const std::vector<std::string>& env = metastore.env();
    const auto ids = stress::job_ids(n_jobs);
    metastore.seed_running_jobs(ids);
    const auto start = std::chrono::steady_clock::now();

    Tally tally;
    std::atomic<bool> cancellers_done{false};
    std::atomic<bool> master_done{false};

    // Bulk cancellers: each covers every job over its rounds, in its own order.
    std::vector<std::thread> cancellers;
    for (std::size_t k = 0; k < n_bulk; ++k) {
      cancellers.emplace_back([&, k] {
        std::vector<std::string> order = ids;
        std::shuffle(order.begin(), order.end(), std::mt19937_64(seed + k));
        const std::size_t per_round = (order.size() + bulk_rounds - 1) / bulk_rounds;
        for (std::size_t r = 0; r < bulk_rounds; ++r) {
          const std::size_t begin = std::min(order.size(), r * per_round);
          const std::size_t end = std::min(order.size(), begin + per_round);
          const std::string base = dir.file("bulk-" + std::to_string(k) + "-" + std::to_string(r));
          stress::write_lines(base + ".in", {order.begin() + static_cast<std::ptrdiff_t>(begin),
                                             order.begin() + static_cast<std::ptrdiff_t>(end)});
          auto child =
            spawn_jobop(metastore.args({"cancel", "-", "-o", "jsonl"}),
                        ChildOptions{base + ".in", base + ".out", base + ".err", "", env});
          const int code = child.wait();
          tally.ended("cancel - (bulk " + std::to_string(k) + ")", code,
                      jobop::test::read_file(base + ".err"));
          tally.cancel_output(jobop::test::read_file(base + ".out"));
        }
      });
    }
    // One-by-one cancellers: a process per id, as a hand at a shell would.
    for (std::size_t k = 0; k < n_single; ++k) {
      cancellers.emplace_back([&, k] {
        std::mt19937_64 random(seed + 100 + k);
        std::uniform_int_distribution<std::size_t> pick(0, ids.size() - 1);
        for (std::size_t i = 0; i < single_ids; ++i) {
          const std::string& id = ids[pick(random)];
          const auto r = run_jobop(metastore.args({"cancel", id, "-o", "jsonl"}), "", env);
          tally.ended("cancel " + id, r.exit_code, r.err);
          tally.cancel_output(r.out);
        }
      });
    }

    // Tick loop 1: one long `tick --watch`, stopped with SIGTERM at the end.
    auto watch =
      spawn_jobop(metastore.args({"tick", "--watch", "--interval", "50ms"}),
                  ChildOptions{"", dir.file("watch.out"), dir.file("watch.err"), "", env});
    // Tick loop 2: `tick --until-idle` again and again.
    std::thread repeat([&] {
      while (!master_done.load()) {
        const auto r =
          run_jobop(metastore.args({"tick", "--until-idle", "--interval", "50ms"}), "", env);
        tally.ended("tick --until-idle", r.exit_code, r.err);
        tally.tick_output(r.out);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });

    // The job master: stop every job it sees canceling, once. The first
    // stops go through `jobop job set-state`, the rest through the core API
    // on its own connection, as the engine's masters write the store.
    std::thread master([&] {
      std::size_t cli_left = cli_stop_budget;
      std::unique_ptr<jobop::store::Metastore> store;
      for (;;) {
        const bool no_more_cancels = cancellers_done.load();
        const auto r =
          run_jobop(metastore.args({"status", "--state", "canceling", "-o", "jsonl"}), "", env);
        tally.ended("status --state canceling", r.exit_code, r.err);
        const auto lines = stress::complete_json_lines(r.out);
        if (lines.empty()) {
          if (no_more_cancels) {
            break;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          continue;
        }
        for (const auto& line : lines) {
          const std::string id = line.at("id").get<std::string>();
          if (cli_left > 0) {
            --cli_left;
            const auto s = run_jobop(metastore.args({"job", "set-state", id, "stopped"}), "", env);
            tally.ended("job set-state " + id + " stopped", s.exit_code, s.err);
            if (s.exit_code == 0) {
              tally.stopped(id, true);
            }
            continue;
          }
          if (!store) {
            store = metastore.open();
          }
          store->set_job_state(id, jobop::model::JobState::stopped, std::nullopt,
                               jobop::core::SystemClock().now());
          tally.stopped(id, false);
        }
      }
      master_done.store(true);
    });

    for (auto& t : cancellers) {
      t.join();
    }
    cancellers_done.store(true);
    master.join();
    repeat.join();
    watch.kill(SIGTERM);
    tally.ended("tick --watch", watch.wait(), jobop::test::read_file(dir.file("watch.err")));
    tally.tick_output(jobop::test::read_file(dir.file("watch.out")));
    const auto final_tick = run_jobop(metastore.args({"tick"}), "", env);
    tally.ended("final tick", final_tick.exit_code, final_tick.err);
    tally.tick_output(final_tick.out);
    const double seconds = stress::seconds_since(start);

    INFO("failures:\n" << join_failures(tally.m_failures));
    CHECK(tally.m_failures.empty());

    // Every job was asked to cancel by many processes; exactly one of them
    // changed it, the master stopped it once, and exactly one tick made its
    // op canceled: no update lost, none applied twice.
    std::size_t wrong = 0;
    for (const auto& id : ids) {
      const bool ok = tally.m_cancel_changed[id] == 1 && tally.m_stopped[id] == 1 &&
                      tally.m_tick_canceled[id] == 1;
      if (!ok && wrong++ < 5) {
        CHECK_MESSAGE(ok, id << ": changed by " << tally.m_cancel_changed[id]
                             << " cancels, stopped " << tally.m_stopped[id]
                             << " times, canceled by " << tally.m_tick_canceled[id] << " ticks");
      }
    }
    CHECK(wrong == 0);

    const auto status = run_jobop(metastore.args({"status", "-o", "jsonl"}), "", env);
    REQUIRE(status.exit_code == 0);
    const auto rows = stress::complete_json_lines(status.out);
    CHECK(rows.size() == n_jobs);
    std::size_t not_canceled = 0;
    for (const auto& row : rows) {
      not_canceled += row.at("state") != "canceled" || row.at("op") != "canceled";
    }
    CHECK(not_canceled == 0);
    const auto stored = metastore.read_jobs();
    std::size_t bad_rows = 0;
    std::size_t sends = 0;
    for (const auto& id : ids) {
      const auto& view = stored.at(id);
      bad_rows += !(view.live && view.state == 4 && view.op == 3);
      sends += static_cast<std::size_t>(view.send_count);
    }
    CHECK(bad_rows == 0);
    CHECK(stored.size() == n_jobs); // no row of a job nobody named
    // Every send a tick reported is counted in the outbox, and none more:
    // each job was changed to canceling once, so no count was reset.
    CHECK(sends == tally.m_tick_sent);
    CHECK(metastore.integrity() == "ok");
    // Not a rule (see StressStore::integrity), but worth a figure: outbox
    // rows whose last send is stamped before their first, because two ticks
    // that overlapped committed in the other order than they read the clock.
    std::int64_t backward_sends = -1; // not counted on SQLite (text times)
    if (metastore.mysql()) {
      auto conn = metastore.connect();
      auto stmt = conn.prepare("SELECT COUNT(*) FROM jobop_outbox WHERE last_sent < first_sent");
      stmt.execute();
      while (stmt.fetch()) {
        backward_sends = stmt.column_int(0);
      }
    }

    nlohmann::json figures = {{"test", "concurrency"},
                              {"backend", metastore.mysql() ? "mysql" : "sqlite"},
                              {"sanitized", stress::sanitized_build()},
                              {"jobs", n_jobs},
                              {"seed", seed},
                              {"processes", tally.m_processes},
                              {"failed_processes", tally.m_failures.size()},
                              {"concurrent_cancellers", n_bulk + n_single},
                              {"cancel_records", tally.m_cancel_records},
                              {"ticks", tally.m_ticks},
                              {"tick_items", tally.m_tick_items},
                              {"outbox_sends", sends},
                              {"outbox_last_sent_before_first_sent", backward_sends},
                              {"stops_cli", tally.m_cli_stops},
                              {"stops_api", tally.m_api_stops},
                              {"seconds", seconds}};
    std::cout << figures.dump() << std::endl;
  }

  // On MySQL a row lock makes a statement wait up to the lock wait timeout
  // (--busy-timeout), and a read FOR UPDATE streams its rows: the wait, and
  // its error, can come after the first rows arrived. That error must still
  // be the server's (1205: store.locked, at once, as when it comes with the
  // first reply). The bulk cancels of the test above meet the same case as
  // deadlocks (1213) with the ticks, which must be retried.
  TEST_CASE("a lock wait timeout in the middle of a streamed read is store.locked") {
    if (!stress::stress_on_mysql()) {
      return; // SQLite has no row locks; its busy timeout is the test above
    }
    if (!stress::mysql_server_or_skip("lock wait timeout mid-read", false)) {
      return;
    }
    TempDir dir;
    stress::StressStore metastore(dir.path(), "locked");
    // 1,024 ids: one read statement of the chunk (the backend reads up to
    // 1,024 rows a statement), in input order; the locked job is far enough
    // in that rows were sent before the read reaches it.
    const auto ids = stress::job_ids(1024, "held-");
    metastore.seed_running_jobs(ids);
    std::string input;
    for (const auto& id : ids) {
      input += id + "\n";
    }
    auto holder = metastore.connect();
    holder.begin();
    holder.exec("SELECT id FROM master_meta WHERE id = 'held-00900' FOR UPDATE");
    const auto start = std::chrono::steady_clock::now();
    const auto locked =
      run_jobop(metastore.args({"--busy-timeout", "1s", "cancel", "-", "-o", "jsonl"}), input,
                metastore.env());
    const double seconds = stress::seconds_since(start);
    holder.rollback();

    const auto diagnostic = last_diagnostic(locked.err);
    INFO("stderr: " << locked.err);
    CHECK(locked.exit_code == 5);
    CHECK(locked.out.empty()); // the only chunk never committed
    REQUIRE(diagnostic.is_object());
    CHECK(diagnostic.at("code") == "store.locked");
    CHECK(diagnostic.value("mysql_errno", -1) == 1205);
    // Within the busy timeout (1 s), with room for a slow machine.
    CHECK(seconds < 8);
    std::size_t touched = 0;
    for (const auto& [id, view] : metastore.read_jobs()) {
      touched += view.op != 0;
    }
    CHECK(touched == 0);

    // Once the lock is gone the same command does the work.
    const auto rerun =
      run_jobop(metastore.args({"cancel", "-", "-o", "jsonl"}), input, metastore.env());
    CHECK_MESSAGE(rerun.exit_code == 0, rerun.err);
    CHECK(stress::complete_json_lines(rerun.out).size() == ids.size());
    const nlohmann::json figures = {{"test", "lock wait timeout mid-read"},
                                    {"backend", "mysql"},
                                    {"exit_code", locked.exit_code},
                                    {"code", diagnostic.value("code", "")},
                                    {"mysql_errno", diagnostic.value("mysql_errno", -1)},
                                    {"seconds", seconds}};
    std::cout << figures.dump() << std::endl;
  }
}
