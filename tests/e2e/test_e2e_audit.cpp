// The audit trail (SPEC §2) and the engine's refusals, on both backends.
#include "metastore_fixture.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <pwd.h>
#include <sstream>
#include <unistd.h>

using jobop::test::json_lines;
using jobop::test::TestMetastore;

namespace {

std::string login() {
  const passwd* entry = ::getpwuid(::getuid());
  return entry != nullptr ? entry->pw_name : "";
}

std::vector<nlohmann::json> history(const TestMetastore& store,
                                    const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args{"history"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto document = store.json(args);
  CHECK(document.at("count") == document.at("entries").size());
  return document.at("entries").get<std::vector<nlohmann::json>>();
}

} // namespace

TEST_CASE("cancel refuses the engine's JobManager row and unknown codes, writing nothing") {
  TestMetastore store;
  store.put("jm", "jobmanager", "running");
  store.put("odd-type", "cdc", "running");
  store.put("odd-state", "cdc", "running");
  store.exec("UPDATE master_meta SET type = 9 WHERE id = 'odd-type'");
  store.exec("UPDATE master_meta SET state = 7 WHERE id = 'odd-state'");
  const auto before = store.snapshot();
  for (const char* id : {"jm", "odd-type", "odd-state"}) {
    CAPTURE(id);
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"cancel", id}, {"cancel", "--force", "--reason", "r", id}}) {
      const auto r = store.run(args);
      CHECK(r.exit_code == 4);
      const auto record = nlohmann::json::parse(r.out).at("jobs").at(0);
      CHECK(record.at("failure").at("code") == "job.not_cancelable");
      CHECK(record.at("changed") == false);
    }
  }
  CHECK(store.snapshot() == before);
}

TEST_CASE("status hides JobManager rows unless --all, a named id or --type JobManager") {
  TestMetastore store;
  store.put("jm", "jobmanager", "running");
  store.put("user-job", "cdc", "running");
  CHECK(store.json({"status"}).at("count") == 1);
  CHECK(store.json({"status"}).at("jobs").at(0).at("id") == "user-job");
  CHECK(store.json({"status", "--all"}).at("count") == 2);
  CHECK(store.json({"status", "jm"}).at("jobs").at(0).at("type") == "JobManager");
  CHECK(store.json({"status", "--type", "jobmanager"}).at("count") == 1);
}

TEST_CASE("every write a person asks for leaves who, from where, why, and before and after") {
  TestMetastore store;
  const std::vector<std::string> env{"JOBOP_ACTOR=", "SUDO_USER=alice"};
  CHECK(store
          .run({"job", "put", "a", "--type", "cdc", "--state", "running", "--config",
                "mysql://etl:s3cret@db/x"},
               "", env)
          .exit_code == 0);
  CHECK(store.run({"cancel", "a", "--reason", "INC-7 runaway"}, "", {"JOBOP_ACTOR=pager-bot"})
          .exit_code == 0);
  CHECK(store.run({"job", "set-state", "a", "stopped"}).exit_code == 0);
  CHECK(store.run({"job", "delete", "a", "--reason", "cleanup"}).exit_code == 0);

  const auto entries = history(store);
  REQUIRE(entries.size() == 4);
  const auto& put = entries[0];
  CHECK(put.at("action") == "put");
  CHECK(put.at("actor") == "alice");
  CHECK(put.at("sudo_user") == "alice");
  CHECK(put.at("login") == login());
  CHECK_FALSE(put.at("host").get<std::string>().empty());
  CHECK(put.at("before").is_null());
  CHECK(put.at("after").at("state") == "running");
  // The config blob and any password never reach the audit table.
  CHECK(put.dump().find("s3cret") == std::string::npos);
  CHECK(store.query("SELECT COUNT(*) FROM jobop_audit WHERE args LIKE '%s3cret%'") == "0");
  const auto args = put.at("args").get<std::vector<std::string>>();
  CHECK(std::find(args.begin(), args.end(), "put") != args.end());

  const auto& cancel = entries[1];
  CHECK(cancel.at("action") == "cancel");
  CHECK(cancel.at("actor") == "pager-bot");
  CHECK(cancel.at("login") == login());
  CHECK(cancel.at("reason") == "INC-7 runaway");
  CHECK(cancel.at("before").at("state") == "running");
  CHECK(cancel.at("before").at("op") == "none");
  CHECK(cancel.at("after").at("state") == "canceling");
  CHECK(cancel.at("after").at("op") == "canceling");

  CHECK(entries[2].at("action") == "set_state");
  CHECK(entries[2].at("after").at("engine_state") == "Stopped");
  CHECK(entries[3].at("action") == "delete");
  CHECK(entries[3].at("reason") == "cleanup");
  CHECK(entries[3].at("after").is_null());
  CHECK(entries[0].at("seq") < entries[3].at("seq"));

  // A deleted job keeps its story; one id filters.
  CHECK(history(store, {"a"}).size() == 4);
  CHECK(history(store, {"zz"}).empty());
}

