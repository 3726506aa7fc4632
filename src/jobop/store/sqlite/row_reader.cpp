#include <jobop/store/sqlite/row_reader.hpp>

namespace jobop::store::sqlite {

void read_job(const Statement& stmt, int first, model::JobRecord& job) {
  job.id = stmt.column_text(first);
  job.project_id = stmt.column_text(first + 1);
  job.type = static_cast<model::JobType>(stmt.column_int(first + 2));
  job.state = static_cast<model::JobState>(stmt.column_int(first + 3));
  job.node_id = stmt.column_text(first + 4);
  job.address = stmt.column_text(first + 5);
  job.epoch = stmt.column_int(first + 6);
  job.error_message = stmt.column_optional_text(first + 7);
  job.config = stmt.column_optional_text(first + 8);
  job.created_at = stmt.column_timestamp(first + 9);
  job.updated_at = stmt.column_timestamp(first + 10);
}

void read_op(const Statement& stmt, int first, model::OpRecord& op) {
  op.job_id = stmt.column_text(first);
  op.op = static_cast<model::OpStatus>(stmt.column_int(first + 1));
  op.created_at = stmt.column_timestamp(first + 2);
  op.updated_at = stmt.column_timestamp(first + 3);
}

void read_outbox(const Statement& stmt, int first, model::OutboxRecord& row) {
  row.job_id = stmt.column_text(first);
  row.epoch = stmt.column_int(first + 1);
  row.node_id = stmt.column_text(first + 2);
  row.address = stmt.column_text(first + 3);
  row.send_count = stmt.column_int(first + 4);
  row.first_sent = stmt.column_timestamp(first + 5);
  row.last_sent = stmt.column_timestamp(first + 6);
}

void read_status_row(const Statement& stmt, model::StatusRow& row) {
  constexpr int op_first = k_job_columns;
  constexpr int outbox_first = k_job_columns + k_op_columns;
  if (stmt.is_null(0)) {
    row.job.reset();
  } else {
    if (!row.job) {
      row.job.emplace();
    }
    read_job(stmt, 0, *row.job);
  }
  if (stmt.is_null(op_first)) {
    row.op.reset();
  } else {
    if (!row.op) {
      row.op.emplace();
    }
    read_op(stmt, op_first, *row.op);
  }
  if (stmt.is_null(outbox_first)) {
    row.outbox.reset();
  } else {
    if (!row.outbox) {
      row.outbox.emplace();
    }
    read_outbox(stmt, outbox_first, *row.outbox);
  }
  row.id = row.job ? row.job->id : row.op ? row.op->job_id : std::string();
}

} // namespace jobop::store::sqlite
