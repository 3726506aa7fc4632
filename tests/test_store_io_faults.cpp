// I/O faults (docs/reliability.md, "I/O faults"): under the fault-injecting
// VFS of fault_vfs.hpp, fail the Nth write, sync, lock or truncate of init,
// put_job, a single cancel, a batch cancel and tick, once and persistently,
// for N = 1, 2, ... until the operation no longer reaches the Nth call.
// Every failure must be a core::StoreError naming the fault, and the
// metastore, reopened with the fault cleared, must pass integrity_check and
// be exactly as before or exactly as after the operation.
#include "fault_vfs.hpp"

#include <jobop/core/exceptions.hpp>
#include <jobop/operator/cancel.hpp>
#include <jobop/operator/job_operator.hpp>
#include <jobop/operator/outbox_router.hpp>
#include <jobop/store/metastore.hpp>
#include <jobop/store/open.hpp>
#include <jobop/store/sqlite/sqlite_metastore.hpp>

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace jobop;
using testing::FaultPlan;
using testing::FaultPoint;
using testing::FaultVfs;

namespace {

constexpr core::UnixNanos k_setup_time = 1'700'000'000'000'000'000;
constexpr core::UnixNanos k_now = k_setup_time + 60 * core::k_second;

class ScratchDir {
public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "jobop-faults-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    m_path = pattern;
  }
  ~ScratchDir() { std::filesystem::remove_all(m_path); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string db() const { return m_path + "/jobop.db"; }
  void clear() const {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(db() + suffix);
    }
  }

private:
  std::string m_path;
};

// Every table of the file (the engine's, the tool's, sqlite_sequence) with
// every row, typed, in rowid order; "<missing>" when there is no file. Fails
// the test unless PRAGMA integrity_check says ok.
std::string dump(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    return "<missing>";
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  std::string out;
  const auto query = [&](const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE_MESSAGE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK,
                    sqlite3_errmsg(db));
    std::vector<std::vector<std::string>> rows;
    int rc = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        row.push_back(std::to_string(sqlite3_column_type(stmt, c)) + ":" +
                      (text != nullptr ? text : "NULL"));
      }
      rows.push_back(row);
    }
    REQUIRE(rc == SQLITE_DONE);
    sqlite3_finalize(stmt);
    return rows;
  };
  const auto check = query("PRAGMA integrity_check");
  REQUIRE(check.size() == 1);
  CHECK(check[0][0] == "3:ok");
  for (const auto& table : query("SELECT name, sql FROM sqlite_master ORDER BY name")) {
    out += table[0] + " " + table[1] + "\n";
  }
  for (const auto& table : query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY "
                                 "name")) {
    const std::string name = table[0].substr(2);
    out += "== " + name + "\n";
    for (const auto& row : query("SELECT * FROM `" + name + "` ORDER BY rowid")) {
      for (const auto& cell : row) {
        out += cell + "|";
      }
      out += "\n";
    }
  }
  sqlite3_close(db);
  return out;
}

model::JobSpec job(const std::string& id, model::JobState state) {
  model::JobSpec spec;
  spec.id = id;
  spec.project_id = "proj";
  spec.state = state;
  spec.node_id = "node-1";
  spec.address = "10.0.0.1:10240";
  spec.epoch = 7;
  spec.config = "{\"password\":\"secret\"}";
  return spec;
}

// A metastore with jobs in every state, some ops and an outbox row.
void seed(const std::string& path) {
  store::init_metastore(path);
  jobop::store::sqlite::SqliteMetastore store(path, store::OpenMode::read_write);
  using model::JobState;
  for (int i = 0; i < 4; ++i) {
    store.put_job(job("run-" + std::to_string(i), JobState::init), k_setup_time);
    store.put_job(job("new-" + std::to_string(i), JobState::uninit), k_setup_time);
  }
  store.put_job(job("done", JobState::finished), k_setup_time);
  store.put_job(job("failed", JobState::failed), k_setup_time);
  store.put_job(job("stopped", JobState::stopped), k_setup_time);
  store.put_job(job("gone", JobState::init), k_setup_time);
  ops::cancel_jobs(store, {"run-0", "gone", "done"}, {}, k_setup_time);
  // Its master stops, and the job is deleted before a tick: an orphan op.
  store.write_job_states({"gone"}, JobState::stopped, std::nullopt, k_setup_time);
  store.delete_job("gone", k_setup_time);
  store.write_job_states({"run-0"}, JobState::init, std::nullopt, k_setup_time);
}

