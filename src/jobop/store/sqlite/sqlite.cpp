#include <jobop/store/sqlite/sqlite.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/time/timestamp.hpp>

#include <sqlite3.h>

#include <chrono>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace jobop::store::sqlite {

namespace {

struct Kind {
  const char* code;
  const char* what;
};

// Name the failure behind SQLite's extended result code `rc`.
Kind classify(int rc) {
  switch (rc & 0xFF) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return {"store.locked", "is locked by another process past the busy timeout"};
  case SQLITE_FULL:
    return {"store.disk_full", "cannot be written: the disk is full"};
  case SQLITE_IOERR:
    return {"store.io_error", "had an I/O error"};
  case SQLITE_CORRUPT:
    return {"store.corrupt", "is corrupt"};
  case SQLITE_NOTADB:
    return {"store.not_sqlite", "is not an SQLite database"};
  case SQLITE_READONLY:
    if (rc == SQLITE_READONLY_ROLLBACK || rc == SQLITE_READONLY_RECOVERY) {
      return {"store.needs_recovery", nullptr};
    }
    return {"store.read_only", "is read-only"};
  case SQLITE_CANTOPEN:
  case SQLITE_PERM:
  case SQLITE_AUTH:
    return {"store.unreadable", "cannot be opened (check the path and its permissions)"};
  default:
    return {"store.error", "failed"};
  }
}

// Say what a writer that stopped mid-transaction left and who can repair it:
// a connection that may write the file and its directory rolls a hot journal
// back (or recovers a WAL) when it opens the file; a read-only one cannot.
std::string needs_recovery(int rc, const std::string& path) {
  std::string what =
    rc == SQLITE_READONLY_ROLLBACK
      ? "has a hot rollback journal (" + path +
          "-journal) left by a writer that stopped mid-transaction (a crash or a kill); it must "
          "be rolled back before the metastore can be read"
      : "has a write-ahead log (" + path + "-wal) that needs recovery by a writer";
  const std::string::size_type slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  struct stat st {};
  const std::string owner =
    ::stat(path.c_str(), &st) == 0 ? "uid " + std::to_string(st.st_uid) : "its owner";
  if (::access(path.c_str(), W_OK) == 0 && ::access(dir.c_str(), W_OK) == 0) {
    what += ". Run `jobop init --db " + path +
            "` (it rolls the journal back and adopts the metastore), or start the engine, "
            "which does the same";
  } else {
    what += ". This user may not write it or its directory: ask " + owner +
            " (or root) to run `jobop init --db " + path +
            "`, or to start the engine; either rolls the journal back";
  }
  return what;
}

} // namespace

void throw_sqlite_error(int rc, const std::string& path, std::string_view action,
                        std::string_view sqlite_message) {
  const Kind kind = classify(rc);
  const std::string what = kind.what != nullptr ? kind.what : needs_recovery(rc, path);
  std::string message =
    "metastore " + path + " " + what + " (" + std::string(action) + ": " + sqlite3_errstr(rc);
  if (!sqlite_message.empty() && sqlite_message != sqlite3_errstr(rc)) {
    message += ": " + std::string(sqlite_message);
  }
  message += ")";
  throw core::StoreError(
    kind.code, message,
    {{"path", path}, {"sqlite_code", rc}, {"sqlite_error", sqlite3_errstr(rc)}});
}

// --- Statement ---

Statement::Statement(Database& db, std::string_view sql) : m_db(&db) {
  const int rc = sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
  if (rc != SQLITE_OK) {
    db.fail(sqlite3_extended_errcode(db.handle()), "prepare");
  }
}

Statement::~Statement() {
  sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement&& other) noexcept : m_db(other.m_db), m_stmt(other.m_stmt) {
  other.m_stmt = nullptr;
}

Statement& Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(m_stmt, index, value);
  if (rc != SQLITE_OK) {
    m_db->fail(rc, "bind");
  }
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  const int rc =
    sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) {
    m_db->fail(rc, "bind");
  }
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(m_stmt, index);
  if (rc != SQLITE_OK) {
    m_db->fail(rc, "bind");
  }
  return *this;
}

Statement& Statement::bind_timestamp(int index, core::UnixNanos value) {
  return bind(index, std::string_view(time::format_go_timestamp(value)));
}

bool Statement::step() {
  const int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  const int code = sqlite3_extended_errcode(m_db->handle());
  sqlite3_reset(m_stmt);
  m_db->fail(code, "step");
}

std::int64_t Statement::run() {
  while (step()) {
  }
  return m_db->changes();
}

