#include "metastore_fixture.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using jobop::test::file_bytes;
using jobop::test::json_lines;
using jobop::test::TestMetastore;

namespace {

// A live job whose op is Canceled: its id was reused after a cancellation.
void make_reused_id(const TestMetastore& store, const std::string& id) {
  store.put(id, "cdc", "running");
  store.json({"cancel", id});
  store.json({"job", "set-state", id, "stopped"});
  store.json({"tick"});
  store.put(id, "cdc", "running");
}

} // namespace

TEST_CASE("the full cancel lifecycle: canceling, cancel_sent, master stops, canceled") {
  TestMetastore store;
  store.put("orders", "cdc", "running", {"--node", "node-1", "--epoch", "3"});

  auto document = store.json({"cancel", "orders"});
  REQUIRE(document.at("jobs").size() == 1);
  auto job = document.at("jobs").at(0);
  CHECK(job.at("id") == "orders");
  CHECK(job.at("state") == "canceling");
  CHECK(job.at("op") == "canceling");
  CHECK(job.at("changed") == true);
  CHECK(job.at("forced") == false);
  CHECK(job.at("failure").is_null());
  CHECK(document.at("counts").at("changed") == 1);

  auto tick = store.json({"tick"});
  REQUIRE(tick.at("items").size() == 1);
  CHECK(tick.at("items").at(0).at("id") == "orders");
  CHECK(tick.at("items").at(0).at("action") == "cancel_sent");
  CHECK(tick.at("counts").at("cancel_sent") == 1);
  CHECK(tick.at("idle") == false);
  job = store.status_of("orders");
  CHECK(job.at("state") == "canceling");
  CHECK(job.at("cancel_sends") == 1);
  CHECK(!job.at("canceling_since").is_null());
  CHECK(!job.at("last_cancel_sent").is_null());

  // What the job master does when it stops.
  CHECK(store.json({"job", "set-state", "orders", "stopped"}).at("state") == "canceled");

  tick = store.json({"tick"});
  REQUIRE(tick.at("items").size() == 1);
  CHECK(tick.at("items").at(0).at("action") == "canceled");
  CHECK(tick.at("idle") == true);
  job = store.status_of("orders");
  CHECK(job.at("state") == "canceled");
  CHECK(job.at("op") == "canceled");
  CHECK(store.json({"tick"}).at("items").empty());
}

TEST_CASE("canceling twice is an idempotent no-op; a terminated job is returned unchanged") {
  TestMetastore store;
  store.put("live", "dm", "running");
  store.put("done", "dm", "finished");
  store.json({"cancel", "live"});
  const auto document = store.json({"cancel", "live", "done"});
  REQUIRE(document.at("jobs").size() == 2);
  CHECK(document.at("jobs").at(0).at("changed") == false);
  CHECK(document.at("jobs").at(0).at("state") == "canceling");
  CHECK(document.at("jobs").at(1).at("changed") == false);
  CHECK(document.at("jobs").at(1).at("state") == "finished");
  CHECK(document.at("jobs").at(1).at("op") == "none");
  CHECK(document.at("counts").at("unchanged") == 2);
}

TEST_CASE("an unknown id is exit 3 but every job is still processed and reported") {
  TestMetastore store;
  store.put("a", "cdc", "running");
  store.put("b", "cdc", "running");
  const auto r = store.run({"cancel", "a", "ghost", "b"});
  CHECK(r.exit_code == 3);
  const auto document = nlohmann::json::parse(r.out);
  REQUIRE(document.at("jobs").size() == 3);
  CHECK(document.at("jobs").at(1).at("id") == "ghost");
  CHECK(document.at("jobs").at(1).at("failure").at("code") == "job.not_found");
  CHECK(document.at("jobs").at(1).at("failure").at("exit_code") == 3);
  CHECK(document.at("counts").at("failed") == 1);
  CHECK(document.at("counts").at("changed") == 2);
  CHECK(store.status_of("b").at("state") == "canceling");
  const auto errors = json_lines(r.err);
  REQUIRE(errors.size() == 1);
  CHECK(errors.at(0).at("code") == "job.not_found");
  CHECK(errors.at(0).at("id") == "ghost");
}

TEST_CASE("a reused id (a Canceled op on a live job) is exit 4; the first failure sets the code") {
  TestMetastore store;
  make_reused_id(store, "reused");
  auto r = store.run({"cancel", "reused"});
  CHECK(r.exit_code == 4);
  CHECK(nlohmann::json::parse(r.out).at("jobs").at(0).at("failure").at("code") ==
        "job.already_canceled");
  CHECK(store.run({"cancel", "reused", "ghost"}).exit_code == 4);
  CHECK(store.run({"cancel", "ghost", "reused"}).exit_code == 3);
  // A bad id is reported too, as a usage failure.
  r = store.run({"cancel", std::string(200, 'x'), "reused"});
  CHECK(r.exit_code == 2);
  CHECK(nlohmann::json::parse(r.out).at("jobs").size() == 2);
}