// Tick needs ops in every situation: orphan, terminated job, live job.
void seed_for_tick(const std::string& path) {
  seed(path);
  jobop::store::sqlite::SqliteMetastore store(path, store::OpenMode::read_write);
  ops::cancel_jobs(store, {"run-1", "new-1"}, {}, k_setup_time);
  store.set_job_state("new-1", model::JobState::stopped, std::string("stopped by master"),
                      k_setup_time);
}

struct Figures {
  std::int64_t runs = 0;
  std::int64_t faults = 0;
  std::int64_t failed_as_store_error = 0;
  std::int64_t succeeded_despite_fault = 0;
  std::int64_t left_before = 0;
  // Chunked operations: failed after reporting some units, which are stored.
  std::int64_t left_partial = 0;
  // Failed, yet the failed transaction is there in full (a failed fsync at
  // COMMIT after SQLite wrote the commit frame to the WAL).
  std::int64_t committed_despite_error = 0;
};

struct Fault {
  FaultPoint point;
  int error;
  const char* named; // what the message must say
};

const Fault k_faults[] = {
  {FaultPoint::write, SQLITE_FULL, "disk is full"},
  {FaultPoint::write, SQLITE_IOERR_WRITE, "I/O error"},
  {FaultPoint::sync, SQLITE_IOERR_FSYNC, "I/O error"},
  {FaultPoint::lock, SQLITE_IOERR_LOCK, "I/O error"},
  {FaultPoint::truncate, SQLITE_IOERR_TRUNCATE, "I/O error"},
  {FaultPoint::shm_lock, SQLITE_IOERR_SHMLOCK, "I/O error"},
};

// An operation on the metastore at a path. It returns normally on success
// and throws core::StoreError on a store failure (tick turns its error items
// into one, as it collects them instead of throwing). A chunked operation
// counts in `reported` the units whose success it already reported.
using Operation = std::function<void(const std::string& path, std::size_t& reported)>;

// Run the first `reported` units of a chunked operation; absent for the others.
using Prefix = std::function<void(const std::string& path, std::size_t reported)>;

