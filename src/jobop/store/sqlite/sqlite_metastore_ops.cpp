// The primitives the operator composes inside its own transactions.
#include <jobop/store/sqlite/sqlite_metastore.hpp>

#include <jobop/store/row_layout.hpp>

namespace jobop::store::sqlite {

std::optional<model::JobRecord> SqliteMetastore::get_job(std::string_view id) {
  Statement& stmt = m_db->cached("SELECT id, project_id, type, state, node_id, address, epoch, "
                                 "error_message, NULL, created_at, updated_at FROM master_meta "
                                 "WHERE id = ?1 AND deleted IS NULL");
  stmt.bind(1, id);
  std::optional<model::JobRecord> job;
  if (stmt.step()) {
    job.emplace();
    read_job(stmt, 0, *job);
  }
  stmt.reset();
  return job;
}

std::optional<model::OpRecord> SqliteMetastore::get_op(std::string_view id) {
  Statement& stmt =
    m_db->cached("SELECT job_id, op, created_at, updated_at FROM job_ops WHERE job_id = ?1");
  stmt.bind(1, id);
  std::optional<model::OpRecord> op;
  if (stmt.step()) {
    op.emplace();
    read_op(stmt, 0, *op);
  }
  stmt.reset();
  return op;
}

void SqliteMetastore::upsert_ops(const std::vector<std::string>& ids, model::OpStatus op,
                                 core::UnixNanos now) {
  Statement& stmt = m_db->cached(
    "INSERT INTO job_ops (created_at, updated_at, op, job_id) VALUES (?1, ?1, ?2, ?3) "
    "ON CONFLICT (job_id) DO UPDATE SET op = excluded.op, updated_at = excluded.updated_at");
  for (const std::string& id : ids) {
    stmt.bind_timestamp(1, now)
      .bind(2, static_cast<std::int64_t>(op))
      .bind(3, std::string_view(id))
      .run();
    stmt.reset();
  }
}

std::int64_t SqliteMetastore::change_op(std::string_view id, model::OpStatus from,
                                        model::OpStatus to, core::UnixNanos now) {
  Statement& stmt =
    m_db->cached("UPDATE job_ops SET op = ?1, updated_at = ?2 WHERE job_id = ?3 AND op = ?4");
  const std::int64_t changed = stmt.bind(1, static_cast<std::int64_t>(to))
                                 .bind_timestamp(2, now)
                                 .bind(3, id)
                                 .bind(4, static_cast<std::int64_t>(from))
                                 .run();
  stmt.reset();
  return changed;
}

std::int64_t SqliteMetastore::change_ops(const std::vector<std::string>& ids, model::OpStatus from,
                                         model::OpStatus to, core::UnixNanos now) {
  std::int64_t changed = 0;
  for (const std::string& id : ids) {
    changed += change_op(id, from, to, now);
  }
  return changed;
}

std::int64_t SqliteMetastore::write_job_states(const std::vector<std::string>& ids,
                                               model::JobState state,
                                               const std::optional<std::string>& error_message,
                                               core::UnixNanos now) {
  Statement& stmt = m_db->cached(
    "UPDATE master_meta SET state = ?1, updated_at = ?2, error_message = CASE WHEN ?3 IS NULL "
    "THEN error_message ELSE ?3 END WHERE id = ?4 AND deleted IS NULL");
  std::int64_t changed = 0;
  for (const std::string& id : ids) {
    changed += stmt.bind(1, static_cast<std::int64_t>(state))
                 .bind_timestamp(2, now)
                 .bind(3, error_message)
                 .bind(4, std::string_view(id))
                 .run();
    stmt.reset();
  }
  return changed;
}

void SqliteMetastore::record_outbox_sends(const std::vector<model::OutboxRecord>& messages,
                                          core::UnixNanos now) {
  Statement& stmt = m_db->cached(
    "INSERT INTO jobop_outbox (job_id, epoch, node_id, address, send_count, first_sent, "
    "last_sent) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5) ON CONFLICT (job_id) DO UPDATE SET "
    "epoch = excluded.epoch, node_id = excluded.node_id, address = excluded.address, "
    "send_count = send_count + 1, last_sent = excluded.last_sent");
  for (const model::OutboxRecord& message : messages) {
    stmt.bind(1, std::string_view(message.job_id))
      .bind(2, message.epoch)
      .bind(3, std::string_view(message.node_id))
      .bind(4, std::string_view(message.address))
      .bind_timestamp(5, now)
      .run();
    stmt.reset();
  }
}

void SqliteMetastore::clear_outboxes(const std::vector<std::string>& ids) {
  if (!m_has_outbox) {
    return;
  }
  Statement& stmt = m_db->cached("DELETE FROM jobop_outbox WHERE job_id = ?1");
  for (const std::string& id : ids) {
    stmt.bind(1, std::string_view(id)).run();
    stmt.reset();
  }
}

std::optional<model::OutboxRecord> SqliteMetastore::get_outbox(std::string_view id) {
  if (!m_has_outbox) {
    return std::nullopt;
  }
  Statement& stmt = m_db->cached("SELECT job_id, epoch, node_id, address, send_count, "
                                 "first_sent, last_sent FROM jobop_outbox WHERE job_id = ?1");
  stmt.bind(1, id);
  std::optional<model::OutboxRecord> row;
  if (stmt.step()) {
    row.emplace();
    read_outbox(stmt, 0, *row);
  }
  stmt.reset();
  return row;
}

std::vector<Metastore::CancelingOp> SqliteMetastore::canceling_ops_page(std::int64_t after_seq_id,
                                                                        std::size_t limit) {
  Statement& stmt = m_db->cached(
    "SELECT o.seq_id, o.job_id, m.id, m.project_id, m.type, m.state, m.node_id, m.address, "
    "m.epoch, m.error_message, NULL, m.created_at, m.updated_at FROM job_ops o "
    "LEFT JOIN master_meta m ON m.id = o.job_id AND m.deleted IS NULL "
    "WHERE o.op = 2 AND o.seq_id > ?1 ORDER BY o.seq_id LIMIT ?2");
  stmt.bind(1, after_seq_id).bind(2, static_cast<std::int64_t>(limit));
  std::vector<CancelingOp> page;
  page.reserve(limit < 4096 ? limit : 4096);
  while (stmt.step()) {
    CancelingOp& op = page.emplace_back();
    op.seq_id = stmt.column_int(0);
    op.job_id = stmt.column_text(1);
    if (!stmt.is_null(2)) {
      op.job.emplace();
      read_job(stmt, 2, *op.job);
    }
  }
  stmt.reset();
  return page;
}

} // namespace jobop::store::sqlite
