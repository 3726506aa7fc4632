// Reading jobs for `status` and `cancel`: one row layout (job, op, outbox
// columns; see row_reader.hpp) for every query.
#include <jobop/store/sqlite/sqlite_metastore.hpp>

#include <jobop/store/row_layout.hpp>

#include <algorithm>

namespace jobop::store::sqlite {

namespace {

std::string status_columns(bool include_config, bool has_outbox, bool has_audit,
                           bool with_job = true) {
  return "SELECT " + status_select_list(include_config, has_outbox, with_job, has_audit);
}

std::string outbox_join(bool has_outbox, const char* id_expr) {
  return has_outbox ? std::string(" LEFT JOIN jobop_outbox x ON x.job_id = ") + id_expr : "";
}

} // namespace

std::vector<std::optional<model::StatusRow>>
SqliteMetastore::read_jobs(const std::vector<std::string>& ids, bool include_config) {
  // One query per id over the unique indexes; the id is bound, never spliced.
  const std::string sql = status_columns(include_config, m_has_outbox, m_has_audit) +
                          " FROM (SELECT ?1 AS qid) q"
                          " LEFT JOIN master_meta m ON m.id = q.qid AND m.deleted IS NULL"
                          " LEFT JOIN job_ops o ON o.job_id = q.qid" +
                          outbox_join(m_has_outbox, "q.qid") + forced_join(m_has_audit);
  Statement stmt = m_db->prepare(sql);
  std::vector<std::optional<model::StatusRow>> rows;
  rows.reserve(ids.size());
  for (const std::string& id : ids) {
    stmt.reset();
    stmt.bind(1, std::string_view(id));
    model::StatusRow row;
    if (stmt.step()) {
      read_status_row(stmt, row);
    }
    if (row.job || row.op) {
      rows.emplace_back(std::move(row));
    } else {
      rows.emplace_back(std::nullopt);
    }
  }
  stmt.reset();
  return rows;
}

void SqliteMetastore::stream_status_rows(
  bool include_config, bool orphans, const std::function<void(const model::StatusRow&)>& on_row) {
  model::StatusRow row; // reused so that its strings keep their capacity
  {
    Statement jobs = m_db->prepare(status_columns(include_config, m_has_outbox, m_has_audit) +
                                   " FROM master_meta m LEFT JOIN job_ops o ON o.job_id = m.id" +
                                   outbox_join(m_has_outbox, "m.id") + forced_join(m_has_audit) +
                                   " WHERE m.deleted IS NULL ORDER BY m.seq_id");
    while (jobs.step()) {
      read_status_row(jobs, row);
      on_row(row);
    }
  }
  if (orphans) {
    Statement orphan_ops = m_db->prepare(
      status_columns(false, m_has_outbox, false, false) + " FROM job_ops o" +
      outbox_join(m_has_outbox, "o.job_id") +
      " WHERE NOT EXISTS (SELECT 1 FROM master_meta j WHERE j.id = o.job_id AND j.deleted IS "
      "NULL) ORDER BY o.seq_id");
    while (orphan_ops.step()) {
      read_status_row(orphan_ops, row);
      on_row(row);
    }
  }
}

} // namespace jobop::store::sqlite