TEST_CASE("a refused or failed write leaves no audit entry; a no-op and a dry run leave none") {
  TestMetastore store;
  store.put("done", "cdc", "finished");
  store.put("live", "cdc", "running");
  const std::size_t base = history(store).size();
  CHECK(store.run({"cancel", "missing"}).exit_code == 3);
  CHECK(store.run({"cancel", "done"}).exit_code == 0); // terminated: returned unchanged
  CHECK(store.run({"cancel", "--dry-run", "live"}).exit_code == 0);
  CHECK(store.run({"cancel", "--force", "--dry-run", "--reason", "r", "live"}).exit_code == 0);
  CHECK(store.run({"job", "delete", "live"}).exit_code == 4);
  CHECK(store.run({"job", "set-state", "missing", "stopped"}).exit_code == 3);
  CHECK(store.run({"job", "put", "live", "--type", "cdc", "--state", "running", "--reason", " "})
          .exit_code == 2);
  CHECK(history(store).size() == base);
  // The second cancel of a canceling job is an idempotent no-op.
  CHECK(store.run({"cancel", "live"}).exit_code == 0);
  CHECK(store.run({"cancel", "live"}).exit_code == 0);
  CHECK(history(store).size() == base + 1);
}

TEST_CASE("--force without a reason is always cancel.reason_required; a blank reason is refused") {
  TestMetastore store;
  store.put("j", "cdc", "running");
  const auto before = store.snapshot();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
    {{"cancel", "--force", "j"}, ""},
    {{"cancel", "--force"}, ""},
    {{"cancel", "--force", "-"}, ""},
    {{"cancel", "--force", "--dry-run", "j"}, ""},
    {{"cancel", "--force", "--reason", "", "j"}, ""},
    {{"cancel", "--force", "--reason", "  \t ", "j"}, ""},
    {{"cancel", "--force", "--reason", "\xc2\xa0", "j"}, ""},
    {{"cancel", "--force", "missing"}, ""},
  };
  for (const auto& [args, input] : cases) {
    CAPTURE(args);
    const auto r = store.run(args, input);
    CHECK(r.exit_code == 2);
    CHECK(nlohmann::json::parse(r.err).at("code") == "cancel.reason_required");
    CHECK(r.out.empty());
  }
  const auto blank = store.run({"cancel", "--reason", "   ", "j"});
  CHECK(blank.exit_code == 2);
  CHECK(nlohmann::json::parse(blank.err).at("code") == "input.blank_reason");
  CHECK(store.snapshot() == before);
}

