#include <jobop/store/mysql/connection.hpp>

#include <jobop/store/mysql/errors.hpp>

#include <errmsg.h>
#include <jobop/store/mysql/client_library.hpp>
#include <mariadb_version.h>
#include <mysql.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unistd.h>

namespace jobop::store::mysql {

namespace {

// mysql_init() initialises the library on first use, but not thread-safely.
void init_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    client_library().mysql_server_init(0, nullptr, nullptr);
    std::atexit([] { client_library().mysql_server_end(); });
  });
}

// The client library counts whole seconds and reads 0 as "no limit": round
// a fraction up so that 500ms stays a limit.
unsigned whole_seconds(core::Nanos d) {
  if (d <= 0) {
    return 0;
  }
  constexpr core::Nanos k_max_seconds = core::Nanos{365} * 86400;
  const core::Nanos seconds = d / core::k_second + (d % core::k_second != 0 ? 1 : 0);
  return static_cast<unsigned>(std::min(seconds, k_max_seconds));
}

// Map the TLS mode onto Connector/C 3.3 options. MYSQL_OPT_SSL_ENFORCE
// turns TLS on but, unless the certificate is to be verified, a server
// without TLS still gets a plain-text session: the caller checks the cipher
// afterwards for the modes that require TLS. A CA makes the library verify
// the chain; MYSQL_OPT_SSL_VERIFY_SERVER_CERT adds the host name (set
// explicitly either way, since Connector/C 3.4 verifies by default).
void set_tls_options(MYSQL* mysql, const ConnectionConfig& config) {
  const my_bool on = 1;
  const my_bool off = 0;
  if (config.tls == TlsMode::disabled) {
    client_library().mysql_optionsv(mysql, MYSQL_OPT_SSL_ENFORCE, &off);
    client_library().mysql_optionsv(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &off);
    return;
  }
  client_library().mysql_optionsv(mysql, MYSQL_OPT_SSL_ENFORCE, &on);
  client_library().mysql_optionsv(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT,
                                  config.tls == TlsMode::verify_identity ? &on : &off);
  if (config.tls == TlsMode::required || config.tls == TlsMode::verify_ca) {
    // The library logs in before jobop can see that the server offered no
    // TLS (a man in the middle can strip the offer): allow only methods
    // that never send the password itself, never mysql_clear_password or
    // dialog (PAM).
    client_library().mysql_optionsv(
      mysql, MARIADB_OPT_RESTRICTED_AUTH,
      "mysql_native_password,client_ed25519,caching_sha2_password,sha256_password");
  }
  if (!config.ca.empty()) {
    client_library().mysql_optionsv(mysql, MYSQL_OPT_SSL_CA, config.ca.c_str());
  }
  if (!config.cert.empty()) {
    client_library().mysql_optionsv(mysql, MYSQL_OPT_SSL_CERT, config.cert.c_str());
  }
  if (!config.key.empty()) {
    client_library().mysql_optionsv(mysql, MYSQL_OPT_SSL_KEY, config.key.c_str());
  }
}

bool requires_tls(TlsMode mode) {
  return mode == TlsMode::required || mode == TlsMode::verify_ca ||
         mode == TlsMode::verify_identity;
}

} // namespace

