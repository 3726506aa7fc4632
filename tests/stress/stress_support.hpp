#pragma once

#include <jobop/core/clock.hpp>
#include <jobop/model/codes.hpp>
#include <jobop/model/records.hpp>
#include <jobop/store/metastore.hpp>
#include <jobop/store/mysql/connection.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// Helpers of the stress tests (tests/stress): sizes from the environment,
// metastores seeded through the core API, and what a metastore holds read
// back with plain SQL, so that the checks do not trust the code under test.
namespace jobop::stress {

// True in the AddressSanitizer + UBSan build (JOBOP_STRESS_SANITIZED), where
// every process runs several times slower.
bool sanitized_build();

// Return the value of the environment variable `name` as a count, or the
// default: `fallback`, or `sanitized_fallback` in the sanitized build. The
// defaults keep each test under a minute on 2 cores in CI; raise them by
// hand for a longer run.
std::size_t env_count(const char* name, std::size_t fallback, std::size_t sanitized_fallback);
std::size_t env_count(const char* name, std::size_t fallback);

// Return JOBOP_STRESS_SEED, or a fixed seed: runs are reproducible.
std::uint64_t stress_seed();

// Return "job-00042"-style ids 0..n-1.
std::vector<std::string> job_ids(std::size_t n, const std::string& prefix = "job-");

// Create the metastore at `path` with `jobop`'s init (through the core) and
// put `ids` as running (Init) jobs, with a config blob holding a password.
// Seeding runs with synchronous=OFF: it is set-up, not what is tested.
void seed_running_jobs(const std::string& path, const std::vector<std::string>& ids);

// Return the result of PRAGMA integrity_check on the metastore at `path`
// ("ok" when it is sound), as another process would see it after a crash.
std::string integrity_check(const std::string& path);

// One job as the metastore holds it, read with plain SQL.
struct JobView {
  bool live = false; // a master_meta row that is not soft-deleted
  std::int64_t state = 0;
  std::string job_updated_at;
  std::int64_t op = 0; // 0: no job_ops row
  std::int64_t op_seq_id = 0;
  std::string op_created_at;
  std::string op_updated_at;
  std::int64_t send_count = 0; // 0: no outbox row
};

// Return every job and op of the metastore at `path`, by id.
std::map<std::string, JobView> read_jobs(const std::string& path);

// Copy the metastore `from` (closed cleanly, so no WAL) to `to`, removing
// any -wal and -shm files left at `to` by a killed process.
void copy_metastore(const std::string& from, const std::string& to);

// Write `lines` to the file at `path`, one a line.
void write_lines(const std::string& path, const std::vector<std::string>& lines);

// Parse every complete line (ending in '\n') of `text` as JSON; a last line
// cut by a kill is ignored. Throws on a complete line that is not JSON.
std::vector<nlohmann::json> complete_json_lines(const std::string& text);

// Seconds since `start` on the steady clock.
double seconds_since(std::chrono::steady_clock::time_point start);

// --- Both backends -----------------------------------------------------------
// The stress suites run on a SQLite file by default and on a fresh schema of
// the MySQL test server when JOBOP_STRESS_BACKEND=mysql (the *_mysql ctest
// entries), against JOBOP_TEST_MYSQL_URL with JOBOP_TEST_MYSQL_PASSWORD.

// True when JOBOP_STRESS_BACKEND=mysql.
bool stress_on_mysql();

// True when the MySQL test server is there (JOBOP_TEST_MYSQL_URL; with
// `need_ctl`, also JOBOP_TEST_MYSQL_CTL, the script that kills and restarts
// it). Otherwise say why on stdout and as a doctest MESSAGE, with the text
// "jobop-stress: skipped" that ctest's SKIP_REGULAR_EXPRESSION turns into a
// skip, and return false; but with CI=true and no JOBOP_TEST_MYSQL_URL at
// all, FAIL: CI must run the MySQL tests.
bool mysql_server_or_skip(const char* test, bool need_ctl);

// A metastore of one test: the SQLite file `dir/NAME.db`, or on MySQL
// (`mysql`, by default stress_on_mysql()) the schema
// `jobop_stress_<pid>_<n>_NAME`, created empty here and dropped at the end.
// Checks read it with plain SQL, never through the code under test.
class StressStore {
public:
  StressStore(const std::string& dir, const std::string& name, bool mysql = stress_on_mysql());
  ~StressStore();
  StressStore(const StressStore&) = delete;
  StressStore& operator=(const StressStore&) = delete;

  bool mysql() const { return m_mysql; }
  // The `--db` value: the file's path or the schema's URL.
  const std::string& db() const { return m_db; }
  // The environment jobop needs besides `--db` (JOBOP_DB_PASSWORD on MySQL).
  const std::vector<std::string>& env() const { return m_env; }
  // `--db db()` followed by `args`.
  std::vector<std::string> args(const std::vector<std::string>& args) const;

  // Create the metastore (the core's init) and put `ids` as running (Init)
  // jobs with a config blob holding a password: on SQLite through the core
  // API (synchronous=OFF), on MySQL as multi-row INSERTs in one transaction.
  void seed_running_jobs(const std::vector<std::string>& ids);
  // Set-up writes, each in one transaction on MySQL (the core API, one job
  // at a time, on SQLite): the jobs' state, a soft delete, and new Canceling
  // op rows whose seq_ids follow the order of `ids`.
  void set_states(const std::vector<std::string>& ids, model::JobState state, core::UnixNanos at);
  void soft_delete(const std::vector<std::string>& ids, core::UnixNanos at);
  void mark_canceling(const std::vector<std::string>& ids, core::UnixNanos at);

  // Open the metastore through the core, as the engine's masters would.
  std::unique_ptr<store::Metastore> open() const;
  // A connection to the schema (MySQL only).
  store::mysql::Connection connect() const;

  // Return every job and op with its outbox row, by id.
  std::map<std::string, JobView> read_jobs() const;
  // Return "ok" when the metastore is sound, else what is wrong. SQLite:
  // PRAGMA integrity_check, as the next process would open the file. MySQL
  // (no such pragma): CHECK TABLE of every table, then the rules the rows
  // must keep: no duplicate job, op or outbox row, no op or outbox row
  // without its job row, state and op codes the engine knows, created_at and
  // updated_at set on every op, a send count of at least one on every outbox
  // row. (Not that times only grow: each process stamps its writes with the
  // time it read when it started, so two that overlap may write out of order.)
  std::string integrity() const;
  // Make this metastore a copy of `from` (a metastore of the same backend
  // that no process uses): the file copied, or every table's rows (with
  // their seq_ids; an AUTO_INCREMENT counter keeps its high-water mark).
  void copy_from(const StressStore& from);

private:
  bool m_mysql = false;
  std::string m_name; // the schema (MySQL)
  std::string m_db;
  std::string m_password;
  std::vector<std::string> m_env;
};

// --- Killing the MySQL test server -------------------------------------------

// The MySQL test server that JOBOP_TEST_MYSQL_CTL controls.
class TestServer {
public:
  TestServer();
  // Make sure the server runs again (it may have been killed by a test that
  // failed half-way): other tests run after this one.
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;
  // kill -9 of the server now (through its pid file: no script start-up
  // between the chosen moment and the signal), and wait until it is gone.
  void kill9();
  // `$JOBOP_TEST_MYSQL_CTL start`: start it and wait until it answers;
  // return the seconds it took (InnoDB crash recovery included).
  double start();

private:
  void control(const std::string& command);
  std::vector<std::string> m_ctl;
  std::string m_dir;
};

} // namespace jobop::stress