// Run `operation` under every fault of k_faults, one-off and persistent, at
// N = 1, 2, ... until an armed run injects nothing; check every run. A run
// that fails must leave the state before, after, or (chunked operations
// only) exactly the state after the units it reported.
Figures run_under_faults(const std::string& label,
                         const std::function<void(const std::string&)>& setup,
                         const Operation& operation, const Prefix& prefix = {},
                         std::size_t chunk_units = 0) {
  ScratchDir dir;
  ScratchDir templ;
  FaultVfs vfs;
  vfs.skip_real_sync(true);
  const std::string path = dir.db();
  // Set up once and copy the closed file for each run: the setup's many
  // fsyncs would dominate the test's time. The store does not checkpoint on
  // close, so the WAL holds part of the data and is copied too (SQLite
  // rebuilds the -shm index from it).
  setup(templ.db());
  const auto restore = [&] {
    dir.clear();
    for (const char* suffix : {"", "-wal"}) {
      if (std::filesystem::exists(templ.db() + suffix)) {
        std::filesystem::copy_file(templ.db() + suffix, path + suffix);
      }
    }
  };
  restore();
  const std::string before = dump(path);
  std::size_t reported = 0;
  operation(path, reported);
  const std::size_t total_units = reported;
  const std::string after = dump(path);
  std::map<std::size_t, std::string> partial_states;
  const auto partial = [&](std::size_t units) -> const std::string& {
    auto it = partial_states.find(units);
    if (it == partial_states.end()) {
      restore();
      prefix(path, units);
      it = partial_states.emplace(units, dump(path)).first;
    }
    return it->second;
  };
  REQUIRE(before != after);

  Figures figures;
  const bool report = std::getenv("JOBOP_FAULT_REPORT") != nullptr;
  for (const Fault& fault : k_faults) {
    const Figures total_before = figures;
    for (const bool persistent : {false, true}) {
      bool reached_the_end = false;
      for (std::int64_t n = 1; n < 500 && !reached_the_end; ++n) {
        CAPTURE(label);
        CAPTURE(testing::fault_point_name(fault.point));
        CAPTURE(fault.error);
        CAPTURE(persistent);
        CAPTURE(n);
        restore();
        vfs.arm(FaultPlan{fault.point, n, persistent, fault.error});
        bool failed = false;
        reported = 0;
        try {
          operation(path, reported);
        } catch (const core::StoreError& e) {
          failed = true;
          CAPTURE(e.what());
          CHECK(e.exit_code() == core::ExitCode::store_unavailable);
          CHECK(std::string(e.what()).find(fault.named) != std::string::npos);
          CHECK(e.code() == (fault.error == SQLITE_FULL ? "store.disk_full" : "store.io_error"));
        } catch (const std::exception& e) {
          FAIL("not a StoreError: " << e.what());
        }
        vfs.disarm();
        const std::int64_t injected = vfs.injected();
        ++figures.runs;
        figures.faults += injected;
        const std::string state = dump(path);
        if (injected == 0) {
          CHECK_FALSE(failed);
          CHECK(state == after);
          reached_the_end = true;
          continue;
        }
        if (!failed) {
          // SQLite (or the operation's own retry) absorbed the fault: then
          // the whole work must be done.
          ++figures.succeeded_despite_fault;
          CHECK(state == after);
          continue;
        }
        ++figures.failed_as_store_error;
        // What the operation reported is stored and nothing half-done: the
        // transaction that failed is either absent or, when its COMMIT's
        // fsync failed after the commit frame reached the WAL, fully there.
        const std::string& kept = chunk_units == 0 ? before : partial(reported);
        const std::string& kept_and_failed =
          chunk_units == 0 ? after : partial(std::min(reported + chunk_units, total_units));
        CHECK_MESSAGE((state == kept || state == kept_and_failed), "reported " << reported);
        if (state == kept) {
          ++(reported == 0 ? figures.left_before : figures.left_partial);
        } else if (state == kept_and_failed) {
          ++figures.committed_despite_error;
        }
      }
      CHECK_MESSAGE(reached_the_end, label << ": still injecting at N = 500");
    }
    if (report) {
      std::printf(
        "  %-13s %-8s %-22s runs %4lld  faults %4lld  store errors %4lld  absorbed %3lld\n",
        label.c_str(), testing::fault_point_name(fault.point), sqlite3_errstr(fault.error),
        static_cast<long long>(figures.runs - total_before.runs),
        static_cast<long long>(figures.faults - total_before.faults),
        static_cast<long long>(figures.failed_as_store_error - total_before.failed_as_store_error),
        static_cast<long long>(figures.succeeded_despite_fault -
                               total_before.succeeded_despite_fault));
    }
  }
  if (report) {
    std::printf(
      "%-14s runs %4lld  faults injected %5lld  store errors %4lld  absorbed %3lld  "
      "left as before %4lld  as reported %3lld  committed despite the error %3lld\n",
      label.c_str(), static_cast<long long>(figures.runs), static_cast<long long>(figures.faults),
      static_cast<long long>(figures.failed_as_store_error),
      static_cast<long long>(figures.succeeded_despite_fault),
      static_cast<long long>(figures.left_before), static_cast<long long>(figures.left_partial),
      static_cast<long long>(figures.committed_despite_error));
  }
  return figures;
}

void expect_store_error_free(const std::vector<ops::CancelResult>& results) {
  for (const auto& result : results) {
    CHECK_MESSAGE(!result.failure, result.id);
  }
}

} // namespace

TEST_CASE("I/O faults during init leave no metastore or a complete one") {
  const Figures f = run_under_faults(
    "init", [](const std::string&) {},
    [](const std::string& path, std::size_t&) { store::init_metastore(path); });
  CHECK(f.failed_as_store_error > 0);
}

TEST_CASE("I/O faults during job put leave the job unwritten or fully written") {
  const Figures f = run_under_faults("job put", seed, [](const std::string& path, std::size_t&) {
    jobop::store::sqlite::SqliteMetastore store(path, store::OpenMode::read_write);
    store.put_job(job("fresh", model::JobState::init), k_now);
  });
  CHECK(f.failed_as_store_error > 0);
}

TEST_CASE("I/O faults during a single cancel leave the job untouched or canceling") {
  const Figures f = run_under_faults("cancel", seed, [](const std::string& path, std::size_t&) {
    jobop::store::sqlite::SqliteMetastore store(path, store::OpenMode::read_write);
    expect_store_error_free(ops::cancel_jobs(store, {"run-2"}, {}, k_now));
  });
  CHECK(f.failed_as_store_error > 0);
}

TEST_CASE("I/O faults during a batch cancel leave every job untouched or every one changed") {
  const Figures f =
    run_under_faults("cancel batch", seed, [](const std::string& path, std::size_t&) {
      jobop::store::sqlite::SqliteMetastore store(path, store::OpenMode::read_write);
      const auto results = ops::cancel_jobs(
        store, {"run-1", "run-2", "run-3", "new-0", "new-1", "new-2", "new-3", "done", "run-0"}, {},
        k_now);
      expect_store_error_free(results);
    });
  CHECK(f.failed_as_store_error > 0);
}

