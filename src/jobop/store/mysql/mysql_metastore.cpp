#include <jobop/store/mysql/mysql_metastore.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/store/engine_columns.hpp>
#include <jobop/store/mysql/errors.hpp>
#include <jobop/store/mysql/schema.hpp>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <set>

namespace jobop::store::mysql {

namespace {

// The server's error number behind a StoreError of the connection layer, 0
// when there is none.
unsigned mysql_errno_of(const core::Error& error) {
  const auto& details = error.details();
  const auto it = details.find("mysql_errno");
  return it != details.end() && it->is_number_unsigned() ? it->get<unsigned>() : 0;
}

// The client waits for a reply at most the read timeout: a statement that
// waits for a row lock up to the lock wait timeout must not be cut off first
// (it would read as a lost connection).
ConnectionConfig with_lock_wait(ConnectionConfig config, const StoreOptions& options) {
  const core::Nanos lock_wait = std::max<core::Nanos>(options.busy_timeout, core::k_second);
  config.lock_wait_timeout = lock_wait;
  if (config.read_timeout != 0 && config.read_timeout < lock_wait + 2 * core::k_second) {
    config.read_timeout = lock_wait + 2 * core::k_second;
  }
  return config;
}

[[noreturn]] void refuse(const std::string& location, const std::string& why) {
  throw core::StoreError("store.not_a_metastore",
                         "metastore " + location + " " + why + "; refusing to use it",
                         {{"path", location}});
}

// What the schema holds, read in one query before anything is written.
struct SchemaState {
  std::set<std::string> tables;
  std::set<std::string> columns; // "table.column"
  std::string id_charset;
  std::string id_collation;
  bool has(const char* table) const { return tables.count(table) != 0; }
};

SchemaState inspect(Connection& conn) {
  SchemaState state;
  Statement stmt = conn.prepare(
    "SELECT TABLE_NAME, COLUMN_NAME, CHARACTER_SET_NAME, COLLATION_NAME "
    "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN "
    "('master_meta', 'job_ops', 'jobop_meta', 'jobop_outbox', 'jobop_audit')");
  stmt.execute();
  while (stmt.fetch()) {
    const std::string table = stmt.column_text(0);
    const std::string column = stmt.column_text(1);
    state.tables.insert(table);
    state.columns.insert(table + "." + column);
    if (table == "master_meta" && column == "id" && !stmt.is_null(3)) {
      state.id_charset = stmt.column_text(2);
      state.id_collation = stmt.column_text(3);
    }
  }
  return state;
}

// A name the server gave us, safe to write into SQL (a charset or collation).
bool plain_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

} // namespace

MysqlMetastore::MysqlMetastore(ConnectionConfig config, OpenMode mode, StoreOptions options)
  : m_location(config.display()), m_conn(with_lock_wait(std::move(config), options)), m_mode(mode) {
  open_schema(mode, options.busy_timeout);
}

MysqlMetastore::~MysqlMetastore() {
  m_batches.clear();
}

namespace {

// Holds the server's named lock of `init` on a schema, so two inits at once
// run one after the other: the second adopts what the first created.
class InitLock {
public:
  InitLock(Connection& conn, core::Nanos timeout, const std::string& location) : m_conn(conn) {
    Statement& lock = m_conn.cached("SELECT GET_LOCK(CONCAT('jobop.init.', DATABASE()), ?)");
    lock
      .bind(1, static_cast<std::int64_t>(std::max<core::Nanos>(timeout, core::k_second) /
                                         core::k_second))
      .execute();
    bool held = false;
    while (lock.fetch()) {
      held = !lock.is_null(0) && lock.column_int(0) == 1;
    }
    lock.reset();
    if (!held) {
      throw core::StoreError("store.locked",
                             "metastore " + location +
                               ": another `jobop init` holds the schema's init lock past "
                               "--busy-timeout",
                             {{"path", location}});
    }
  }
  ~InitLock() {
    try {
      m_conn.exec("DO RELEASE_LOCK(CONCAT('jobop.init.', DATABASE()))");
    } catch (const core::Error&) {
      // The server releases it with the session.
    }
  }
  InitLock(const InitLock&) = delete;
  InitLock& operator=(const InitLock&) = delete;

private:
  Connection& m_conn;
};

} // namespace

void MysqlMetastore::open_schema(OpenMode mode, core::Nanos lock_timeout) {
  std::optional<InitLock> init_lock;
  if (mode == OpenMode::create_or_adopt) {
    init_lock.emplace(m_conn, lock_timeout, m_location);
  }
  SchemaState state = inspect(m_conn);
  if (!state.has("master_meta") && !state.has("job_ops")) {
    if (mode != OpenMode::create_or_adopt) {
      refuse(m_location, "has no engine tables (master_meta, job_ops), so it is not a job "
                         "metastore (run `jobop init` to create them)");
    }
    for (int i = 0; i < k_engine_ddl_count; ++i) {
      try {
        m_conn.exec(k_engine_ddl[i]);
        m_created_engine_tables = true;
      } catch (const core::StoreError& e) {
        if (mysql_errno_of(e) != 1050) { // not "table already exists": another init won
          throw;
        }
      }
    }
    state = inspect(m_conn);
  }
  if (!state.has("master_meta") || !state.has("job_ops")) {
    refuse(m_location, std::string("shows the engine table ") +
                         (state.has("master_meta") ? "master_meta" : "job_ops") + " but not " +
                         (state.has("master_meta") ? "job_ops" : "master_meta") +
                         " (missing, or this user may not see it), so it is not a job "
                         "metastore");
  }
  if (const auto missing =
        missing_engine_columns([&](const std::string& table, const std::string& column) {
          return state.columns.count(table + "." + column) != 0;
        });
      !missing.empty()) {
    refuse_missing_columns(m_location, missing);
  }
  // Ids a query brings come in the connection's utf8mb4: put in the
  // column's character set and collation they compare as its unique index
  // does (and use it). In another character set (latin1 is MySQL 5.7's
  // default) only an id that converts without loss can name a job: one with
  // characters the column cannot hold matches nothing.
  if (plain_name(state.id_charset) && plain_name(state.id_collation)) {
    if (state.id_charset == "utf8mb4") {
      m_id_match = "%c = %q COLLATE " + state.id_collation;
    } else {
      const std::string converted = "CONVERT(%q USING " + state.id_charset + ")";
      m_id_match = "%c = " + converted + " COLLATE " + state.id_collation + " AND CONVERT(" +
                   converted + " USING utf8mb4) COLLATE utf8mb4_bin = %q COLLATE utf8mb4_bin";
    }
  }
  m_has_outbox = state.has("jobop_outbox");
  m_has_audit = state.has("jobop_audit");
  if (mode == OpenMode::read_only || (state.has("jobop_meta") && m_has_outbox && m_has_audit)) {
    return;
  }
  // DDL commits on its own; CREATE TABLE IF NOT EXISTS lets a racing init win.
  m_conn.exec(k_meta_table_ddl);
  const std::string id_type =
    plain_name(state.id_charset) && plain_name(state.id_collation)
      ? "CHARACTER SET " + state.id_charset + " COLLATE " + state.id_collation
      : std::string();
  std::string outbox_ddl(k_outbox_table_ddl);
  outbox_ddl.replace(outbox_ddl.find("%s"), 2, id_type);
  m_conn.exec(outbox_ddl);
  std::string audit_ddl(k_audit_table_ddl);
  audit_ddl.replace(audit_ddl.find("%s"), 2, id_type);
  m_conn.exec(audit_ddl);
  Statement& version =
    m_conn.cached("INSERT IGNORE INTO `jobop_meta` (`key`, `value`) VALUES ('schema_version', ?)");
  version.bind(1, std::string_view(std::to_string(k_schema_version))).run();
  version.reset();
  // A metastore of an older jobop gains the tables above: say so.
  Statement& upgrade = m_conn.cached("UPDATE `jobop_meta` SET `value` = ? WHERE `key` = "
                                     "'schema_version' AND CAST(`value` AS SIGNED) < ?");
  upgrade.bind(1, std::string_view(std::to_string(k_schema_version)))
    .bind(2, static_cast<std::int64_t>(k_schema_version))
    .run();
  upgrade.reset();
  m_has_outbox = true;
  m_has_audit = true;
}

std::string MysqlMetastore::id_match(const std::string& column, const std::string& query_id) const {
  std::string out;
  for (std::size_t i = 0; i < m_id_match.size(); ++i) {
    if (m_id_match[i] == '%' && i + 1 < m_id_match.size()) {
      out += m_id_match[i + 1] == 'c' ? column : query_id;
      ++i;
    } else {
      out += m_id_match[i];
    }
  }
  return out;
}

int MysqlMetastore::schema_version() {
  Statement stmt =
    m_conn.prepare("SELECT `value` FROM `jobop_meta` WHERE `key` = 'schema_version'");
  stmt.execute();
  int version = 0;
  while (stmt.fetch()) {
    version = static_cast<int>(stmt.column_int(0));
  }
  return version;
}

bool MysqlMetastore::retryable(const std::exception& error) const {
  // A deadlock (or TiDB's write conflict) undid this transaction to let the
  // other go on: running it again succeeds. A lock wait timeout (1205) is not
  // run again: it already waited the whole --busy-timeout, which bounds
  // every wait for a lock.
  const auto* e = dynamic_cast<const core::Error*>(&error);
  return e != nullptr && is_retryable(*e) && mysql_errno_of(*e) != 1205;
}

core::UnixNanos MysqlMetastore::as_stored(core::UnixNanos t) const {
  // datetime(3) keeps whole milliseconds; to_civil drops the rest (floor).
  const core::UnixNanos below = t % core::k_millisecond;
  if (below >= 0) {
    return t - below;
  }
  // Before 1970 the floor is one millisecond further down, unless that is
  // below the range (then toward zero).
  const core::UnixNanos toward_zero = t - below;
  return toward_zero >= std::numeric_limits<core::UnixNanos>::min() + core::k_millisecond
           ? toward_zero - core::k_millisecond
           : toward_zero;
}

void MysqlMetastore::begin(TxKind kind) {
  m_conn.begin(kind == TxKind::read || m_mode == OpenMode::read_only);
  m_tx = kind;
}

void MysqlMetastore::commit() {
  m_conn.commit();
  m_tx.reset();
}

void MysqlMetastore::rollback() noexcept {
  m_tx.reset();
  m_conn.rollback();
}

void MysqlMetastore::bind_time(Statement& stmt, int index, core::UnixNanos t) const {
  stmt.bind_datetime(index, to_civil(t, m_conn.zone()));
}

std::int64_t MysqlMetastore::run_user_values(Statement& stmt, std::string_view what) {
  try {
    return stmt.run();
  } catch (const core::StoreError& e) {
    const unsigned number = mysql_errno_of(e);
    // 1366 incorrect string value, 1406 data too long, 1265 data truncated.
    if (number != 1366 && number != 1406 && number != 1265) {
      throw;
    }
    stmt.reset();
    const auto& details = e.details();
    throw core::UsageError("input.bad_value",
                           std::string(what) + ": the metastore refused a value: " +
                             details.value("mysql_error", std::string("invalid value")) +
                             " (MySQL text columns take valid UTF-8 within the column's length)",
                           {{"mysql_errno", number}});
  }
}

Metastore::RowPresence MysqlMetastore::job_row_presence(std::string_view id) {
  Statement& exists =
    m_conn.cached("SELECT deleted IS NULL FROM master_meta WHERE id = ? FOR UPDATE");
  exists.bind(1, id).execute();
  RowPresence presence = RowPresence::none;
  while (exists.fetch()) {
    presence = exists.column_int(0) != 0 ? RowPresence::live : RowPresence::deleted;
  }
  exists.reset();
  return presence;
}

void MysqlMetastore::upsert_job_row(const model::JobSpec& spec, core::UnixNanos now) {
  // config and detail are blobs: strict mode refuses a longer value; refusing
  // here says which and why before anything is written. (Other values the
  // server refuses are input.bad_value: run_user_values.)
  constexpr std::size_t k_blob_max = 65535;
  for (const auto& [column, value] :
       {std::pair{"config", &spec.config}, {"detail", &spec.detail}}) {
    if (*value && (*value)->size() > k_blob_max) {
      throw core::UsageError("job." + std::string(column) + "_too_large",
                             std::string(column) + " of job `" + spec.id + "` is " +
                               std::to_string((*value)->size()) + " bytes; the metastore's " +
                               column + " column (blob) holds at most 65535",
                             {{"id", spec.id}, {"bytes", (*value)->size()}});
    }
  }
  // The engine's UpsertJob: ON DUPLICATE KEY UPDATE each of
  // MasterUpdateColumns to the new value; created_at and deleted stay.
  Statement& upsert = m_conn.cached(
    "INSERT INTO master_meta (created_at, updated_at, project_id, id, type, state, node_id, "
    "address, epoch, config, error_message, detail, ext) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?) ON DUPLICATE KEY UPDATE updated_at = VALUES(updated_at), "
    "project_id = VALUES(project_id), id = VALUES(id), type = VALUES(type), "
    "state = VALUES(state), node_id = VALUES(node_id), address = VALUES(address), "
    "epoch = VALUES(epoch), config = VALUES(config), error_message = VALUES(error_message), "
    "detail = VALUES(detail), ext = VALUES(ext)");
  bind_time(upsert, 1, now);
  bind_time(upsert, 2, now);
  upsert.bind(3, std::string_view(spec.project_id))
    .bind(4, std::string_view(spec.id))
    .bind(5, static_cast<std::int64_t>(spec.type))
    .bind(6, static_cast<std::int64_t>(spec.state))
    .bind(7, std::string_view(spec.node_id))
    .bind(8, std::string_view(spec.address))
    .bind(9, spec.epoch)
    .bind(10, spec.config)
    .bind(11, std::string_view(spec.error_message))
    .bind(12, spec.detail)
    .bind(13, std::string_view(spec.ext));
  run_user_values(upsert, "job `" + spec.id + "`");
  upsert.reset();
}

std::int64_t MysqlMetastore::soft_delete_job(std::string_view id, core::UnixNanos now) {
  // gorm's soft delete sets the DeletedAt column and nothing else.
  Statement& stmt =
    m_conn.cached("UPDATE master_meta SET deleted = ? WHERE id = ? AND deleted IS NULL");
  bind_time(stmt, 1, now);
  const std::int64_t changed = stmt.bind(2, id).run();
  stmt.reset();
  return changed;
}

InitResult init_mysql_metastore(const ConnectionConfig& config, StoreOptions options) {
  MysqlMetastore store(config, OpenMode::create_or_adopt, options);
  InitResult result;
  result.path = store.location();
  // The metastore is new when this init made the engine's tables in it.
  result.created_file = store.created_engine_tables();
  result.adopted = !result.created_file;
  result.schema_version = store.schema_version();
  return result;
}

} // namespace jobop::store::mysql
