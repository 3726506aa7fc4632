#include <jobop/status/records_json.hpp>

#include <jobop/core/exit_code.hpp>
#include <jobop/model/codes.hpp>
#include <jobop/time/timestamp.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace jobop::status {

namespace {

nlohmann::json failure_json(const ops::JobFailure& failure) {
  return {{"code", failure.code},
          {"message", failure.message},
          {"exit_code", core::to_int(failure.exit_code)}};
}

std::string dump_failure(const ops::JobFailure& failure) {
  return failure_json(failure).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string name(std::string_view view) {
  return std::string(view);
}

} // namespace

nlohmann::json timestamp_json(const std::optional<time::Timestamp>& t) {
  return t ? nlohmann::json(time::format_rfc3339(*t)) : nlohmann::json(nullptr);
}

namespace {

// Emit the fields of the status record of `row` to `sink`, in the order of
// their keys: nlohmann's objects sort keys, so the fast writer must too to
// print the same bytes. One field list serves both writers.
template <class Sink>
void emit_status_fields(const model::StatusRow& row, const ViewOptions& options, Sink& sink) {
  const model::JobRecord* job = row.job ? &*row.job : nullptr;
  const model::OutboxRecord* outbox = row.outbox ? &*row.outbox : nullptr;
  const bool orphan = job == nullptr;
  job ? sink.text("address", job->address) : sink.null("address");
  sink.integer("cancel_sends", outbox ? outbox->send_count : 0);
  sink.timestamp("canceling_since", row.canceling_since());
  if (options.include_config) {
    job ? sink.optional_text("config", job->config) : sink.null("config");
  }
  job ? sink.timestamp("created_at", job->created_at) : sink.null("created_at");
  job ? sink.text("engine_state", model::engine_state_name(job->state)) : sink.null("engine_state");
  job ? sink.integer("epoch", job->epoch) : sink.null("epoch");
  job ? sink.optional_text("error", job->error_message) : sink.null("error");
  outbox ? sink.timestamp("first_cancel_sent", outbox->first_sent) : sink.null("first_cancel_sent");
  const model::ForcedMark* forced = row.forced ? &*row.forced : nullptr;
  sink.boolean("forced", forced != nullptr);
  forced ? sink.timestamp("forced_at", forced->at) : sink.null("forced_at");
  forced ? sink.text("forced_by", forced->by) : sink.null("forced_by");
  forced ? sink.optional_text("forced_reason", forced->reason) : sink.null("forced_reason");
  sink.text("id", row.id);
  outbox ? sink.timestamp("last_cancel_sent", outbox->last_sent) : sink.null("last_cancel_sent");
  job ? sink.text("node", job->node_id) : sink.null("node");
  sink.text("op", model::op_status_name(row.op_status()));
  row.op ? sink.timestamp("op_updated_at", row.op->updated_at) : sink.null("op_updated_at");
  sink.boolean("orphan", orphan);
  job ? sink.text("project", job->project_id) : sink.null("project");
  // An orphan op has no job, so it has no state; `orphan` says why.
  orphan ? sink.null("state") : sink.text("state", model::user_state_name(row.state()));
  sink.boolean("stuck", row.looks_stuck(options.now, options.stuck_after));
  job ? sink.text("type", model::job_type_name(job->type)) : sink.null("type");
  job ? sink.timestamp("updated_at", job->updated_at) : sink.null("updated_at");
}

// Builds an nlohmann object (for tables and documents that add fields).
class ObjectSink {
public:
  explicit ObjectSink(nlohmann::json& record) : m_record(record) {}
  void text(const char* key, std::string_view value) { m_record[key] = std::string(value); }
  void optional_text(const char* key, const std::optional<std::string>& value) {
    m_record[key] = value ? nlohmann::json(*value) : nlohmann::json(nullptr);
  }
  void integer(const char* key, std::int64_t value) { m_record[key] = value; }
  void boolean(const char* key, bool value) { m_record[key] = value; }
  void null(const char* key) { m_record[key] = nullptr; }
  void timestamp(const char* key, const std::optional<time::Timestamp>& t) {
    m_record[key] = timestamp_json(t);
  }

private:
  nlohmann::json& m_record;
};

// Collects fields as compact JSON text and prints them sorted by key: byte
// for byte what nlohmann's dump (error_handler_t::replace) prints for the
// same object, whose keys are sorted too.
class TextSink {
public:
  void text(const char* key, std::string_view value) {
    begin(key);
    append_string(value);
  }
  void optional_text(const char* key, const std::optional<std::string>& value) {
    value ? text(key, *value) : null(key);
  }
  void integer(const char* key, std::int64_t value) {
    begin(key);
    m_values += std::to_string(value);
  }
  void boolean(const char* key, bool value) {
    begin(key);
    m_values += value ? "true" : "false";
  }
  void null(const char* key) {
    begin(key);
    m_values += "null";
  }
  void timestamp(const char* key, const std::optional<time::Timestamp>& t) {
    t ? text(key, time::format_rfc3339(*t)) : null(key);
  }
  // Append a value that is already JSON text.
  void raw(const char* key, std::string_view json) {
    begin(key);
    m_values += json;
  }
  // Append the object to `out`.
  void finish(std::string& out) {
    if (!m_fields.empty()) {
      m_fields.back().end = m_values.size();
    }
    std::sort(m_fields.begin(), m_fields.end(),
              [](const Field& a, const Field& b) { return std::strcmp(a.key, b.key) < 0; });
    out += '{';
    for (std::size_t i = 0; i < m_fields.size(); ++i) {
      out += i == 0 ? "\"" : ",\"";
      out += m_fields[i].key;
      out += "\":";
      out.append(m_values, m_fields[i].begin, m_fields[i].end - m_fields[i].begin);
    }
    out += '}';
  }

private:
  struct Field {
    const char* key;
    std::size_t begin;
    std::size_t end;
  };

