#include "mysql_test_support.hpp"

#include <jobop/core/exceptions.hpp>
#include <jobop/store/mysql/engine_config.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

using namespace jobop::store::mysql;
using jobop::core::k_millisecond;
using jobop::core::k_second;
using jobop::core::UsageError;
using jobop::test::error_code_of;

namespace {

// The upstream sample configs copied under tests/data/engine/.
std::string fixture(const std::string& name) {
  return (std::filesystem::path(__FILE__).parent_path() / "data" / "engine" / name).string();
}

ConnectionConfig parse(const std::string& text) {
  return parse_engine_config(text, "master.toml");
}

std::string error_of(const std::string& text) {
  try {
    (void)parse(text);
  } catch (const UsageError& e) {
    return e.code() + ": " + e.what();
  }
  return "";
}

} // namespace

TEST_CASE("the engine's sample master.toml names its framework metastore") {
  const ConnectionConfig c = read_engine_config(fixture("master.toml"));
  CHECK(c.host == "mysql-standalone");
  CHECK(c.port == 3306);
  CHECK(c.user == "root");
  REQUIRE(c.password.has_value());
  CHECK(c.password->empty());
  CHECK(c.schema == "test_framework");
  CHECK(c.tls == TlsMode::preferred);
  CHECK(c.connect_timeout == 3 * k_second);
  CHECK(c.read_timeout == 3 * k_second);
  CHECK(c.write_timeout == 3 * k_second);
  CHECK(c.loc == "Local"); // the engine's driver reads with loc=Local
}

TEST_CASE("the engine's sample TLS configs map to verify-ca and verify-identity") {
  const ConnectionConfig tls = read_engine_config(fixture("master_with_tls.toml"));
  CHECK(tls.password == "123456");
  CHECK(tls.ca == "/ca.pem");
  CHECK(tls.tls == TlsMode::verify_ca);

  const ConnectionConfig full = read_engine_config(fixture("template_master.toml"));
  CHECK(full.host == "127.0.0.1");
  CHECK(full.port == 3336);
  CHECK(full.ca == "/path/to/ca.pem");
  CHECK(full.cert == "/path/to/cert.pem");
  CHECK(full.key == "/path/to/key.pem");
  CHECK(full.tls == TlsMode::verify_identity); // cert-allowed-cn = ["framework"]

  const ConnectionConfig client_cert =
    parse("[framework-meta]\n[framework-meta.security]\ncert-path = \"/c\"\nkey-path = \"/k\"\n");
  CHECK(client_cert.tls == TlsMode::required);
  CHECK(parse("[framework-meta]\n[framework-meta.security]\n").tls == TlsMode::preferred);
}

TEST_CASE("an engine config takes the engine's defaults for what it leaves out") {
  const ConnectionConfig c = parse("[framework-meta]\n");
  CHECK(c.host == "127.0.0.1");
  CHECK(c.port == 3336);
  CHECK(c.user == "root");
  CHECK_FALSE(c.password.has_value());
  CHECK(c.schema == "test_framework");
  CHECK(c.connect_timeout == 3 * k_second);

  const ConnectionConfig t = parse("[framework-meta]\nstore-type = \" MySQL \"\n"
                                   "dial-timeout = \"500ms\"\nread-timeout = \"1m\"\n"
                                   "write-timeout = \"2.5s\"\nstore-id = \"_root\"\n"
                                   "[framework-meta.dbconfs]\nmax-open-conns = 10\n");
  CHECK(t.connect_timeout == 500 * k_millisecond);
  CHECK(t.read_timeout == 60 * k_second);
  CHECK(t.write_timeout == 2500 * k_millisecond);
}

TEST_CASE("engine config endpoints are read as Go's driver reads an address") {
  const auto endpoint = [](const std::string& e) {
    const ConnectionConfig c =
      parse("[framework-meta]\nendpoints = [\"" + e + "\", \"other:1\"]\n");
    return c.host + " " + std::to_string(c.port);
  };
  CHECK(endpoint("db:4000") == "db 4000");
  CHECK(endpoint("db") == "db 3306");
  CHECK(endpoint("[::1]:4000") == "::1 4000");
  CHECK(endpoint("[::1]") == "::1 3306");
  CHECK(endpoint("::1") == "::1 3306");
  for (const std::string bad : {"db:0", "db:x", "db:", ":3306", "[::1"}) {
    CAPTURE(bad);
    CHECK(error_of("[framework-meta]\nendpoints = [\"" + bad + "\"]\n")
            .rfind("config.invalid_value: master.toml: invalid [framework-meta] endpoints", 0) ==
          0);
  }
  CHECK(error_of("[framework-meta]\nendpoints = []\n").find("non-empty array") !=
        std::string::npos);
  CHECK(error_of("[framework-meta]\nendpoints = \"db:3306\"\n").find("non-empty array") !=
        std::string::npos);
}

TEST_CASE("an engine config without a MySQL framework metastore is refused") {
  CHECK(error_of("[business-meta]\nendpoints = [\"db:3306\"]\n")
          .rfind("config.no_framework_meta: master.toml: no [framework-meta] table", 0) == 0);
  CHECK(error_of("framework-meta = 1\n").rfind("config.no_framework_meta", 0) == 0);
  CHECK(error_of("[framework-meta]\nstore-type = \"etcd\"\n")
          .rfind("config.bad_store_type: master.toml: [framework-meta] store-type is \"etcd\"",
                 0) == 0);
  CHECK(error_of("[framework-meta]\nstore-type = \"sqlite\"\n").rfind("config.bad_store_type", 0) ==
        0);
}

TEST_CASE("a bad value or an unknown key in an engine config is refused with its line") {
  CHECK(error_of("[framework-meta]\n\nread-timeout = \"3\"\n")
          .rfind("config.invalid_value: master.toml:3: invalid [framework-meta] read-timeout", 0) ==
        0);
  CHECK(error_of("[framework-meta]\ndial-timeout = \"-1s\"\n").find("is negative") !=
        std::string::npos);
  CHECK(error_of("[framework-meta]\nuser = 7\n").find("user: must be a string") !=
        std::string::npos);
  CHECK(error_of("[framework-meta]\nschema = \"\"\n").find("1 to 128 characters") !=
        std::string::npos);
  CHECK(error_of("[framework-meta]\npasword = \"x\"\n")
          .rfind("config.unknown_key: master.toml:2: unknown key `pasword` in [framework-meta]",
                 0) == 0);
  CHECK(error_of("[framework-meta.security]\nca = \"x\"\n")
          .find("unknown key `ca` in [framework-meta.security]") != std::string::npos);
  CHECK(error_of("[framework-meta]\nsecurity = 1\n").find("must be a table") != std::string::npos);
}

TEST_CASE("an unreadable or malformed engine config is a usage error") {
  jobop::test::TempDir dir;
  CHECK(error_code_of([&] { (void)read_engine_config(dir.file("missing.toml")); }) ==
        "config.unreadable");
  CHECK(error_code_of([&] { (void)read_engine_config(dir.file("")); }) == "config.unreadable");
  const std::string bad = dir.write("bad.toml", "[framework-meta\n");
  CHECK(error_code_of([&] { (void)read_engine_config(bad); }) == "config.syntax");
  CHECK(error_of("[framework-meta]\nuser = \"\xff\"\n").rfind("config.syntax", 0) == 0);
  CHECK(error_of("x = " + std::string(100, '[')).rfind("config.syntax", 0) == 0);
}
