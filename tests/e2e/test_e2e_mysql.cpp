// What only a MySQL-protocol metastore has: connecting (URLs, passwords, the
// engine's config, TLS, failures), the engine's exact DDL, time zones and
// collations. Runs in the e2e_mysql entry only (suite mysql_only).
#include "metastore_fixture.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <random>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

using jobop::test::E2eSchema;
using jobop::test::run_jobop;
using jobop::test::TempDir;
using jobop::test::TestMetastore;

namespace {

// The test server's password, as an environment entry for jobop.
std::string password_env() {
  const char* password = std::getenv("JOBOP_TEST_MYSQL_PASSWORD");
  return std::string("JOBOP_DB_PASSWORD=") + (password != nullptr ? password : "");
}

// The test server's URL with `schema` and `params` ("?tls=..." or "").
std::string server_url(const std::string& schema, const std::string& params = "") {
  std::string url = std::getenv("JOBOP_TEST_MYSQL_URL");
  const auto query = url.find('?', 8);
  if (query != std::string::npos) {
    url.erase(query);
  }
  return url + schema + params;
}

// The test server's "host:port" and user, read from its URL.
std::pair<std::string, std::string> server_endpoint_and_user() {
  const std::string url = server_url("");
  const auto at = url.find('@');
  const std::string user = url.substr(8, at - 8);
  const std::string endpoint = url.substr(at + 1, url.find('/', at) - at - 1);
  return {endpoint, user};
}

// Does the test server offer TLS (@@have_ssl is YES, not DISABLED or NO)?
// scripts/mysql-server's always does (JOBOP_TEST_MYSQL_DIR names it); an
// external server may not.
bool server_offers_tls() {
  auto config = jobop::store::mysql::parse_mysql_url(server_url("information_schema"));
  if (const char* password = std::getenv("JOBOP_TEST_MYSQL_PASSWORD")) {
    config.password = password;
  }
  jobop::store::mysql::Connection conn(config);
  auto stmt = conn.prepare("SELECT @@have_ssl");
  stmt.execute();
  REQUIRE(stmt.fetch());
  const bool offered = stmt.column_text(0) == "YES";
  while (stmt.fetch()) {
  }
  return offered;
}

// An environment variable, or "" when unset.
std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// `text` percent-encoded for a URL parameter value (a file path).
std::string url_encoded(const std::string& text) {
  static const char* const k_hex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

// `url` with `params` ("tls=...&ca=...") added to its query.
std::string with_params(const std::string& url, const std::string& params) {
  return url + (url.find('?', 8) == std::string::npos ? "?" : "&") + params;
}

// The server's own view of a session opened with `url` (and `password`):
// its TLS cipher, empty for plain text.
std::string session_cipher(const std::string& url, const std::string& password) {
  auto config = jobop::store::mysql::parse_mysql_url(url);
  config.password = password;
  jobop::store::mysql::Connection conn(config);
  auto stmt = conn.prepare("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
  stmt.execute();
  REQUIRE(stmt.fetch());
  const std::string cipher = stmt.column_text(1);
  while (stmt.fetch()) {
  }
  return cipher;
}

// A user of the test server for one test, created with `require` ("SSL",
// "X509") and every privilege on `schema`; dropped at the end. Any host:
// the test server may be elsewhere.
class TlsTestUser {
public:
  TlsTestUser(const E2eSchema& schema, const std::string& schema_name, const std::string& tag,
              const std::string& require)
    : m_schema(schema), m_name("jobop_" + tag + "_" + std::to_string(::getpid())),
      m_password("pw-" + std::to_string(std::random_device{}()) + "-" +
                 std::to_string(std::random_device{}())) {
    auto conn = m_schema.connect();
    conn.exec("DROP USER IF EXISTS '" + m_name + "'@'%'");
    conn.exec("CREATE USER '" + m_name + "'@'%' IDENTIFIED BY '" + m_password + "' REQUIRE " +
              require);
    conn.exec("GRANT ALL PRIVILEGES ON `" + schema_name + "`.* TO '" + m_name + "'@'%'");
  }
  ~TlsTestUser() {
    try {
      m_schema.connect().exec("DROP USER IF EXISTS '" + m_name + "'@'%'");
    } catch (const jobop::core::Error&) {
      // Left behind; its name says whose it was.
    }
  }
  TlsTestUser(const TlsTestUser&) = delete;
  TlsTestUser& operator=(const TlsTestUser&) = delete;

  // `url` (the test user's) with this user instead.
  std::string url(const std::string& url) const {
    const auto at = url.find('@');
    return "mysql://" + m_name + url.substr(at);
  }
  const std::string& password() const { return m_password; }
  std::string password_env() const { return "JOBOP_DB_PASSWORD=" + m_password; }

private:
  const E2eSchema& m_schema;
  std::string m_name;
  std::string m_password;
};

nlohmann::json diagnostic(const jobop::test::ProcessResult& r) {
  return nlohmann::json::parse(r.err.substr(0, r.err.find('\n')));
}

std::string write_file(const TempDir& dir, const std::string& name, const std::string& text,
                       mode_t mode = 0600) {
  const std::string path = dir.file(name);
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
  return path;
}

// The columns of a table as the server describes them: name, type, null,
// comment; in order.
std::string describe(const E2eSchema& schema, const std::string& table) {
  auto conn = schema.connect();
  auto stmt = conn.prepare("SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_COMMENT, "
                           "COLUMN_KEY, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA "
                           "= DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION");
  stmt.bind(1, std::string_view(table)).execute();
  std::string out;
  while (stmt.fetch()) {
    for (int c = 0; c < 6; ++c) {
      out += stmt.column_text(c) + (c == 5 ? "\n" : "|");
    }
  }
  return out;
}

std::string show_create(const E2eSchema& schema, const std::string& table) {
  auto conn = schema.connect();
  auto stmt = conn.prepare("SHOW CREATE TABLE " + table);
  stmt.execute();
  std::string text;
  while (stmt.fetch()) {
    text = stmt.column_text(1);
  }
  return text;
}

} // namespace

TEST_SUITE_BEGIN("mysql_only");

TEST_CASE("init on an empty schema creates the engine's tables exactly as its gorm migration") {
  E2eSchema schema;
  const auto r = run_jobop({"init", "--db", schema.url()}, "", {schema.password_env()});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto document = nlohmann::json::parse(r.out);
  CHECK(document.at("created") == true);
  CHECK(document.at("adopted") == false);
  CHECK(document.at("path") == schema.url());
  // Types, nullability and COMMENTs as SPEC §1b: gorm alters any that differ.
  CHECK(describe(schema, "master_meta") ==
        "seq_id|bigint(20) unsigned|NO||PRI|auto_increment\n"
        "created_at|datetime(3)|YES|||\n"
        "updated_at|datetime(3)|YES|||\n"
        "project_id|varchar(128)|NO||MUL|\n"
        "id|varchar(128)|NO||UNI|\n"
        "type|smallint(6)|NO|JobManager(1),CvsJobMaster(2),FakeJobMaster(3),DMJobMaster(4),"
        "CDCJobMaster(5)||\n"
        "state|tinyint(4)|NO|Uninit(1),Init(2),Finished(3),Stopped(4),Failed(5)||\n"
        "node_id|varchar(128)|NO|||\n"
        "address|varchar(256)|NO|||\n"
        "epoch|bigint(20)|NO|||\n"
        "config|blob|YES|||\n"
        "error_message|text|YES|||\n"
        "detail|blob|YES|||\n"
        "ext|longtext|YES|||\n"
        "deleted|datetime(3)|YES|||\n");
  CHECK(describe(schema, "job_ops") == "seq_id|bigint(20) unsigned|NO||PRI|auto_increment\n"
                                       "created_at|datetime(3)|YES|||\n"
                                       "updated_at|datetime(3)|YES|||\n"
                                       "op|tinyint(4)|NO|Canceling(1),Canceled(2)|MUL|\n"
                                       "job_id|varchar(128)|NO||UNI|\n");
  // The indexes by their names, and no other (`deleted` has none).
  const std::string master = show_create(schema, "master_meta");
  CHECK(master.find("KEY `idx_mst` (`project_id`,`state`)") != std::string::npos);
  CHECK(master.find("UNIQUE KEY `uidx_mid` (`id`)") != std::string::npos);
  CHECK(master.find("deleted`)") == std::string::npos);
  const std::string ops = show_create(schema, "job_ops");
  CHECK(ops.find("KEY `idx_job_op` (`op`)") != std::string::npos);
  CHECK(ops.find("UNIQUE KEY `uk_job_id` (`job_id`)") != std::string::npos);
}

TEST_CASE("init adopts the engine's tables and alters nothing of them") {
  E2eSchema schema;
  REQUIRE(run_jobop({"init", "--db", schema.url()}, "", {schema.password_env()}).exit_code == 0);
  auto conn = schema.connect();
  conn.exec("DROP TABLE jobop_outbox");
  conn.exec("DROP TABLE jobop_meta");
  const std::string master = show_create(schema, "master_meta");
  const std::string ops = show_create(schema, "job_ops");
  const auto r = run_jobop({"init", "--db", schema.url()}, "", {schema.password_env()});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(nlohmann::json::parse(r.out).at("adopted") == true);
  CHECK(nlohmann::json::parse(r.out).at("created") == false);
  CHECK(show_create(schema, "master_meta") == master);
  CHECK(show_create(schema, "job_ops") == ops);
}

TEST_CASE("a schema that is not a metastore is refused, and nothing is written to it") {
  E2eSchema schema;
  for (const char* command : {"status", "tick"}) {
    const auto r = run_jobop({command, "--db", schema.url()}, "", {schema.password_env()});
    CHECK(r.exit_code == 5);
    CHECK(diagnostic(r).at("code") == "store.not_a_metastore");
  }
  auto conn = schema.connect();
  conn.exec("CREATE TABLE master_meta (seq_id bigint, id varchar(128))");
  conn.exec("CREATE TABLE job_ops (seq_id bigint, op tinyint, job_id varchar(128))");
  const auto r = run_jobop({"init", "--db", schema.url()}, "", {schema.password_env()});
  CHECK(r.exit_code == 5);
  CHECK(diagnostic(r).at("code") == "store.not_a_metastore");
  CHECK(r.err.find("master_meta.state") != std::string::npos);
  auto tables = conn.prepare("SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                             "TABLE_SCHEMA = DATABASE()");
  tables.execute();
  REQUIRE(tables.fetch());
  CHECK(tables.column_int(0) == 2); // no jobop_ tables were added
}

TEST_CASE("connection failures are exit 5 with a code that says which") {
  SUBCASE("no such schema") {
    for (const char* command : {"init", "status"}) {
      const auto r =
        run_jobop({command, "--db", server_url("jobop_no_such_schema")}, "", {password_env()});
      CHECK(r.exit_code == 5);
      CHECK(diagnostic(r).at("code") == "store.missing");
    }
  }
  SUBCASE("wrong password") {
    const auto r = run_jobop({"status", "--db", server_url("information_schema")}, "",
                             {"JOBOP_DB_PASSWORD=not-the-password"});
    CHECK(r.exit_code == 5);
    CHECK(diagnostic(r).at("code") == "store.auth");
    CHECK(r.err.find("not-the-password") == std::string::npos);
  }
  SUBCASE("nothing listens on the port") {
    const auto r = run_jobop({"status", "--db", "mysql://u@127.0.0.1:1/s"}, "", {});
    CHECK(r.exit_code == 5);
    CHECK(diagnostic(r).at("code") == "store.unreachable");
  }
  SUBCASE("TLS required: store.tls only from a server that offers none") {
    const auto r = run_jobop({"status", "--db", server_url("information_schema", "?tls=required")},
                             "", {password_env()});
    if (server_offers_tls()) {
      // Connected; information_schema is no metastore.
      CHECK(r.exit_code == 5);
      CHECK(diagnostic(r).at("code") == "store.not_a_metastore");
    } else {
      CHECK(r.exit_code == 5);
      CHECK(diagnostic(r).at("code") == "store.tls");
      CHECK(r.err.find("does not offer TLS") != std::string::npos);
    }
  }
}

TEST_CASE("TLS: every mode does what it promises with the server found") {
  E2eSchema schema;
  REQUIRE(run_jobop({"init", "--db", schema.url()}, "", {schema.password_env()}).exit_code == 0);
  const std::string url = schema.url();
  const std::string name = url.substr(url.rfind('/') + 1, url.find('?', 8) - url.rfind('/') - 1);
  const std::vector<std::string> env{schema.password_env()};
  const std::string password = env_or_empty("JOBOP_TEST_MYSQL_PASSWORD");
  // Run `status` with `params` added to the URL; return the result.
  const auto status = [&](const std::string& params, const std::string& base = "",
                          const std::vector<std::string>& with_env = {}) {
    return run_jobop({"status", "--db", with_params(base.empty() ? url : base, params)}, "",
                     with_env.empty() ? env : with_env);
  };
  const auto expect_code = [](const jobop::test::ProcessResult& r, const std::string& code) {
    CHECK_MESSAGE(r.exit_code == 5, r.err);
    if (r.exit_code == 5) {
      CHECK(diagnostic(r).at("code") == code);
    }
  };
  const std::string ca = env_or_empty("JOBOP_TEST_MYSQL_CA");
  std::string other_ca = env_or_empty("JOBOP_TEST_MYSQL_OTHER_CA");
  if (other_ca.empty()) {
    other_ca = (std::filesystem::path(__FILE__).parent_path().parent_path() / "data" / "mysql" /
                "unrelated-ca.pem")
                 .string();
  }
  const bool tls = server_offers_tls();
  const std::string found = std::string("the test server ") + (tls ? "offers" : "does not offer") +
                            " TLS" + (tls && ca.empty() ? "; no JOBOP_TEST_MYSQL_CA" : "");
  static bool said = false; // once, not once per subcase
  if (!said) {
    said = true;
    MESSAGE(found);
  }
  // scripts/mysql-server's server offers TLS and says with what: it must
  // not quietly become a test of a server without.
  if (!env_or_empty("JOBOP_TEST_MYSQL_DIR").empty()) {
    REQUIRE_MESSAGE(tls, "scripts/mysql-server's server does not offer TLS");
    REQUIRE_MESSAGE(!ca.empty(), "JOBOP_TEST_MYSQL_CA unset for scripts/mysql-server's server");
  }

  SUBCASE("disabled is plain text, even where TLS is offered") {
    const auto r = status("tls=disabled");
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(session_cipher(with_params(url, "tls=disabled"), password).empty());
    if (tls) {
      // A user the server lets in over TLS only is refused.
      TlsTestUser tls_only(schema, name, "tls_only", "SSL");
      expect_code(status("tls=disabled", tls_only.url(url), {tls_only.password_env()}),
                  "store.auth");
    }
  }
  SUBCASE("preferred, the default, gets TLS when offered and plain text otherwise") {
    CHECK(status("tls=preferred").exit_code == 0);
    CHECK(run_jobop({"status", "--db", url}, "", env).exit_code == 0);
    CHECK(session_cipher(url, password).empty() == !tls);
    if (tls) {
      TlsTestUser tls_only(schema, name, "tls_only", "SSL");
      const auto r =
        run_jobop({"status", "--db", tls_only.url(url)}, "", {tls_only.password_env()});
      CHECK_MESSAGE(r.exit_code == 0, r.err);
    }
  }
  SUBCASE("required: TLS, unverified; store.tls from a server without") {
    const auto r = status("tls=required");
    if (tls) {
      CHECK_MESSAGE(r.exit_code == 0, r.err);
      CHECK_FALSE(session_cipher(with_params(url, "tls=required"), password).empty());
    } else {
      expect_code(r, "store.tls");
      CHECK(r.err.find("does not offer TLS") != std::string::npos);
    }
  }
  SUBCASE("a CA that signed nothing of the server's fails verification: store.tls") {
    // With a CA, every mode that gets TLS verifies; preferred falls back to
    // plain text only when the server offers no TLS.
    for (const char* mode : {"verify-ca", "verify-identity", "required", "preferred"}) {
      CAPTURE(mode);
      const auto r = status(std::string("tls=") + mode + "&ca=" + url_encoded(other_ca));
      if (tls) {
        expect_code(r, "store.tls");
        CHECK(r.err.find("certificate") != std::string::npos);
      } else if (std::string(mode) == "preferred") {
        CHECK_MESSAGE(r.exit_code == 0, r.err);
      } else {
        expect_code(r, "store.tls");
      }
    }
  }
  SUBCASE("a missing CA file is store.tls: no such file") {
    TempDir dir;
    const std::string missing = dir.file("no-such-ca.pem");
    const auto r = status("tls=verify-ca&ca=" + url_encoded(missing));
    expect_code(r, "store.tls");
    // Checked before connecting: the message names the file and why.
    CHECK(r.err.find(missing) != std::string::npos);
    CHECK(r.err.find("No such file or directory") != std::string::npos);
  }
  SUBCASE("cert= without key= is a usage error") {
    const auto r = status("tls=required&cert=" + url_encoded(ca.empty() ? "/etc/hostname" : ca));
    CHECK(r.exit_code == 2);
    CHECK(diagnostic(r).at("code") == "store.bad_url");
  }
  if (!tls || ca.empty()) {
    return; // the rest verifies the server's certificate against its CA
  }
  const std::string with_ca = "&ca=" + url_encoded(ca);
  SUBCASE("verify-ca against the server's CA") {
    const auto r = status("tls=verify-ca" + with_ca);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK_FALSE(session_cipher(with_params(url, "tls=verify-ca" + with_ca), password).empty());
  }
  SUBCASE("verify-identity: the certificate names 127.0.0.1 and localhost") {
    const std::string host_port = server_endpoint_and_user().first;
    const std::string host = host_port.substr(0, host_port.rfind(':'));
    if (host != "127.0.0.1") {
      MESSAGE("skipped: the test server is not on 127.0.0.1");
      return;
    }
    const auto r = status("tls=verify-identity" + with_ca);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const auto on_host = [&](const std::string& other) {
      std::string changed = url;
      changed.replace(changed.find("@127.0.0.1:") + 1, host.size(), other);
      return changed;
    };
    const auto localhost = status("tls=verify-identity" + with_ca, on_host("localhost"));
    CHECK_MESSAGE(localhost.exit_code == 0, localhost.err);
    // 127.1 is 127.0.0.1 too, but a name the certificate does not have.
    const auto r2 = status("tls=verify-identity" + with_ca, on_host("127.1"));
    expect_code(r2, "store.tls");
    // verify-ca checks no name.
    const auto r3 = status("tls=verify-ca" + with_ca, on_host("127.1"));
    CHECK_MESSAGE(r3.exit_code == 0, r3.err);
  }
  SUBCASE("a client certificate signed by the server's CA is accepted") {
    const std::string cert = env_or_empty("JOBOP_TEST_MYSQL_CLIENT_CERT");
    const std::string key = env_or_empty("JOBOP_TEST_MYSQL_CLIENT_KEY");
    if (cert.empty() || key.empty()) {
      MESSAGE("skipped: JOBOP_TEST_MYSQL_CLIENT_CERT or _KEY unset");
      return;
    }
    const std::string with_cert = "&cert=" + url_encoded(cert) + "&key=" + url_encoded(key);
    // A user the server lets in with a valid client certificate only.
    TlsTestUser x509(schema, name, "x509", "X509");
    const std::vector<std::string> x509_env{x509.password_env()};
    expect_code(status("tls=verify-ca" + with_ca, x509.url(url), x509_env), "store.auth");
    for (const char* mode : {"verify-ca", "verify-identity", "required", "preferred"}) {
      CAPTURE(mode);
      const auto r =
        status(std::string("tls=") + mode + with_ca + with_cert, x509.url(url), x509_env);
      CHECK_MESSAGE(r.exit_code == 0, r.err);
    }
    const auto unverified = status("tls=required" + with_cert, x509.url(url), x509_env);
    CHECK_MESSAGE(unverified.exit_code == 0, unverified.err);
  }
}

TEST_CASE("a server that accepts but never answers fails within the dial timeout") {
  // A listening socket nobody accepts on: the TCP handshake completes, the
  // server's greeting never comes.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(fd, 4) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  const std::string url =
    "mysql://u@127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/s?connect-timeout=1s";
  const auto started = std::chrono::steady_clock::now();
  const auto r = run_jobop({"status", "--db", url}, "", {});
  const auto took = std::chrono::steady_clock::now() - started;
  ::close(fd);
  CHECK(r.exit_code == 5);
  CHECK(diagnostic(r).at("code") == "store.unreachable");
  CHECK(took < std::chrono::seconds(4));
}

TEST_CASE("bad URLs, passwords on the command line and conflicting flags are usage errors") {
  TempDir dir;
  const auto expect_usage = [](const jobop::test::ProcessResult& r, const std::string& code) {
    CHECK(r.exit_code == 2);
    CHECK(diagnostic(r).at("code") == code);
  };
  auto r = run_jobop({"status", "--db", "mysql://root:hunter2@127.0.0.1/s"});
  expect_usage(r, "store.password_in_url");
  CHECK(r.err.find("hunter2") == std::string::npos);
  expect_usage(run_jobop({"status", "--db", "mysql://root@127.0.0.1:99999/s"}), "store.bad_url");
  expect_usage(run_jobop({"status", "--db", "mysql://root@127.0.0.1/s?tls=sometimes"}),
               "store.bad_url");
  expect_usage(run_jobop({"status", "--db", "mysql://root@127.0.0.1/s?loc=Mars/Olympus"}),
               "store.bad_loc");
  const std::string config = write_file(dir, "master.toml", "[framework-meta]\nschema = \"x\"\n");
  expect_usage(run_jobop({"status", "--db", "x.db", "--engine-config", config}), "usage");
  const std::string open_file = write_file(dir, "password", "secret\n", 0644);
  expect_usage(
    run_jobop({"status", "--db", "mysql://root@127.0.0.1/s", "--password-file", open_file}),
    "input.password_file_mode");
  expect_usage(run_jobop({"status", "--db", dir.file("x.db"), "--password-file",
                          write_file(dir, "pw", "secret\n")}),
               "usage");
}

TEST_CASE("bad engine configs are usage errors") {
  TempDir dir;
  const auto code_of = [&](const std::string& text) {
    const auto r = run_jobop({"status", "--engine-config", write_file(dir, "m.toml", text)});
    CHECK(r.exit_code == 2);
    return diagnostic(r).at("code").get<std::string>();
  };
  CHECK(code_of("name = \"master\"\n") == "config.no_framework_meta");
  CHECK(code_of("[framework-meta]\nstore-type = \"etcd\"\n") == "config.bad_store_type");
  const auto missing = run_jobop({"status", "--engine-config", dir.file("nope.toml")});
  CHECK(missing.exit_code == 2);
}

TEST_CASE("--engine-config connects to the engine's [framework-meta] store as the engine does") {
  TestMetastore store;
  store.put("a", "cdc", "running");
  TempDir dir;
  const auto [endpoint, user] = server_endpoint_and_user();
  const char* password = std::getenv("JOBOP_TEST_MYSQL_PASSWORD");
  const std::string schema = store.db().substr(store.db().rfind('/') + 1);
  // The shape of upstream's deployments/engine/docker-compose/config/master.toml.
  const std::string config = write_file(dir, "master.toml",
                                        "name = \"server-master\"\n"
                                        "addr = \"0.0.0.0:10240\"\n"
                                        "advertise-addr = \"server-master:10240\"\n"
                                        "[framework-meta]\n"
                                        "endpoints = [\"" +
                                          endpoint +
                                          "\"]\n"
                                          "schema = \"" +
                                          schema + "\"\nuser = \"" + user + "\"\npassword = \"" +
                                          (password ? password : "") +
                                          "\"\n"
                                          "[business-meta]\n"
                                          "endpoints = [\"127.0.0.1:3306\"]\n"
                                          "schema = \"test_business\"\n");
  const auto r = run_jobop({"status", "a", "--engine-config", config});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(nlohmann::json::parse(r.out).at("jobs").at(0).at("state") == "running");
  // JOBOP_DB yields to --engine-config.
  const auto with_env = run_jobop({"status", "a", "--engine-config", config}, "",
                                  {"JOBOP_DB=" + dir.file("elsewhere.db")});
  CHECK(with_env.exit_code == 0);
  // A password given to jobop overrides the file's.
  const auto overridden = run_jobop({"status", "a", "--engine-config", config, "--password-file",
                                     write_file(dir, "pw", "wrong\n")});
  CHECK(overridden.exit_code == 5);
  CHECK(diagnostic(overridden).at("code") == "store.auth");
}

TEST_CASE("a config over the blob column's 65,535 bytes is refused before anything is written") {
  TestMetastore store;
  store.put("a", "cdc", "running", {"--config", "small"});
  const auto before = store.snapshot();
  const auto r = store.run({"job", "put", "a", "--type", "cdc", "--state", "running", "--config",
                            std::string(65536, 'x')});
  CHECK(r.exit_code == 2);
  CHECK(diagnostic(r).at("code") == "job.config_too_large");
  CHECK(store.snapshot() == before);
  // Exactly 65,535 bytes fit.
  store.put("b", "cdc", "running", {"--config", std::string(65535, 'y')});
  const auto listed = store.json({"status", "b", "--include-config"});
  CHECK(listed.at("jobs").at(0).at("config").get<std::string>().size() == 65535);
}

TEST_CASE("datetime(3) columns hold wall-clock time in the loc zone; output is UTC") {
  TestMetastore store;
  const std::string kolkata = store.db() + "?loc=Asia/Kolkata";
  const std::string utc = store.db() + "?loc=UTC";
  const auto env = store.env();
  const auto put =
    run_jobop({"--db", kolkata, "job", "put", "a", "--type", "cdc", "--state", "running"}, "", env);
  REQUIRE_MESSAGE(put.exit_code == 0, put.err);
  const auto as_kolkata = run_jobop({"--db", kolkata, "status", "a"}, "", env);
  const auto as_utc = run_jobop({"--db", utc, "status", "a"}, "", env);
  const auto created_kolkata =
    nlohmann::json::parse(as_kolkata.out).at("jobs").at(0).at("created_at").get<std::string>();
  const auto created_utc =
    nlohmann::json::parse(as_utc.out).at("jobs").at(0).at("created_at").get<std::string>();
  CHECK(created_kolkata.back() == 'Z');
  // Read as UTC, the same column is 5h30m later than the instant written.
  auto seconds_of = [](const std::string& rfc3339) {
    std::tm tm{};
    ::strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    return ::timegm(&tm);
  };
  CHECK(seconds_of(created_utc) - seconds_of(created_kolkata) == 5 * 3600 + 1800);
  // Milliseconds: the column keeps three digits of the fraction.
  const auto dot = created_kolkata.find('.');
  CHECK((dot == std::string::npos || created_kolkata.size() - dot - 2 <= 3));
}

TEST_CASE("under a case-insensitive collation the server decides which ids are the same job") {
  TestMetastore store;
  store.put("Job-A", "cdc", "running");
  // The unique index says `job-a` is Job-A: the engine's CreateJob would
  // fail; an upsert updates the one row.
  store.put("job-a", "cdc", "running");
  CHECK(store.json({"status"}).at("jobs").size() == 1);
  const auto cancel = store.json({"cancel", "JOB-A", "job-a"});
  REQUIRE(cancel.at("jobs").size() == 2);
  CHECK(cancel.at("jobs").at(0).at("changed") == true);
  CHECK(cancel.at("jobs").at(1).at("changed") == false);
  CHECK(cancel.at("jobs").at(1).at("state") == "canceling");
  // One op row for the job; the listing shows the job once.
  const auto listing = store.json({"status"});
  REQUIRE(listing.at("jobs").size() == 1);
  CHECK(listing.at("jobs").at(0).at("state") == "canceling");
  const auto tick = store.json({"tick", "--router", "none"});
  CHECK(tick.at("counts").at("skipped") == 1);
}

TEST_CASE("two inits at once on an empty schema: one creates, the other adopts, both exit 0") {
  for (int round = 0; round < 5; ++round) {
    E2eSchema schema;
    jobop::test::Child first({jobop::test::jobop_binary(), "init", "--db", schema.url()},
                             {"", "", "", "", {schema.password_env()}});
    jobop::test::Child second({jobop::test::jobop_binary(), "init", "--db", schema.url()},
                              {"", "", "", "", {schema.password_env()}});
    CHECK(first.wait() == 0);
    CHECK(second.wait() == 0);
    const auto r = run_jobop({"init", "--db", schema.url()}, "", {schema.password_env()});
    CHECK(nlohmann::json::parse(r.out).at("adopted") == true);
  }
}

TEST_CASE("a latin1 schema (MySQL 5.7's default) finds ids its column can hold, and only those") {
  E2eSchema schema("latin1");
  const auto env = std::vector<std::string>{schema.password_env()};
  REQUIRE(run_jobop({"init", "--db", schema.url()}, "", env).exit_code == 0);
  const auto put = run_jobop(
    {"--db", schema.url(), "job", "put", "caf\xc3\xa9", "--type", "cdc", "--state", "running"}, "",
    env);
  REQUIRE_MESSAGE(put.exit_code == 0, put.err);
  // A job literally named "??" must not answer for ids latin1 cannot hold.
  REQUIRE(
    run_jobop({"--db", schema.url(), "job", "put", "??", "--type", "cdc", "--state", "running"}, "",
              env)
      .exit_code == 0);
  const auto cancel =
    run_jobop({"--db", schema.url(), "cancel", "CAF\xc3\x89", "\xe6\x97\xa5\xe6\x9c\xac"}, "", env);
  CHECK(cancel.exit_code == 3);
  const auto document = nlohmann::json::parse(cancel.out);
  CHECK(document.at("jobs").at(0).at("state") == "canceling");
  CHECK(document.at("jobs").at(1).at("failure").at("code") == "job.not_found");
  const auto unknown = run_jobop({"--db", schema.url(), "status", "??"}, "", env);
  CHECK(nlohmann::json::parse(unknown.out).at("jobs").at(0).at("state") == "running");
}

TEST_CASE("cancel prints its times as the metastore keeps them (milliseconds)") {
  TestMetastore store;
  store.put("a", "cdc", "running");
  const auto canceled = store.json({"cancel", "a"}).at("jobs").at(0);
  const auto read = store.status_of("a");
  CHECK(canceled.at("op_updated_at") == read.at("op_updated_at"));
  CHECK(canceled.at("canceling_since") == read.at("canceling_since"));
}

TEST_CASE("an empty JOBOP_DB_PASSWORD does not override the engine config's password") {
  TestMetastore store;
  TempDir dir;
  const auto [endpoint, user] = server_endpoint_and_user();
  const char* password = std::getenv("JOBOP_TEST_MYSQL_PASSWORD");
  const std::string schema = store.db().substr(store.db().rfind('/') + 1);
  const std::string config = write_file(
    dir, "master.toml",
    "[framework-meta]\nendpoints = [\"" + endpoint + "\"]\nschema = \"" + schema + "\"\nuser = \"" +
      user + "\"\npassword = \"" + (password ? password : "") + "\"\n");
  const auto r = run_jobop({"status", "--engine-config", config}, "", {"JOBOP_DB_PASSWORD="});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
}

TEST_SUITE_END();
