// The primitives the operator composes inside its own transactions, as
// multi-row statements: a batch of ids costs one round trip per 1,024 rows.
#include <jobop/store/mysql/mysql_metastore.hpp>

#include <jobop/store/mysql/row.hpp>
#include <jobop/store/row_layout.hpp>

#include <algorithm>
#include <bit>

namespace jobop::store::mysql {

namespace {

// The most rows one statement carries (7 parameters a row at most, far
// below the protocol's 65,535), and a small fraction of TiDB's transaction
// size limit.
constexpr std::size_t k_max_batch_rows = 1024;

// Call `run(first, rows)` over [0, n) in batches: full ones, then powers of
// two for the rest, so at most 11 statement shapes per kind are prepared.
template <typename Run>
void for_each_batch(std::size_t n, Run&& run) {
  std::size_t done = 0;
  while (done < n) {
    const std::size_t left = n - done;
    const std::size_t rows = left >= k_max_batch_rows ? k_max_batch_rows : std::bit_floor(left);
    run(done, rows);
    done += rows;
  }
}

// Return `item` `n` times, separated by ", ".
std::string repeated(std::string_view item, std::size_t n) {
  std::string out;
  out.reserve((item.size() + 2) * n);
  for (std::size_t i = 0; i < n; ++i) {
    if (i != 0) {
      out += ", ";
    }
    out += item;
  }
  return out;
}

// Return `ids` sorted (byte order): the order every writer locks rows in.
std::vector<std::string> sorted_ids(const std::vector<std::string>& ids) {
  std::vector<std::string> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

} // namespace

Statement& MysqlMetastore::batch_statement(Batch kind, std::size_t rows) {
  const auto key = std::make_pair(kind, rows);
  if (auto it = m_batches.find(key); it != m_batches.end()) {
    it->second.reset();
    return it->second;
  }
  std::string sql;
  switch (kind) {
  case Batch::upsert_ops:
    sql = "INSERT INTO job_ops (created_at, updated_at, op, job_id) VALUES " +
          repeated("(?, ?, ?, ?)", rows) +
          " ON DUPLICATE KEY UPDATE op = VALUES(op), updated_at = VALUES(updated_at)";
    break;
  case Batch::change_ops:
    sql = "UPDATE job_ops SET op = ?, updated_at = ? WHERE op = ? AND job_id IN (" +
          repeated("?", rows) + ")";
    break;
  case Batch::write_states:
    sql = "UPDATE master_meta SET state = ?, updated_at = ?, "
          "error_message = COALESCE(?, error_message) WHERE deleted IS NULL AND id IN (" +
          repeated("?", rows) + ")";
    break;
  case Batch::outbox_sends:
    sql = "INSERT INTO jobop_outbox (job_id, epoch, node_id, address, send_count, first_sent, "
          "last_sent) VALUES " +
          repeated("(?, ?, ?, ?, 1, ?, ?)", rows) +
          " ON DUPLICATE KEY UPDATE epoch = VALUES(epoch), node_id = VALUES(node_id), "
          "address = VALUES(address), send_count = send_count + 1, "
          "last_sent = GREATEST(last_sent, VALUES(last_sent))";
    break;
  case Batch::clear_outboxes:
    sql = "DELETE FROM jobop_outbox WHERE job_id IN (" + repeated("?", rows) + ")";
    break;
  case Batch::read:
  case Batch::audit:
    break; // built by read_jobs and append_audit
  }
  return m_batches.emplace(key, m_conn.prepare(sql)).first->second;
}

std::optional<model::JobRecord> MysqlMetastore::get_job(std::string_view id) {
  Statement& stmt =
    locking() ? m_conn.cached("SELECT id, project_id, type, state, node_id, address, epoch, "
                              "error_message, NULL, created_at, updated_at FROM master_meta "
                              "WHERE id = ? AND deleted IS NULL FOR UPDATE")
              : m_conn.cached("SELECT id, project_id, type, state, node_id, address, epoch, "
                              "error_message, NULL, created_at, updated_at FROM master_meta "
                              "WHERE id = ? AND deleted IS NULL");
  stmt.bind(1, id).execute();
  std::optional<model::JobRecord> job;
  while (stmt.fetch()) {
    job.emplace();
    read_job(Row(stmt, m_conn.zone()), 0, *job);
  }
  stmt.reset();
  return job;
}

std::optional<model::OpRecord> MysqlMetastore::get_op(std::string_view id) {
  Statement& stmt =
    locking()
      ? m_conn.cached(
          "SELECT job_id, op, created_at, updated_at FROM job_ops WHERE job_id = ? FOR UPDATE")
      : m_conn.cached("SELECT job_id, op, created_at, updated_at FROM job_ops WHERE job_id = ?");
  stmt.bind(1, id).execute();
  std::optional<model::OpRecord> op;
  while (stmt.fetch()) {
    op.emplace();
    read_op(Row(stmt, m_conn.zone()), 0, *op);
  }
  stmt.reset();
  return op;
}

void MysqlMetastore::upsert_ops(const std::vector<std::string>& ids, model::OpStatus op,
                                core::UnixNanos now) {
  // Rows in sorted order: every writer locks them in the same order.
  const std::vector<std::string> sorted = sorted_ids(ids);
  for_each_batch(sorted.size(), [&](std::size_t first, std::size_t rows) {
    Statement& stmt = batch_statement(Batch::upsert_ops, rows);
    for (std::size_t i = 0; i < rows; ++i) {
      const int p = static_cast<int>(i) * 4;
      bind_time(stmt, p + 1, now);
      bind_time(stmt, p + 2, now);
      stmt.bind(p + 3, static_cast<std::int64_t>(op));
      stmt.bind(p + 4, std::string_view(sorted[first + i]));
    }
    stmt.run();
  });
}

std::int64_t MysqlMetastore::change_op(std::string_view id, model::OpStatus from,
                                       model::OpStatus to, core::UnixNanos now) {
  return change_ops({std::string(id)}, from, to, now);
}

std::int64_t MysqlMetastore::change_ops(const std::vector<std::string>& ids, model::OpStatus from,
                                        model::OpStatus to, core::UnixNanos now) {
  std::int64_t changed = 0;
  for_each_batch(ids.size(), [&](std::size_t first, std::size_t rows) {
    Statement& stmt = batch_statement(Batch::change_ops, rows);
    stmt.bind(1, static_cast<std::int64_t>(to));
    bind_time(stmt, 2, now);
    stmt.bind(3, static_cast<std::int64_t>(from));
    for (std::size_t i = 0; i < rows; ++i) {
      stmt.bind(static_cast<int>(i) + 4, std::string_view(ids[first + i]));
    }
    changed += stmt.run();
  });
  return changed;
}

std::int64_t MysqlMetastore::write_job_states(const std::vector<std::string>& ids,
                                              model::JobState state,
                                              const std::optional<std::string>& error_message,
                                              core::UnixNanos now) {
  std::int64_t changed = 0;
  for_each_batch(ids.size(), [&](std::size_t first, std::size_t rows) {
    Statement& stmt = batch_statement(Batch::write_states, rows);
    stmt.bind(1, static_cast<std::int64_t>(state));
    bind_time(stmt, 2, now);
    stmt.bind(3, error_message);
    for (std::size_t i = 0; i < rows; ++i) {
      stmt.bind(static_cast<int>(i) + 4, std::string_view(ids[first + i]));
    }
    changed += run_user_values(stmt, "the error message");
  });
  return changed;
}

void MysqlMetastore::record_outbox_sends(const std::vector<model::OutboxRecord>& messages,
                                         core::UnixNanos now) {
  std::vector<const model::OutboxRecord*> sorted;
  sorted.reserve(messages.size());
  for (const model::OutboxRecord& message : messages) {
    sorted.push_back(&message);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->job_id < b->job_id; });
  for_each_batch(messages.size(), [&](std::size_t first, std::size_t rows) {
    Statement& stmt = batch_statement(Batch::outbox_sends, rows);
    for (std::size_t i = 0; i < rows; ++i) {
      const model::OutboxRecord& message = *sorted[first + i];
      const int p = static_cast<int>(i) * 6;
      stmt.bind(p + 1, std::string_view(message.job_id));
      stmt.bind(p + 2, message.epoch);
      stmt.bind(p + 3, std::string_view(message.node_id));
      stmt.bind(p + 4, std::string_view(message.address));
      bind_time(stmt, p + 5, now);
      bind_time(stmt, p + 6, now);
    }
    stmt.run();
  });
}

void MysqlMetastore::clear_outboxes(const std::vector<std::string>& ids) {
  if (!m_has_outbox) {
    return;
  }
  for_each_batch(ids.size(), [&](std::size_t first, std::size_t rows) {
    Statement& stmt = batch_statement(Batch::clear_outboxes, rows);
    for (std::size_t i = 0; i < rows; ++i) {
      stmt.bind(static_cast<int>(i) + 1, std::string_view(ids[first + i]));
    }
    stmt.run();
  });
}

std::optional<model::OutboxRecord> MysqlMetastore::get_outbox(std::string_view id) {
  if (!m_has_outbox) {
    return std::nullopt;
  }
  Statement& stmt = m_conn.cached("SELECT job_id, epoch, node_id, address, send_count, "
                                  "first_sent, last_sent FROM jobop_outbox WHERE job_id = ?");
  stmt.bind(1, id).execute();
  std::optional<model::OutboxRecord> row;
  while (stmt.fetch()) {
    row.emplace();
    read_outbox(Row(stmt, m_conn.zone()), 0, *row);
  }
  stmt.reset();
  return row;
}

std::vector<Metastore::CancelingOp> MysqlMetastore::canceling_ops_page(std::int64_t after_seq_id,
                                                                       std::size_t limit) {
  Statement& stmt = locking()
                      ? m_conn.cached("SELECT o.seq_id, o.job_id, m.id, m.project_id, m.type, "
                                      "m.state, m.node_id, m.address, m.epoch, m.error_message, "
                                      "NULL, m.created_at, m.updated_at FROM job_ops o "
                                      "LEFT JOIN master_meta m ON m.id = o.job_id AND m.deleted "
                                      "IS NULL WHERE o.op = 2 AND o.seq_id > ? "
                                      "ORDER BY o.seq_id LIMIT ? FOR UPDATE")
                      : m_conn.cached("SELECT o.seq_id, o.job_id, m.id, m.project_id, m.type, "
                                      "m.state, m.node_id, m.address, m.epoch, m.error_message, "
                                      "NULL, m.created_at, m.updated_at FROM job_ops o "
                                      "LEFT JOIN master_meta m ON m.id = o.job_id AND m.deleted "
                                      "IS NULL WHERE o.op = 2 AND o.seq_id > ? "
                                      "ORDER BY o.seq_id LIMIT ?");
  stmt.bind(1, after_seq_id).bind(2, static_cast<std::int64_t>(limit)).execute();
  std::vector<CancelingOp> page;
  page.reserve(limit < 4096 ? limit : 4096);
  const Row row(stmt, m_conn.zone());
  while (stmt.fetch()) {
    CancelingOp& op = page.emplace_back();
    op.seq_id = stmt.column_int(0);
    op.job_id = stmt.column_text(1);
    if (!stmt.is_null(2)) {
      op.job.emplace();
      read_job(row, 2, *op.job);
    }
  }
  stmt.reset();
  return page;
}

} // namespace jobop::store::mysql
