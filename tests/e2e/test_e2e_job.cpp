#include "metastore_fixture.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using jobop::test::file_bytes;
using jobop::test::TestMetastore;

TEST_CASE("job put upserts a job and prints its status record") {
  TestMetastore store;
  auto record =
    store.json({"job", "put", "orders", "--type", "cdc", "--state", "running", "--project",
                "payments", "--node", "node-1", "--address", "10.0.0.1:10241", "--epoch", "7"});
  CHECK(record.at("id") == "orders");
  CHECK(record.at("state") == "running");
  CHECK(record.at("engine_state") == "Init");
  CHECK(record.at("op") == "none");
  CHECK(record.at("type") == "CDC");
  CHECK(record.at("project") == "payments");
  CHECK(record.at("node") == "node-1");
  CHECK(record.at("address") == "10.0.0.1:10241");
  CHECK(record.at("epoch") == 7);
  CHECK(record.at("inserted") == true);
  CHECK(record.at("orphan") == false);
  CHECK(record.at("created_at").get<std::string>().back() == 'Z');

  record = store.json({"job", "put", "orders", "--type", "CDC", "--state", "finished"});
  CHECK(record.at("inserted") == false);
  CHECK(record.at("state") == "finished");
}

TEST_CASE("state names are accepted as user-facing or engine names, in any case, or numbers") {
  TestMetastore store;
  const std::vector<std::pair<std::string, std::string>> names = {
    {"created", "created"},   {"Uninit", "created"}, {"1", "created"},
    {"RUNNING", "running"},   {"init", "running"},   {"2", "running"},
    {"finished", "finished"}, {"3", "finished"},     {"canceled", "canceled"},
    {"Stopped", "canceled"},  {"4", "canceled"},     {"failed", "failed"},
    {"5", "failed"}};
  for (const auto& [name, shown] : names) {
    CAPTURE(name);
    store.put("j", "fakejob", name);
    CHECK(store.status_of("j").at("state") == shown);
    CHECK(store.json({"job", "set-state", "j", name}).at("state") == shown);
  }
}

TEST_CASE("bad states, types, ids and flags are usage errors that write nothing") {
  TestMetastore store;
  store.put("j", "dm", "running");
  const auto before = store.snapshot();
  const std::vector<std::vector<std::string>> bad = {
    {"job", "put", "k", "--type", "cdc", "--state", "bogus"},
    {"job", "put", "k", "--type", "cdc", "--state", "canceling"},
    {"job", "put", "k", "--type", "cdc", "--state", "6"},
    {"job", "put", "k", "--type", "spark", "--state", "running"},
    {"job", "put", "k", "--type", "cdc"},
    {"job", "put", "", "--type", "cdc", "--state", "running"},
    {"job", "put", std::string(129, 'x'), "--type", "cdc", "--state", "running"},
    {"job", "put", "tab\there", "--type", "cdc", "--state", "running"},
    {"job", "put", "k", "--type", "cdc", "--state", "running", "--epoch", "-1"},
    {"job", "put", "k", "--type", "cdc", "--state", "running", "--epoch", "99999999999999999999"},
    {"job", "put", "k", "--type", "cdc", "--state", "running", "--epoch", "abc"},
    {"job", "put", "k", "--type", "cdc", "--state", "running", "--epoch", "3.5"},
    {"job", "set-state", "j", "paused"},
    {"job", "set-state", "j"},
    {"job"},
    {"job", "frobnicate", "j"}};
  for (const auto& args : bad) {
    const auto r = store.run(args);
    CAPTURE(args);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(nlohmann::json::parse(r.err).at("level") == "error");
  }
  CHECK(store.snapshot() == before);
}

TEST_CASE("job set-state records the error message and says 3 for a missing job") {
  TestMetastore store;
  store.put("j", "cdc", "running");
  const auto record = store.json({"job", "set-state", "j", "failed", "--error", "disk on fire"});
  CHECK(record.at("state") == "failed");
  CHECK(record.at("error") == "disk on fire");
  const auto r = store.run({"job", "set-state", "nope", "stopped"});
  CHECK(r.exit_code == 3);
  CHECK(nlohmann::json::parse(r.err).at("code") == "job.not_found");
}

