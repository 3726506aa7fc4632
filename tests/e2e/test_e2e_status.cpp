#include "metastore_fixture.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <set>

using jobop::test::file_bytes;
using jobop::test::json_lines;
using jobop::test::TestMetastore;

namespace {

std::set<std::string> ids_of(const nlohmann::json& document) {
  std::set<std::string> ids;
  for (const auto& job : document.at("jobs")) {
    ids.insert(job.at("id").get<std::string>());
  }
  return ids;
}

} // namespace

TEST_CASE("status prints every job as one JSON document with counts") {
  TestMetastore store;
  store.put("a", "cdc", "running", {"--project", "p1"});
  store.put("b", "dm", "finished", {"--project", "p2"});
  const auto document = store.json({"status"});
  REQUIRE(document.at("jobs").size() == 2);
  CHECK(document.at("count") == 2);
  CHECK(document.at("by_state").at("running") == 1);
  CHECK(document.at("by_state").at("finished") == 1);
  const auto& job = document.at("jobs").at(0);
  for (const char* key : {"id", "state", "op", "orphan", "project", "type", "engine_state", "node",
                          "address", "epoch", "error", "created_at", "updated_at",
                          "canceling_since", "cancel_sends", "last_cancel_sent", "stuck"}) {
    CAPTURE(key);
    CHECK(job.contains(key));
  }
  CHECK(!job.contains("config"));
  CHECK(store.json({"status", "--state", "running"}).at("jobs").size() == 1);
}

TEST_CASE("status filters by state, op, project and type, names in any case") {
  TestMetastore store(true);
  auto ids = ids_of(store.json({"status", "--state", "CANCELING"}));
  CHECK(ids == std::set<std::string>{"analytics-cvs-import", "analytics-dm-warehouse"});
  ids = ids_of(store.json({"status", "--op", "canceled"}));
  CHECK(ids == std::set<std::string>{"search-cdc-index"});
  ids = ids_of(store.json({"status", "--project", "payments", "--type", "cdc"}));
  CHECK(ids == std::set<std::string>{"payments-cdc-orders", "payments-cdc-refunds"});
  ids = ids_of(store.json({"status", "--state", "finished,failed"}));
  CHECK(ids == std::set<std::string>{"payments-cdc-refunds", "analytics-fake-etl"});
  for (const auto& bad : std::vector<std::vector<std::string>>{{"status", "--state", "paused"},
                                                               {"status", "--op", "done"},
                                                               {"status", "--type", "spark"},
                                                               {"status", "-o", "yaml"},
                                                               {"status", "--stuck-after", "x"}}) {
    CAPTURE(bad);
    CHECK(store.run(bad).exit_code == 2);
  }
}

TEST_CASE("status shows orphan ops, marked so") {
  TestMetastore store(true);
  const auto document = store.json({"status", "--op", "canceling"});
  std::size_t orphans = 0;
  for (const auto& job : document.at("jobs")) {
    if (job.at("orphan") == true) {
      ++orphans;
      CHECK(job.at("id") == "search-dm-legacy");
      CHECK(job.at("state").is_null());
    }
  }
  CHECK(orphans == 1);
  CHECK(store.status_of("search-dm-legacy").at("orphan") == true);
}

TEST_CASE("status of named ids: a missing one is exit 3, the others still printed") {
  TestMetastore store;
  store.put("a", "cdc", "running");
  const auto r = store.run({"status", "a", "ghost"});
  CHECK(r.exit_code == 3);
  CHECK(ids_of(nlohmann::json::parse(r.out)) == std::set<std::string>{"a"});
  CHECK(json_lines(r.err).at(0).at("id") == "ghost");
  CHECK(store.run({"status", std::string(129, 'x')}).exit_code == 2);
}

TEST_CASE("status --stuck-after decides which canceling jobs look stuck") {
  TestMetastore store(true);
  CHECK(store.status_of("analytics-dm-warehouse").at("stuck") == true);
  CHECK(store.status_of("analytics-cvs-import").at("stuck") == false);
  const auto document = store.json({"status", "analytics-dm-warehouse", "--stuck-after", "1h"});
  CHECK(document.at("jobs").at(0).at("stuck") == false);
}

TEST_CASE("status -o jsonl prints one record a line") {
  TestMetastore store(true);
  const auto all = store.json({"status"});
  const auto r = store.run({"status", "-o", "jsonl"});
  REQUIRE(r.exit_code == 0);
  const auto lines = json_lines(r.out);
  CHECK(lines.size() == all.at("jobs").size());
  CHECK(lines.at(0) == all.at("jobs").at(0));
}

TEST_CASE("status -o table is aligned and has no colour when stdout is not a terminal") {
  TestMetastore store(true);
  const auto r = store.run({"status", "-o", "table"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find('\033') == std::string::npos);
  CHECK(r.out.rfind("ID", 0) == 0);
  const auto header_state = r.out.find("STATE");
  const auto second_line = r.out.substr(r.out.find('\n') + 1);
  // Every row starts its STATE column where the header does.
  CHECK(second_line.find_first_not_of(' ', second_line.find(' ')) == header_state);
}

TEST_CASE("status prints config only with --include-config") {
  TestMetastore store;
  store.put("a", "cdc", "running", {"--config", R"({"password":"hunter2"})"});
  CHECK(store.run({"status"}).out.find("hunter2") == std::string::npos);
  CHECK(store.status_of("a").contains("config") == false);
  const auto document = store.json({"status", "--include-config"});
  CHECK(document.at("jobs").at(0).at("config") == R"({"password":"hunter2"})");
}

TEST_CASE("status output stays valid JSON and safe for terminals whatever bytes a job holds") {
  TestMetastore store;
  if (jobop::test::e2e_on_mysql()) {
    // A MySQL text column holds only valid UTF-8: the server refuses the
    // rest (strict mode, as the engine sets it), a usage error.
    const auto refused =
      store.run({"job", "put", "a", "--type", "cdc", "--state", "failed", "--error", "bad \xff"});
    CHECK(refused.exit_code == 2);
    CHECK(nlohmann::json::parse(refused.err).at("code") == "input.bad_value");
    store.put("a", "cdc", "failed", {"--error", "bad bytes \x1b[31m red"});
  } else {
    store.put("a", "cdc", "failed", {"--error", "bad \xff\xfe bytes \x1b[31m red"});
  }
  const auto r = store.run({"status"});
  REQUIRE(r.exit_code == 0);
  const auto document = nlohmann::json::parse(r.out);
  CHECK(document.at("jobs").at(0).at("error").get<std::string>().find("bytes") !=
        std::string::npos);
  const auto table = store.run({"status", "-o", "table"});
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find('\033') == std::string::npos);
  if (!jobop::test::e2e_on_mysql()) {
    CHECK(table.out.find("\\xFF") != std::string::npos);
  }
}

TEST_CASE("status opens read-only: it writes nothing") {
  TestMetastore store(true);
  const auto before = store.snapshot();
  store.json({"status"});
  CHECK(store.snapshot() == before);
}