TEST_CASE("cancel - reads ids from stdin, one a line, skipping blank lines") {
  TestMetastore store;
  store.put("a", "cdc", "running");
  store.put("b", "cdc", "running");
  const auto document = store.json({"cancel", "-"}, "a\n\n  \nb\r\n");
  REQUIRE(document.at("jobs").size() == 2);
  CHECK(document.at("jobs").at(1).at("id") == "b");
  CHECK(document.at("jobs").at(1).at("state") == "canceling");
  // Only blank lines: an empty list, success (SPEC §4; test_e2e_output.cpp).
  CHECK(store.run({"cancel", "-"}, "\n\n").exit_code == 0);
  CHECK(store.run({"cancel", "-", "a"}, "b\n").exit_code == 2);
  CHECK(store.run({"cancel"}).exit_code == 2);
}

TEST_CASE("cancel -o jsonl prints one record a line") {
  TestMetastore store;
  store.put("a", "cdc", "running");
  store.put("b", "cdc", "finished");
  const auto r = store.run({"cancel", "a", "b", "-o", "jsonl"});
  REQUIRE(r.exit_code == 0);
  const auto lines = json_lines(r.out);
  REQUIRE(lines.size() == 2);
  CHECK(lines.at(0).at("changed") == true);
  CHECK(lines.at(1).at("changed") == false);
}

TEST_CASE("cancel --dry-run reports the change and writes nothing") {
  TestMetastore store;
  store.put("a", "cdc", "running");
  const auto before = store.snapshot();
  const auto document = store.json({"cancel", "--dry-run", "a"});
  CHECK(document.at("dry_run") == true);
  CHECK(document.at("jobs").at(0).at("changed") == true);
  CHECK(document.at("jobs").at(0).at("state") == "canceling");
  CHECK(store.snapshot() == before);
  CHECK(store.status_of("a").at("state") == "running");
}

TEST_CASE("cancel --force needs a reason, then stops the job at once and says so loudly") {
  TestMetastore store;
  store.put("stuck", "dm", "running");
  store.json({"cancel", "stuck"});
  CHECK(store.run({"cancel", "--force", "stuck"}).exit_code == 2);
  // A reason alone is fine (it goes to the audit trail); the job is canceling already.
  CHECK(store.run({"cancel", "--reason", "x", "stuck"}).exit_code == 0);

  const auto r = store.run({"cancel", "--force", "--reason", "node-4 is gone", "stuck"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto job = nlohmann::json::parse(r.out).at("jobs").at(0);
  CHECK(job.at("forced") == true);
  CHECK(job.at("state") == "canceled");
  CHECK(job.at("op") == "canceled");
  CHECK(job.at("error").get<std::string>().find("node-4 is gone") != std::string::npos);
  const auto warning = json_lines(r.err).at(0);
  CHECK(warning.at("level") == "warning");
  CHECK(warning.at("code") == "cancel.forced");
  CHECK(warning.at("message").get<std::string>().find("FORCED") != std::string::npos);
  CHECK(store.status_of("stuck").at("state") == "canceled");
}

TEST_CASE("cancel --wait ticks until the cancellation is done") {
  TestMetastore store;
  store.put("a", "cdc", "running");
  store.json({"cancel", "a"});
  store.json({"job", "set-state", "a", "stopped"});
  const auto document = store.json({"cancel", "a", "--wait=5s", "--interval", "50ms"});
  CHECK(document.at("wait").at("done") == true);
  CHECK(document.at("wait").at("pending").empty());
  CHECK(document.at("jobs").at(0).at("op") == "canceled");
  CHECK(document.at("jobs").at(0).at("state") == "canceled");
}

TEST_CASE("cancel --wait exits 6 when the master never stops in time") {
  TestMetastore store;
  store.put("a", "cdc", "running");
  const auto r = store.run({"cancel", "a", "--wait=300ms", "--interval", "50ms"});
  CHECK(r.exit_code == 6);
  const auto document = nlohmann::json::parse(r.out);
  CHECK(document.at("wait").at("done") == false);
  CHECK(document.at("wait").at("pending") == nlohmann::json::array({"a"}));
  CHECK(document.at("wait").at("ticks").get<int>() >= 2);
  CHECK(json_lines(r.err).back().at("code") == "cancel.wait_timeout");
  CHECK(store.status_of("a").at("cancel_sends").get<int>() >= 2);
}

TEST_CASE("cancel --wait keeps the first failure's exit code when the deadline passes too") {
  TestMetastore store;
  store.put("a", "cdc", "running");
  const auto r = store.run({"cancel", "ghost", "a", "--wait=200ms", "--interval", "50ms"});
  CHECK(r.exit_code == 3);
  CHECK(json_lines(r.err).back().at("code") == "cancel.wait_timeout");
}

TEST_CASE("cancel --wait with a bad duration or with --dry-run is a usage error") {
  TestMetastore store;
  store.put("a", "cdc", "running");
  CHECK(store.run({"cancel", "a", "--wait=soon"}).exit_code == 2);
  CHECK(store.run({"cancel", "a", "--wait=1s", "--dry-run"}).exit_code == 2);
  CHECK(store.run({"cancel", "a", "-o", "yaml"}).exit_code == 2);
  CHECK(store.status_of("a").at("state") == "running");
}
