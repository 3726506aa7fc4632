#include "store_test_support.hpp"

#include <jobop/core/exceptions.hpp>
#include <jobop/operator/exec_router.hpp>
#include <jobop/operator/job_operator.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sys/stat.h>

using namespace jobop::store;
using namespace jobop::model;
using namespace jobop::ops;
using namespace jobop::test;
using jobop::core::k_millisecond;
using jobop::core::k_second;

namespace {

// Write an executable shell script `name` into `dir` and return its path.
std::string script(const ScratchDir& dir, const std::string& name, const std::string& body) {
  const std::string path = dir.file(name);
  write_bytes(path, "#!/bin/sh\n" + body);
  ::chmod(path.c_str(), 0700);
  return path;
}

// Return true while `pid` runs: a zombie nobody reaped yet has ended.
bool running(pid_t pid) {
  const std::string stat = read_bytes("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z';
}

} // namespace

TEST_CASE("the exec router passes the fields verbatim as arguments and environment") {
  ScratchDir dir;
  const std::string out = dir.file("out");
  const std::string prog =
    script(dir, "send.sh",
           "printf '%s\\n' \"$#\" \"$1\" \"$2\" \"$3\" \"$4\" \"$5\" \"$JOBOP_JOB_ID\" "
           "\"$JOBOP_EPOCH\" \"$JOBOP_NODE_ID\" \"$JOBOP_ADDRESS\" > '" +
             out + "'\necho noise\n");
  auto store_ptr = jobop::store::sqlite::SqliteMetastore::in_memory();
  auto& store = *store_ptr;
  ExecRouter router(prog, 5 * k_second);
  const std::string id = "x; rm -rf / $(touch pwned) `id` 'q' \"d\" | & > *";
  const auto outcome = router.send(store, {id, 42, "node 1", "10.0.0.1:80"}, k_t0);
  CHECK(outcome.status == SendStatus::sent);
  // `--` first: no id can be taken for an option.
  CHECK(read_bytes(out) ==
        "5\n--\n" + id + "\n42\nnode 1\n10.0.0.1:80\n" + id + "\n42\nnode 1\n10.0.0.1:80\n");
  CHECK_FALSE(std::filesystem::exists("pwned"));
}

TEST_CASE("a non-zero exit, a missing program and a timeout are failed sends") {
  ScratchDir dir;
  auto store_ptr = jobop::store::sqlite::SqliteMetastore::in_memory();
  auto& store = *store_ptr;
  const CancelMessage message{"j", 1, "n", "a"};

  ExecRouter failing(script(dir, "fail.sh", "echo 'master unreachable' >&2\nexit 3\n"), k_second);
  auto outcome = failing.send(store, message, k_t0);
  CHECK(outcome.status == SendStatus::failed);
  CHECK(outcome.error.find("status 3") != std::string::npos);
  CHECK(outcome.error.find("master unreachable") != std::string::npos);

  ExecRouter missing(dir.file("does-not-exist"), k_second);
  CHECK(missing.send(store, message, k_t0).status == SendStatus::failed);

  ExecRouter slow(script(dir, "slow.sh", "sleep 5\n"), 100 * k_millisecond);
  outcome = slow.send(store, message, k_t0);
  CHECK(outcome.status == SendStatus::failed);
  CHECK(outcome.error.find("timed out") != std::string::npos);
}

TEST_CASE("a tick through the exec router sends to live jobs and retries failures next tick") {
  ScratchDir dir;
  const std::string flag = dir.file("ok");
  const std::string prog = script(dir, "send.sh", "test -e '" + flag + "'\n");
  auto store_ptr = jobop::store::sqlite::SqliteMetastore::in_memory();
  auto& store = *store_ptr;
  put(store, "a", JobState::init);
  store.upsert_ops({"a"}, OpStatus::canceling, k_t0);
  ExecRouter router(prog, 5 * k_second);
  JobOperator oper(store, router);
  TickResult r = oper.tick(k_t0);
  CHECK(r.counts.send_failed == 1);
  write_bytes(flag, "");
  r = oper.tick(k_t0 + 15 * k_second);
  CHECK(r.counts.cancel_sent == 1);
}

TEST_CASE("make_router builds the named router and refuses bad configurations") {
  CHECK(make_router({})->name() == "outbox");
  CHECK(make_router({"none", "", k_second, {}, {}})->name() == "none");
  CHECK(make_router({"exec", "/bin/true", k_second, {}, {}})->name() == "exec");
  CHECK_THROWS_AS(make_router({"exec", "", k_second, {}, {}}), jobop::core::UsageError);
  CHECK_THROWS_AS(make_router({"carrier-pigeon", "", k_second, {}, {}}), jobop::core::UsageError);
}

TEST_CASE("an exec program that cannot be run is a usage error before any tick") {
  CHECK(exec_program_problem("/bin/true").empty());
  CHECK(exec_program_problem("true").empty()); // found in PATH, as posix_spawnp would
  CHECK(exec_program_problem("/no/such/notify-master") == "no such file");
  ScratchDir dir;
  const std::string plain = dir.file("plain.txt");
  std::ofstream(plain) << "not a program\n";
  chmod(plain.c_str(), 0644);
  CHECK(exec_program_problem(plain) == "not an executable file");
  CHECK(exec_program_problem("/bin") == "not an executable file");
  CHECK(exec_program_problem("no-such-program-anywhere") == "not found in PATH");
  try {
    make_router({"exec", "/no/such/notify-master", k_second, {}, {}});
    FAIL("expected a usage error");
  } catch (const jobop::core::UsageError& e) {
    CHECK(e.code() == "router.exec_program");
    CHECK(std::string(e.what()).find("/no/such/notify-master") != std::string::npos);
  }
}

TEST_CASE("the exec program gets only the clean environment and the variables asked for") {
  const char* parent[] = {"PATH=/usr/bin:/bin",
                          "HOME=/home/op",
                          "LANG=C.UTF-8",
                          "LC_ALL=C",
                          "LC_TIME=en_GB.UTF-8",
                          "TZ=Europe/Berlin",
                          "USER=op",
                          "JOBOP_DB_PASSWORD=s3cret",
                          "AWS_SECRET_ACCESS_KEY=also-secret",
                          "JOBOP_JOB_ID=inherited-must-not-win",
                          "PATHOLOGICAL=not PATH",
                          "LC=not a locale variable",
                          "SSH_AUTH_SOCK=/tmp/agent",
                          "TRACE_ID=abc",
                          nullptr};
  const CancelMessage message{"job-1", 7, "node-2", "10.0.0.2:80"};
  const auto env = exec_environment(parent, {"TRACE_ID"}, message);
  CHECK(env == std::vector<std::string>{"PATH=/usr/bin:/bin", "HOME=/home/op", "LANG=C.UTF-8",
                                        "LC_ALL=C", "LC_TIME=en_GB.UTF-8", "TZ=Europe/Berlin",
                                        "USER=op", "TRACE_ID=abc", "JOBOP_JOB_ID=job-1",
                                        "JOBOP_EPOCH=7", "JOBOP_NODE_ID=node-2",
                                        "JOBOP_ADDRESS=10.0.0.2:80"});
  CHECK(exec_environment(nullptr, {}, message).size() == 4);
}

TEST_CASE("a real exec program sees `--`, the fields and no secret of jobop's environment") {
  ScratchDir dir;
  const std::string out = dir.file("env");
  // A program that treats options as options: an id `--help` must not be one.
  const std::string prog = script(dir, "argv.sh",
                                  "for a in \"$@\"; do printf 'arg=%s\\n' \"$a\"; done > '" + out +
                                    "'\nenv | LC_ALL=C sort >> '" + out + "'\n");
  ::setenv("JOBOP_DB_PASSWORD", "s3cret-of-jobop", 1);
  ::setenv("JOBOP_TEST_PASSED_ON", "wanted", 1);
  auto store_ptr = jobop::store::sqlite::SqliteMetastore::in_memory();
  ExecRouter router(prog, ExecOptions{5 * k_second, {"JOBOP_TEST_PASSED_ON"}, {}});
  const auto outcome = router.send(*store_ptr, {"--help", 3, "n", "a:1"}, k_t0);
  ::unsetenv("JOBOP_DB_PASSWORD");
  ::unsetenv("JOBOP_TEST_PASSED_ON");
  REQUIRE(outcome.status == SendStatus::sent);
  const std::string seen = read_bytes(out);
  CHECK(seen.find("arg=--\narg=--help\narg=3\narg=n\narg=a:1\n") == 0);
  CHECK(seen.find("s3cret-of-jobop") == std::string::npos);
  CHECK(seen.find("JOBOP_TEST_PASSED_ON=wanted\n") != std::string::npos);
  CHECK(seen.find("JOBOP_JOB_ID=--help\n") != std::string::npos);
  // sh itself adds PWD (and may add SHLVL, _); jobop passed nothing else.
  for (std::size_t at = seen.find("\n", seen.find("arg=a:1")) + 1; at < seen.size();) {
    const auto end = seen.find('\n', at);
    const std::string name = seen.substr(at, seen.find('=', at) - at);
    CAPTURE(name);
    CHECK((name == "PATH" || name == "HOME" || name == "LANG" || name.rfind("LC_", 0) == 0 ||
           name == "TZ" || name == "USER" || name.rfind("JOBOP_", 0) == 0 || name == "PWD" ||
           name == "SHLVL" || name == "_"));
    at = end + 1;
  }
}

TEST_CASE("a bad --exec-env name is a usage error") {
  RouterConfig config{"exec", "/bin/true", k_second, {}, {}};
  config.exec_env = {"A=B"};
  CHECK_THROWS_AS(make_router(config), jobop::core::UsageError);
  config.exec_env = {""};
  CHECK_THROWS_AS(make_router(config), jobop::core::UsageError);
  config.kind = "outbox";
  config.exec_program.clear();
  config.exec_env = {"TRACE_ID"};
  CHECK_THROWS_AS(make_router(config), jobop::core::UsageError);
}

TEST_CASE("a stop request stops a running exec program and its process group at once") {
  ScratchDir dir;
  const std::string pids = dir.file("pids");
  // The script and the sleep it starts: both must be gone after the stop.
  const std::string prog =
    script(dir, "slow.sh", "sleep 60 &\necho $$ $! > '" + pids + "'\nwait\n");
  auto store_ptr = jobop::store::sqlite::SqliteMetastore::in_memory();
  bool stop = false;
  ExecRouter router(prog, ExecOptions{120 * k_second, {}, [&] {
                                        // Stop once the program is known to run.
                                        stop = stop || !read_bytes(pids).empty();
                                        return stop;
                                      }});
  const auto started = std::chrono::steady_clock::now();
  const auto outcome = router.send(*store_ptr, {"j", 1, "n", "a"}, k_t0);
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(outcome.status == SendStatus::failed);
  CHECK(outcome.error.find("stopped") != std::string::npos);
  CHECK(took < std::chrono::seconds(5));
  std::istringstream in(read_bytes(pids));
  pid_t shell = 0;
  pid_t sleeper = 0;
  in >> shell >> sleeper;
  REQUIRE(sleeper > 0);
  // The sleep was reparented; give its SIGTERM a moment to land.
  for (int i = 0; i < 100 && running(sleeper); ++i) {
    ::usleep(10'000);
  }
  CHECK_FALSE(running(shell));
  CHECK_FALSE(running(sleeper));
  // Asked to stop before it starts, nothing is run.
  ExecRouter stopped(prog, ExecOptions{k_second, {}, [] { return true; }});
  ::unlink(pids.c_str());
  CHECK(stopped.send(*store_ptr, {"j", 1, "n", "a"}, k_t0).status == SendStatus::failed);
  CHECK(read_bytes(pids).empty());
}
