#include "store_test_support.hpp"

#include <jobop/core/exceptions.hpp>
#include <jobop/store/metastore.hpp>
#include <jobop/store/open.hpp>
#include <jobop/store/sqlite/schema.hpp>
#include <jobop/store/sqlite/sqlite_metastore.hpp>

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <sys/stat.h>
#include <vector>

using namespace jobop::store;
using namespace jobop::model;
using namespace jobop::store::sqlite;
using namespace jobop::test;
using jobop::core::StoreError;

namespace {

// Return the code of the StoreError `f` throws, or "" if none.
template <typename F>
std::string store_error_code(F&& f) {
  try {
    f();
  } catch (const StoreError& e) {
    return e.code();
  }
  return "";
}

// Make an SQLite file by running `sql` with the raw C API.
void make_sqlite(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

} // namespace

TEST_CASE("init creates a private metastore with the engine's exact DDL and the tool's tables") {
  ScratchDir dir;
  const std::string path = dir.file("jobop.db");
  const InitResult result = init_metastore(path);
  CHECK(result.created_file);
  CHECK_FALSE(result.adopted);
  CHECK(result.schema_version == k_schema_version);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  SqliteMetastore store(path, OpenMode::read_only);
  Statement stmt = store.db().prepare(
    "SELECT sql FROM sqlite_master WHERE tbl_name IN ('master_meta', 'job_ops') AND sql IS NOT "
    "NULL ORDER BY rowid");
  int i = 0;
  while (stmt.step()) {
    REQUIRE(i < k_engine_ddl_count);
    CHECK(stmt.column_text(0) == k_engine_ddl[i]);
    ++i;
  }
  CHECK(i == k_engine_ddl_count);
  CHECK(store.has_outbox());
  Statement mode = store.db().prepare("PRAGMA journal_mode");
  REQUIRE(mode.step());
  CHECK(mode.column_text(0) == "wal");
}

TEST_CASE("the engine's schema jobop creates is gorm's text exactly, with no index of its own") {
  // SPEC §1, statement by statement: what sqlite_master must hold.
  const char* const gorm[] = {
    "CREATE TABLE `master_meta` (`seq_id` integer PRIMARY KEY AUTOINCREMENT,\n"
    "  `created_at` datetime, `updated_at` datetime,\n"
    "  `project_id` varchar(128) not null, `id` varchar(128) not null,\n"
    "  `type` smallint not null, `state` tinyint not null,\n"
    "  `node_id` varchar(128) not null, `address` varchar(256) not null,\n"
    "  `epoch` bigint not null, `config` blob, `error_message` text,\n"
    "  `detail` blob, `ext` JSON, `deleted` datetime)",
    "CREATE INDEX `idx_mst` ON `master_meta`(`project_id`,`state`)",
    "CREATE UNIQUE INDEX `uidx_mid` ON `master_meta`(`id`)",
    "CREATE TABLE `job_ops` (`seq_id` integer PRIMARY KEY AUTOINCREMENT,\n"
    "  `created_at` datetime, `updated_at` datetime,\n"
    "  `op` tinyint not null, `job_id` varchar(128) not null)",
    "CREATE INDEX `idx_job_op` ON `job_ops`(`op`)",
    "CREATE UNIQUE INDEX `uk_job_id` ON `job_ops`(`job_id`)",
  };
  ScratchDir dir;
  const std::string path = dir.file("jobop.db");
  init_metastore(path);
  SqliteMetastore store(path, OpenMode::read_only);
  Statement stmt = store.db().prepare(
    "SELECT sql FROM sqlite_master WHERE tbl_name IN ('master_meta', 'job_ops') AND sql IS NOT "
    "NULL ORDER BY rowid");
  std::vector<std::string> found;
  while (stmt.step()) {
    found.push_back(stmt.column_text(0));
  }
  CHECK(found == std::vector<std::string>(std::begin(gorm), std::end(gorm)));
}

TEST_CASE("a metastore an earlier jobop gave idx_master_meta_deleted keeps working") {
  ScratchDir dir;
  const std::string path = dir.file("old.db");
  std::string ddl;
  for (int i = 0; i < k_engine_ddl_count; ++i) {
    ddl += std::string(k_engine_ddl[i]) + ";\n";
  }
  ddl += "CREATE INDEX `idx_master_meta_deleted` ON `master_meta`(`deleted`);";
  make_sqlite(path, ddl.c_str());
  CHECK(init_metastore(path).adopted);
  {
    SqliteMetastore store(path, OpenMode::read_write);
    put(store, "a", JobState::init);
    put(store, "b", JobState::finished); // only a terminated job may be deleted
    store.delete_job("b", k_t0);
    CHECK(store.find_jobs({"a"})[0].has_value());
    CHECK_FALSE(store.find_jobs({"b"})[0].has_value());
  }
  SqliteMetastore store(path, OpenMode::read_only);
  Statement index =
    store.db().prepare("SELECT count(*) FROM sqlite_master WHERE name = 'idx_master_meta_deleted'");
  REQUIRE(index.step());
  CHECK(index.column_int(0) == 1); // kept: jobop never alters the engine's tables
}

TEST_CASE("on an engine's metastore the tool's tables come with the first write, inside it") {
  ScratchDir dir;
  const std::string path = dir.file("engine.db");
  std::string ddl;
  for (int i = 0; i < k_engine_ddl_count; ++i) {
    ddl += std::string(k_engine_ddl[i]) + ";\n";
  }
  make_sqlite(path, ddl.c_str());
  const std::string before = read_bytes(path);
  const auto tool_tables = [&] {
    SqliteMetastore ro(path, OpenMode::read_only);
    Statement stmt =
      ro.db().prepare("SELECT count(*) FROM sqlite_master WHERE name LIKE 'jobop_%'");
    REQUIRE(stmt.step());
    return stmt.column_int(0);
  };
  {
    // Opened for writing, then refused: nothing of the tool's is left.
    SqliteMetastore store(path, OpenMode::read_write);
    CHECK_THROWS_AS(store.set_job_state("nope", JobState::stopped, std::nullopt, k_t0),
                    jobop::core::NotFoundError);
  }
  CHECK(read_bytes(path) == before);
  CHECK(tool_tables() == 0);
  {
    SqliteMetastore store(path, OpenMode::read_write);
    put(store, "a", JobState::init);
    CHECK(store.has_outbox());
    CHECK(store.has_audit());
  }
  CHECK(tool_tables() == 3); // jobop_meta, jobop_outbox, jobop_audit
}

TEST_CASE("paths SQLite would not keep in a file are refused, and no file is made") {
  ScratchDir dir;
  for (const std::string& path : {std::string(":memory:"), std::string(""),
                                  std::string("file:") + dir.file("u.db") + "?mode=memory"}) {
    CAPTURE(path);
    CHECK_THROWS_AS(init_metastore(path), jobop::core::UsageError);
    CHECK_THROWS_AS(SqliteMetastore(path, OpenMode::read_only), jobop::core::UsageError);
  }
  CHECK_FALSE(std::filesystem::exists(":memory:"));
  CHECK_FALSE(std::filesystem::exists(dir.file("u.db")));
}

TEST_CASE("init adopts an engine's metastore without altering its tables, and is idempotent") {
  ScratchDir dir;
  const std::string path = dir.file("engine.db");
  std::string ddl;
  for (int i = 0; i < k_engine_ddl_count; ++i) {
    ddl += std::string(k_engine_ddl[i]) + ";\n";
  }
  ddl += "INSERT INTO master_meta (created_at, updated_at, project_id, id, type, state, node_id, "
         "address, epoch) VALUES ('2024-05-01 12:00:00+00:00', 1714564800, 'p', 'e1', 3, 2, 'n', "
         "'a', 1);";
  make_sqlite(path, ddl.c_str());
  const InitResult result = init_metastore(path);
  CHECK_FALSE(result.created_file);
  CHECK(result.adopted);
  CHECK(init_metastore(path).adopted);

  SqliteMetastore store(path, OpenMode::read_only);
  const auto rows = store.find_jobs({"e1"});
  REQUIRE(rows[0].has_value());
  CHECK(rows[0]->job->created_at == k_t0);
  CHECK(rows[0]->job->updated_at == k_t0); // an integer column, read by magnitude
  Statement count = store.db().prepare("SELECT count(*) FROM sqlite_master WHERE tbl_name IN "
                                       "('master_meta', 'job_ops')");
  REQUIRE(count.step());
  CHECK(count.column_int(0) == k_engine_ddl_count);
}

TEST_CASE("bad files are refused with a code that says which, and left byte-for-byte unchanged") {
  ScratchDir dir;
  const std::string empty = dir.file("empty.db");
  write_bytes(empty, "");
  const std::string text = dir.file("notes.txt");
  write_bytes(text, "not a database at all, just some text that is long enough\n");
  const std::string other = dir.file("other.db");
  make_sqlite(other, "CREATE TABLE t (x); INSERT INTO t VALUES (1);");
  const std::string half = dir.file("half.db");
  make_sqlite(half, "CREATE TABLE `master_meta` (id text);");

  for (const auto& [path, code] :
       {std::pair{empty, "store.empty_file"}, std::pair{text, "store.not_sqlite"},
        std::pair{other, "store.not_a_metastore"}, std::pair{half, "store.not_a_metastore"}}) {
    CAPTURE(path);
    const std::string before = read_bytes(path);
    CHECK(store_error_code([&] { init_metastore(path); }) == code);
    CHECK(store_error_code([&] { SqliteMetastore(path, OpenMode::read_write); }) == code);
    CHECK(store_error_code([&] { SqliteMetastore(path, OpenMode::read_only); }) == code);
    CHECK(read_bytes(path) == before);
    CHECK_FALSE(std::filesystem::exists(path + "-wal"));
  }
}

TEST_CASE("only init creates a file; other opens of a missing path fail with store.missing") {
  ScratchDir dir;
  const std::string path = dir.file("nope.db");
  CHECK(store_error_code([&] { SqliteMetastore(path, OpenMode::read_write); }) == "store.missing");
  CHECK(store_error_code([&] { SqliteMetastore(path, OpenMode::read_only); }) == "store.missing");
  CHECK_FALSE(std::filesystem::exists(path));
  try {
    SqliteMetastore(path, OpenMode::read_only);
  } catch (const StoreError& e) {
    const std::string message = e.what();
    CHECK(message.find(path) != std::string::npos);
    // A wrong path is likelier than a metastore still to be made.
    CHECK(message.find("check the path") < message.find("jobop init"));
    CHECK(e.exit_code() == jobop::core::ExitCode::store_unavailable);
  }
}

TEST_CASE("a read-only open reads but every write fails with store.read_only") {
  ScratchDir dir;
  const std::string path = dir.file("jobop.db");
  init_metastore(path);
  {
    SqliteMetastore rw(path, OpenMode::read_write);
    put(rw, "a", JobState::init);
  }
  SqliteMetastore ro(path, OpenMode::read_only);
  CHECK(ro.read_only());
  CHECK(ro.find_jobs({"a"})[0].has_value());
  CHECK(store_error_code([&] { put(ro, "b", JobState::init); }) == "store.read_only");
}

TEST_CASE("a writer waits for another connection's BEGIN IMMEDIATE up to the busy timeout") {
  ScratchDir dir;
  const std::string path = dir.file("jobop.db");
  init_metastore(path);
  SqliteMetastore first(path, OpenMode::read_write);
  SqliteMetastore second(path, OpenMode::read_write, {50 * jobop::core::k_millisecond});
  {
    jobop::store::sqlite::Transaction hold(first.db());
    CHECK(store_error_code([&] { jobop::store::sqlite::Transaction t(second.db()); }) ==
          "store.locked");
    // A reader is not blocked by the writer in WAL mode.
    CHECK_FALSE(second.find_jobs({"x"})[0].has_value());
    hold.commit();
  }
  jobop::store::sqlite::Transaction now_free(second.db());
  now_free.commit();
}

TEST_CASE("put, set-state and soft delete as the engine does") {
  auto store_ptr = SqliteMetastore::in_memory();
  auto& store = *store_ptr;
  JobSpec spec;
  spec.id = "j1";
  spec.project_id = "proj";
  spec.type = JobType::cdc;
  spec.state = JobState::uninit;
  spec.config = std::string("{\"password\":\"secret\"}");
  CHECK(store.put_job(spec, k_t0));
  spec.state = JobState::init;
  CHECK_FALSE(store.put_job(spec, k_t0 + jobop::core::k_second));

  auto row = store.find_jobs({"j1"})[0];
  REQUIRE(row.has_value());
  CHECK(row->state() == UserState::running);
  CHECK(row->job->type == JobType::cdc);
  CHECK(row->job->created_at == k_t0);
  CHECK(row->job->updated_at == k_t0 + jobop::core::k_second);
  CHECK_FALSE(row->job->config.has_value());
  CHECK(store.find_jobs({"j1"}, true)[0]->job->config == spec.config);

  const StatusRow after = store.set_job_state("j1", JobState::failed, std::string("oom"), k_t0);
  CHECK(after.state() == UserState::failed);
  CHECK(after.job->error_message == "oom");
  CHECK_THROWS_AS(store.set_job_state("zz", JobState::failed, std::nullopt, k_t0),
                  jobop::core::NotFoundError);

  store.delete_job("j1", k_t0);
  CHECK_FALSE(store.find_jobs({"j1"})[0].has_value());
  CHECK_THROWS_AS(store.delete_job("j1", k_t0), jobop::core::NotFoundError);
  CHECK_THROWS_AS(store.set_job_state("j1", JobState::init, std::nullopt, k_t0),
                  jobop::core::NotFoundError);
  // A soft-deleted row keeps its id: neither UpsertJob nor CreateJob revive it.
  CHECK_THROWS_AS(store.put_job(spec, k_t0 + jobop::core::k_minute), jobop::core::ConflictError);
  CHECK_THROWS_AS(store.put_job(spec, k_t0, jobop::store::PutMode::create),
                  jobop::core::ConflictError);
  CHECK_FALSE(store.find_jobs({"j1"})[0].has_value());
  spec.id = std::string(200, 'x');
  CHECK_THROWS_AS(store.put_job(spec, k_t0), jobop::core::UsageError);
}

TEST_CASE("status streams live jobs, then orphan ops, through the filters") {
  auto store_ptr = SqliteMetastore::in_memory();
  auto& store = *store_ptr;
  put(store, "run", JobState::init);
  put(store, "done", JobState::finished);
  put(store, "gone", JobState::stopped);
  store.upsert_ops({"run"}, OpStatus::canceling, k_t0);
  store.upsert_ops({"gone"}, OpStatus::canceling, k_t0);
  store.upsert_ops({"ghost"}, OpStatus::canceling, k_t0);
  store.delete_job("gone", k_t0);

  auto ids = [&](const StatusFilter& filter) {
    std::vector<std::string> out;
    store.for_each_status_row(
      filter, [&](const StatusRow& row) { out.push_back(row.id + (row.orphan() ? "*" : "")); });
    return out;
  };
  CHECK(ids({}) == std::vector<std::string>{"run", "done", "gone*", "ghost*"});
  StatusFilter canceling;
  canceling.states = {UserState::canceling};
  CHECK(ids(canceling) == std::vector<std::string>{"run"});
  StatusFilter ops;
  ops.ops = {OpStatus::canceling};
  CHECK(ids(ops) == std::vector<std::string>{"run", "gone*", "ghost*"});
  StatusFilter none;
  none.ops = {OpStatus::none};
  CHECK(ids(none) == std::vector<std::string>{"done"});
  StatusFilter named;
  named.ids = {"done", "missing", "ghost"};
  CHECK(ids(named) == std::vector<std::string>{"done", "ghost*"});
  StatusFilter project;
  project.projects = {"other"};
  CHECK(ids(project).empty());

  const auto found = store.find_jobs({"missing", "ghost"});
  CHECK_FALSE(found[0].has_value());
  REQUIRE(found[1].has_value());
  CHECK(found[1]->orphan());
  CHECK(found[1]->op_status() == OpStatus::canceling);
}

TEST_CASE("a canceling job tells since when and whether it looks stuck") {
  StatusRow row;
  row.id = "j";
  row.job = JobRecord{};
  row.job->state = JobState::init;
  row.op = OpRecord{"j", OpStatus::canceling, k_t0, k_t0};
  CHECK(row.state() == UserState::canceling);
  CHECK(row.canceling_since() == k_t0);
  CHECK(row.cancel_pending());
  CHECK_FALSE(row.looks_stuck(k_t0 + 4 * jobop::core::k_minute, 5 * jobop::core::k_minute));
  CHECK(row.looks_stuck(k_t0 + 5 * jobop::core::k_minute, 5 * jobop::core::k_minute));
  row.job->state = JobState::stopped;
  CHECK_FALSE(row.canceling_since().has_value());
  CHECK_FALSE(row.looks_stuck(k_t0 + jobop::core::k_hour, jobop::core::k_minute));
}
