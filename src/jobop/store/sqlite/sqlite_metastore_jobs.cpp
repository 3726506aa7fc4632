// Writing job rows as the engine does: `job put` and `job delete`.
#include <jobop/store/sqlite/sqlite_metastore.hpp>

namespace jobop::store::sqlite {

bool SqliteMetastore::upsert_job_row(const model::JobSpec& spec, core::UnixNanos now) {
  Statement& exists = m_db->cached("SELECT deleted IS NULL FROM master_meta WHERE id = ?1");
  exists.bind(1, std::string_view(spec.id));
  const bool live = exists.step() && exists.column_int(0) != 0;
  exists.reset();
  // A soft-deleted row still holds the unique id: revive it as a new job.
  Statement& upsert = m_db->cached(
    "INSERT INTO master_meta (created_at, updated_at, project_id, id, type, state, node_id, "
    "address, epoch, config, error_message) VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
    "ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, "
    "project_id = excluded.project_id, type = excluded.type, state = excluded.state, "
    "node_id = excluded.node_id, address = excluded.address, epoch = excluded.epoch, "
    "config = coalesce(excluded.config, config), error_message = excluded.error_message, "
    "created_at = CASE WHEN deleted IS NULL THEN created_at ELSE excluded.created_at END, "
    "deleted = NULL");
  upsert.bind_timestamp(1, now)
    .bind(2, std::string_view(spec.project_id))
    .bind(3, std::string_view(spec.id))
    .bind(4, static_cast<std::int64_t>(spec.type))
    .bind(5, static_cast<std::int64_t>(spec.state))
    .bind(6, std::string_view(spec.node_id))
    .bind(7, std::string_view(spec.address))
    .bind(8, spec.epoch)
    .bind(9, spec.config)
    .bind(10, spec.error_message)
    .run();
  upsert.reset();
  return !live;
}

std::int64_t SqliteMetastore::soft_delete_job(std::string_view id, core::UnixNanos now) {
  Statement& stmt = m_db->cached("UPDATE master_meta SET deleted = ?1, updated_at = ?1 "
                                 "WHERE id = ?2 AND deleted IS NULL");
  const std::int64_t changed = stmt.bind_timestamp(1, now).bind(2, id).run();
  stmt.reset();
  return changed;
}

} // namespace jobop::store::sqlite
