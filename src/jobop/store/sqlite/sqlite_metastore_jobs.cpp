// Writing job rows as the engine does: `job put` and `job delete`.
#include <jobop/store/sqlite/sqlite_metastore.hpp>

namespace jobop::store::sqlite {

Metastore::RowPresence SqliteMetastore::job_row_presence(std::string_view id) {
  Statement& exists = m_db->cached("SELECT deleted IS NULL FROM master_meta WHERE id = ?1");
  exists.bind(1, id);
  RowPresence presence = RowPresence::none;
  if (exists.step()) {
    presence = exists.column_int(0) != 0 ? RowPresence::live : RowPresence::deleted;
  }
  exists.reset();
  return presence;
}

void SqliteMetastore::upsert_job_row(const model::JobSpec& spec, core::UnixNanos now) {
  // The engine's UpsertJob: ON CONFLICT (id) DO UPDATE SET each of
  // MasterUpdateColumns to the new value; created_at and deleted stay.
  Statement& upsert = m_db->cached(
    "INSERT INTO master_meta (created_at, updated_at, project_id, id, type, state, node_id, "
    "address, epoch, config, error_message, detail, ext) VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, "
    "?8, ?9, ?10, ?11, ?12) ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, "
    "project_id = excluded.project_id, id = excluded.id, type = excluded.type, "
    "state = excluded.state, node_id = excluded.node_id, address = excluded.address, "
    "epoch = excluded.epoch, config = excluded.config, error_message = excluded.error_message, "
    "detail = excluded.detail, ext = excluded.ext");
  upsert.bind_timestamp(1, now)
    .bind(2, std::string_view(spec.project_id))
    .bind(3, std::string_view(spec.id))
    .bind(4, static_cast<std::int64_t>(spec.type))
    .bind(5, static_cast<std::int64_t>(spec.state))
    .bind(6, std::string_view(spec.node_id))
    .bind(7, std::string_view(spec.address))
    .bind(8, spec.epoch)
    .bind(9, spec.config)
    .bind(10, std::string_view(spec.error_message))
    .bind(11, spec.detail)
    .bind(12, std::string_view(spec.ext))
    .run();
  upsert.reset();
}

std::int64_t SqliteMetastore::soft_delete_job(std::string_view id, core::UnixNanos now) {
  // gorm's soft delete sets the DeletedAt column and nothing else.
  Statement& stmt =
    m_db->cached("UPDATE master_meta SET deleted = ?1 WHERE id = ?2 AND deleted IS NULL");
  const std::int64_t changed = stmt.bind_timestamp(1, now).bind(2, id).run();
  stmt.reset();
  return changed;
}

} // namespace jobop::store::sqlite
