// Security checks that need the whole binary: file modes, the config blob
// kept out of every output, an exec router without a shell, and ids that
// carry SQL reaching SQLite only as bound values.
#include "process.hpp"
#include "stress_support.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sys/stat.h>
#include <thread>

using jobop::test::ChildOptions;
using jobop::test::ProcessResult;
using jobop::test::run_jobop;
using jobop::test::spawn_jobop;
using jobop::test::TempDir;
namespace stress = jobop::stress;

namespace {

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777U;
}

// Set the umask for the life of this object.
class Umask {
public:
  explicit Umask(mode_t mask) : m_old(::umask(mask)) {}
  ~Umask() { ::umask(m_old); }
  Umask(const Umask&) = delete;
  Umask& operator=(const Umask&) = delete;

private:
  mode_t m_old;
};

ProcessResult jobop_ok(const std::string& db, std::vector<std::string> args,
                       const std::string& input = "") {
  args.insert(args.begin(), {"--db", db});
  auto r = run_jobop(args, input);
  INFO("jobop " << args[2] << ": " << r.err);
  CHECK(r.exit_code == 0);
  return r;
}

// Job ids full of shell metacharacters; each fits the 128-byte column.
const std::vector<std::string>& hostile_ids() {
  static const std::vector<std::string> ids = {
    "$(touch pwned)",
    "`touch pwned-backtick`",
    "a; touch pwned-semicolon; echo",
    "x' \"y\" | touch pwned-pipe & > pwned-redirect",
    "${IFS}touch${IFS}pwned-ifs",
    "$(touch pwned) && touch pwned-and || touch pwned-or",
    "* ? [a-z] ~ # ! \\ $HOME %s %n",
    "x'); DROP TABLE job_ops;--",
  };
  return ids;
}

} // namespace

