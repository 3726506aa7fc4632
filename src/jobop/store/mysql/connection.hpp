#pragma once

#include <jobop/store/mysql/connection_config.hpp>
#include <jobop/store/mysql/statement.hpp>
#include <jobop/store/mysql/time_zone.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct st_mysql;

// A session with a MySQL-protocol server (MySQL, MariaDB, TiDB) through
// MariaDB Connector/C.
namespace jobop::store::mysql {

// The session sql_mode the engine sets (engine/pkg/dbutil GetSQLStrictMode).
constexpr const char* k_engine_sql_mode =
  "STRICT_TRANS_TABLES,STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO";

// One connection. Not thread-safe; one per thread. Movable, not copyable.
class Connection {
public:
  // Connect as `config` says (timeouts, TLS mode, utf8mb4, TCP unless a
  // socket is given, no automatic reconnect, UPDATE counts matched rows as
  // SQLite does) and set the session up as the engine does: sql_mode
  // k_engine_sql_mode, autocommit=1, and innodb_lock_wait_timeout when
  // `config.lock_wait_timeout` is set. Throw core::StoreError
  // (store.unreachable, store.auth, store.missing, store.tls, ...) or
  // core::UsageError (store.bad_loc) on failure.
  explicit Connection(ConnectionConfig config);
  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Run `sql`, which has no parameters (DDL, SET, transaction control); a
  // result it returns is discarded.
  void exec(std::string_view sql);
  // Return a one-off prepared statement.
  Statement prepare(std::string_view sql);
  // Return a statement prepared once per connection and reset for reuse;
  // `sql` must be a string literal (its address is the key).
  Statement& cached(const char* sql);
  // The rows the last exec() affected.
  std::int64_t affected_rows() const;

  // START TRANSACTION, READ ONLY if `read_only`.
  void begin(bool read_only = false);
  void commit();
  // Roll back, ignoring any failure (the connection may be gone: the server
  // then rolls back itself).
  void rollback() noexcept;

  std::string server_version() const;
  // Check the server still answers; throw store.lost if not.
  void ping();
  // The server's id of this session (for KILL).
  std::uint64_t connection_id() const;
  // The TLS cipher in use, or nullopt for a plain-text connection.
  std::optional<std::string> tls_cipher() const;

  const ConnectionConfig& config() const { return m_config; }
  // The display URL of config() (never the password).
  const std::string& display() const { return m_display; }
  // The zone of `config().loc`: the datetime columns' zone.
  const TimeZone& zone() const { return m_zone; }
  st_mysql* handle() const { return m_mysql; }
  // Throw the StoreError of the connection's last error during `action`.
  [[noreturn]] void fail(std::string_view action) const;

private:
  void close() noexcept;

  ConnectionConfig m_config;
  std::string m_display;
  TimeZone m_zone;
  st_mysql* m_mysql = nullptr;
  std::unordered_map<const char*, Statement> m_cache;
};

// The client library's version ("3.3.8"), for --version.
std::string client_library_version();

} // namespace jobop::store::mysql
