#include "mysql_test_support.hpp"

#include <jobop/core/exceptions.hpp>
#include <jobop/store/mysql/connection.hpp>
#include <jobop/store/mysql/errors.hpp>

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <chrono>
#include <filesystem>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace jobop::store::mysql;
using jobop::core::k_second;
using jobop::core::StoreError;
using jobop::test::error_code_of;
using jobop::test::MysqlScratchSchema;

namespace {

// A TCP socket on 127.0.0.1 and a free port; listening (and never
// answering) if `listen`, else closed again so that the port refuses.
class LocalPort {
public:
  explicit LocalPort(bool listen) {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t size = sizeof addr;
    REQUIRE(::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &size) == 0);
    m_port = ntohs(addr.sin_port);
    if (listen) {
      REQUIRE(::listen(m_fd, 4) == 0);
    } else {
      ::close(m_fd);
      m_fd = -1;
    }
  }
  ~LocalPort() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  LocalPort(const LocalPort&) = delete;
  LocalPort& operator=(const LocalPort&) = delete;
  unsigned port() const { return m_port; }

private:
  int m_fd = -1;
  unsigned m_port = 0;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Return the first column of the first row of `sql`.
std::string query_one(Connection& c, std::string_view sql) {
  Statement s = c.prepare(sql);
  s.execute();
  REQUIRE(s.fetch());
  const std::string value = s.column_text(0);
  while (s.fetch()) {
  }
  return value;
}

} // namespace

TEST_CASE("mysql: the tests that need a server say whether they run") {
  if (const auto url = jobop::test::mysql_test_url()) {
    MESSAGE("the MySQL tests run against " << *url);
  } else if (jobop::test::running_in_ci()) {
    FAIL("JOBOP_TEST_MYSQL_URL is unset in CI: the MySQL tests need a server");
  } else {
    MESSAGE("skipped: JOBOP_TEST_MYSQL_URL unset (the MySQL tests that need a server are skipped)");
  }
}

JOBOP_MYSQL_TEST_CASE("a connection sets the session up as the engine does") {
  MysqlScratchSchema schema;
  if (!schema) {
    return;
  }
  auto config = schema.config();
  config.lock_wait_timeout = 7 * k_second;
  Connection c(config);
  MESSAGE("server " << c.server_version() << ", client " << client_library_version());
  CHECK_FALSE(c.server_version().empty());
  const std::string mode = query_one(c, "SELECT @@SESSION.sql_mode");
  for (const char* flag :
       {"STRICT_TRANS_TABLES", "STRICT_ALL_TABLES", "ERROR_FOR_DIVISION_BY_ZERO"}) {
    CHECK(mode.find(flag) != std::string::npos);
  }
  CHECK(query_one(c, "SELECT @@SESSION.autocommit") == "1");
  CHECK(query_one(c, "SELECT @@SESSION.innodb_lock_wait_timeout") == "7");
  CHECK(query_one(c, "SELECT @@character_set_client") == "utf8mb4");
  CHECK(query_one(c, "SELECT DATABASE()") == schema.name());
  CHECK(query_one(c, "SELECT CONNECTION_ID()") == std::to_string(c.connection_id()));
  c.ping();
  CHECK(c.display() == config.display());
  CHECK(c.zone().name() == "Local");

  // A connection moves with its cached statements.
  Statement& cached = c.cached("SELECT ? + 1");
  cached.bind(1, std::int64_t{41}).execute();
  REQUIRE(cached.fetch());
  CHECK(cached.column_int(0) == 42);
  Connection moved(std::move(c));
  Statement& again = moved.cached("SELECT ? + 1");
  CHECK(&again == &cached);
  again.bind(1, std::int64_t{1}).execute();
  REQUIRE(again.fetch());
  CHECK(again.column_int(0) == 2);
  CHECK_FALSE(again.fetch());
}

JOBOP_MYSQL_TEST_CASE("a wrong password is store.auth") {
  MysqlScratchSchema schema;
  if (!schema) {
    return;
  }
  auto config = schema.config();
  config.password = "certainly-not-the-password";
  try {
    Connection c(config);
    FAIL("connected");
  } catch (const StoreError& e) {
    CHECK(e.code() == "store.auth");
    CHECK(e.details()["mysql_errno"] == 1045);
    CHECK(e.details()["sqlstate"] == "28000");
    CHECK(std::string(e.what()).find("certainly-not") == std::string::npos);
    CHECK(std::string(e.what()).find(config.display()) != std::string::npos);
  }
}

JOBOP_MYSQL_TEST_CASE("an unknown schema is store.missing") {
  MysqlScratchSchema schema;
  if (!schema) {
    return;
  }
  auto config = schema.config();
  config.schema = schema.name() + "_absent";
  try {
    Connection c(config);
    FAIL("connected");
  } catch (const StoreError& e) {
    CHECK(e.code() == "store.missing");
    CHECK(e.details()["mysql_errno"] == 1049);
  }
}

