#pragma once

#include <jobop/core/clock.hpp>

#include <optional>
#include <string>
#include <string_view>

// Where and how to reach a MySQL-protocol metastore (MySQL, MariaDB, TiDB):
// the `mysql://` URL of `--db` (SPEC §1b) and the password file. Plain data,
// no client library: the connection layer turns it into a session.
namespace jobop::store::mysql {

// How the connection uses TLS. With `ca` set, every mode that uses TLS also
// verifies the server's certificate chain against it (the client library
// does so whenever it is given a CA).
enum class TlsMode {
  disabled,        // never TLS
  preferred,       // TLS when the server offers it, unverified; else plain text
  required,        // TLS or fail; the certificate is not verified (unless `ca`)
  verify_ca,       // TLS, the chain verified against `ca`
  verify_identity, // verify_ca and the host name in the certificate
};

// Return the URL spelling of `mode`: "disabled", ..., "verify-ca", "verify-identity".
std::string_view to_string(TlsMode mode);

struct ConnectionConfig {
  std::string host = "127.0.0.1";
  unsigned port = 3306;
  std::string socket; // a Unix socket path; wins over host and port when set
  std::string user;
  std::optional<std::string> password; // never from the URL (see parse_mysql_url)
  std::string schema;
  TlsMode tls = TlsMode::preferred;
  std::string ca, cert, key; // PEM file paths
  // The zone of the datetime(3) columns, as the engine's driver `loc`:
  // "Local" (this process's TZ), "UTC" or an IANA name.
  std::string loc = "Local";
  // Zero means no limit. The client library counts whole seconds, so a
  // fraction is rounded up.
  core::Nanos connect_timeout = 3 * core::k_second;
  core::Nanos read_timeout = 3 * core::k_second;
  core::Nanos write_timeout = 3 * core::k_second;
  // When set, the session's innodb_lock_wait_timeout (whole seconds, at least
  // one): how long a statement waits for a row lock before error 1205.
  std::optional<core::Nanos> lock_wait_timeout;

  // Return the metastore's name for messages: mysql://user@host:port/schema,
  // with `?socket=`, `tls=` and `loc=` when they are not the defaults. Never
  // the password.
  std::string display() const;
};

// Return true if `text` names a MySQL-protocol metastore ("mysql://...").
bool is_mysql_url(std::string_view text);

// Parse `mysql://USER@HOST[:PORT]/SCHEMA[?PARAMS]`. HOST may be an IPv6
// address in brackets (`[::1]`) and may be empty with `socket=`; USER, SCHEMA
// and parameter values are percent-decoded. PARAMS: tls (disabled, preferred,
// required, verify-ca, verify-identity), ca, cert, key, socket, loc,
// connect-timeout, read-timeout, write-timeout (Go durations). Throw
// core::UsageError `store.password_in_url` for `USER:PASSWORD@` (the command
// line is visible to every local user), `store.bad_loc` for an unknown zone,
// and `store.bad_url` for anything else, saying what and where.
ConnectionConfig parse_mysql_url(std::string_view url);

// Read the password in `path`: its bytes less one trailing newline (LF or
// CRLF). Throw core::UsageError `input.password_file_mode` if group or others
// may read or write it (mode & 077), `input.unreadable` if it cannot be read.
std::string read_password_file(const std::string& path);

} // namespace jobop::store::mysql
