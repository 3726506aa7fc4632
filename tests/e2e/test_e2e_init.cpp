#include "metastore_fixture.hpp"

#include <jobop/store/sqlite/sqlite_metastore.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>

using jobop::test::file_bytes;
using jobop::test::run_jobop;
using jobop::test::TempDir;
using jobop::test::TestMetastore;

namespace {

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

} // namespace

TEST_CASE("init creates a metastore and reports it; a second init adopts it" *
          doctest::test_suite("sqlite_files")) {
  TempDir dir;
  const auto db = dir.file("jobop.db");
  auto r = run_jobop({"--db", db, "init"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto document = nlohmann::json::parse(r.out);
  CHECK(document.at("created") == true);
  CHECK(document.at("schema_version").get<int>() >= 1);
  CHECK(document.at("demo").is_null());
  CHECK(std::filesystem::exists(db));

  r = run_jobop({"--db", db, "init"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(nlohmann::json::parse(r.out).at("created") == false);
}

TEST_CASE("--db is accepted after the subcommand and from JOBOP_DB" *
          doctest::test_suite("sqlite_files")) {
  TempDir dir;
  auto r = run_jobop({"init", "--db", dir.file("after.db")});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(std::filesystem::exists(dir.file("after.db")));

  r = run_jobop({"init"}, "", {"JOBOP_DB=" + dir.file("env.db")});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(std::filesystem::exists(dir.file("env.db")));
  r = run_jobop({"status"}, "", {"JOBOP_DB=" + dir.file("env.db")});
  CHECK(r.exit_code == 0);
}

TEST_CASE("every command but init refuses a missing metastore with exit 5 and creates nothing" *
          doctest::test_suite("sqlite_files")) {
  TempDir dir;
  const auto db = dir.file("missing.db");
  const std::vector<std::vector<std::string>> commands = {
    {"status"},
    {"tick"},
    {"tick", "--dry-run"},
    {"cancel", "a"},
    {"cancel", "--dry-run", "a"},
    {"job", "put", "a", "--type", "cdc", "--state", "running"},
    {"job", "set-state", "a", "stopped"},
    {"job", "delete", "a"}};
  for (const auto& command : commands) {
    std::vector<std::string> args{"--db", db};
    args.insert(args.end(), command.begin(), command.end());
    const auto r = run_jobop(args);
    CAPTURE(command.front());
    CHECK(r.exit_code == 5);
    CHECK(r.out.empty());
    const auto line = nlohmann::json::parse(r.err);
    CHECK(line.at("level") == "error");
    CHECK(line.at("code").get<std::string>().rfind("store.", 0) == 0);
    CHECK(!std::filesystem::exists(db));
    CHECK(!std::filesystem::exists(db + "-wal"));
  }
}

TEST_CASE("a file that is not a metastore is refused with exit 5 and left byte for byte" *
          doctest::test_suite("sqlite_files")) {
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> files = {
    {"text.db", "this is a text file, not SQLite\n"}, {"empty.db", ""}};
  for (const auto& [name, bytes] : files) {
    const auto db = dir.file(name);
    write_file(db, bytes);
    for (const auto& command :
         std::vector<std::vector<std::string>>{{"init"}, {"status"}, {"tick"}, {"cancel", "x"}}) {
      std::vector<std::string> args{"--db", db};
      args.insert(args.end(), command.begin(), command.end());
      const auto r = run_jobop(args);
      CAPTURE(name);
      CAPTURE(command.front());
      CHECK(r.exit_code == 5);
      CHECK(nlohmann::json::parse(r.err).at("level") == "error");
      CHECK(file_bytes(db) == bytes);
    }
  }
}

TEST_CASE("init --demo fills jobs of every state, type and a few projects") {
  TestMetastore store(true);
  // --all: the demo has the engine's own JobManager row, hidden otherwise.
  const auto document = store.json({"status", "--all"});
  CHECK(store.json({"status"}).at("count") == document.at("count").get<int>() - 1);
  std::set<std::string> states;
  std::set<std::string> types;
  std::set<std::string> projects;
  std::set<std::string> orphan_ops;
  for (const auto& job : document.at("jobs")) {
    if (job.at("orphan") == true) {
      orphan_ops.insert(job.at("op").get<std::string>());
      continue;
    }
    states.insert(job.at("state").get<std::string>());
    types.insert(job.at("type").get<std::string>());
    projects.insert(job.at("project").get<std::string>());
  }
  CHECK(states ==
        std::set<std::string>{"created", "running", "canceling", "finished", "canceled", "failed"});
  CHECK(types.size() == 5);
  CHECK(projects.size() >= 3);
  // One orphan still canceling, one a past tick already made noop.
  CHECK(orphan_ops == std::set<std::string>{"canceling", "noop"});
  // The soft-deleted job does not exist for any command.
  CHECK(store.run({"status", "payments-cvs-old"}).exit_code == 3);
  const auto stuck = store.status_of("analytics-dm-warehouse");
  CHECK(stuck.at("state") == "canceling");
  CHECK(stuck.at("stuck") == true);
  CHECK(stuck.at("cancel_sends") == 3);
  // A second --demo is refused: the metastore holds jobs.
  const auto before = store.snapshot();
  const auto again = store.run({"init", "--demo"});
  CHECK(again.exit_code == 4);
  CHECK(nlohmann::json::parse(again.err).at("code") == "demo.not_empty");
  CHECK(store.snapshot() == before);
}

TEST_CASE("init --demo on a metastore with real jobs exits 4 and leaves it as it was") {
  TestMetastore store;
  store.put("real-job", "cdc", "running");
  store.json({"cancel", "real-job"});
  const auto before = store.snapshot();
  const auto r = store.run({"init", "--demo"});
  CHECK(r.exit_code == 4);
  CHECK(r.out.empty());
  const auto line = nlohmann::json::parse(r.err);
  CHECK(line.at("code") == "demo.not_empty");
  CHECK(line.at("message").get<std::string>().find("holds no jobs") != std::string::npos);
  CHECK(store.snapshot() == before);
  const auto job = store.status_of("real-job");
  CHECK(job.at("state") == "canceling");
  CHECK(job.at("cancel_sends") == 0);
  CHECK(store.json({"status"}).at("jobs").size() == 1);
}

TEST_CASE("init --demo refuses a metastore whose only row is an orphan op" *
          doctest::test_suite("sqlite_files")) {
  TestMetastore store;
  {
    jobop::store::sqlite::SqliteMetastore db(store.path(), jobop::store::OpenMode::read_write);
    db.db().exec("INSERT INTO job_ops (created_at, updated_at, op, job_id) VALUES "
                 "('2024-05-01 12:00:00+00:00', '2024-05-01 12:00:00+00:00', 2, 'gone')");
  }
  const auto before = store.snapshot();
  CHECK(store.run({"init", "--demo"}).exit_code == 4);
  CHECK(store.snapshot() == before);
}

TEST_CASE("a bad --busy-timeout is a usage error") {
  TestMetastore store;
  const auto r = store.run({"--busy-timeout", "soon", "status"});
  CHECK(r.exit_code == 2);
  CHECK(nlohmann::json::parse(r.err).at("message").get<std::string>().find("soon") !=
        std::string::npos);
}
