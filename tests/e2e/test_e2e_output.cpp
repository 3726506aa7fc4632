#include "metastore_fixture.hpp"

#include <jobop/store/sqlite/sqlite_metastore.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <fstream>
#include <string>
#include <thread>

using jobop::test::Child;
using jobop::test::ChildOptions;
using jobop::test::jobop_binary;
using jobop::test::json_lines;
using jobop::test::read_file;
using jobop::test::run_process;
using jobop::test::TestMetastore;

namespace {

// Return the diagnostic of `code` among the JSON lines of `err`, or null.
nlohmann::json diagnostic(const std::string& err, const std::string& code) {
  for (const auto& line : json_lines(err)) {
    if (line.value("code", "") == code) {
      return line;
    }
  }
  return nullptr;
}

// Add `count` running jobs job-1 .. job-COUNT in one statement.
void add_running_jobs(const std::string& path, int count) {
  jobop::store::sqlite::SqliteMetastore store(path, jobop::store::OpenMode::read_write);
  const std::string sql =
    "INSERT INTO master_meta (created_at, updated_at, project_id, id, type, state, node_id, "
    "address, epoch, ext) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE "
    "i < " +
    std::to_string(count) +
    ") SELECT '2024-05-01 12:00:00+00:00', '2024-05-01 12:00:00+00:00', 'p', 'job-' || i, 5, "
    "2, 'node', 'addr', 1, '{\"selectors\":null}' FROM n";
  store.db().exec(sql.c_str());
}

// Return true once `child` sleeps (SQLite's busy handler waiting for a lock
// the test holds) within `seconds`.
bool sleeps_within(const Child& child, int seconds) {
  const std::string wchan = "/proc/" + std::to_string(child.pid()) + "/wchan";
  for (int i = 0; i < seconds * 100; ++i) {
    if (read_file(wchan).find("nanosleep") != std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

} // namespace

TEST_CASE("status into a full disk (/dev/full) exits 7 with output.write_failed") {
  TestMetastore store;
  store.put("a", "cdc", "running");
  ChildOptions options;
  options.stdout_path = "/dev/full";
  options.stderr_path = store.dir().file("err");
  options.env = store.env();
  Child child({jobop_binary(), "--db", store.db(), "status"}, options);
  CHECK(child.wait() == 7);
  const auto line = diagnostic(read_file(options.stderr_path), "output.write_failed");
  REQUIRE_MESSAGE(!line.is_null(), read_file(options.stderr_path));
  CHECK(line.at("level") == "error");
  CHECK(line.at("message").get<std::string>().find("rerun is safe") != std::string::npos);
}

TEST_CASE("every command that prints exits 7 when stdout is full, help and version included") {
  TestMetastore store;
  // A job, so that a JSON Lines listing has something to lose.
  store.put("a", "cdc", "running");
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--db", store.db(), "tick"},
                                             {"--db", store.db(), "status", "-o", "table"},
                                             {"--db", store.db(), "status", "-o", "jsonl"},
                                             {"backoff-sim"},
                                             {"backoff-sim", "-o", "table"},
                                             {"--help"},
                                             {"--version"}}) {
    CAPTURE(args);
    ChildOptions options;
    options.stdout_path = "/dev/full";
    options.stderr_path = store.dir().file("err");
    options.env = store.env();
    std::vector<std::string> argv{jobop_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    Child child(argv, options);
    CHECK(child.wait() == 7);
    CHECK(!diagnostic(read_file(options.stderr_path), "output.write_failed").is_null());
  }
}

TEST_CASE("a bulk cancel piped into head -1 with SIGPIPE ignored exits 7 and a rerun is safe" *
          doctest::test_suite("sqlite_files")) {
  TestMetastore store;
  constexpr int k_jobs = 50'000;
  add_running_jobs(store.path(), k_jobs);
  std::string ids;
  for (int i = 1; i <= k_jobs; ++i) {
    ids += "job-" + std::to_string(i) + "\n";
  }
  const std::string ids_file = store.dir().file("ids");
  { std::ofstream(ids_file) << ids; }
  // An ignored SIGPIPE is inherited: jobop sees EPIPE on write, not the signal.
  const auto r = run_process({"/bin/bash", "-c",
                              "trap '' PIPE; \"$0\" --db \"$1\" cancel - < \"$2\" 2>\"$3\" | "
                              "head -1 >/dev/null; echo \"${PIPESTATUS[0]}\"",
                              jobop_binary(), store.db(), ids_file, store.dir().file("err")});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "7\n");
  CHECK_MESSAGE(!diagnostic(read_file(store.dir().file("err")), "output.write_failed").is_null(),
                read_file(store.dir().file("err")));

  // What was done is done; the rest is done by the rerun, which exits 0.
  const auto rerun = store.run({"cancel", "-", "-o", "jsonl"}, ids);
  REQUIRE_MESSAGE(rerun.exit_code == 0, rerun.err);
  const auto records = json_lines(rerun.out);
  REQUIRE(records.size() == static_cast<std::size_t>(k_jobs));
  for (const auto& record : records) {
    REQUIRE(record.at("state") == "canceling");
  }
}

TEST_CASE("cancel - with no id on stdin succeeds with an empty result") {
  TestMetastore store;
  store.put("a", "cdc", "running");
  const auto before = store.snapshot();
  for (const std::string input : {"", "\n  \n\t\n"}) {
    const auto r = store.run({"cancel", "-"}, input);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto document = nlohmann::json::parse(r.out);
    CHECK(document.at("jobs").empty());
    CHECK(document.at("counts").at("requested") == 0);
    CHECK(r.err.empty());
  }
  const auto waited = store.run({"cancel", "-", "--wait=1s"}, "");
  REQUIRE_MESSAGE(waited.exit_code == 0, waited.err);
  CHECK(nlohmann::json::parse(waited.out).at("wait").at("done") == true);
  CHECK(store.snapshot() == before);
  CHECK(store.status_of("a").at("state") == "running");
}

TEST_CASE("SIGTERM during a bulk cancel ends it between chunks: what committed is reported, the "
          "rest is untouched, exit 6" *
          doctest::test_suite("sqlite_files")) {
  TestMetastore store;
  constexpr int k_jobs = 20000; // a chunk is 16,384 ids
  add_running_jobs(store.path(), k_jobs);
  std::string ids;
  for (int i = 1; i <= k_jobs; ++i) {
    ids += "job-" + std::to_string(i) + "\n";
  }
  const std::string ids_path = store.dir().file("ids");
  std::ofstream(ids_path) << ids;
  // The test holds the write lock: jobop's first chunk waits in SQLite's busy
  // handler (sleeping: the wait the test sees), its signal handler in place.
  jobop::store::sqlite::Database blocker(store.path(), SQLITE_OPEN_READWRITE,
                                         5 * jobop::core::k_second);
  blocker.exec("BEGIN IMMEDIATE");
  ChildOptions options;
  options.stdin_path = ids_path;
  options.stdout_path = store.dir().file("out");
  options.stderr_path = store.dir().file("err");
  options.env = store.env();
  Child child({jobop_binary(), "--db", store.db(), "--busy-timeout", "60s", "cancel", "-"},
              options);
  REQUIRE_MESSAGE(sleeps_within(child, 30),
                  "jobop never waited for the lock: " << read_file(options.stderr_path));
  child.kill(SIGTERM);
  blocker.exec("ROLLBACK");
  CHECK(child.wait() == 6);

  // The first chunk committed and is reported, every record of it; no more.
  const auto document = nlohmann::json::parse(read_file(options.stdout_path));
  CHECK(document.at("jobs").size() == 16384);
  CHECK(document.at("interrupted") == true);
  CHECK(document.at("counts").at("changed") == 16384);
  CHECK(store.query("SELECT count(*) FROM job_ops WHERE op = 2") == "16384");
  CHECK(store.query("SELECT count(*) FROM jobop_audit") == "16384");
  CHECK(store.query("SELECT count(*) FROM job_ops WHERE job_id = 'job-16385'") == "0");
  const auto line = diagnostic(read_file(options.stderr_path), "cancel.interrupted");
  REQUIRE_MESSAGE(!line.is_null(), read_file(options.stderr_path));
  CHECK(line.at("processed") == 16384);
  CHECK(line.at("total") == k_jobs);
}

TEST_CASE("a signal during cancel --wait's last chunk ends it before the wait, exit 6" *
          doctest::test_suite("sqlite_files")) {
  TestMetastore store;
  store.put("a", "cdc", "running");
  jobop::store::sqlite::Database blocker(store.path(), SQLITE_OPEN_READWRITE,
                                         5 * jobop::core::k_second);
  blocker.exec("BEGIN IMMEDIATE");
  ChildOptions options;
  options.stdout_path = store.dir().file("out");
  options.stderr_path = store.dir().file("err");
  options.env = store.env();
  // The master never stops (router none): only the signal can end the wait.
  Child child({jobop_binary(), "--db", store.db(), "--busy-timeout", "60s", "cancel", "--wait=60s",
               "--router", "none", "a"},
              options);
  REQUIRE_MESSAGE(sleeps_within(child, 30),
                  "jobop never waited for the lock: " << read_file(options.stderr_path));
  child.kill(SIGTERM);
  blocker.exec("ROLLBACK");
  CHECK(child.wait() == 6);
  const auto document = nlohmann::json::parse(read_file(options.stdout_path));
  CHECK(document.at("interrupted") == true);
  CHECK(document.at("jobs").size() == 1);
  CHECK(store.query("SELECT op FROM job_ops WHERE job_id = 'a'") == "2");
  CHECK(!diagnostic(read_file(options.stderr_path), "cancel.wait_interrupted").is_null());
}
