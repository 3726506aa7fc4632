#pragma once

#include <jobop/model/audit.hpp>

#include <cstdint>
#include <optional>

// A job's state, op and error on one side of an audit entry, in the same
// three columns on both backends (state_*, op_*, error_*). `Statement` is a
// backend's statement with bind, bind_null, is_null, column_int and
// column_optional_text.
namespace jobop::store {

// Bind the three columns of `snapshot` from parameter `first` on (all NULL
// without one: no job before a put, none after a delete).
template <typename Statement>
void bind_snapshot(Statement& stmt, int first, const std::optional<model::JobSnapshot>& snapshot) {
  if (!snapshot) {
    stmt.bind_null(first).bind_null(first + 1).bind_null(first + 2);
    return;
  }
  stmt.bind(first, static_cast<std::int64_t>(snapshot->state))
    .bind(first + 1, static_cast<std::int64_t>(snapshot->op))
    .bind(first + 2, snapshot->error_message);
}

template <typename Statement>
std::optional<model::JobSnapshot> read_snapshot(const Statement& stmt, int first) {
  if (stmt.is_null(first)) {
    return std::nullopt;
  }
  model::JobSnapshot snapshot;
  snapshot.state = static_cast<model::JobState>(stmt.column_int(first));
  snapshot.op = static_cast<model::OpStatus>(stmt.column_int(first + 1));
  snapshot.error_message = stmt.column_optional_text(first + 2);
  return snapshot;
}

// Read an audit entry selected as seq_id, at, actor, login, sudo_user, host,
// tty, args, job_id, action, reason and the two snapshots. `Row` as in
// row_layout.hpp.
template <typename Row>
void read_audit_entry(const Row& row, model::AuditEntry& entry) {
  entry.seq_id = row.column_int(0);
  entry.at = row.column_timestamp(1);
  entry.actor.name = row.column_text(2);
  entry.actor.login = row.column_text(3);
  entry.actor.sudo_user = row.column_optional_text(4);
  entry.actor.host = row.column_text(5);
  entry.actor.tty = row.column_optional_text(6);
  entry.actor.args = row.column_text(7);
  entry.job_id = row.column_text(8);
  entry.action = row.column_text(9);
  entry.reason = row.column_optional_text(10);
  entry.before = read_snapshot(row, 11);
  entry.after = read_snapshot(row, 14);
}

} // namespace jobop::store
