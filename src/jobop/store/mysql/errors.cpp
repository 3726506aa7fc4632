#include <jobop/store/mysql/errors.hpp>

#include <errmsg.h>
#include <mysqld_error.h>

namespace jobop::store::mysql {

namespace {

// TiDB's "Write conflict" of an optimistic transaction: run it again.
constexpr unsigned k_tidb_write_conflict = 9007;

struct Kind {
  const char* code;
  const char* what;
};

// The server rolls back a transaction whose connection is gone, unless it
// was committing it: then nobody here knows.
Kind lost(std::string_view action) {
  if (action.rfind("execute COMMIT", 0) == 0) {
    return {"store.lost", "lost the connection during COMMIT (the transaction may or may not "
                          "have been committed)"};
  }
  return {"store.lost", "lost the connection (the server rolls back an open transaction)"};
}

Kind kind_of(unsigned error_number, std::string_view action) {
  switch (error_number) {
  case CR_SOCKET_CREATE_ERROR:
  case CR_CONNECTION_ERROR:
  case CR_CONN_HOST_ERROR:
  case CR_IPSOCK_ERROR:
  case CR_UNKNOWN_HOST:
    return {"store.unreachable", "cannot be reached"};
  case ER_CON_COUNT_ERROR:
  case ER_TOO_MANY_USER_CONNECTIONS:
  case ER_USER_LIMIT_REACHED:
  case ER_HOST_IS_BLOCKED:
    return {"store.unreachable", "refuses new connections"};
  case ER_ACCESS_DENIED_ERROR:
  case ER_DBACCESS_DENIED_ERROR:
  case ER_ACCESS_DENIED_NO_PASSWORD_ERROR:
  case ER_HOST_NOT_PRIVILEGED:
  case ER_NOT_SUPPORTED_AUTH_MODE:
    return {"store.auth", "refuses the user (check the user, the password and its grants)"};
  case ER_TABLEACCESS_DENIED_ERROR:
  case ER_COLUMNACCESS_DENIED_ERROR:
  case ER_SPECIFIC_ACCESS_DENIED_ERROR:
    return {"store.auth", "denies the user a privilege it needs"};
  case ER_BAD_DB_ERROR:
    return {"store.missing", "has no such schema"};
  case CR_SSL_CONNECTION_ERROR:
    if (action == "connect") {
      return {"store.tls", "failed to set up TLS"};
    }
    // Once connected, the library reports a TLS session the server closed
    // (after KILL, say) as a TLS error: the connection is lost.
    return lost(action);
  case CR_SERVER_GONE_ERROR:
  case CR_SERVER_LOST:
  case CR_SERVER_LOST_EXTENDED:
    // During the handshake a server that drops us (or never greets us
    // before the connect timeout) is as good as unreachable.
    if (action == "connect") {
      return {"store.unreachable", "did not complete the connection handshake"};
    }
    return lost(action);
  case ER_SERVER_SHUTDOWN:
  case ER_CONNECTION_KILLED:
    return lost(action);
  case ER_LOCK_WAIT_TIMEOUT:
    return {"store.locked", "kept a row locked past the lock wait timeout"};
  case ER_LOCK_DEADLOCK:
    return {"store.locked", "found a deadlock with another transaction"};
  case k_tidb_write_conflict:
    return {"store.locked", "found a write conflict with another transaction"};
  case ER_OPTION_PREVENTS_STATEMENT:
  case ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION:
  case ER_READ_ONLY_MODE:
    return {"store.read_only", "is read-only"};
  case ER_RECORD_FILE_FULL:
  case ER_DISK_FULL:
    return {"store.disk_full", "cannot be written: a table or the disk is full"};
  default:
    return {"store.error", "failed"};
  }
}

} // namespace

std::string_view classify_error(unsigned error_number, std::string_view action) {
  return kind_of(error_number, action).code;
}

bool is_retryable(unsigned error_number) {
  return error_number == ER_LOCK_DEADLOCK || error_number == ER_LOCK_WAIT_TIMEOUT ||
         error_number == k_tidb_write_conflict;
}

bool is_retryable(const core::Error& error) {
  const auto& details = error.details();
  const auto it = details.find("mysql_errno");
  return it != details.end() && it->is_number_integer() && it->get<std::int64_t>() >= 0 &&
         is_retryable(static_cast<unsigned>(it->get<std::int64_t>()));
}

void throw_mysql_error(unsigned error_number, std::string_view sqlstate,
                       std::string_view server_message, const std::string& server,
                       std::string_view action) {
  Kind kind = kind_of(error_number, action);
  // A server that goes away during the TLS handshake (it was killed or is
  // shutting down) is reported as a TLS error; it is a transport failure.
  if (error_number == CR_SSL_CONNECTION_ERROR && action == "connect" &&
      (server_message.find("reset by peer") != std::string_view::npos ||
       server_message.find("Broken pipe") != std::string_view::npos ||
       server_message.find("unexpected eof") != std::string_view::npos)) {
    kind = {"store.unreachable", "dropped the connection during the TLS handshake"};
  }
  std::string message = "metastore " + server + " " + kind.what + " (" + std::string(action) +
                        ": error " + std::to_string(error_number);
  if (!sqlstate.empty()) {
    message += " (" + std::string(sqlstate) + ")";
  }
  if (!server_message.empty()) {
    message += ": " + std::string(server_message);
  }
  message += ")";
  throw core::StoreError(kind.code, message,
                         {{"server", server},
                          {"action", std::string(action)},
                          {"mysql_errno", error_number},
                          {"sqlstate", std::string(sqlstate)},
                          {"mysql_error", std::string(server_message)}});
}

} // namespace jobop::store::mysql