Connection::Connection(ConnectionConfig config)
  : m_config(std::move(config)), m_display(m_config.display()),
    m_zone(TimeZone::from_loc(m_config.loc)) {
  // TLS files are checked here: the library's own errors name no file.
  for (const auto& [name, path] : {std::pair<const char*, const std::string&>{"ca", m_config.ca},
                                   {"cert", m_config.cert},
                                   {"key", m_config.key}}) {
    if (!path.empty() && m_config.tls != TlsMode::disabled && ::access(path.c_str(), R_OK) != 0) {
      throw core::StoreError("store.tls",
                             "metastore " + m_display + ": the TLS " + name + " file " + path +
                               " cannot be read: " + std::strerror(errno),
                             {{"server", m_display}, {"file", path}});
    }
  }
  if (m_config.cert.empty() != m_config.key.empty()) {
    throw core::UsageError("store.bad_url",
                           "a client certificate needs both cert= and key= (" + m_display + ")",
                           {{"server", m_display}});
  }
  if (m_config.tls == TlsMode::verify_ca && m_config.ca.empty()) {
    throw core::UsageError("store.bad_url",
                           "tls=verify-ca needs a CA file to verify " + m_display + " against",
                           {{"server", m_display}});
  }
  init_library();
  m_mysql = client_library().mysql_init(nullptr);
  if (m_mysql == nullptr) {
    throw_mysql_error(CR_OUT_OF_MEMORY, "HY000", "out of memory", m_display, "connect");
  }
  const unsigned connect_timeout = whole_seconds(m_config.connect_timeout);
  const unsigned read_timeout = whole_seconds(m_config.read_timeout);
  const unsigned write_timeout = whole_seconds(m_config.write_timeout);
  if (connect_timeout > 0) {
    client_library().mysql_optionsv(m_mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  }
  if (read_timeout > 0) {
    client_library().mysql_optionsv(m_mysql, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  }
  if (write_timeout > 0) {
    client_library().mysql_optionsv(m_mysql, MYSQL_OPT_WRITE_TIMEOUT, &write_timeout);
  }
  // TCP unless a socket is named: libmysql would take "localhost" to mean
  // its default socket, and the engine's driver always dials TCP.
  const unsigned protocol = m_config.socket.empty() ? MYSQL_PROTOCOL_TCP : MYSQL_PROTOCOL_SOCKET;
  client_library().mysql_optionsv(m_mysql, MYSQL_OPT_PROTOCOL, &protocol);
  client_library().mysql_optionsv(m_mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  const my_bool off = 0;
  client_library().mysql_optionsv(m_mysql, MYSQL_OPT_RECONNECT,
                                  &off); // a silent reconnect loses the transaction
  const unsigned no_local_infile = 0;
  client_library().mysql_optionsv(m_mysql, MYSQL_OPT_LOCAL_INFILE, &no_local_infile);
  set_tls_options(m_mysql, m_config);

  const bool socket = !m_config.socket.empty();
  // CLIENT_FOUND_ROWS: an UPDATE reports the rows it matched, as SQLite's
  // changes() does, not only those whose values changed.
  if (client_library().mysql_real_connect(
        m_mysql, socket ? nullptr : m_config.host.c_str(), m_config.user.c_str(),
        m_config.password ? m_config.password->c_str() : nullptr,
        m_config.schema.empty() ? nullptr : m_config.schema.c_str(), socket ? 0 : m_config.port,
        socket ? m_config.socket.c_str() : nullptr, CLIENT_FOUND_ROWS) == nullptr) {
    const unsigned number = client_library().mysql_errno(m_mysql);
    const std::string sqlstate = client_library().mysql_sqlstate(m_mysql);
    const std::string message = client_library().mysql_error(m_mysql);
    close();
    throw_mysql_error(number, sqlstate, message, m_display, "connect");
  }
  if (requires_tls(m_config.tls) && client_library().mysql_get_ssl_cipher(m_mysql) == nullptr) {
    close();
    throw_mysql_error(CR_SSL_CONNECTION_ERROR, "HY000",
                      "tls=" + std::string(to_string(m_config.tls)) +
                        " but the server does not offer TLS",
                      m_display, "connect");
  }
  try {
    std::string setup =
      std::string("SET SESSION sql_mode='") + k_engine_sql_mode + "', autocommit=1";
    if (m_config.lock_wait_timeout) {
      const unsigned seconds = whole_seconds(*m_config.lock_wait_timeout);
      setup += ", innodb_lock_wait_timeout=" + std::to_string(seconds == 0 ? 1 : seconds);
    }
    exec(setup);
  } catch (...) {
    close();
    throw;
  }
}

Connection::~Connection() {
  close();
}

Connection::Connection(Connection&& other) noexcept
  : m_config(std::move(other.m_config)), m_display(std::move(other.m_display)),
    m_zone(std::move(other.m_zone)), m_mysql(other.m_mysql), m_cache(std::move(other.m_cache)) {
  other.m_mysql = nullptr;
}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close();
    m_config = std::move(other.m_config);
    m_display = std::move(other.m_display);
    m_zone = std::move(other.m_zone);
    m_mysql = other.m_mysql;
    m_cache = std::move(other.m_cache);
    other.m_mysql = nullptr;
  }
  return *this;
}

void Connection::close() noexcept {
  m_cache.clear(); // statements first: closing one talks to the server
  if (m_mysql != nullptr) {
    client_library().mysql_close(m_mysql);
    m_mysql = nullptr;
  }
}

void Connection::exec(std::string_view sql) {
  if (client_library().mysql_real_query(m_mysql, sql.data(),
                                        static_cast<unsigned long>(sql.size())) != 0) {
    fail("execute " + std::string(sql.substr(0, 60)));
  }
  if (client_library().mysql_field_count(m_mysql) > 0) {
    MYSQL_RES* result = client_library().mysql_store_result(m_mysql);
    if (result == nullptr) {
      fail("read the result of " + std::string(sql.substr(0, 60)));
    }
    client_library().mysql_free_result(result);
  }
}

Statement Connection::prepare(std::string_view sql) {
  return Statement(*this, sql);
}

Statement& Connection::cached(const char* sql) {
  auto it = m_cache.find(sql);
  if (it == m_cache.end()) {
    it = m_cache.emplace(sql, Statement(*this, sql)).first;
  } else {
    it->second.reset();
  }
  return it->second;
}

std::int64_t Connection::affected_rows() const {
  return static_cast<std::int64_t>(client_library().mysql_affected_rows(m_mysql));
}

void Connection::begin(bool read_only) {
  exec(read_only ? "START TRANSACTION READ ONLY" : "START TRANSACTION");
}

void Connection::commit() {
  exec("COMMIT");
}

void Connection::rollback() noexcept {
  if (m_mysql != nullptr) {
    (void)client_library().mysql_real_query(m_mysql, "ROLLBACK", 8);
  }
}

std::string Connection::server_version() const {
  return client_library().mysql_get_server_info(m_mysql);
}

void Connection::ping() {
  if (client_library().mysql_ping(m_mysql) != 0) {
    fail("ping");
  }
}

std::uint64_t Connection::connection_id() const {
  return client_library().mysql_thread_id(m_mysql);
}

std::optional<std::string> Connection::tls_cipher() const {
  const char* cipher = client_library().mysql_get_ssl_cipher(m_mysql);
  if (cipher == nullptr) {
    return std::nullopt;
  }
  return std::string(cipher);
}

void Connection::fail(std::string_view action) const {
  throw_mysql_error(client_library().mysql_errno(m_mysql), client_library().mysql_sqlstate(m_mysql),
                    client_library().mysql_error(m_mysql), m_display, action);
}

std::string client_library_version() {
  // The library this process would load, not the headers built against.
  try {
    return std::string("MariaDB Connector/C ") + client_library().mysql_get_client_info() +
           " (libmariadb.so.3, loaded)";
  } catch (const core::Error& e) {
    return std::string("not loaded: ") + e.what();
  }
}

} // namespace jobop::store::mysql
