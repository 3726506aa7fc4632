#pragma once

#include "metastore_fixture.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <signal.h>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

// Helpers of the tests that run jobop beside an engine's SQLite file: the
// engine's schema and writes with the raw C API, second processes that hold
// its lock or crash mid-transaction, and other users (setpriv).
namespace jobop::test {

// The engine's SQLite schema (SPEC §1), as its gorm migration makes it. The
// engine's own file keeps SQLite's default rollback journal.
inline constexpr const char* k_engine_schema =
  "CREATE TABLE `master_meta` (`seq_id` integer PRIMARY KEY AUTOINCREMENT, `created_at` "
  "datetime, `updated_at` datetime, `project_id` varchar(128) not null, `id` varchar(128) not "
  "null, `type` smallint not null, `state` tinyint not null, `node_id` varchar(128) not null, "
  "`address` varchar(256) not null, `epoch` bigint not null, `config` blob, `error_message` "
  "text, `detail` blob, `ext` JSON, `deleted` datetime);"
  "CREATE INDEX `idx_mst` ON `master_meta`(`project_id`,`state`);"
  "CREATE UNIQUE INDEX `uidx_mid` ON `master_meta`(`id`);"
  "CREATE TABLE `job_ops` (`seq_id` integer PRIMARY KEY AUTOINCREMENT, `created_at` datetime, "
  "`updated_at` datetime, `op` tinyint not null, `job_id` varchar(128) not null);"
  "CREATE INDEX `idx_job_op` ON `job_ops`(`op`);"
  "CREATE UNIQUE INDEX `uk_job_id` ON `job_ops`(`job_id`);";

inline constexpr const char* k_engine_job =
  "INSERT INTO master_meta (created_at, updated_at, project_id, id, type, state, node_id, "
  "address, epoch, ext) VALUES ('2024-05-01 12:00:00+00:00', '2024-05-01 12:00:00+00:00', 'p', "
  "'a', 3, 2, 'n1', '10.0.0.1:8080', 7, '{\"selectors\":null}');";

// The uids of the other users of these tests (nobody, and one below it).
inline constexpr uid_t k_owner = 65534;
inline constexpr uid_t k_other = 65533;
inline constexpr const char* k_setpriv = "/usr/bin/setpriv";

// Run `sql` on the file at `path` with the raw C API, as the engine would.
inline void engine_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  const std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  REQUIRE_MESSAGE(rc == SQLITE_OK, message);
}

// Make an engine's metastore at `path` with the running job `a`.
inline void make_engine_metastore(const std::string& path,
                                  const std::string& schema = k_engine_schema) {
  engine_sql(path, schema + std::string(k_engine_job));
}

// Return "wal" or "rollback", as bytes 18 and 19 of the header say.
inline std::string journal_of(const std::string& path) {
  const std::string bytes = file_bytes(path);
  REQUIRE(bytes.size() >= 100);
  return bytes[18] == 2 && bytes[19] == 2 ? "wal" : bytes[18] == 1 ? "rollback" : "other";
}

inline bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

inline std::string code_of(const ProcessResult& r) {
  const auto lines = jobop::test::json_lines(r.err);
  return lines.empty() ? std::string() : lines.front().value("code", "");
}

// Run jobop as `uid` (and its group), with no supplementary groups.
inline ProcessResult run_as(uid_t uid, const std::vector<std::string>& args) {
  std::vector<std::string> argv{k_setpriv, "--reuid=" + std::to_string(uid),
                                "--regid=" + std::to_string(uid), "--clear-groups", jobop_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv);
}

// Other users need root (to become them) and setpriv.
inline bool can_become_other_users() {
  return ::geteuid() == 0 && ::access(k_setpriv, X_OK) == 0;
}

// A directory other users may enter, owned by `uid` with `mode`.
inline std::string shared_dir(const TempDir& dir, uid_t uid, mode_t mode) {
  const std::string path = dir.file("shared");
  REQUIRE(::mkdir(path.c_str(), 0700) == 0);
  REQUIRE(::chmod(dir.path().c_str(), 0755) == 0);
  REQUIRE(::chown(path.c_str(), uid, uid) == 0);
  REQUIRE(::chmod(path.c_str(), mode) == 0);
  return path;
}

// Create an empty file at `path` with exactly `mode`.
inline void make_file(const std::string& path, mode_t mode) {
  std::ofstream(path).flush();
  REQUIRE(::chmod(path.c_str(), mode) == 0);
}

// A process that holds the write lock of the metastore at `path` (BEGIN
// IMMEDIATE and a write, as the engine's transactions do) for `hold_ms`
// from the moment this returns, then commits.
class LockHolder {
public:
  LockHolder(const std::string& path, int hold_ms) {
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    m_pid = ::fork();
    REQUIRE(m_pid >= 0);
    if (m_pid == 0) {
      ::close(ready[0]);
      sqlite3* db = nullptr;
      int rc = sqlite3_open(path.c_str(), &db);
      const std::string sql = "BEGIN IMMEDIATE; INSERT INTO job_ops (created_at, updated_at, op, "
                              "job_id) VALUES (1, 1, 1, 'holder-" +
                              std::to_string(::getpid()) + "');";
      rc = rc == SQLITE_OK ? sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) : rc;
      const char byte = rc == SQLITE_OK ? 'y' : 'n';
      (void)!::write(ready[1], &byte, 1);
      ::usleep(static_cast<useconds_t>(hold_ms) * 1000);
      sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
      sqlite3_close(db);
      ::_exit(rc == SQLITE_OK ? 0 : 1);
    }
    ::close(ready[1]);
    char byte = 0;
    REQUIRE(::read(ready[0], &byte, 1) == 1);
    ::close(ready[0]);
    REQUIRE(byte == 'y');
  }
  ~LockHolder() {
    int status = 0;
    ::waitpid(m_pid, &status, 0);
  }
  LockHolder(const LockHolder&) = delete;
  LockHolder& operator=(const LockHolder&) = delete;

private:
  pid_t m_pid = -1;
};

// Crash an engine-like writer mid-transaction on the rollback-journal file
// at `path`: its changes spill into the file and it is killed before it
// commits, leaving a hot journal.
inline void crash_writer_mid_transaction(const std::string& path) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db, "PRAGMA cache_size=1; BEGIN;", nullptr, nullptr, nullptr);
    for (int i = 0; i < 3000; ++i) {
      const std::string sql =
        "INSERT INTO master_meta (project_id, id, type, state, node_id, address, epoch) VALUES "
        "('p', 'crashed-" +
        std::to_string(i) + "', 3, 2, 'n', 'a', 1)";
      sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    }
    ::kill(::getpid(), SIGKILL);
    ::_exit(1);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(exists(path + "-journal"));
}

// Return the names in `dir` owned by `uid`.
inline std::vector<std::string> files_of(const std::string& dir, uid_t uid) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    struct stat st {};
    if (::lstat(entry.path().c_str(), &st) == 0 && st.st_uid == uid) {
      names.push_back(entry.path().filename().string());
    }
  }
  return names;
}

} // namespace jobop::test
