// Reading jobs for `status` and `cancel`: one row layout (job, op, outbox
// columns; see row_reader.hpp) for every query.
#include <jobop/store/metastore.hpp>

#include <jobop/store/row_reader.hpp>

#include <algorithm>

namespace jobop::store {

namespace {

// The select list of a status row. Without the outbox table (an engine's
// metastore opened read-only before jobop ever wrote to it) its columns are
// NULL.
// With `with_job` false (orphans) the job's columns are NULL too.
std::string status_columns(bool include_config, bool has_outbox, bool with_job = true) {
  std::string sql = "SELECT ";
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

std::string outbox_join(bool has_outbox, const char* id_expr) {
  return has_outbox ? std::string(" LEFT JOIN jobop_outbox x ON x.job_id = ") + id_expr : "";
}

template <typename T>
bool allowed(const std::vector<T>& wanted, const T& value) {
  return wanted.empty() || std::find(wanted.begin(), wanted.end(), value) != wanted.end();
}

bool passes(const StatusFilter& filter, const StatusRow& row) {
  if (!allowed(filter.ops, row.op_status())) {
    return false;
  }
  if (row.orphan()) {
    return filter.include_orphans && filter.states.empty() && filter.projects.empty() &&
           filter.types.empty();
  }
  return allowed(filter.states, row.state()) && allowed(filter.projects, row.job->project_id) &&
         allowed(filter.types, row.job->type);
}

} // namespace

std::vector<std::optional<StatusRow>> Metastore::find_jobs(const std::vector<std::string>& ids,
                                                           bool include_config) {
  // One query per id over the unique indexes; the id is bound, never spliced.
  const std::string sql = status_columns(include_config, m_has_outbox) +
                          " FROM (SELECT ?1 AS qid) q"
                          " LEFT JOIN master_meta m ON m.id = q.qid AND m.deleted IS NULL"
                          " LEFT JOIN job_ops o ON o.job_id = q.qid" +
                          outbox_join(m_has_outbox, "q.qid");
  Transaction tx(*m_db, Transaction::Kind::read);
  Statement stmt = m_db->prepare(sql);
  std::vector<std::optional<StatusRow>> rows;
  rows.reserve(ids.size());
  for (const std::string& id : ids) {
    stmt.reset();
    stmt.bind(1, std::string_view(id));
    StatusRow row;
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
  tx.commit();
  return rows;
}

void Metastore::for_each_status_row(const StatusFilter& filter,
                                    const std::function<void(const StatusRow&)>& on_row) {
  if (!filter.ids.empty()) {
    for (const auto& row : find_jobs(filter.ids, filter.include_config)) {
      if (row && passes(filter, *row)) {
        on_row(*row);
      }
    }
    return;
  }
  Transaction tx(*m_db, Transaction::Kind::read);
  StatusRow row; // reused so that its strings keep their capacity
  {
    Statement jobs = m_db->prepare(status_columns(filter.include_config, m_has_outbox) +
                                   " FROM master_meta m LEFT JOIN job_ops o ON o.job_id = m.id" +
                                   outbox_join(m_has_outbox, "m.id") +
                                   " WHERE m.deleted IS NULL ORDER BY m.seq_id");
    while (jobs.step()) {
      read_status_row(jobs, row);
      if (passes(filter, row)) {
        on_row(row);
      }
    }
  }
  const bool orphans_wanted = filter.include_orphans && filter.states.empty() &&
                              filter.projects.empty() && filter.types.empty();
  if (orphans_wanted) {
    Statement orphans = m_db->prepare(
      status_columns(false, m_has_outbox, false) + " FROM job_ops o" +
      outbox_join(m_has_outbox, "o.job_id") +
      " WHERE NOT EXISTS (SELECT 1 FROM master_meta j WHERE j.id = o.job_id AND j.deleted IS "
      "NULL) ORDER BY o.seq_id");
    while (orphans.step()) {
      read_status_row(orphans, row);
      if (passes(filter, row)) {
        on_row(row);
      }
    }
  }
  tx.commit();
}

} // namespace jobop::store