TEST_CASE("job delete soft-deletes a terminated job: it is gone for every command and its id "
          "stays taken") {
  TestMetastore store;
  store.put("j", "cdc", "running");
  // The engine deletes only terminated jobs.
  const auto before = store.snapshot();
  auto r = store.run({"job", "delete", "j"});
  CHECK(r.exit_code == 4);
  CHECK(nlohmann::json::parse(r.err).at("code") == "job.not_terminated");
  CHECK(store.snapshot() == before);

  store.json({"job", "set-state", "j", "finished"});
  const std::string updated = store.query("SELECT updated_at FROM master_meta WHERE id = 'j'");
  const auto deleted = store.json({"job", "delete", "j"});
  CHECK(deleted.at("id") == "j");
  CHECK(deleted.at("deleted") == true);
  // DeleteJob sets `deleted` and nothing else.
  CHECK(store.query("SELECT updated_at FROM master_meta WHERE id = 'j'") == updated);
  CHECK(store.query("SELECT deleted IS NOT NULL FROM master_meta WHERE id = 'j'") == "1");
  CHECK(store.run({"status", "j"}).exit_code == 3);
  CHECK(store.run({"job", "delete", "j"}).exit_code == 3);
  CHECK(store.run({"cancel", "j"}).exit_code == 3);

  // Never revived: UpsertJob and CreateJob both meet the deleted row.
  const auto gone = store.snapshot();
  r = store.run({"job", "put", "j", "--type", "cdc", "--state", "running"});
  CHECK(r.exit_code == 4);
  CHECK(nlohmann::json::parse(r.err).at("code") == "job.deleted");
  r = store.run({"job", "put", "j", "--create", "--type", "cdc", "--state", "running"});
  CHECK(r.exit_code == 4);
  CHECK(nlohmann::json::parse(r.err).at("code") == "job.already_exists");
  CHECK(store.snapshot() == gone);
  CHECK(store.run({"status", "j"}).exit_code == 3);
}

TEST_CASE("job put --create inserts only, as the engine's CreateJob") {
  TestMetastore store;
  CHECK(store.json({"job", "put", "c", "--create", "--type", "dm", "--state", "created"})
          .at("inserted") == true);
  const auto before = store.snapshot();
  const auto r = store.run({"job", "put", "c", "--create", "--type", "dm", "--state", "running"});
  CHECK(r.exit_code == 4);
  CHECK(nlohmann::json::parse(r.err).at("code") == "job.already_exists");
  CHECK(store.snapshot() == before);
}

TEST_CASE("job put overwrites every column as UpsertJob does, config included; ext is JSON") {
  TestMetastore store;
  store.put("u", "cdc", "running", {"--config", "{\"a\":1}", "--error", "e1", "--detail", "d"});
  const std::string created = store.query("SELECT created_at FROM master_meta WHERE id = 'u'");
  CHECK(store.query("SELECT ext FROM master_meta WHERE id = 'u'") == R"({"selectors":null})");
  store.put("u", "dm", "finished", {"--ext", R"({"selectors": []})"});
  CHECK(store.query("SELECT config FROM master_meta WHERE id = 'u'") == "NULL");
  CHECK(store.query("SELECT detail FROM master_meta WHERE id = 'u'") == "NULL");
  CHECK(store.query("SELECT error_message FROM master_meta WHERE id = 'u'").empty());
  CHECK(store.query("SELECT ext FROM master_meta WHERE id = 'u'") == R"({"selectors":[]})");
  CHECK(store.query("SELECT created_at FROM master_meta WHERE id = 'u'") == created);
  CHECK(store.status_of("u").at("type") == "DM");

  const auto before = store.snapshot();
  for (const char* ext : {"nope", "[1]", "null", R"({"selectors":3})", ""}) {
    CAPTURE(ext);
    const auto r =
      store.run({"job", "put", "u", "--type", "cdc", "--state", "running", "--ext", ext});
    CHECK(r.exit_code == 2);
    CHECK(nlohmann::json::parse(r.err).at("code") == "input.bad_ext");
  }
  CHECK(store.snapshot() == before);
}