TEST_SUITE("security") {

  TEST_CASE("init makes a metastore readable only by its owner, even with umask 0") {
    TempDir dir;
    const std::string db = dir.file("jobop.db");
    {
      Umask open_umask(0);
      jobop_ok(db, {"init"});
      CHECK(mode_of(db) == 0600);
      // While a command holds the metastore open its -wal and -shm files
      // exist; SQLite gives them the database's mode.
      jobop_ok(db, {"job", "put", "j1", "--type", "fakejob", "--state", "running", "--config",
                    "password=hunter2"});
      jobop_ok(db, {"cancel", "j1"});
      auto watch =
        spawn_jobop({"--db", db, "tick", "--watch", "--interval", "1h"},
                    ChildOptions{"", dir.file("watch.out"), dir.file("watch.err"), "", {}});
      for (int i = 0; i < 500 && jobop::test::read_file(dir.file("watch.out")).empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      REQUIRE(std::filesystem::exists(db + "-wal"));
      CHECK(mode_of(db + "-wal") == 0600);
      CHECK(mode_of(db + "-shm") == 0600);
      watch.kill(SIGTERM);
      CHECK(watch.wait() == 0);
    }
    CHECK(mode_of(db) == 0600);
  }

  TEST_CASE("no command prints the config blob unless asked with --include-config") {
    TempDir dir;
    const std::string db = dir.file("jobop.db");
    const std::string secret = "hunter2-do-not-print";
    jobop_ok(db, {"init", "--demo"});
    std::vector<ProcessResult> results;
    results.push_back(
      jobop_ok(db, {"job", "put", "secret-job", "--type", "dm", "--state", "running", "--config",
                    R"({"dsn":"root:)" + secret + R"(@tcp(db:3306)/"})"}));
    results.push_back(jobop_ok(db, {"job", "put", "secret-job", "--type", "dm", "--state",
                                    "running", "--config", secret + "-2"}));
    for (const char* format : {"json", "jsonl", "table"}) {
      results.push_back(jobop_ok(db, {"status", "-o", format}));
      results.push_back(jobop_ok(db, {"status", "secret-job", "-o", format}));
      results.push_back(jobop_ok(db, {"cancel", "secret-job", "--dry-run", "-o", format}));
    }
    results.push_back(jobop_ok(db, {"status", "--state", "running,canceling"}));
    results.push_back(jobop_ok(db, {"cancel", "-"}, "secret-job\n"));
    results.push_back(jobop_ok(db, {"cancel", "secret-job"}));
    results.push_back(jobop_ok(db, {"tick"}));
    results.push_back(jobop_ok(db, {"tick", "--dry-run"}));
    results.push_back(jobop_ok(db, {"job", "set-state", "secret-job", "stopped"}));
    results.push_back(jobop_ok(db, {"tick"}));
    results.push_back(jobop_ok(db, {"status"}));
    results.push_back(jobop_ok(db, {"job", "delete", "secret-job"}));
    results.push_back(jobop_ok(db, {"status"}));
    // The audit trail keeps the command lines with --config redacted.
    for (const char* format : {"json", "jsonl", "table"}) {
      results.push_back(jobop_ok(db, {"history", "-o", format}));
    }
    for (const auto& r : results) {
      CHECK(r.out.find(secret) == std::string::npos);
      CHECK(r.err.find(secret) == std::string::npos);
      CHECK(r.out.find("\"config\"") == std::string::npos);
    }

    // Asked for, it is there (a new id: a deleted one is never revived).
    jobop_ok(
      db, {"job", "put", "secret-job-2", "--type", "dm", "--state", "running", "--config", secret});
    const auto shown = jobop_ok(db, {"status", "secret-job-2", "--include-config"});
    CHECK(shown.out.find(secret) != std::string::npos);
  }

  TEST_CASE("the exec router passes ids full of shell metacharacters verbatim, never to a shell") {
    TempDir dir;
    const std::string db = dir.file("jobop.db");
    const std::string record = dir.file("argv.bin");
    // The program records its argv and JOBOP_JOB_ID, NUL-separated; it
    // quotes every expansion, so only a shell in jobop could run the ids.
    const std::string program = dir.file("record-argv");
    {
      std::ofstream out(program);
      out << "#!/bin/sh\n"
          << "{ printf 'ARGC=%s\\0' \"$#\"; for a in \"$@\"; do printf '%s\\0' \"$a\"; done;"
          << " printf '%s\\0' \"$JOBOP_JOB_ID\"; } >> '" << record << "'\n";
    }
    std::filesystem::permissions(program, std::filesystem::perms::owner_all);
    const std::string node = "node;touch pwned-node";
    const std::string address = "$(touch pwned-address):8080";

    jobop_ok(db, {"init"});
    std::string input;
    for (const auto& id : hostile_ids()) {
      jobop_ok(db, {"job", "put", id, "--type", "fakejob", "--state", "running", "--epoch", "7",
                    "--node", node, "--address", address});
      input += id + "\n";
    }
    jobop_ok(db, {"cancel", "-"}, input);
    auto tick =
      spawn_jobop({"--db", db, "tick", "--router", "exec", "--exec", program},
                  ChildOptions{"", dir.file("tick.out"), dir.file("tick.err"), dir.path(), {}});
    REQUIRE(tick.wait() == 0);
    const auto document = nlohmann::json::parse(jobop::test::read_file(dir.file("tick.out")));
    CHECK(document.at("counts").at("cancel_sent") == hostile_ids().size());

    // Parse the records: ARGC=5, --, id, epoch, node, address, $JOBOP_JOB_ID.
    const std::string bytes = jobop::test::read_file(record);
    std::vector<std::string> fields;
    for (std::size_t begin = 0, end; (end = bytes.find('\0', begin)) != std::string::npos;
         begin = end + 1) {
      fields.push_back(bytes.substr(begin, end - begin));
    }
    REQUIRE(fields.size() == 7 * hostile_ids().size());
    std::multiset<std::string> received;
    for (std::size_t i = 0; i < fields.size(); i += 7) {
      CHECK(fields[i] == "ARGC=5");
      // `--` first: an id that starts with `-` is never an option.
      CHECK(fields[i + 1] == "--");
      received.insert(fields[i + 2]);
      CHECK(fields[i + 3] == "7");
      CHECK(fields[i + 4] == node);
      CHECK(fields[i + 5] == address);
      CHECK(fields[i + 6] == fields[i + 2]);
    }
    CHECK(received == std::multiset<std::string>(hostile_ids().begin(), hostile_ids().end()));
    // No shell ran any of it: no file but ours appeared, here or in our cwd.
    std::set<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
      files.insert(entry.path().filename().string());
    }
    for (const auto& name : files) {
      CHECK_MESSAGE(name.find("pwned") == std::string::npos, name);
    }
    CHECK_FALSE(std::filesystem::exists("pwned"));
  }

  TEST_CASE("ids and values carrying SQL round-trip unchanged and run nothing") {
    TempDir dir;
    const std::string db = dir.file("jobop.db");
    jobop_ok(db, {"init"});
    const std::vector<std::string> ids = {
      "x'); DROP TABLE job_ops;--",       "' OR '1'='1",   "a\"b", "%", "_", "a%", "\\",
      "x\"); DELETE FROM master_meta;--", "naïve-ジョブ-😀"};
    const std::string error = "it's \"broken\"'); DROP TABLE master_meta;--";
    for (const auto& id : ids) {
      jobop_ok(db, {"job", "put", id, "--type", "cdc", "--state", "running", "--project",
                    "p'; DELETE FROM job_ops;--"});
    }
    jobop_ok(db, {"job", "put", "a-plain-job", "--type", "cdc", "--state", "running"});
    for (const auto& id : ids) {
      const auto status = jobop_ok(db, {"status", id, "-o", "jsonl"});
      const auto rows = stress::complete_json_lines(status.out);
      REQUIRE(rows.size() == 1);
      CHECK(rows[0].at("id") == id);
      CHECK(rows[0].at("project") == "p'; DELETE FROM job_ops;--");
    }
    std::string input;
    for (const auto& id : ids) {
      input += id + "\n";
    }
    const auto canceled = jobop_ok(db, {"cancel", "-", "-o", "jsonl"}, input);
    const auto records = stress::complete_json_lines(canceled.out);
    REQUIRE(records.size() == ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      CHECK(records[i].at("id") == ids[i]);
      CHECK(records[i].at("state") == "canceling");
    }
    for (const auto& id : ids) {
      jobop_ok(db, {"job", "set-state", id, "stopped", "--error", error});
    }
    const auto tick = jobop_ok(db, {"tick"});
    CHECK(nlohmann::json::parse(tick.out).at("counts").at("canceled") == ids.size());

    // Every row is there with its values; the plain job was not touched; the
    // engine tables still exist.
    const auto status = jobop_ok(db, {"status", "-o", "jsonl"});
    std::map<std::string, nlohmann::json> by_id;
    for (const auto& row : stress::complete_json_lines(status.out)) {
      by_id[row.at("id").get<std::string>()] = row;
    }
    CHECK(by_id.size() == ids.size() + 1);
    for (const auto& id : ids) {
      REQUIRE(by_id.count(id) == 1);
      CHECK(by_id[id].at("state") == "canceled");
      CHECK(by_id[id].at("op") == "canceled");
      CHECK(by_id[id].at("error") == error);
    }
    CHECK(by_id["a-plain-job"].at("state") == "running");
    CHECK(by_id["a-plain-job"].at("op") == "none");
    const auto jobs = stress::read_jobs(db);
    CHECK(jobs.size() == ids.size() + 1);
    CHECK(stress::integrity_check(db) == "ok");
  }
}
