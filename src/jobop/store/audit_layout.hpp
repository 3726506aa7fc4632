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

} // namespace jobop::store
