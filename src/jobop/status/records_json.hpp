#pragma once

#include <jobop/core/clock.hpp>
#include <jobop/model/audit.hpp>
#include <jobop/model/records.hpp>
#include <jobop/operator/cancel.hpp>
#include <jobop/operator/job_operator.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

// The JSON records every command prints (docs/cli.md lists each field). The
// shapes are a contract with scripts: a field is always present (null when it
// has no value) so `jq` filters never meet a missing key.
namespace jobop::status {

// What a status record needs beyond the row: when "now" is and after how long
// a canceling job looks stuck.
struct ViewOptions {
  core::UnixNanos now = 0;
  core::Nanos stuck_after = 5 * core::k_minute;
  // Add the `config` field (it may hold credentials).
  bool include_config = false;
};

// Return the status record of `row`: id, state, op, orphan, project, type,
// engine_state, node, address, epoch, error, created_at, updated_at,
// canceling_since, cancel_sends, first_cancel_sent, last_cancel_sent, stuck,
// forced, forced_by, forced_at, forced_reason (the job's latest audited
// change was a forced cancel) and, when asked, config. Strings keep the metastore's bytes (dump
// with error_handler_t::replace).
nlohmann::json status_record(const model::StatusRow& row, const ViewOptions& options);

// Append the status record of `row` to `out` as compact JSON: the same bytes
// as dumping status_record() with error_handler_t::replace, without building
// the object (listing a million jobs spends its time here).
void append_status_record(std::string& out, const model::StatusRow& row,
                          const ViewOptions& options);

// Return the cancel record of `result`: the status record of its row (or only
// the id and `forced: false` for a missing job) plus changed and `failure` ({code, message,
// exit_code} for a job that could not be canceled, else null).
nlohmann::json cancel_record(const ops::CancelResult& result, const ViewOptions& options);

// Append the cancel record of `result` to `out` as compact JSON: the same
// bytes as dumping cancel_record() (a bulk cancel prints one per job).
void append_cancel_record(std::string& out, const ops::CancelResult& result,
                          const ViewOptions& options);

// Return the history record of `entry`: seq, at, actor, login, sudo_user,
// host, tty, args (the redacted arguments as an array), id, action, reason,
// and `before`/`after` ({state, engine_state, op, error}, null when there
// was no live job).
nlohmann::json audit_record(const model::AuditEntry& entry);

// Return a tick result item: {id, action, error (null unless any), error_code?}.
nlohmann::json tick_item(const ops::TickItem& item);

// Return the counts of a tick as an object of the action names plus skipped.
nlohmann::json tick_counts(const ops::TickCounts& counts);

// Return RFC 3339 UTC text of `t`, or null.
nlohmann::json timestamp_json(const std::optional<time::Timestamp>& t);

} // namespace jobop::status
