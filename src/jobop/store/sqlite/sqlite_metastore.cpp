#include <jobop/store/sqlite/sqlite_metastore.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/store/engine_columns.hpp>
#include <jobop/store/sqlite/metastore_file.hpp>
#include <jobop/store/sqlite/new_metastore.hpp>
#include <jobop/store/sqlite/reader_vfs.hpp>
#include <jobop/store/sqlite/schema.hpp>

#include <sqlite3.h>

#include <set>

namespace jobop::store::sqlite {

namespace {

struct Tables {
  bool master_meta = false;
  bool job_ops = false;
  bool jobop_meta = false;
  bool jobop_outbox = false;
  bool jobop_audit = false;
};

Tables read_tables(Database& db) {
  Tables tables;
  Statement stmt =
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN "
               "('master_meta', 'job_ops', 'jobop_meta', 'jobop_outbox', 'jobop_audit')");
  while (stmt.step()) {
    const std::string name = stmt.column_text(0);
    tables.master_meta |= name == "master_meta";
    tables.job_ops |= name == "job_ops";
    tables.jobop_meta |= name == "jobop_meta";
    tables.jobop_outbox |= name == "jobop_outbox";
    tables.jobop_audit |= name == "jobop_audit";
  }
  return tables;
}

// Refuse SQLite without both engine tables, or without a column jobop reads
// (nothing was written yet).
void require_engine_schema(Database& db, const Tables& tables, const std::string& path) {
  if (!tables.master_meta || !tables.job_ops) {
    std::string missing = !tables.master_meta && !tables.job_ops ? "master_meta and job_ops"
                          : !tables.master_meta                  ? "master_meta"
                                                                 : "job_ops";
    refuse_metastore("store.not_a_metastore", path,
                     "is an SQLite database without the engine's table(s) " + missing +
                       ", so not a job metastore; refusing to change it");
  }
  std::set<std::string> columns;
  Statement stmt =
    db.prepare("SELECT 'master_meta', lower(name) FROM pragma_table_info('master_meta') "
               "UNION ALL SELECT 'job_ops', lower(name) FROM pragma_table_info('job_ops')");
  while (stmt.step()) {
    columns.insert(stmt.column_text(0) + "." + stmt.column_text(1));
  }
  const auto missing =
    missing_engine_columns([&](const std::string& table, const std::string& column) {
      return columns.count(table + "." + column) != 0;
    });
  if (!missing.empty()) {
    refuse_missing_columns(path, missing);
  }
}

int open_flags(OpenMode mode) {
  return mode == OpenMode::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
}

} // namespace

SqliteMetastore::SqliteMetastore(std::unique_ptr<Database> db, OpenMode mode)
  : m_db(std::move(db)), m_mode(mode) {}

SqliteMetastore::SqliteMetastore(const std::string& path, OpenMode mode, StoreOptions options)
  : m_path(path), m_mode(mode) {
  refuse_non_file_path(path);
  std::optional<FileFacts> facts = inspect_file(path);
  if (!facts) {
    if (mode != OpenMode::create_or_adopt) {
      refuse_metastore(
        "store.missing", path,
        "does not exist: check the path (--db, JOBOP_DB; the default is ./jobop.db). To "
        "make a new metastore there, run `jobop init`");
    }
    m_created = create_metastore_file(path, options.busy_timeout);
    facts = inspect_file(path);
    if (!facts) {
      refuse_metastore("store.missing", path, "was removed while `jobop init` made it");
    }
  }
  m_facts = *facts;
  // Every check reads only; the busy timeout bounds each of its waits.
  check_sidecars(path, m_facts);
  open_connection(options.busy_timeout);
  const Tables tables = read_tables(*m_db);
  require_engine_schema(*m_db, tables, path);
  check_snapshot();
  // Again, now that SQLite has opened the files it uses beside the metastore.
  check_sidecars(path, m_facts);
  m_has_outbox = tables.jobop_outbox;
  m_has_audit = tables.jobop_audit;
  m_has_tool_tables = tables.jobop_meta && tables.jobop_outbox && tables.jobop_audit;
  if (mode == OpenMode::read_only) {
    return;
  }
  m_db->exec("PRAGMA synchronous=FULL");
  if (mode == OpenMode::create_or_adopt && !m_has_tool_tables) {
    begin(TxKind::write);
    commit();
  }
}

void SqliteMetastore::open_connection(core::Nanos busy_timeout) {
  if (m_mode != OpenMode::read_only || sidecars_would_be_owned(m_facts)) {
    m_db = std::make_unique<Database>(m_path, open_flags(m_mode), busy_timeout);
    return;
  }
  // A file that changes journal mode between the look and the open fails
  // to open (a WAL file without the files it needs): look again.
  for (int attempt = 1;; ++attempt) {
    try {
      open_as_other_reader(busy_timeout);
      Statement probe = m_db->prepare("SELECT count(*) FROM sqlite_master");
      probe.step();
      return;
    } catch (const core::StoreError& e) {
      m_db.reset();
      m_snapshot.reset();
      if (e.code() != "store.unreadable" || attempt == 3) {
        throw;
      }
      if (auto facts = inspect_file(m_path)) {
        m_facts = *facts;
      }
    }
  }
}

