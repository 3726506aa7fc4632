#pragma once

#include <jobop/model/records.hpp>

#include <string>

// The one column layout of every query that reads records, for both
// backends: each query selects a record's columns in these orders, and these
// read them from a row, starting at a column. `Row` is a backend's statement
// (or an adapter) with is_null, column_int, column_text, column_optional_text
// and column_timestamp (an instant, nullopt for NULL or an unreadable value).
namespace jobop::store {

// Columns: id, project_id, type, state, node_id, address, epoch,
// error_message, config (NULL when not asked for), created_at, updated_at.
constexpr int k_job_columns = 11;
template <typename Row>
void read_job(const Row& row, int first, model::JobRecord& job) {
  job.id = row.column_text(first);
  job.project_id = row.column_text(first + 1);
  job.type = static_cast<model::JobType>(row.column_int(first + 2));
  job.state = static_cast<model::JobState>(row.column_int(first + 3));
  job.node_id = row.column_text(first + 4);
  job.address = row.column_text(first + 5);
  job.epoch = row.column_int(first + 6);
  job.error_message = row.column_optional_text(first + 7);
  job.config = row.column_optional_text(first + 8);
  job.created_at = row.column_timestamp(first + 9);
  job.updated_at = row.column_timestamp(first + 10);
}

// Columns: job_id, op, created_at, updated_at.
constexpr int k_op_columns = 4;
template <typename Row>
void read_op(const Row& row, int first, model::OpRecord& op) {
  op.job_id = row.column_text(first);
  op.op = static_cast<model::OpStatus>(row.column_int(first + 1));
  op.created_at = row.column_timestamp(first + 2);
  op.updated_at = row.column_timestamp(first + 3);
}

// Columns: job_id, epoch, node_id, address, send_count, first_sent, last_sent.
constexpr int k_outbox_columns = 7;
template <typename Row>
void read_outbox(const Row& row, int first, model::OutboxRecord& outbox) {
  outbox.job_id = row.column_text(first);
  outbox.epoch = row.column_int(first + 1);
  outbox.node_id = row.column_text(first + 2);
  outbox.address = row.column_text(first + 3);
  outbox.send_count = row.column_int(first + 4);
  outbox.first_sent = row.column_timestamp(first + 5);
  outbox.last_sent = row.column_timestamp(first + 6);
}

// Columns: actor, at, reason of a job's latest audit entry when it is a
// forced cancel (NULL otherwise).
constexpr int k_forced_columns = 3;
template <typename Row>
void read_forced(const Row& row, int first, model::ForcedMark& forced) {
  forced.by = row.column_text(first);
  forced.at = row.column_timestamp(first + 1);
  forced.reason = row.column_optional_text(first + 2);
}

// Read a whole status row laid out as job, op, outbox and forced columns
// from column `first` on; a part whose first column is NULL is absent.
// `out.id` is the job's id, else the op's.
template <typename Row>
void read_status_row(const Row& row, model::StatusRow& out, int first = 0) {
  const int op_first = first + k_job_columns;
  const int outbox_first = op_first + k_op_columns;
  if (row.is_null(first)) {
    out.job.reset();
  } else {
    if (!out.job) {
      out.job.emplace();
    }
    read_job(row, first, *out.job);
  }
  if (row.is_null(op_first)) {
    out.op.reset();
  } else {
    if (!out.op) {
      out.op.emplace();
    }
    read_op(row, op_first, *out.op);
  }
  if (row.is_null(outbox_first)) {
    out.outbox.reset();
  } else {
    if (!out.outbox) {
      out.outbox.emplace();
    }
    read_outbox(row, outbox_first, *out.outbox);
  }
  const int forced_first = outbox_first + k_outbox_columns;
  if (row.is_null(forced_first)) {
    out.forced.reset();
  } else {
    if (!out.forced) {
      out.forced.emplace();
    }
    read_forced(row, forced_first, *out.forced);
  }
  out.id = out.job ? out.job->id : out.op ? out.op->job_id : std::string();
}

// Return the select list of a status row (job, op, outbox and forced
// columns, aliased m, o, x and f in the query; f comes from forced_join).
// Without the outbox or audit table (an engine's metastore opened read-only
// before jobop ever wrote to it) their columns are NULL; with `with_job`
// false (orphans) the job's and forced columns are NULL too.
inline std::string status_select_list(bool include_config, bool has_outbox, bool with_job = true,
                                      bool has_audit = false) {
  std::string sql;
  if (with_job) {
    sql += "m.id, m.project_id, m.type, m.state, m.node_id, m.address, m.epoch, m.error_message, ";
    sql += include_config ? "m.config" : "NULL";
    sql += ", m.created_at, m.updated_at, ";
  } else {
    sql += "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ";
  }
  sql += "o.job_id, o.op, o.created_at, o.updated_at, ";
  sql += has_outbox ? "x.job_id, x.epoch, x.node_id, x.address, x.send_count, x.first_sent, "
                      "x.last_sent"
                    : "NULL, NULL, NULL, NULL, NULL, NULL, NULL";
  sql += with_job && has_audit ? ", f.actor, f.at, f.reason" : ", NULL, NULL, NULL";
  return sql;
}

// Return the join that makes `f` the latest audit entry of the job `m` when
// that entry is a forced cancel ("" without the audit table). The entry is
// found through the audit table's (job_id, seq_id) index.
inline std::string forced_join(bool has_audit) {
  return has_audit ? " LEFT JOIN jobop_audit f ON f.seq_id = (SELECT MAX(a.seq_id) FROM "
                     "jobop_audit a WHERE a.job_id = m.id) AND f.action = 'force_cancel'"
                   : "";
}

} // namespace jobop::store
