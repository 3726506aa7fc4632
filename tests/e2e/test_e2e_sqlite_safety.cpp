// Living beside the engine on SQLite (SPEC §5, docs/reliability.md "Beside
// the engine"): the binary against real files, real second processes that
// hold locks or crash mid-transaction, and real other users (setpriv, when
// the tests run as root).
#include "engine_sqlite_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <signal.h>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using jobop::test::Child;
using jobop::test::ChildOptions;
using jobop::test::file_bytes;
using jobop::test::jobop_binary;
using jobop::test::ProcessResult;
using jobop::test::read_file;
using jobop::test::run_jobop;
using jobop::test::run_process;
using jobop::test::spawn_jobop;
using jobop::test::TempDir;
using namespace jobop::test;

TEST_CASE("-wal, -shm and -journal files another user could read or write are refused, and "
          "nothing is written to them" *
          doctest::test_suite("sqlite_files")) {
  TempDir dir;
  const auto db = dir.file("m.db");
  REQUIRE(run_jobop({"--db", db, "init"}).exit_code == 0);
  const std::vector<std::string> put{"--db",
                                     db,
                                     "job",
                                     "put",
                                     "a",
                                     "--type",
                                     "cdc",
                                     "--state",
                                     "running",
                                     "--config",
                                     "password=hunter2"};
  const std::string before = file_bytes(db);

  // An attacker's pair, open to everyone: every command refuses before it
  // writes a page where the attacker could read it.
  make_file(db + "-wal", 0666);
  make_file(db + "-shm", 0666);
  for (const auto& args : std::vector<std::vector<std::string>>{
         put, {"--db", db, "status"}, {"--db", db, "cancel", "a"}, {"--db", db, "init"}}) {
    CAPTURE(args[2]);
    const auto r = run_jobop(args);
    CHECK(r.exit_code == 5);
    CHECK(code_of(r) == "store.unsafe_file");
    CHECK(r.err.find("m.db-wal") != std::string::npos);
    CHECK(file_bytes(db + "-wal").empty());
    CHECK(file_bytes(db + "-shm").empty());
    CHECK(file_bytes(db) == before);
  }
  std::filesystem::remove(db + "-wal");
  std::filesystem::remove(db + "-shm");

  // A journal the metastore's group may not read but the sidecar's may.
  make_file(db + "-journal", 0640);
  CHECK(code_of(run_jobop(put)) == "store.unsafe_file");
  std::filesystem::remove(db + "-journal");

  // A link to somewhere else.
  std::filesystem::create_symlink(dir.file("elsewhere"), db + "-wal");
  CHECK(code_of(run_jobop(put)) == "store.unsafe_file");
  CHECK_FALSE(exists(dir.file("elsewhere")));
  std::filesystem::remove(db + "-wal");

  if (::geteuid() == 0) {
    // Private to its owner, but the owner is someone else.
    make_file(db + "-shm", 0600);
    REQUIRE(::chown((db + "-shm").c_str(), k_owner, k_owner) == 0);
    CHECK(code_of(run_jobop(put)) == "store.unsafe_file");
    std::filesystem::remove(db + "-shm");
  }
  CHECK(file_bytes(db) == before);

  // The engine's own files beside it (same owner, same mode) are fine.
  sqlite3* engine = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &engine) == SQLITE_OK);
  REQUIRE(sqlite3_exec(engine, "SELECT count(*) FROM master_meta", nullptr, nullptr, nullptr) ==
          SQLITE_OK);
  REQUIRE(exists(db + "-wal"));
  const auto r = run_jobop(put);
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  sqlite3_close(engine);
}

TEST_CASE("a metastore jobop did not create keeps its journal mode through every write" *
          doctest::test_suite("sqlite_files")) {
  TempDir dir;
  const auto db = dir.file("engine.db");
  make_engine_metastore(db);
  REQUIRE(journal_of(db) == "rollback");
  const std::vector<std::vector<std::string>> writes = {
    {"init"},
    {"job", "put", "b", "--type", "cdc", "--state", "running"},
    {"job", "set-state", "b", "failed", "--error", "boom"},
    {"cancel", "a"},
    {"tick"},
    {"job", "set-state", "a", "stopped"},
    {"tick"},
    {"job", "delete", "a"},
  };
  for (const auto& command : writes) {
    std::vector<std::string> args{"--db", db};
    args.insert(args.end(), command.begin(), command.end());
    const auto r = run_jobop(args);
    CAPTURE(command[0]);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(journal_of(db) == "rollback");
    CHECK_FALSE(exists(db + "-wal"));
    CHECK_FALSE(exists(db + "-journal"));
  }

  // Only a file init creates is put in WAL mode.
  const auto fresh = dir.file("fresh.db");
  REQUIRE(run_jobop({"--db", fresh, "init"}).exit_code == 0);
  CHECK(journal_of(fresh) == "wal");
}

