#pragma once

#include <jobop/model/records.hpp>
#include <jobop/store/sqlite/sqlite.hpp>

// Read records from the columns of a statement, starting at a column. Used by
// the store's queries, which select the columns in these orders.
namespace jobop::store::sqlite {

// Columns: id, project_id, type, state, node_id, address, epoch,
// error_message, config (NULL when not asked for), created_at, updated_at.
constexpr int k_job_columns = 11;
void read_job(const Statement& stmt, int first, model::JobRecord& job);

// Columns: job_id, op, created_at, updated_at.
constexpr int k_op_columns = 4;
void read_op(const Statement& stmt, int first, model::OpRecord& op);

// Columns: job_id, epoch, node_id, address, send_count, first_sent, last_sent.
constexpr int k_outbox_columns = 7;
void read_outbox(const Statement& stmt, int first, model::OutboxRecord& row);

// Read a whole status row laid out as job, op and outbox columns; a part
// whose first column is NULL is absent. `id` is the job's id, else the op's.
void read_status_row(const Statement& stmt, model::StatusRow& row);

} // namespace jobop::store::sqlite
