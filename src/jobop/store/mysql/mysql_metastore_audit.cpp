// The audit trail: entries appended in the operator's transactions as
// multi-row inserts, and read in order for `history`.
#include <jobop/store/mysql/mysql_metastore.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/store/audit_layout.hpp>
#include <jobop/store/mysql/row.hpp>

#include <bit>

namespace jobop::store::mysql {

namespace {

// Rows per insert: an entry may carry two error messages and a reason of up
// to 64 KiB each, and a statement must stay below max_allowed_packet
// (16 MiB on MariaDB by default).
constexpr std::size_t k_max_audit_rows = 64;
constexpr int k_audit_params = 16;

// The most ids one history query binds (the protocol's limit is 65,535).
constexpr std::size_t k_max_history_ids = 60000;

} // namespace

void MysqlMetastore::append_audit(const std::vector<model::AuditEntry>& entries,
                                  core::UnixNanos now) {
  std::size_t done = 0;
  while (done < entries.size()) {
    const std::size_t left = entries.size() - done;
    const std::size_t rows = left >= k_max_audit_rows ? k_max_audit_rows : std::bit_floor(left);
    const auto key = std::make_pair(Batch::audit, rows);
    auto it = m_batches.find(key);
    if (it == m_batches.end()) {
      std::string sql = "INSERT INTO jobop_audit (at, actor, login, sudo_user, host, tty, args, "
                        "job_id, action, reason, state_before, op_before, error_before, "
                        "state_after, op_after, error_after) VALUES ";
      for (std::size_t i = 0; i < rows; ++i) {
        sql += i == 0 ? "" : ", ";
        sql += "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
      }
      it = m_batches.emplace(key, m_conn.prepare(sql)).first;
    } else {
      it->second.reset();
    }
    Statement& stmt = it->second;
    for (std::size_t i = 0; i < rows; ++i) {
      const model::AuditEntry& entry = entries[done + i];
      const int p = static_cast<int>(i) * k_audit_params;
      bind_time(stmt, p + 1, now);
      stmt.bind(p + 2, std::string_view(entry.actor.name))
        .bind(p + 3, std::string_view(entry.actor.login))
        .bind(p + 4, entry.actor.sudo_user)
        .bind(p + 5, std::string_view(entry.actor.host))
        .bind(p + 6, entry.actor.tty)
        .bind(p + 7, std::string_view(entry.actor.args))
        .bind(p + 8, std::string_view(entry.job_id))
        .bind(p + 9, std::string_view(entry.action))
        .bind(p + 10, entry.reason);
      bind_snapshot(stmt, p + 11, entry.before);
      bind_snapshot(stmt, p + 14, entry.after);
    }
    run_user_values(stmt, "the audit entry (reason or actor)");
    done += rows;
  }
}

void MysqlMetastore::stream_audit(const std::vector<std::string>& ids,
                                  const std::function<void(const model::AuditEntry&)>& on_entry) {
  if (ids.size() > k_max_history_ids) {
    throw core::UsageError("input.too_many_ids",
                           "history reads at most " + std::to_string(k_max_history_ids) +
                             " ids at once; got " + std::to_string(ids.size()));
  }
  std::string sql = "SELECT seq_id, at, actor, login, sudo_user, host, tty, args, job_id, action, "
                    "reason, state_before, op_before, error_before, state_after, op_after, "
                    "error_after FROM jobop_audit";
  if (!ids.empty()) {
    sql += " WHERE job_id IN (";
    for (std::size_t i = 0; i < ids.size(); ++i) {
      sql += i == 0 ? "?" : ", ?";
    }
    sql += ")";
  }
  sql += " ORDER BY seq_id";
  Statement stmt = m_conn.prepare(sql);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    stmt.bind(static_cast<int>(i) + 1, std::string_view(ids[i]));
  }
  stmt.execute();
  const Row row(stmt, m_conn.zone());
  model::AuditEntry entry;
  while (stmt.fetch()) {
    read_audit_entry(row, entry);
    on_entry(entry);
  }
}

} // namespace jobop::store::mysql
