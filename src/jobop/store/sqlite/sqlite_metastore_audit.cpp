// The audit trail: appending entries in the operator's transactions and
// reading them for `history`.
#include <jobop/store/audit_layout.hpp>
#include <jobop/store/sqlite/sqlite_metastore.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace jobop::store::sqlite {

void SqliteMetastore::append_audit(const std::vector<model::AuditEntry>& entries,
                                   core::UnixNanos now) {
  Statement& stmt = m_db->cached(
    "INSERT INTO jobop_audit (at, actor, login, sudo_user, host, tty, args, job_id, action, "
    "reason, state_before, op_before, error_before, state_after, op_after, error_after) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)");
  for (const model::AuditEntry& entry : entries) {
    stmt.bind_timestamp(1, now)
      .bind(2, std::string_view(entry.actor.name))
      .bind(3, std::string_view(entry.actor.login))
      .bind(4, entry.actor.sudo_user)
      .bind(5, std::string_view(entry.actor.host))
      .bind(6, entry.actor.tty)
      .bind(7, std::string_view(entry.actor.args))
      .bind(8, std::string_view(entry.job_id))
      .bind(9, std::string_view(entry.action))
      .bind(10, entry.reason);
    bind_snapshot(stmt, 11, entry.before);
    bind_snapshot(stmt, 14, entry.after);
    stmt.run();
    stmt.reset();
  }
}

void SqliteMetastore::stream_audit(const std::vector<std::string>& ids,
                                   const std::function<void(const model::AuditEntry&)>& on_entry) {
  std::string sql = "SELECT seq_id, at, actor, login, sudo_user, host, tty, args, job_id, action, "
                    "reason, state_before, op_before, error_before, state_after, op_after, "
                    "error_after FROM jobop_audit";
  if (!ids.empty()) {
    // Ids travel as bound parameters of a json_each list: any number of them.
    sql += " WHERE job_id IN (SELECT value FROM json_each(?1))";
  }
  sql += " ORDER BY seq_id";
  Statement stmt = m_db->prepare(sql);
  std::string id_list;
  if (!ids.empty()) {
    id_list = "[";
    for (std::size_t i = 0; i < ids.size(); ++i) {
      id_list += (i == 0 ? "" : ",") + nlohmann::json(ids[i]).dump(
                                         -1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    id_list += "]";
    stmt.bind(1, std::string_view(id_list));
  }
  model::AuditEntry entry;
  while (stmt.step()) {
    read_audit_entry(stmt, entry);
    on_entry(entry);
  }
}

} // namespace jobop::store::sqlite