TEST_CASE("a schema without a column jobop reads is refused before anything is written" *
          doctest::test_suite("sqlite_files")) {
  TempDir dir;
  const auto db = dir.file("old.db");
  std::string schema = k_engine_schema;
  const std::string deleted = ", `deleted` datetime";
  schema.erase(schema.find(deleted), deleted.size());
  engine_sql(db, schema + "INSERT INTO master_meta (project_id, id, type, state, node_id, "
                          "address, epoch) VALUES ('p', 'a', 3, 2, 'n', 'x', 1);");
  const std::string before = file_bytes(db);
  for (const auto& command : std::vector<std::vector<std::string>>{
         {"cancel", "a"}, {"init"}, {"status"}, {"tick"}, {"job", "delete", "a"}}) {
    std::vector<std::string> args{"--db", db};
    args.insert(args.end(), command.begin(), command.end());
    const auto r = run_jobop(args);
    CAPTURE(command[0]);
    CHECK(r.exit_code == 5);
    CHECK(code_of(r) == "store.not_a_metastore");
    CHECK(r.err.find("master_meta.deleted") != std::string::npos);
    CHECK(r.out.empty());
    CHECK(file_bytes(db) == before);
    CHECK_FALSE(exists(db + "-wal"));
    CHECK_FALSE(exists(db + "-shm"));
    CHECK_FALSE(exists(db + "-journal"));
  }
}