JOBOP_MYSQL_TEST_CASE("a closed port is store.unreachable at once, a silent one in the timeout") {
  MysqlScratchSchema schema;
  if (!schema) {
    return;
  }
  auto config = schema.config();
  config.host = "127.0.0.1";
  config.socket.clear();
  config.connect_timeout = 1 * k_second;
  {
    LocalPort closed(false);
    config.port = closed.port();
    const auto start = std::chrono::steady_clock::now();
    CHECK(error_code_of([&] { Connection c(config); }) == "store.unreachable");
    CHECK(seconds_since(start) < 1.0);
  }
  {
    LocalPort silent(true);
    config.port = silent.port();
    const auto start = std::chrono::steady_clock::now();
    CHECK(error_code_of([&] { Connection c(config); }) == "store.unreachable");
    const double elapsed = seconds_since(start);
    MESSAGE("a silent server was given up after " << elapsed << " s (connect-timeout 1s)");
    CHECK(elapsed >= 0.9);
    CHECK(elapsed < 2.5);
  }
  config.host = "no-such-host.invalid";
  CHECK(error_code_of([&] { Connection c(config); }) == "store.unreachable");
}

JOBOP_MYSQL_TEST_CASE("TLS modes connect as they promise") {
  MysqlScratchSchema schema;
  if (!schema) {
    return;
  }
  auto config = schema.config();
  Connection probe(config);
  const bool server_tls = query_one(probe, "SELECT @@have_ssl") == "YES";
  MESSAGE("the test server " << std::string(server_tls ? "offers" : "does not offer") << " TLS");
  const char* ca = std::getenv("JOBOP_TEST_MYSQL_CA");
  // scripts/mysql-server's server (JOBOP_TEST_MYSQL_DIR) offers TLS and
  // names its CA: this test must not quietly lose what it checks.
  if (const char* dir = std::getenv("JOBOP_TEST_MYSQL_DIR"); dir != nullptr && *dir != '\0') {
    REQUIRE_MESSAGE(server_tls, "scripts/mysql-server's server does not offer TLS");
    REQUIRE_MESSAGE(ca != nullptr, "JOBOP_TEST_MYSQL_CA unset for scripts/mysql-server's server");
  }
  // The client's view (tls_cipher) and the server's agree.
  const auto server_cipher = [](Connection& c) {
    Statement s = c.prepare("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
    s.execute();
    REQUIRE(s.fetch());
    const std::string cipher = s.column_text(1);
    while (s.fetch()) {
    }
    return cipher;
  };

  config.tls = TlsMode::disabled;
  {
    Connection c(config);
    CHECK_FALSE(c.tls_cipher().has_value());
    CHECK(server_cipher(c).empty());
  }
  config.tls = TlsMode::preferred;
  {
    Connection c(config);
    CHECK(c.tls_cipher().has_value() == server_tls);
    CHECK(server_cipher(c).empty() == !server_tls);
  }
  config.tls = TlsMode::required;
  if (server_tls) {
    Connection c(config);
    CHECK(c.tls_cipher().has_value());
    CHECK(server_cipher(c) == c.tls_cipher().value_or(""));
  } else {
    try {
      Connection c(config);
      FAIL("connected without TLS");
    } catch (const StoreError& e) {
      CHECK(e.code() == "store.tls");
      CHECK(std::string(e.what()).find("does not offer TLS") != std::string::npos);
    }
  }
  // Verification against a CA that signed nothing of the server's.
  config.ca =
    (std::filesystem::path(__FILE__).parent_path() / "data" / "mysql" / "unrelated-ca.pem")
      .string();
  for (const TlsMode mode : {TlsMode::required, TlsMode::verify_ca, TlsMode::verify_identity}) {
    CAPTURE(std::string(to_string(mode)));
    config.tls = mode;
    try {
      Connection c(config);
      FAIL("connected");
    } catch (const StoreError& e) {
      CHECK(e.code() == "store.tls");
      if (server_tls) { // a failed verification, not a missing TLS
        CHECK(std::string(e.what()).find("does not offer TLS") == std::string::npos);
      }
    }
  }
  // With the server's own CA (JOBOP_TEST_MYSQL_CA), verification passes.
  if (ca != nullptr && server_tls) {
    config.ca = ca;
    config.tls = TlsMode::verify_ca;
    CHECK(Connection(config).tls_cipher().has_value());
    config.tls = TlsMode::verify_identity;
    const std::string host = config.host;
    if (host == "127.0.0.1") { // scripts/mysql-server's certificate names 127.0.0.1 and localhost
      CHECK(Connection(config).tls_cipher().has_value());
      config.host = "localhost";
      CHECK(Connection(config).tls_cipher().has_value());
      config.host = "127.1"; // 127.0.0.1 again, under a name the certificate lacks
      CHECK(error_code_of([&] { Connection c(config); }) == "store.tls");
      config.tls = TlsMode::verify_ca; // which verify-ca does not check
      CHECK(Connection(config).tls_cipher().has_value());
      config.host = host;
    }
    // A client certificate signed by the same CA.
    const char* cert = std::getenv("JOBOP_TEST_MYSQL_CLIENT_CERT");
    const char* key = std::getenv("JOBOP_TEST_MYSQL_CLIENT_KEY");
    if (cert != nullptr && key != nullptr) {
      config.tls = TlsMode::verify_ca;
      config.cert = cert;
      config.key = key;
      CHECK(Connection(config).tls_cipher().has_value());
    }
  }
}

JOBOP_MYSQL_TEST_CASE("a connection killed by the server is store.lost") {
  MysqlScratchSchema schema;
  if (!schema) {
    return;
  }
  Connection victim = schema.connect();
  Connection killer = schema.connect();
  Statement& cached = victim.cached("SELECT 1");
  cached.execute();
  while (cached.fetch()) {
  }
  killer.exec("KILL " + std::to_string(victim.connection_id()));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  try {
    victim.exec("SELECT 1");
    FAIL("the killed connection still ran a query");
  } catch (const StoreError& e) {
    CHECK(e.code() == "store.lost");
    MESSAGE("after KILL: " << std::string(e.what()));
  }
  CHECK(error_code_of([&] { victim.ping(); }) == "store.lost");
  CHECK(error_code_of([&] { victim.cached("SELECT 1").execute(); }) == "store.lost");
  victim.rollback(); // no throw on a dead connection
}

JOBOP_MYSQL_TEST_CASE("a deadlock between two connections is 1213, store.locked, retryable") {
  MysqlScratchSchema schema;
  if (!schema) {
    return;
  }
  Connection a = schema.connect();
  Connection b = schema.connect();
  a.exec("CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL)");
  a.exec("INSERT INTO t VALUES (1, 0), (2, 0)");
  a.begin();
  b.begin();
  a.exec("UPDATE t SET v = 1 WHERE id = 1");
  b.exec("UPDATE t SET v = 2 WHERE id = 2");
  std::optional<StoreError> error_a;
  std::thread waits([&] {
    try {
      a.exec("UPDATE t SET v = 1 WHERE id = 2"); // waits for b
    } catch (const StoreError& e) {
      error_a = e;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::optional<StoreError> error_b;
  try {
    b.exec("UPDATE t SET v = 2 WHERE id = 1"); // closes the cycle
  } catch (const StoreError& e) {
    error_b = e;
  }
  if (error_b) {
    b.rollback(); // releases a
  }
  waits.join();
  REQUIRE(error_a.has_value() != error_b.has_value()); // exactly one victim
  const StoreError& e = error_a ? *error_a : *error_b;
  CHECK(e.code() == "store.locked");
  CHECK(e.details()["mysql_errno"] == 1213);
  CHECK(is_retryable(e));
  MESSAGE("deadlock victim " << std::string(error_a ? "a" : "b") << ": " << std::string(e.what()));
  a.rollback();
  b.rollback();
}

JOBOP_MYSQL_TEST_CASE("a lock held past innodb_lock_wait_timeout is 1205, retryable") {
  MysqlScratchSchema schema;
  if (!schema) {
    return;
  }
  Connection a = schema.connect();
  auto config = schema.config();
  config.lock_wait_timeout = 1 * k_second;
  Connection b(config);
  a.exec("CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL)");
  a.exec("INSERT INTO t VALUES (1, 0)");
  a.begin();
  a.exec("UPDATE t SET v = 1 WHERE id = 1");
  b.begin();
  const auto start = std::chrono::steady_clock::now();
  try {
    b.exec("UPDATE t SET v = 2 WHERE id = 1");
    FAIL("no lock wait");
  } catch (const StoreError& e) {
    CHECK(e.code() == "store.locked");
    CHECK(e.details()["mysql_errno"] == 1205);
    CHECK(is_retryable(e));
  }
  CHECK(seconds_since(start) < 2.5);
  b.rollback();
  a.rollback();
}

JOBOP_MYSQL_TEST_CASE("a read-only transaction refuses a write with store.read_only") {
  MysqlScratchSchema schema;
  if (!schema) {
    return;
  }
  Connection c = schema.connect();
  c.exec("CREATE TABLE t (id INT PRIMARY KEY)");
  c.begin(true);
  CHECK(query_one(c, "SELECT COUNT(*) FROM t") == "0");
  try {
    c.exec("INSERT INTO t VALUES (1)");
    FAIL("wrote in a read-only transaction");
  } catch (const StoreError& e) {
    CHECK(e.code() == "store.read_only");
    CHECK(e.details()["mysql_errno"] == 1792);
  }
  c.rollback();
  c.begin();
  c.exec("INSERT INTO t VALUES (1)");
  c.commit();
  CHECK(query_one(c, "SELECT COUNT(*) FROM t") == "1");
}
