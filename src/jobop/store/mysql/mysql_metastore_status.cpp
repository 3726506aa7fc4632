// Reading jobs for `status` and `cancel` with the one row layout of
// store/row_layout.hpp.
#include <jobop/store/mysql/mysql_metastore.hpp>

#include <jobop/store/mysql/row.hpp>
#include <jobop/store/row_layout.hpp>

#include <algorithm>
#include <bit>
#include <numeric>

namespace jobop::store::mysql {

namespace {

constexpr std::size_t k_max_read_rows = 1024;

std::string outbox_join(bool has_outbox, const std::string& id_expr) {
  return has_outbox ? " LEFT JOIN jobop_outbox x ON x.job_id = " + id_expr : std::string();
}

} // namespace

std::vector<std::optional<model::StatusRow>>
MysqlMetastore::read_jobs(const std::vector<std::string>& ids, bool include_config) {
  std::vector<std::optional<model::StatusRow>> rows(ids.size());
  // Rows are locked in the order the ids are bound: every jobop binds them
  // sorted, so two writers lock in the same order and cannot deadlock on
  // them. `order[k]` is the index in `ids` of the k-th id bound.
  std::vector<std::size_t> order(ids.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&ids](std::size_t a, std::size_t b) { return ids[a] < ids[b]; });
  std::size_t done = 0;
  while (done < ids.size()) {
    const std::size_t left = ids.size() - done;
    const std::size_t n = left >= k_max_read_rows ? k_max_read_rows : std::bit_floor(left);
    // The ids travel as a derived table joined on the engine's unique
    // indexes, so the server's collation decides which ids name the same
    // job; `pos` (our own numbers, written as literals) says which id a row
    // answers.
    const std::size_t flags = (include_config ? 1 : 0) | (m_has_outbox ? 2 : 0) |
                              (locking() ? 4 : 0) | (m_has_audit ? 8 : 0);
    const auto key = std::make_pair(Batch::read, n * 16 + flags);
    auto it = m_batches.find(key);
    if (it == m_batches.end()) {
      std::string derived;
      for (std::size_t i = 0; i < n; ++i) {
        derived +=
          i == 0 ? "SELECT 0 AS pos, ? AS qid" : " UNION ALL SELECT " + std::to_string(i) + ", ?";
      }
      const std::string sql =
        "SELECT q.pos, " + status_select_list(include_config, m_has_outbox, true, m_has_audit) +
        " FROM (" + derived + ") q LEFT JOIN master_meta m ON " + id_match("m.id", "q.qid") +
        " AND m.deleted IS NULL LEFT JOIN job_ops o ON " + id_match("o.job_id", "q.qid") +
        (m_has_outbox ? " LEFT JOIN jobop_outbox x ON " + id_match("x.job_id", "q.qid") : "") +
        forced_join(m_has_audit) + (locking() ? " FOR UPDATE" : "");
      it = m_batches.emplace(key, m_conn.prepare(sql)).first;
    } else {
      it->second.reset();
    }
    Statement& stmt = it->second;
    for (std::size_t i = 0; i < n; ++i) {
      stmt.bind(static_cast<int>(i) + 1, std::string_view(ids[order[done + i]]));
    }
    stmt.execute();
    const Row row(stmt, m_conn.zone());
    while (stmt.fetch()) {
      const auto pos = static_cast<std::size_t>(stmt.column_int(0));
      model::StatusRow status;
      read_status_row(row, status, 1);
      if (pos < n && (status.job || status.op)) {
        rows[order[done + pos]] = std::move(status);
      }
    }
    stmt.reset();
    done += n;
  }
  return rows;
}

void MysqlMetastore::stream_status_rows(
  bool include_config, bool orphans, const std::function<void(const model::StatusRow&)>& on_row) {
  model::StatusRow status; // reused so that its strings keep their capacity
  {
    // Streamed: a million-row listing is read off the network row by row.
    Statement jobs = m_conn.prepare(
      "SELECT " + status_select_list(include_config, m_has_outbox, true, m_has_audit) +
      " FROM master_meta m LEFT JOIN job_ops o ON o.job_id = m.id" +
      outbox_join(m_has_outbox, "m.id") + forced_join(m_has_audit) +
      " WHERE m.deleted IS NULL ORDER BY m.seq_id");
    jobs.execute();
    const Row row(jobs, m_conn.zone());
    while (jobs.fetch()) {
      read_status_row(row, status);
      on_row(status);
    }
  }
  if (orphans) {
    Statement orphan_ops = m_conn.prepare(
      "SELECT " + status_select_list(false, m_has_outbox, false) + " FROM job_ops o" +
      outbox_join(m_has_outbox, "o.job_id") +
      " WHERE NOT EXISTS (SELECT 1 FROM master_meta j WHERE j.id = o.job_id AND j.deleted IS "
      "NULL) ORDER BY o.seq_id");
    orphan_ops.execute();
    const Row row(orphan_ops, m_conn.zone());
    while (orphan_ops.fetch()) {
      read_status_row(row, status);
      on_row(status);
    }
  }
}

} // namespace jobop::store::mysql