void Statement::reset() {
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

std::int64_t Statement::column_int(int column) const {
  return sqlite3_column_int64(m_stmt, column);
}

std::string Statement::column_text(int column) const {
  const auto* text = sqlite3_column_text(m_stmt, column);
  if (text == nullptr) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column)));
}

std::optional<std::string> Statement::column_optional_text(int column) const {
  if (is_null(column)) {
    return std::nullopt;
  }
  return column_text(column);
}

std::optional<time::Timestamp> Statement::column_timestamp(int column) const {
  switch (sqlite3_column_type(m_stmt, column)) {
  case SQLITE_NULL:
    return std::nullopt;
  case SQLITE_INTEGER:
    return time::timestamp_from_integer(sqlite3_column_int64(m_stmt, column));
  case SQLITE_FLOAT:
    return time::timestamp_from_real(sqlite3_column_double(m_stmt, column));
  default: {
    const auto* text = sqlite3_column_text(m_stmt, column);
    if (text == nullptr) {
      return std::nullopt;
    }
    return time::parse_timestamp_text(
      std::string_view(reinterpret_cast<const char*>(text),
                       static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column))));
  }
  }
}

// --- Database ---

namespace {

// SQLite's own busy handler sleeps longer and longer between tries (up to
// 100 ms), so under many writers a waiter keeps losing the lock to processes
// that retry sooner and can starve past its timeout. Retrying every 0.5-3.5
// ms (varied per process so waiters do not move in step) keeps every waiter
// in the race until its timeout. Measures with the steady clock: this is a
// timeout, not a time of day.
int retry_while_busy(void* context, int attempt) {
  auto* wait = static_cast<Database::BusyWait*>(context);
  const std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::steady_clock::now().time_since_epoch())
                             .count();
  if (attempt == 0) {
    wait->since_steady_ns = now;
  }
  if (now - wait->since_steady_ns >= wait->timeout) {
    return 0;
  }
  const unsigned spread = (static_cast<unsigned>(attempt) * 7919u + wait->salt) % 3000u;
  std::this_thread::sleep_for(std::chrono::microseconds(500 + spread));
  return 1;
}

} // namespace

Database::Database(std::string path, int flags, core::Nanos busy_timeout, const OpenVia& via)
  : m_path(std::move(path)) {
  // The busy handler is set before the first statement: every wait for a
  // lock, set-up included, is bounded by `busy_timeout`.
  const std::string& name = via.name.empty() ? m_path : via.name;
  const int rc = sqlite3_open_v2(name.c_str(), &m_db, flags | SQLITE_OPEN_NOMUTEX, via.vfs);
  if (rc != SQLITE_OK) {
    const int code = m_db != nullptr ? sqlite3_extended_errcode(m_db) : rc;
    const std::string message = m_db != nullptr ? sqlite3_errmsg(m_db) : "";
    sqlite3_close(m_db);
    m_db = nullptr;
    throw_sqlite_error(code, m_path, "open", message);
  }
  sqlite3_extended_result_codes(m_db, 1);
  m_busy.timeout = busy_timeout;
  m_busy.salt = static_cast<unsigned>(::getpid()) * 2654435761u;
  sqlite3_busy_handler(m_db, retry_while_busy, &m_busy);
}

Database::~Database() {
  m_cache.clear();
  sqlite3_close(m_db);
}

void Database::exec(const char* sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    const std::string message = error != nullptr ? error : "";
    sqlite3_free(error);
    throw_sqlite_error(sqlite3_extended_errcode(m_db), m_path, sql, message);
  }
}

Statement& Database::cached(const char* sql) {
  auto it = m_cache.find(sql);
  if (it == m_cache.end()) {
    it = m_cache.emplace(sql, Statement(*this, sql)).first;
  } else {
    it->second.reset();
  }
  return it->second;
}

Statement Database::prepare(std::string_view sql) {
  return Statement(*this, sql);
}

std::int64_t Database::changes() const {
  return sqlite3_changes64(m_db);
}

void Database::fail(int rc, std::string_view action) const {
  throw_sqlite_error(rc, m_path, action, sqlite3_errmsg(m_db));
}

// --- Transaction ---

Transaction::Transaction(Database& db, Kind kind) : m_db(db) {
  m_db.exec(kind == Kind::immediate ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  if (m_open && sqlite3_get_autocommit(m_db.handle()) == 0) {
    sqlite3_exec(m_db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Transaction::commit() {
  m_db.exec("COMMIT");
  m_open = false;
}

} // namespace jobop::store::sqlite
