#include <jobop/status/records_json.hpp>

#include <jobop/core/exit_code.hpp>
#include <jobop/store/codes.hpp>
#include <jobop/store/timestamp.hpp>

#include <string>

namespace jobop::status {

namespace {

nlohmann::json optional_text(const std::optional<std::string>& text) {
  return text ? nlohmann::json(*text) : nlohmann::json(nullptr);
}

std::string name(std::string_view view) {
  return std::string(view);
}

} // namespace

nlohmann::json timestamp_json(const std::optional<core::UnixNanos>& t) {
  return t ? nlohmann::json(store::format_rfc3339(*t)) : nlohmann::json(nullptr);
}

nlohmann::json status_record(const store::StatusRow& row, const ViewOptions& options) {
  nlohmann::json record;
  record["id"] = row.id;
  const bool orphan = row.orphan();
  // An orphan op has no job, so it has no state; `orphan` says why.
  record["state"] =
    orphan ? nlohmann::json(nullptr) : nlohmann::json(name(store::user_state_name(row.state())));
  record["op"] = name(store::op_status_name(row.op_status()));
  record["orphan"] = orphan;
  if (row.job) {
    const auto& job = *row.job;
    record["project"] = job.project_id;
    record["type"] = name(store::job_type_name(job.type));
    record["engine_state"] = name(store::engine_state_name(job.state));
    record["node"] = job.node_id;
    record["address"] = job.address;
    record["epoch"] = job.epoch;
    record["error"] = optional_text(job.error_message);
    record["created_at"] = timestamp_json(job.created_at);
    record["updated_at"] = timestamp_json(job.updated_at);
  } else {
    for (const char* key : {"project", "type", "engine_state", "node", "address", "epoch", "error",
                            "created_at", "updated_at"}) {
      record[key] = nullptr;
    }
  }
  record["op_updated_at"] = row.op ? timestamp_json(row.op->updated_at) : nlohmann::json(nullptr);
  record["canceling_since"] = timestamp_json(row.canceling_since());
  record["cancel_sends"] = row.outbox ? row.outbox->send_count : 0;
  record["first_cancel_sent"] =
    row.outbox ? timestamp_json(row.outbox->first_sent) : nlohmann::json(nullptr);
  record["last_cancel_sent"] =
    row.outbox ? timestamp_json(row.outbox->last_sent) : nlohmann::json(nullptr);
  record["stuck"] = row.looks_stuck(options.now, options.stuck_after);
  if (options.include_config) {
    record["config"] = row.job ? optional_text(row.job->config) : nlohmann::json(nullptr);
  }
  return record;
}

nlohmann::json cancel_record(const ops::CancelResult& result, const ViewOptions& options) {
  nlohmann::json record;
  if (result.row) {
    record = status_record(*result.row, options);
  } else {
    record["id"] = result.id;
  }
  record["changed"] = result.changed;
  record["forced"] = result.forced;
  if (result.failure) {
    record["failure"] = {{"code", result.failure->code},
                         {"message", result.failure->message},
                         {"exit_code", core::to_int(result.failure->exit_code)}};
  } else {
    record["failure"] = nullptr;
  }
  return record;
}

nlohmann::json tick_item(const ops::TickItem& item) {
  nlohmann::json json = {
    {"id", item.id},
    {"action", name(ops::tick_action_name(item.action))},
    {"error", item.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(item.error)}};
  if (!item.error_code.empty()) {
    json["error_code"] = item.error_code;
  }
  return json;
}

nlohmann::json tick_counts(const ops::TickCounts& counts) {
  return {{"canceled", counts.canceled},
          {"noop", counts.noop},
          {"cancel_sent", counts.cancel_sent},
          {"send_failed", counts.send_failed},
          {"error", counts.error},
          {"skipped", counts.skipped}};
}

} // namespace jobop::status