  void begin(const char* key) {
    if (!m_fields.empty()) {
      m_fields.back().end = m_values.size();
    }
    m_fields.push_back({key, m_values.size(), 0});
  }
  // Printable ASCII needs no escaping; anything else (control bytes, quotes,
  // UTF-8, invalid bytes) goes through nlohmann so the bytes stay identical.
  void append_string(std::string_view value) {
    for (const char c : value) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || byte > 0x7e || c == '"' || c == '\\') {
        m_values += nlohmann::json(std::string(value))
                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
      }
    }
    m_values += '"';
    m_values += value;
    m_values += '"';
  }

  std::vector<Field> m_fields;
  std::string m_values;
};

// Emit what a cancel record adds to the status record of its job (or, for a
// job that has none, to its id).
template <class Sink>
void emit_cancel_fields(const ops::CancelResult& result, Sink& sink) {
  sink.boolean("changed", result.changed);
  if (!result.row) {
    sink.boolean("forced", false);
  }
}

} // namespace

nlohmann::json status_record(const model::StatusRow& row, const ViewOptions& options) {
  nlohmann::json record = nlohmann::json::object();
  ObjectSink sink(record);
  emit_status_fields(row, options, sink);
  return record;
}

void append_status_record(std::string& out, const model::StatusRow& row,
                          const ViewOptions& options) {
  TextSink sink;
  emit_status_fields(row, options, sink);
  sink.finish(out);
}

void append_cancel_record(std::string& out, const ops::CancelResult& result,
                          const ViewOptions& options) {
  TextSink sink;
  if (result.row) {
    emit_status_fields(*result.row, options, sink);
  } else {
    sink.text("id", result.id);
  }
  emit_cancel_fields(result, sink);
  result.failure ? sink.raw("failure", dump_failure(*result.failure)) : sink.null("failure");
  sink.finish(out);
}

nlohmann::json cancel_record(const ops::CancelResult& result, const ViewOptions& options) {
  nlohmann::json record;
  if (result.row) {
    record = status_record(*result.row, options);
  } else {
    record["id"] = result.id;
  }
  ObjectSink sink(record);
  emit_cancel_fields(result, sink);
  record["failure"] = result.failure ? failure_json(*result.failure) : nlohmann::json(nullptr);
  return record;
}

namespace {

nlohmann::json snapshot_json(const std::optional<model::JobSnapshot>& snapshot) {
  if (!snapshot) {
    return nullptr;
  }
  return {{"state", name(model::user_state_name(model::user_state(snapshot->state, snapshot->op)))},
          {"engine_state", name(model::engine_state_name(snapshot->state))},
          {"op", name(model::op_status_name(snapshot->op))},
          {"error", snapshot->error_message ? nlohmann::json(*snapshot->error_message)
                                            : nlohmann::json(nullptr)}};
}

nlohmann::json optional_json(const std::optional<std::string>& text) {
  return text ? nlohmann::json(*text) : nlohmann::json(nullptr);
}

} // namespace

nlohmann::json audit_record(const model::AuditEntry& entry) {
  nlohmann::json args = nlohmann::json::parse(entry.actor.args, nullptr, false);
  if (args.is_discarded()) {
    args = entry.actor.args; // written by another tool: shown as it is
  }
  return {{"seq", entry.seq_id},
          {"at", timestamp_json(entry.at)},
          {"actor", entry.actor.name},
          {"login", entry.actor.login},
          {"sudo_user", optional_json(entry.actor.sudo_user)},
          {"host", entry.actor.host},
          {"tty", optional_json(entry.actor.tty)},
          {"args", std::move(args)},
          {"id", entry.job_id},
          {"action", entry.action},
          {"reason", optional_json(entry.reason)},
          {"before", snapshot_json(entry.before)},
          {"after", snapshot_json(entry.after)}};
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