TEST_CASE("--busy-timeout bounds the waits of setting up the connection too" *
          doctest::test_suite("sqlite_files")) {
  TempDir dir;
  const auto db = dir.file("engine.db");
  make_engine_metastore(db);
  {
    // The engine is writing for 0.5 s when jobop starts: jobop waits.
    LockHolder engine(db, 500);
    const auto r = run_jobop({"--db", db, "--busy-timeout", "10s", "cancel", "a"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
  }
  CHECK(run_jobop({"--db", db, "status", "a"}).out.find("\"canceling\"") != std::string::npos);
  {
    // Past the timeout it gives up with store.locked.
    LockHolder engine(db, 3000);
    const auto r = run_jobop({"--db", db, "--busy-timeout", "200ms", "job", "put", "c", "--type",
                              "cdc", "--state", "running"});
    CHECK(r.exit_code == 5);
    CHECK(code_of(r) == "store.locked");
  }
  // The same against a WAL metastore jobop made.
  const auto wal = dir.file("wal.db");
  REQUIRE(run_jobop({"--db", wal, "init"}).exit_code == 0);
  REQUIRE(
    run_jobop({"--db", wal, "job", "put", "a", "--type", "cdc", "--state", "running"}).exit_code ==
    0);
  {
    LockHolder writer(wal, 500);
    const auto r = run_jobop({"--db", wal, "--busy-timeout", "10s", "cancel", "a"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
  }
}

TEST_CASE("two init at once both succeed: one creates, the other adopts" *
          doctest::test_suite("sqlite_files")) {
  TempDir dir;
  constexpr int k_races = 30;
  int created = 0;
  for (int race = 0; race < k_races; ++race) {
    const auto db = dir.file("race-" + std::to_string(race) + ".db");
    std::vector<Child> inits;
    std::vector<std::string> outs;
    for (int i = 0; i < 2; ++i) {
      ChildOptions options;
      outs.push_back(dir.file("out-" + std::to_string(race) + "-" + std::to_string(i)));
      options.stdout_path = outs.back();
      options.stderr_path = outs.back() + ".err";
      inits.push_back(spawn_jobop({"--db", db, "init"}, options));
    }
    for (int i = 0; i < 2; ++i) {
      CAPTURE(race);
      const int code = inits[static_cast<std::size_t>(i)].wait();
      CHECK_MESSAGE(code == 0, read_file(outs[static_cast<std::size_t>(i)] + ".err"));
      const auto document = nlohmann::json::parse(read_file(outs[static_cast<std::size_t>(i)]));
      created += document.at("created").get<bool>() ? 1 : 0;
    }
    CHECK(run_jobop({"--db", db, "status"}).exit_code == 0);
  }
  CHECK(created == k_races);
  // No temporary file of a losing init is left.
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    CHECK(entry.path().filename().string().find("jobop-init") == std::string::npos);
  }
}

TEST_CASE("init refuses :memory: and file: URIs, and leaves no file of that name" *
          doctest::test_suite("sqlite_files")) {
  TempDir dir;
  for (const std::string db : {":memory:", "file:m.db?mode=memory", "file:m.db", ""}) {
    CAPTURE(db);
    ChildOptions options;
    options.cwd = dir.path();
    options.stdout_path = dir.file("out");
    options.stderr_path = dir.file("err");
    CHECK(spawn_jobop({"--db", db, "init"}, options).wait() == 2);
    CHECK(read_file(dir.file("out")).empty());
    CHECK(nlohmann::json::parse(read_file(dir.file("err"))).at("code") == "store.bad_path");
    std::filesystem::remove(dir.file("out"));
    std::filesystem::remove(dir.file("err"));
    CHECK(std::filesystem::is_empty(dir.path()));
  }
}

TEST_CASE("a hot journal left by a crashed engine is store.needs_recovery, and init recovers "
          "it" *
          doctest::test_suite("sqlite_files")) {
  TempDir dir;
  const auto db = dir.file("engine.db");
  make_engine_metastore(db);
  crash_writer_mid_transaction(db);
  for (const auto& command : std::vector<std::vector<std::string>>{
         {"status"}, {"tick", "--dry-run"}, {"cancel", "--dry-run", "a"}}) {
    std::vector<std::string> args{"--db", db};
    args.insert(args.end(), command.begin(), command.end());
    const auto r = run_jobop(args);
    CAPTURE(command[0]);
    CHECK(r.exit_code == 5);
    CHECK(code_of(r) == "store.needs_recovery");
    CHECK(r.err.find("engine.db-journal") != std::string::npos);
    CHECK(r.err.find("jobop init --db") != std::string::npos);
  }
  if (can_become_other_users()) {
    // A reader who may not roll it back is told who can.
    REQUIRE(::chmod(dir.path().c_str(), 0755) == 0);
    REQUIRE(::chmod(db.c_str(), 0644) == 0);
    REQUIRE(::chmod((db + "-journal").c_str(), 0644) == 0);
    const auto r = run_as(k_other, {"--db", db, "status"});
    CHECK(r.exit_code == 5);
    CHECK(code_of(r) == "store.needs_recovery");
    CHECK(r.err.find("ask uid 0") != std::string::npos);
  }
  // The owner's init rolls the crashed transaction back.
  const auto r = run_jobop({"--db", db, "init"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK_FALSE(exists(db + "-journal"));
  const auto status = nlohmann::json::parse(run_jobop({"--db", db, "status"}).out);
  REQUIRE(status.at("jobs").size() == 1);
  CHECK(status.at("jobs").at(0).at("id") == "a");
}

TEST_CASE("another user reads a WAL metastore in a directory they cannot write, and leaves "
          "no file behind" *
          doctest::test_suite("sqlite_files")) {
  if (!can_become_other_users()) {
    MESSAGE("skipped: needs root and setpriv to run jobop as other users");
    return;
  }
  for (const mode_t dir_mode : {mode_t{0755}, mode_t{01777}}) {
    CAPTURE(dir_mode);
    TempDir dir;
    const std::string shared = shared_dir(dir, k_owner, dir_mode);
    const std::string db = shared + "/m.db";
    REQUIRE(run_as(k_owner, {"--db", db, "init"}).exit_code == 0);
    REQUIRE(run_as(k_owner, {"--db", db, "job", "put", "a", "--type", "cdc", "--state", "running"})
              .exit_code == 0);
    REQUIRE(::chmod(db.c_str(), 0644) == 0);
    for (const auto& command : std::vector<std::vector<std::string>>{
           {"status"}, {"status", "a"}, {"tick", "--dry-run"}, {"cancel", "--dry-run", "a"}}) {
      std::vector<std::string> args{"--db", db};
      args.insert(args.end(), command.begin(), command.end());
      const auto r = run_as(k_other, args);
      CAPTURE(command[0]);
      CHECK_MESSAGE(r.exit_code == 0, r.err);
      if (command[0] != "tick") {
        CHECK(r.out.find("\"a\"") != std::string::npos);
      }
      CHECK(files_of(shared, k_other).empty());
    }
    // The owner is not locked out of its metastore.
    const auto r = run_as(k_owner, {"--db", db, "cancel", "a"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
  }

  // While the owner's engine has it open with changes not yet checkpointed,
  // the reader sees them, through the owner's -wal and -shm.
  TempDir dir;
  const std::string shared = shared_dir(dir, k_owner, 0755);
  const std::string db = shared + "/m.db";
  REQUIRE(run_as(k_owner, {"--db", db, "init"}).exit_code == 0);
  REQUIRE(::chmod(db.c_str(), 0644) == 0);
  sqlite3* engine = nullptr; // root's SQLite gives the files it makes to the owner
  REQUIRE(sqlite3_open(db.c_str(), &engine) == SQLITE_OK);
  REQUIRE(sqlite3_exec(engine, (std::string("PRAGMA wal_autocheckpoint=0;") + k_engine_job).c_str(),
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  REQUIRE(file_bytes(db + "-wal").size() > 0);
  const auto r = run_as(k_other, {"--db", db, "status", "a"});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(files_of(shared, k_other).empty());
  sqlite3_close(engine);
}

TEST_CASE("an SQLite command starts without the MySQL client library: only --version loads it" *
          doctest::test_suite("sqlite_files")) {
  // The dynamic loader names every library it loads (LD_DEBUG=files); the
  // client (libmariadb, with libssl and libcrypto) is dlopen'd on first use
  // and cost a millisecond of every run when --version's text loaded it.
  jobop::test::TestMetastore store(true);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"status"}, {"cancel", "payments-cdc-orders"}, {"help"}}) {
    const auto r = store.run(args, "", {"LD_DEBUG=files"});
    CAPTURE(args.front());
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("file=libsqlite3") != std::string::npos); // the loader did report
    CHECK(r.err.find("libmariadb") == std::string::npos);
  }
  const auto version = jobop::test::run_jobop({"--version"}, "", {"LD_DEBUG=files"});
  CHECK(version.exit_code == 0);
  CHECK(version.err.find("libmariadb") != std::string::npos);
}
