#include "metastore_fixture.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <string>
#include <sys/stat.h>
#include <thread>

using jobop::test::Child;
using jobop::test::ChildOptions;
using jobop::test::jobop_binary;
using jobop::test::json_lines;
using jobop::test::read_file;
using jobop::test::TestMetastore;

namespace {

// Write an executable shell script at `path`.
void write_script(const std::string& path, const std::string& body) {
  std::ofstream(path) << "#!/bin/sh\n" << body;
  ::chmod(path.c_str(), 0700);
}

// Return true while `pid` runs (a zombie has ended).
bool running(pid_t pid) {
  const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z';
}

// Wait up to `limit` for the file at `path` to hold something.
bool wait_for_file(const std::string& path, std::chrono::seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (!read_file(path).empty()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

} // namespace

TEST_CASE("the exec program runs as PROG -- ID EPOCH NODE ADDRESS with a clean environment") {
  TestMetastore store;
  // An id that an option parser would take for its --help.
  store.json({"job", "put", "--type", "cdc", "--state", "running", "--node", "node-7", "--address",
              "10.0.0.7:10241", "--epoch", "4", "--", "--help"});
  store.json({"cancel", "--", "--help"});
  const std::string seen = store.dir().file("seen");
  const std::string prog = store.dir().file("notify.sh");
  write_script(prog, "for a in \"$@\"; do printf 'arg=%s\\n' \"$a\"; done > '" + seen +
                       "'\nenv >> '" + seen + "'\n");
  const auto r = store.run({"tick", "--exec", prog, "--exec-env", "TRACE_ID"}, "",
                           {"JOBOP_DB_PASSWORD_FILE_HINT=x", "SECRET_TOKEN=do-not-leak",
                            "TRACE_ID=trace-42", "LC_MESSAGES=C"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto tick = nlohmann::json::parse(r.out);
  REQUIRE(tick.at("items").size() == 1);
  CHECK(tick.at("items").at(0).at("action") == "cancel_sent");
  const std::string text = read_file(seen);
  CHECK(text.find("arg=--\narg=--help\narg=4\narg=node-7\narg=10.0.0.7:10241\n") == 0);
  CHECK(text.find("JOBOP_JOB_ID=--help\n") != std::string::npos);
  CHECK(text.find("JOBOP_EPOCH=4\n") != std::string::npos);
  CHECK(text.find("TRACE_ID=trace-42\n") != std::string::npos);
  CHECK(text.find("LC_MESSAGES=C\n") != std::string::npos);
  CHECK(text.find("do-not-leak") == std::string::npos);
  CHECK(text.find("JOBOP_DB_PASSWORD") == std::string::npos);
  CHECK(text.find("JOBOP_DB=") == std::string::npos);
}

TEST_CASE("SIGTERM during tick --watch stops a slow exec program at once and exits 0") {
  TestMetastore store;
  store.put("orders", "cdc", "running");
  store.json({"cancel", "orders"});
  const std::string pid_file = store.dir().file("pid");
  const std::string prog = store.dir().file("slow.sh");
  // The master never answers: the program hangs for a minute.
  write_script(prog, "echo $$ > '" + pid_file + "'\nexec sleep 60\n");
  ChildOptions options;
  options.stdout_path = store.dir().file("out");
  options.stderr_path = store.dir().file("err");
  options.env = store.env();
  Child child({jobop_binary(), "--db", store.db(), "tick", "--watch", "--interval", "1s", "--exec",
               prog, "--exec-timeout", "2m"},
              options);
  REQUIRE_MESSAGE(wait_for_file(pid_file, std::chrono::seconds(30)),
                  read_file(options.stderr_path));
  const pid_t program = std::stoi(read_file(pid_file));
  REQUIRE(running(program));

  const auto signalled = std::chrono::steady_clock::now();
  child.kill(SIGTERM);
  const auto limit = signalled + std::chrono::seconds(20);
  while (!child.try_wait() && std::chrono::steady_clock::now() < limit) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto took = std::chrono::steady_clock::now() - signalled;
  REQUIRE(child.reaped());
  MESSAGE("jobop ended " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                         << " ms after SIGTERM");
  // Not 58 s (the program's sleep): the program is stopped, not waited for.
  CHECK(took < std::chrono::seconds(5));
  CHECK(child.exit_code() == 0);
  CHECK_FALSE(running(program));
  // What was reported is done: the send failed, the job is still canceling.
  const auto lines = json_lines(read_file(options.stdout_path));
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].at("items").at(0).at("action") == "send_failed");
  CHECK(lines[0].at("interrupted") == true);
  CHECK(store.status_of("orders").at("state") == "canceling");
}
