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

// Read a whole status row laid out as job, op and outbox columns from column
// `first` on; a part whose first column is NULL is absent. `out.id` is the
// job's id, else the op's.
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
  out.id = out.job ? out.job->id : out.op ? out.op->job_id : std::string();
}

// Return the select list of a status row (job, op and outbox columns, aliased
// m, o and x in the query). Without the outbox table (an engine's metastore
// opened read-only before jobop ever wrote to it) its columns are NULL; with
// `with_job` false (orphans) the job's columns are NULL too.
inline std::string status_select_list(bool include_config, bool has_outbox, bool with_job = true) {
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
  return sql;
}

} // namespace jobop::store
