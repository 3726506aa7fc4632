#include <jobop/status/records_json.hpp>

#include <jobop/core/exit_code.hpp>
#include <jobop/store/codes.hpp>
#include <jobop/store/timestamp.hpp>

#include <string>

namespace jobop::status {

namespace {

std::string name(std::string_view view) {
  return std::string(view);
}

} // namespace

nlohmann::json timestamp_json(const std::optional<core::UnixNanos>& t) {
  return t ? nlohmann::json(store::format_rfc3339(*t)) : nlohmann::json(nullptr);
}

namespace {

// Emit the fields of the status record of `row` to `sink`, in the order of
// their keys: nlohmann's objects sort keys, so the fast writer must too to
// print the same bytes. One field list serves both writers.
template <class Sink>
void emit_status_fields(const store::StatusRow& row, const ViewOptions& options, Sink& sink) {
  const store::JobRecord* job = row.job ? &*row.job : nullptr;
  const store::OutboxRecord* outbox = row.outbox ? &*row.outbox : nullptr;
  const bool orphan = job == nullptr;
  job ? sink.text("address", job->address) : sink.null("address");
  sink.integer("cancel_sends", outbox ? outbox->send_count : 0);
  sink.timestamp("canceling_since", row.canceling_since());
  if (options.include_config) {
    job ? sink.optional_text("config", job->config) : sink.null("config");
  }
  job ? sink.timestamp("created_at", job->created_at) : sink.null("created_at");
  job ? sink.text("engine_state", store::engine_state_name(job->state)) : sink.null("engine_state");
  job ? sink.integer("epoch", job->epoch) : sink.null("epoch");
  job ? sink.optional_text("error", job->error_message) : sink.null("error");
  outbox ? sink.timestamp("first_cancel_sent", outbox->first_sent) : sink.null("first_cancel_sent");
  sink.text("id", row.id);
  outbox ? sink.timestamp("last_cancel_sent", outbox->last_sent) : sink.null("last_cancel_sent");
  job ? sink.text("node", job->node_id) : sink.null("node");
  sink.text("op", store::op_status_name(row.op_status()));
  row.op ? sink.timestamp("op_updated_at", row.op->updated_at) : sink.null("op_updated_at");
  sink.boolean("orphan", orphan);
  job ? sink.text("project", job->project_id) : sink.null("project");
  // An orphan op has no job, so it has no state; `orphan` says why.
  orphan ? sink.null("state") : sink.text("state", store::user_state_name(row.state()));
  sink.boolean("stuck", row.looks_stuck(options.now, options.stuck_after));
  job ? sink.text("type", store::job_type_name(job->type)) : sink.null("type");
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
  void timestamp(const char* key, const std::optional<core::UnixNanos>& t) {
    m_record[key] = timestamp_json(t);
  }

private:
  nlohmann::json& m_record;
};

// Appends compact JSON text, byte for byte what nlohmann's dump (with
// error_handler_t::replace) prints for the same object.
class TextSink {
public:
  explicit TextSink(std::string& out) : m_out(out) {}
  void text(const char* key, std::string_view value) {
    this->key(key);
    append_string(value);
  }
  void optional_text(const char* key, const std::optional<std::string>& value) {
    value ? text(key, *value) : null(key);
  }
  void integer(const char* key, std::int64_t value) {
    this->key(key);
    m_out += std::to_string(value);
  }
  void boolean(const char* key, bool value) {
    this->key(key);
    m_out += value ? "true" : "false";
  }
  void null(const char* key) {
    this->key(key);
    m_out += "null";
  }
  void timestamp(const char* key, const std::optional<core::UnixNanos>& t) {
    t ? text(key, store::format_rfc3339(*t)) : null(key);
  }
  void close() { m_out += m_first ? "{}" : "}"; }

private:
  void key(const char* name) {
    m_out += m_first ? "{\"" : ",\"";
    m_first = false;
    m_out += name;
    m_out += "\":";
  }
  // Printable ASCII needs no escaping; anything else (control bytes, quotes,
  // UTF-8, invalid bytes) goes through nlohmann so the bytes stay identical.
  void append_string(std::string_view value) {
    for (const char c : value) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte < 0x20 || byte > 0x7e || c == '"' || c == '\\') {
        m_out += nlohmann::json(std::string(value))
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
      }
    }
    m_out += '"';
    m_out += value;
    m_out += '"';
  }

  std::string& m_out;
  bool m_first = true;
};

} // namespace

nlohmann::json status_record(const store::StatusRow& row, const ViewOptions& options) {
  nlohmann::json record = nlohmann::json::object();
  ObjectSink sink(record);
  emit_status_fields(row, options, sink);
  return record;
}

void append_status_record(std::string& out, const store::StatusRow& row,
                          const ViewOptions& options) {
  TextSink sink(out);
  emit_status_fields(row, options, sink);
  sink.close();
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
