#include <jobop/status/records_json.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace jobop;

namespace {

constexpr core::UnixNanos k_now = 1'714'564'800 * core::k_second; // 2024-05-01T12:00:00Z

model::StatusRow canceling_row(core::UnixNanos requested_at) {
  model::StatusRow row;
  row.id = "orders";
  model::JobRecord job;
  job.id = "orders";
  job.project_id = "payments";
  job.type = model::JobType::cdc;
  job.state = model::JobState::init;
  job.node_id = "node-1";
  job.epoch = 3;
  job.config = std::string("secret");
  row.job = job;
  model::OpRecord op;
  op.job_id = "orders";
  op.op = model::OpStatus::canceling;
  op.created_at = requested_at;
  op.updated_at = requested_at;
  row.op = op;
  return row;
}

} // namespace

TEST_CASE("a live job with a Canceling op is shown canceling, stuck only after stuck_after") {
  const auto row = canceling_row(k_now - 6 * core::k_minute);
  auto record = status::status_record(row, {k_now, 5 * core::k_minute, false});
  CHECK(record.at("state") == "canceling");
  CHECK(record.at("op") == "canceling");
  CHECK(record.at("engine_state") == "Init");
  CHECK(record.at("type") == "CDC");
  CHECK(record.at("orphan") == false);
  CHECK(record.at("canceling_since") == "2024-05-01T11:54:00Z");
  CHECK(record.at("stuck") == true);
  CHECK(record.at("cancel_sends") == 0);
  CHECK(record.at("last_cancel_sent").is_null());
  CHECK(!record.contains("config"));
  record = status::status_record(row, {k_now, 10 * core::k_minute, true});
  CHECK(record.at("stuck") == false);
  CHECK(record.at("config") == "secret");
}

TEST_CASE("a terminated job with a Canceling op shows its own state and is never stuck") {
  auto row = canceling_row(k_now - core::k_hour);
  row.job->state = model::JobState::stopped;
  const auto record = status::status_record(row, {k_now, core::k_minute, false});
  CHECK(record.at("state") == "canceled");
  CHECK(record.at("op") == "canceling");
  CHECK(record.at("canceling_since").is_null());
  CHECK(record.at("stuck") == false);
}

TEST_CASE("an orphan op has no state and null job fields, every key still present") {
  auto row = canceling_row(k_now);
  row.job.reset();
  const auto record = status::status_record(row, {k_now, core::k_minute, false});
  CHECK(record.at("orphan") == true);
  CHECK(record.at("state").is_null());
  CHECK(record.at("op") == "canceling");
  for (const char* key : {"project", "type", "node", "address", "epoch", "error", "created_at"}) {
    CAPTURE(key);
    CHECK(record.at(key).is_null());
  }
}

TEST_CASE("a cancel record carries changed, forced and the failure of a missing job") {
  ops::CancelResult missing;
  missing.id = "ghost";
  missing.failure =
    ops::JobFailure{core::ExitCode::not_found, "job.not_found", "job ghost not found"};
  const auto record = status::cancel_record(missing, {k_now, core::k_minute, false});
  CHECK(record.at("id") == "ghost");
  CHECK(record.at("changed") == false);
  CHECK(record.at("failure").at("code") == "job.not_found");
  CHECK(record.at("failure").at("exit_code") == 3);

  ops::CancelResult done;
  done.id = "orders";
  done.row = canceling_row(k_now);
  done.changed = true;
  const auto ok = status::cancel_record(done, {k_now, core::k_minute, false});
  CHECK(ok.at("failure").is_null());
  CHECK(ok.at("state") == "canceling");
  CHECK(ok.at("changed") == true);
}

TEST_CASE("metastore bytes that are not UTF-8 still dump as valid JSON") {
  auto row = canceling_row(k_now);
  row.job->error_message = std::string("bad \xff byte");
  const auto record = status::status_record(row, {k_now, core::k_minute, false});
  const auto text = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  CHECK(nlohmann::json::parse(text).at("error").get<std::string>().find("byte") !=
        std::string::npos);
}

TEST_CASE("tick items name their action and counts every action") {
  ops::TickItem item;
  item.id = "a";
  item.action = ops::TickAction::send_failed;
  item.error = "exit status 1";
  const auto json = status::tick_item(item);
  CHECK(json.at("action") == "send_failed");
  CHECK(json.at("error") == "exit status 1");
  ops::TickCounts counts;
  counts.noop = 2;
  CHECK(status::tick_counts(counts).at("noop") == 2);
  CHECK(status::tick_counts(counts).size() == 6);
}

TEST_CASE("the fast status writer prints the same bytes as dumping the record object") {
  const auto dump = [](const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  auto live = canceling_row(k_now - 6 * core::k_minute);
  live.outbox = model::OutboxRecord{};
  live.outbox->job_id = live.id;
  live.outbox->send_count = 3;
  live.outbox->first_sent = k_now - 5 * core::k_minute;
  live.outbox->last_sent = k_now - core::k_minute;
  auto hostile = live;
  hostile.id = "q\"uo\\te\t\x01\x7f caf\xc3\xa9 bad\xff\xfe end";
  hostile.job->error_message = std::string("line1\nline2 \xe2\x82");
  hostile.job->address = "";
  auto orphan = model::StatusRow{};
  orphan.id = "gone";
  orphan.op = live.op;
  auto bare = live;
  bare.op.reset();
  bare.outbox.reset();
  bare.job->error_message.reset();
  bare.job->created_at.reset();

  for (const auto* row : {&live, &hostile, &orphan, &bare}) {
    for (const bool include_config : {false, true}) {
      const status::ViewOptions view{k_now, 5 * core::k_minute, include_config};
      std::string text;
      status::append_status_record(text, *row, view);
      CAPTURE(row->id);
      CHECK(text == dump(status::status_record(*row, view)));
      CHECK(nlohmann::json::parse(text).at("orphan") == row->orphan());
    }
  }
}

TEST_CASE("the fast cancel writer prints the same bytes as dumping the cancel record") {
  const auto dump = [](const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  ops::CancelResult changed;
  changed.id = "orders";
  changed.row = canceling_row(k_now);
  changed.changed = true;
  ops::CancelResult missing;
  missing.id = "no\xffsuch";
  missing.failure = ops::JobFailure{core::ExitCode::not_found, "job.not_found", "job not found"};
  ops::CancelResult forced = changed;
  forced.forced = true;
  forced.row->job->error_message = std::string("on-call: \"stuck\" master");
  for (const auto* result : {&changed, &missing, &forced}) {
    const status::ViewOptions view{k_now, 5 * core::k_minute, false};
    std::string text;
    status::append_cancel_record(text, *result, view);
    CAPTURE(result->id);
    CHECK(text == dump(status::cancel_record(*result, view)));
  }
}
