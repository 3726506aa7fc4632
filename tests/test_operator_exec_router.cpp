#include "store_test_support.hpp"

#include <jobop/core/exceptions.hpp>
#include <jobop/operator/exec_router.hpp>
#include <jobop/operator/job_operator.hpp>

#include <doctest/doctest.h>

#include <fstream>
#include <sys/stat.h>

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

} // namespace

TEST_CASE("the exec router passes the fields verbatim as arguments and environment") {
  ScratchDir dir;
  const std::string out = dir.file("out");
  const std::string prog =
    script(dir, "send.sh",
           "printf '%s\\n' \"$1\" \"$2\" \"$3\" \"$4\" \"$JOBOP_JOB_ID\" \"$JOBOP_EPOCH\" "
           "\"$JOBOP_NODE_ID\" \"$JOBOP_ADDRESS\" > '" +
             out + "'\necho noise\n");
  auto store_ptr = jobop::store::sqlite::SqliteMetastore::in_memory();
  auto& store = *store_ptr;
  ExecRouter router(prog, 5 * k_second);
  const std::string id = "x; rm -rf / $(touch pwned) `id` 'q' \"d\" | & > *";
  const auto outcome = router.send(store, {id, 42, "node 1", "10.0.0.1:80"}, k_t0);
  CHECK(outcome.status == SendStatus::sent);
  CHECK(read_bytes(out) == id + "\n42\nnode 1\n10.0.0.1:80\n" + id + "\n42\nnode 1\n10.0.0.1:80\n");
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
  CHECK(make_router({"none", "", k_second})->name() == "none");
  CHECK(make_router({"exec", "/bin/true", k_second})->name() == "exec");
  CHECK_THROWS_AS(make_router({"exec", "", k_second}), jobop::core::UsageError);
  CHECK_THROWS_AS(make_router({"carrier-pigeon", "", k_second}), jobop::core::UsageError);
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
    make_router({"exec", "/no/such/notify-master", k_second});
    FAIL("expected a usage error");
  } catch (const jobop::core::UsageError& e) {
    CHECK(e.code() == "router.exec_program");
    CHECK(std::string(e.what()).find("/no/such/notify-master") != std::string::npos);
  }
}