TEST_CASE("I/O faults during tick leave every op as it was or every op moved on") {
  const Figures f =
    run_under_faults("tick", seed_for_tick, [](const std::string& path, std::size_t&) {
      jobop::store::sqlite::SqliteMetastore store(path, store::OpenMode::read_write);
      ops::OutboxRouter router;
      ops::JobOperator op(store, router);
      const ops::TickResult result = op.tick(k_now);
      for (const auto& item : result.items) {
        if (item.action == ops::TickAction::error) {
          // tick collects store errors per op; surface the first as the CLI does.
          throw core::StoreError(item.error_code, item.error);
        }
      }
    });
  CHECK(f.failed_as_store_error > 0);
}

TEST_CASE("I/O faults during a chunked batch cancel keep exactly the chunks it reported") {
  static const std::vector<std::string> ids = {"run-1", "run-2", "run-3", "new-0", "new-1",
                                               "new-2", "new-3", "done",  "run-0"};
  ops::CancelOptions options;
  options.chunk_size = 3;
  const auto cancel_prefix = [options](const std::string& path, std::size_t& reported,
                                       std::size_t count) {
    jobop::store::sqlite::SqliteMetastore store(path, store::OpenMode::read_write);
    const std::vector<std::string> some(ids.begin(),
                                        ids.begin() + static_cast<std::ptrdiff_t>(count));
    ops::cancel_jobs(store, some, options, k_now, [&](const ops::CancelResult& result) {
      CHECK_MESSAGE(!result.failure, result.id);
      ++reported;
    });
  };
  const Figures f = run_under_faults(
    "cancel chunks", seed,
    [&](const std::string& path, std::size_t& reported) {
      cancel_prefix(path, reported, ids.size());
    },
    [&](const std::string& path, std::size_t count) {
      std::size_t reported = 0;
      cancel_prefix(path, reported, count);
      CHECK(reported == count);
    },
    options.chunk_size);
  CHECK(f.left_partial > 0);
}

namespace {

model::Actor test_actor() {
  model::Actor actor;
  actor.name = "carol";
  actor.login = "root";
  actor.host = "ops-1";
  actor.args = R"(["cancel","--force"])";
  return actor;
}

std::size_t audit_rows(const std::string& path) {
  jobop::store::sqlite::SqliteMetastore store(path, store::OpenMode::read_only);
  std::size_t n = 0;
  store.for_each_audit_entry({}, [&n](const model::AuditEntry&) { ++n; });
  return n;
}

} // namespace

TEST_CASE("I/O faults during an audited forced cancel keep the change and its audit entries "
          "together") {
  // The invariant of the dump comparison, made explicit: a state with the
  // forced jobs stopped and no audit entry (or the reverse) is neither the
  // state before nor after, so run_under_faults would flag it.
  ops::CancelOptions options;
  options.force = true;
  options.reason = "master lost";
  options.actor = test_actor();
  const auto operation = [options](const std::string& path, std::size_t&) {
    jobop::store::sqlite::SqliteMetastore store(path, store::OpenMode::read_write);
    expect_store_error_free(ops::cancel_jobs(store, {"run-1", "run-2", "new-0"}, options, k_now));
  };
  const Figures f = run_under_faults("forced cancel", seed, operation);
  CHECK(f.failed_as_store_error > 0);
  ScratchDir dir;
  seed(dir.db());
  CHECK(audit_rows(dir.db()) == 0);
  std::size_t unused = 0;
  operation(dir.db(), unused);
  CHECK(audit_rows(dir.db()) == 3);
}

TEST_CASE("I/O faults during an audited job put and delete keep the row and its entry together") {
  const model::AuditContext audit{test_actor(), std::string("repair")};
  const Figures f =
    run_under_faults("audited put", seed, [&](const std::string& path, std::size_t&) {
      jobop::store::sqlite::SqliteMetastore store(path, store::OpenMode::read_write);
      store.put_job(job("run-3", model::JobState::finished), k_now, store::PutMode::upsert, &audit);
    });
  CHECK(f.failed_as_store_error > 0);
  const Figures g =
    run_under_faults("audited delete", seed, [&](const std::string& path, std::size_t&) {
      jobop::store::sqlite::SqliteMetastore store(path, store::OpenMode::read_write);
      store.delete_job("done", k_now, &audit);
    });
  CHECK(g.failed_as_store_error > 0);
}