void SqliteMetastore::open_as_other_reader(core::Nanos busy_timeout) {
  // SQLite would create a missing -wal (and -shm) owned by this user and
  // leave them, locking the owner out: open nothing that is not there.
  const char* vfs = reader_vfs_name();
  if (!m_facts.wal_mode) {
    m_db =
      std::make_unique<Database>(m_path, SQLITE_OPEN_READONLY, busy_timeout, OpenVia{m_path, vfs});
    return;
  }
  const WalFiles files = look_for_wal_files(m_path);
  if (files.wal && files.shm) {
    // The owner's -wal and -shm, used read-only (SQLite reads the index from
    // the -shm, or rebuilds it in memory when no writer keeps it current).
    m_db = std::make_unique<Database>(m_path, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, busy_timeout,
                                      OpenVia{file_uri(m_path, "readonly_shm=1"), vfs});
  } else if (files.wal_empty) {
    // No write-ahead log with content: the file alone holds every committed
    // transaction. Read it without locks (nothing to lock without -shm) and
    // make sure no checkpoint changed it meanwhile (check_snapshot).
    m_snapshot = identity_of(m_path);
    m_db = std::make_unique<Database>(m_path, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, busy_timeout,
                                      OpenVia{file_uri(m_path, "immutable=1"), vfs});
  } else {
    throw core::StoreError(
      "store.needs_recovery",
      "metastore " + m_path + " has a write-ahead log (" + m_path +
        "-wal) with changes but no index (-shm): a writer stopped before it checkpointed. This "
        "user may not create the index; ask uid " +
        std::to_string(m_facts.uid) + " (its owner) or root to run `jobop init --db " + m_path +
        "` once, or to start the engine",
      {{"path", m_path}});
  }
}

void SqliteMetastore::check_snapshot() const {
  if (m_snapshot && identity_of(m_path) != *m_snapshot) {
    throw core::StoreError(
      "store.changed_while_read",
      "metastore " + m_path +
        " changed while it was read: this user may not create its -wal and -shm files, so "
        "it is read without locks and checked for changes; run the command again",
      {{"path", m_path}});
  }
}

std::unique_ptr<SqliteMetastore> SqliteMetastore::in_memory() {
  auto db = std::make_unique<Database>(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                       5 * core::k_second);
  for (int i = 0; i < k_engine_ddl_count; ++i) {
    db->exec(k_engine_ddl[i]);
  }
  create_tool_tables(*db);
  std::unique_ptr<SqliteMetastore> store(new SqliteMetastore(std::move(db), OpenMode::read_write));
  store->m_has_outbox = true;
  store->m_has_tool_tables = true;
  store->m_has_audit = true;
  return store;
}

SqliteMetastore::~SqliteMetastore() {
  m_tx.reset();
}

const std::string& SqliteMetastore::location() const {
  return m_db->path();
}

int SqliteMetastore::schema_version() {
  if (!m_has_outbox) {
    return 0;
  }
  Statement stmt = m_db->prepare("SELECT value FROM jobop_meta WHERE key = 'schema_version'");
  return stmt.step() ? static_cast<int>(stmt.column_int(0)) : 0;
}

void SqliteMetastore::begin(TxKind kind) {
  check_snapshot();
  const bool write = kind == TxKind::write;
  if (write && !m_path.empty()) {
    check_sidecars(m_path, m_facts);
  }
  m_tx.emplace(*m_db, write ? Transaction::Kind::immediate : Transaction::Kind::read);
  if (write && !m_has_tool_tables && m_mode != OpenMode::read_only) {
    // The tool's tables come with the first write, in its transaction: a
    // command that is refused or fails leaves none behind.
    m_had_outbox = m_has_outbox;
    m_had_audit = m_has_audit;
    create_tool_tables(*m_db);
    m_tool_tables_in_tx = true;
    m_has_outbox = true;
    m_has_audit = true;
  }
}

void SqliteMetastore::commit() {
  m_tx->commit();
  m_tx.reset();
  if (m_tool_tables_in_tx) {
    m_tool_tables_in_tx = false;
    m_has_tool_tables = true;
  }
  check_snapshot();
}

void SqliteMetastore::rollback() noexcept {
  m_tx.reset();
  if (m_tool_tables_in_tx) {
    m_tool_tables_in_tx = false;
    m_has_outbox = m_had_outbox;
    m_has_audit = m_had_audit;
  }
}

InitResult init_sqlite_metastore(const std::string& path, StoreOptions options) {
  InitResult result;
  result.path = path;
  SqliteMetastore store(path, OpenMode::create_or_adopt, options);
  result.created_file = store.created();
  result.adopted = !store.created();
  result.schema_version = store.schema_version();
  return result;
}

} // namespace jobop::store::sqlite
