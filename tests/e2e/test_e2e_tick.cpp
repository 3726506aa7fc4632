#include "metastore_fixture.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <map>
#include <thread>

using jobop::test::file_bytes;
using jobop::test::json_lines;
using jobop::test::run_process;
using jobop::test::TestMetastore;

namespace {

std::map<std::string, std::string> actions_of(const nlohmann::json& tick) {
  std::map<std::string, std::string> actions;
  for (const auto& item : tick.at("items")) {
    actions[item.at("id").get<std::string>()] = item.at("action").get<std::string>();
  }
  return actions;
}

const std::map<std::string, std::string> k_demo_actions = {
  {"search-fake-crawler", "canceled"},
  {"search-dm-legacy", "noop"},
  {"analytics-dm-warehouse", "cancel_sent"},
  {"analytics-cvs-import", "cancel_sent"}};

} // namespace

TEST_CASE("tick drives every canceling op one step and counts the actions") {
  TestMetastore store(true);
  const auto tick = store.json({"tick"});
  CHECK(actions_of(tick) == k_demo_actions);
  CHECK(tick.at("router") == "outbox");
  CHECK(tick.at("dry_run") == false);
  CHECK(tick.at("counts").at("canceled") == 1);
  CHECK(tick.at("counts").at("noop") == 1);
  CHECK(tick.at("counts").at("cancel_sent") == 2);
  CHECK(tick.at("counts").at("send_failed") == 0);
  CHECK(tick.at("items").at(0).contains("error"));
  CHECK(store.status_of("search-fake-crawler").at("op") == "canceled");
  CHECK(store.status_of("search-dm-legacy").at("op") == "noop");
  CHECK(store.status_of("analytics-dm-warehouse").at("cancel_sends") == 4);
}

TEST_CASE("tick --dry-run says what it would do and writes nothing") {
  TestMetastore store(true);
  const auto before = store.snapshot();
  const auto tick = store.json({"tick", "--dry-run"});
  CHECK(tick.at("dry_run") == true);
  CHECK(actions_of(tick) == k_demo_actions);
  CHECK(store.snapshot() == before);
  CHECK(store.status_of("search-fake-crawler").at("op") == "canceling");
}

TEST_CASE("tick --router none only reconciles states") {
  TestMetastore store(true);
  const auto tick = store.json({"tick", "--router", "none"});
  CHECK(tick.at("router") == "none");
  CHECK(tick.at("counts").at("cancel_sent") == 0);
  CHECK(tick.at("counts").at("skipped") == 2);
  CHECK(tick.at("counts").at("canceled") == 1);
  CHECK(store.status_of("analytics-dm-warehouse").at("cancel_sends") == 3);
}

TEST_CASE("tick --exec runs a program per job; a failing one is a warning and retried") {
  TestMetastore store;
  store.put("a", "cdc", "running");
  store.json({"cancel", "a"});
  auto r = store.run({"tick", "--exec", "/bin/false"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  auto tick = nlohmann::json::parse(r.out);
  CHECK(tick.at("router") == "exec");
  CHECK(tick.at("items").at(0).at("action") == "send_failed");
  CHECK(!tick.at("items").at(0).at("error").is_null());
  const auto warning = json_lines(r.err).at(0);
  CHECK(warning.at("level") == "warning");
  CHECK(warning.at("id") == "a");

  tick = store.json({"tick", "--router", "exec", "--exec", "/bin/true"});
  CHECK(tick.at("items").at(0).at("action") == "cancel_sent");
}

TEST_CASE("tick refuses bad router flags with exit 2") {
  TestMetastore store;
  for (const auto& args : std::vector<std::vector<std::string>>{
         {"tick", "--router", "carrier-pigeon"},
         {"tick", "--router", "exec"},
         {"tick", "--router", "outbox", "--exec", "/bin/true"},
         {"tick", "--exec-timeout", "forever", "--exec", "/bin/true"},
         {"tick", "--interval", "0s", "--watch"},
         {"tick", "--timeout", "1s"},
         {"tick", "--dry-run", "--until-idle"},
         {"tick", "--exec", "/no/such/notify-master"},
         {"tick", "--exec", "no-such-program-in-path"}}) {
    CAPTURE(args);
    const auto r = store.run(args);
    CHECK(r.exit_code == 2);
    CHECK(nlohmann::json::parse(r.err).at("level") == "error");
  }
}

TEST_CASE("tick --until-idle stops when nothing is canceling any more") {
  TestMetastore store;
  store.put("a", "cdc", "finished");
  store.put("b", "cdc", "running");
  store.json({"cancel", "a", "b"});
  store.json({"job", "set-state", "b", "failed"});
  const auto r = store.run({"tick", "--until-idle", "--interval", "20ms"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto lines = json_lines(r.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines.at(0).at("tick") == 1);
  CHECK(lines.at(0).at("idle") == true);
}

TEST_CASE("tick --until-idle --timeout exits 6 while a master does not stop") {
  TestMetastore store;
  store.put("a", "cdc", "running");
  store.json({"cancel", "a"});
  const auto r = store.run({"tick", "--until-idle", "--interval", "50ms", "--timeout", "200ms"});
  CHECK(r.exit_code == 6);
  const auto lines = json_lines(r.out);
  CHECK(lines.size() >= 2);
  CHECK(lines.back().at("idle") == false);
  CHECK(json_lines(r.err).back().at("code") == "tick.timeout");
}

TEST_CASE("tick --watch prints one JSON line per tick and stops cleanly on SIGTERM") {
  TestMetastore store;
  store.put("a", "cdc", "running");
  store.json({"cancel", "a"});
  // The signal comes once three ticks were printed, however long connecting
  // took (TLS in a sanitized build on a loaded machine took over 3 s).
  const jobop::test::TempDir dir;
  jobop::test::ChildOptions options;
  options.stdout_path = dir.path() + "/out";
  options.stderr_path = dir.path() + "/err";
  options.env = store.env();
  auto child = jobop::test::spawn_jobop(
    {"--db", store.db(), "tick", "--watch", "--interval", "100ms"}, options);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (json_lines(jobop::test::read_file(options.stdout_path)).size() < 3 &&
         std::chrono::steady_clock::now() < give_up && !child.try_wait()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  child.kill(SIGTERM);
  CHECK_MESSAGE(child.wait() == 0, jobop::test::read_file(options.stderr_path));
  const auto lines = json_lines(jobop::test::read_file(options.stdout_path));
  CHECK(lines.size() >= 3);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    CHECK(lines[i].at("tick") == i + 1);
    CHECK(lines[i].at("items").at(0).at("action") == "cancel_sent");
  }
  // Every tick finished its transaction: each one's send is recorded.
  CHECK(store.status_of("a").at("cancel_sends") == lines.size());
}
