#pragma once

#include <jobop/core/clock.hpp>
#include <jobop/time/timestamp.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

// A small RAII layer over the SQLite C API: bound parameters only, extended
// result codes, and every failure turned into a core::StoreError that names
// the file and says which failure it is (exit 5).
namespace jobop::store::sqlite {

// Throw the core::StoreError for SQLite's extended result code `rc` while
// doing `action` on the metastore at `path`: store.locked (busy past the
// timeout), store.disk_full, store.io_error, store.corrupt, store.not_sqlite,
// store.read_only, store.needs_recovery (a hot journal or a WAL a read-only
// connection cannot recover; the message says who can), store.unreadable,
// else store.error.
[[noreturn]] void throw_sqlite_error(int rc, const std::string& path, std::string_view action,
                                     std::string_view sqlite_message = {});

class Database;

// How a Database opens its file when not by its path: `name` (a `file:` URI
// when the flags have SQLITE_OPEN_URI) and the VFS (nullptr: the default).
struct OpenVia {
  std::string name;
  const char* vfs = nullptr;
};

// A prepared statement. Parameters are 1-based as in SQLite, columns 0-based.
class Statement {
public:
  Statement(Database& db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Bind `value` to parameter `index`; text is copied (SQLITE_TRANSIENT).
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::optional<std::string>& value);
  Statement& bind_null(int index);
  // Bind a timestamp as the engine writes it (time::format_go_timestamp).
  Statement& bind_timestamp(int index, core::UnixNanos value);

  // Step once: return true while a row is available, false when done.
  bool step();
  // Step a statement that returns no row; return sqlite3_changes().
  std::int64_t run();
  // Reset the statement and clear its bindings so it can be reused.
  void reset();

  bool is_null(int column) const;
  std::int64_t column_int(int column) const;
  // Return the column's bytes as text (whatever its storage class).
  std::string column_text(int column) const;
  std::optional<std::string> column_optional_text(int column) const;
  // Read a timestamp leniently: text in any layout time::parse_timestamp_text
  // knows, an integer or a real (see timestamp.hpp); nullopt for NULL or an
  // unreadable value.
  std::optional<time::Timestamp> column_timestamp(int column) const;

private:
  Database* m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

// One connection. Not thread-safe; one per thread.
class Database {
public:
  // Open `path` with sqlite3_open_v2 `flags` (always with extended result
  // codes) and set the busy timeout. Messages name `path`, whatever `via`
  // opens. Throw core::StoreError on failure.
  Database(std::string path, int flags, core::Nanos busy_timeout, const OpenVia& via = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Run `sql` (no parameters; DDL, PRAGMA, BEGIN/COMMIT).
  void exec(const char* sql);
  // Return a statement prepared once per connection and reset for reuse;
  // `sql` must be a string literal (its address is the cache key).
  Statement& cached(const char* sql);
  // Return a one-off statement.
  Statement prepare(std::string_view sql);

  std::int64_t changes() const;
  const std::string& path() const { return m_path; }
  sqlite3* handle() const { return m_db; }
  // Throw the StoreError for `rc` while doing `action`.
  [[noreturn]] void fail(int rc, std::string_view action) const;

  // How a connection waits for another writer: see retry_while_busy().
  struct BusyWait {
    core::Nanos timeout = 0;
    std::int64_t since_steady_ns = 0;
    unsigned salt = 0;
  };

private:
  std::string m_path;
  sqlite3* m_db = nullptr;
  BusyWait m_busy;
  std::unordered_map<const char*, Statement> m_cache;
};

// A transaction: BEGIN IMMEDIATE for every read-then-write (a deferred one
// that reads and then writes fails at once with SQLITE_BUSY_SNAPSHOT in WAL
// mode), BEGIN (deferred) for a consistent read. Rolled back unless
// committed.
class Transaction {
public:
  enum class Kind { immediate, read };
  explicit Transaction(Database& db, Kind kind = Kind::immediate);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  // Commit; a failure (disk full, I/O) throws and the destructor rolls back.
  void commit();

private:
  Database& m_db;
  bool m_open = true;
};

} // namespace jobop::store::sqlite