TEST_CASE("status shows who forced a job, when and why, until its next change") {
  TestMetastore store;
  store.put("stuck", "dm", "running");
  store.put("plain", "dm", "running");
  auto plain = store.status_of("plain");
  CHECK(plain.at("forced") == false);
  CHECK(plain.at("forced_by").is_null());
  CHECK(plain.at("forced_at").is_null());
  CHECK(plain.at("forced_reason").is_null());

  const auto r = store.run({"cancel", "--force", "--reason", "master lost, INC-9", "stuck"}, "",
                           {"JOBOP_ACTOR=oncall-carol"});
  REQUIRE(r.exit_code == 0);
  const auto cancel_record = nlohmann::json::parse(r.out).at("jobs").at(0);
  CHECK(cancel_record.at("forced") == true);
  CHECK(cancel_record.at("forced_by") == "oncall-carol");
  auto job = store.status_of("stuck");
  CHECK(job.at("forced") == true);
  CHECK(job.at("forced_by") == "oncall-carol");
  CHECK(job.at("forced_reason") == "master lost, INC-9");
  CHECK(job.at("forced_at") == cancel_record.at("forced_at"));
  CHECK(job.at("state") == "canceled");
  // The listing and the table say so too.
  const auto listed = store.json({"status"}).at("jobs");
  CHECK(std::any_of(listed.begin(), listed.end(),
                    [](const auto& row) { return row.at("id") == "stuck" && row.at("forced"); }));
  CHECK(store.run({"status", "-o", "wide"}).out.find("oncall-carol") != std::string::npos);

  // A later change by a person ends it.
  store.put("stuck", "dm", "running");
  job = store.status_of("stuck");
  CHECK(job.at("forced") == false);
  CHECK(job.at("forced_by").is_null());
}

TEST_CASE("history filters by time and prints every format") {
  TestMetastore store;
  store.put("a", "cdc", "running");
  store.put("b", "cdc", "running");
  CHECK(history(store, {"--since", "1h"}).size() == 2);
  CHECK(history(store, {"--since", "2200-01-01"}).empty());
  CHECK(history(store, {"--since", "2000-01-01T00:00:00Z", "b"}).size() == 1);
  const auto lines = store.run({"history", "-o", "jsonl"});
  CHECK(lines.exit_code == 0);
  CHECK(json_lines(lines.out).size() == 2);
  const auto table = store.run({"history", "-o", "table"});
  CHECK(table.exit_code == 0);
  CHECK(table.out.find("ACTION") != std::string::npos);
  // Tables as every command's: ages, fitted (no terminal: COLUMNS, else 80),
  // -o wide with every column, --sort-by checked.
  CHECK(table.out.find("AGE") != std::string::npos);
  std::istringstream rows(table.out);
  for (std::string line; std::getline(rows, line);) {
    CHECK(line.size() <= 80);
  }
  const auto wide = store.run({"history", "-o", "wide", "--sort-by", "seq"});
  CHECK(wide.exit_code == 0);
  CHECK(wide.out.find("HOST") != std::string::npos);
  const auto unsorted = store.run({"history", "--sort-by", "nope"});
  CHECK(unsorted.exit_code == 2);
  CHECK(nlohmann::json::parse(unsorted.err).at("code") == "input.bad_sort_field");
  for (const char* bad : {"yesterday", "30", "-1h"}) {
    CAPTURE(bad);
    const auto r = store.run({"history", std::string("--since=") + bad});
    CHECK(r.exit_code == 2);
    CHECK(nlohmann::json::parse(r.err).at("code") == "input.bad_since");
  }
}

TEST_CASE("a metastore of an older jobop (no audit table) keeps working and gains it on a write") {
  TestMetastore store;
  store.put("a", "cdc", "running");
  store.exec("DROP TABLE jobop_audit");
  store.exec("UPDATE jobop_meta SET value = '1' WHERE `key` = 'schema_version'");
  // Reads work without it: no entries, nothing forced.
  CHECK(store.status_of("a").at("forced") == false);
  const auto empty = store.json({"history"});
  CHECK(empty.at("count") == 0);
  CHECK(empty.at("audited") == false);
  // The first write adds it and records itself.
  store.json({"cancel", "a", "--reason", "upgrade test"});
  CHECK(store.query("SELECT value FROM jobop_meta WHERE `key` = 'schema_version'") == "2");
  const auto entries = store.json({"history"}).at("entries");
  REQUIRE(entries.size() == 1);
  CHECK(entries.at(0).at("reason") == "upgrade test");
}
