#include <jobop/store/sqlite/sqlite_metastore.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/store/sqlite/schema.hpp>

#include <sqlite3.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace jobop::store::sqlite {

namespace {

// The first 16 bytes of every SQLite 3 database file.
constexpr std::array<char, 16> k_sqlite_header{'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f',
                                               'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};

enum class FileCheck { missing, sqlite };

[[noreturn]] void refuse(const char* code, const std::string& path, const std::string& why) {
  throw core::StoreError(code, "metastore " + path + " " + why, {{"path", path}});
}

// Look at `path` without changing it: refuse a directory, an unreadable,
// empty or non-SQLite file. Return whether it is missing.
FileCheck check_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return FileCheck::missing;
    }
    refuse("store.unreadable", path, std::string("cannot be read: ") + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    refuse("store.not_sqlite", path, "is a directory, not an SQLite database");
  }
  if (st.st_size == 0) {
    refuse("store.empty_file", path,
           "is an empty file, not a metastore; refusing to use it (remove it and run `jobop "
           "init` to create one)");
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    refuse("store.unreadable", path, std::string("cannot be read: ") + std::strerror(errno));
  }
  std::array<char, 16> header{};
  const ssize_t n = ::read(fd, header.data(), header.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(header.size()) || header != k_sqlite_header) {
    refuse("store.not_sqlite", path, "is not an SQLite database; refusing to use it");
  }
  return FileCheck::sqlite;
}

// Create `path` empty with mode 0600 (configs hold credentials). Return false
// if another process created it first.
bool create_private_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return false;
    }
    refuse("store.unreadable", path, std::string("cannot be created: ") + std::strerror(errno));
  }
  ::close(fd);
  return true;
}

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

// Refuse SQLite without both engine tables (nothing was written yet).
void require_engine_tables(const Tables& tables, const std::string& path) {
  if (tables.master_meta && tables.job_ops) {
    return;
  }
  std::string missing = !tables.master_meta && !tables.job_ops ? "master_meta and job_ops"
                        : !tables.master_meta                  ? "master_meta"
                                                               : "job_ops";
  refuse("store.not_a_metastore", path,
         "is an SQLite database without the engine's table(s) " + missing +
           ", so not a job metastore; refusing to change it");
}

void create_tool_tables(Database& db) {
  for (int i = 0; i < k_tool_ddl_count; ++i) {
    db.exec(k_tool_ddl[i]);
  }
  Statement& stmt = db.cached("INSERT OR IGNORE INTO jobop_meta (key, value) "
                              "VALUES ('schema_version', ?1)");
  stmt.bind(1, std::string_view(std::to_string(k_schema_version))).run();
  stmt.reset();
  // A metastore of an older jobop gains the tables above: say so.
  Statement& upgrade = db.cached("UPDATE jobop_meta SET value = ?1 WHERE key = 'schema_version' "
                                 "AND CAST(value AS INTEGER) < ?1");
  upgrade.bind(1, static_cast<std::int64_t>(k_schema_version)).run();
  upgrade.reset();
}

int open_flags(OpenMode mode) {
  return mode == OpenMode::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
}

} // namespace

SqliteMetastore::SqliteMetastore(std::unique_ptr<Database> db, OpenMode mode)
  : m_db(std::move(db)), m_mode(mode) {}

SqliteMetastore::SqliteMetastore(const std::string& path, OpenMode mode, StoreOptions options)
  : m_mode(mode) {
  bool created = false;
  if (check_file(path) == FileCheck::missing) {
    if (mode != OpenMode::create_or_adopt) {
      refuse("store.missing", path,
             "does not exist; run `jobop init` to create it (or pass --db / JOBOP_DB)");
    }
    created = create_private_file(path);
    if (!created) {
      check_file(path);
    }
  }
  try {
    m_db = std::make_unique<Database>(path, open_flags(mode), options.busy_timeout);
    Tables tables = read_tables(*m_db);
    if (!created) {
      require_engine_tables(tables, path);
    }
    m_has_outbox = tables.jobop_outbox;
    m_has_audit = tables.jobop_audit;
    if (mode == OpenMode::read_only) {
      return;
    }
    m_db->exec("PRAGMA journal_mode=WAL");
    m_db->exec("PRAGMA synchronous=FULL");
    if (created || !tables.jobop_meta || !tables.jobop_outbox || !tables.jobop_audit) {
      Transaction tx(*m_db);
      // Look again under the write lock: another init may have won the race.
      tables = read_tables(*m_db);
      if (!tables.master_meta && !tables.job_ops) {
        for (int i = 0; i < k_engine_ddl_count; ++i) {
          m_db->exec(k_engine_ddl[i]);
        }
      } else {
        require_engine_tables(tables, path);
      }
      create_tool_tables(*m_db);
      tx.commit();
      m_has_outbox = true;
      m_has_audit = true;
    }
  } catch (...) {
    m_db.reset();
    if (created) {
      // Leave nothing behind that a later command would mistake for a metastore.
      ::unlink(path.c_str());
      ::unlink((path + "-wal").c_str());
      ::unlink((path + "-shm").c_str());
    }
    throw;
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
  m_tx.emplace(*m_db,
               kind == TxKind::write ? Transaction::Kind::immediate : Transaction::Kind::read);
}

void SqliteMetastore::commit() {
  m_tx->commit();
  m_tx.reset();
}

void SqliteMetastore::rollback() noexcept {
  m_tx.reset();
}

InitResult init_sqlite_metastore(const std::string& path, StoreOptions options) {
  InitResult result;
  result.path = path;
  // An existing file is only used once it proved to hold the engine tables.
  const bool existed = check_file(path) == FileCheck::sqlite;
  SqliteMetastore store(path, OpenMode::create_or_adopt, options);
  result.created_file = !existed;
  result.adopted = existed;
  result.schema_version = store.schema_version();
  return result;
}

} // namespace jobop::store::sqlite
