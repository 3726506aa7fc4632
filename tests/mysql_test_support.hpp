#pragma once

#include <jobop/core/exceptions.hpp>
#include <jobop/store/mysql/connection.hpp>
#include <jobop/store/mysql/connection_config.hpp>
#include <jobop/store/mysql/time_zone.hpp>

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <unistd.h>

// Helpers of the store/mysql tests.
namespace jobop::test {

// A fresh directory under TMPDIR, removed with everything in it. (Not
// store_test_support.hpp's: that one pulls in the SQLite metastore.)
class TempDir {
public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "jobop-mysql-XXXXXX").string();
    m_path = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return m_path + "/" + name; }
  // Write `bytes` to the file `name` in the directory; return its path.
  std::string write(const std::string& name, const std::string& bytes) const {
    std::ofstream(file(name), std::ios::binary) << bytes;
    return file(name);
  }

private:
  std::string m_path;
};

// Return the code of the core::Error `f` throws, or "" if none.
template <typename F>
std::string error_code_of(F&& f) {
  try {
    f();
  } catch (const core::Error& e) {
    return e.code();
  }
  return "";
}

// The tests that need a real MySQL-protocol server read
// JOBOP_TEST_MYSQL_URL (mysql://USER@HOST:PORT/, the schema may be left
// out: each test makes its own) and JOBOP_TEST_MYSQL_PASSWORD. Without the
// URL they are skipped, visibly, except in CI (CI=true), where they fail.

inline std::optional<std::string> mysql_test_url() {
  const char* url = std::getenv("JOBOP_TEST_MYSQL_URL");
  if (url == nullptr || *url == '\0') {
    return std::nullopt;
  }
  return std::string(url);
}

inline bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// For the doctest::skip decorator: true when the MySQL tests cannot run and
// may be skipped (no server, not CI).
inline bool skip_mysql_tests() {
  return !mysql_test_url() && !running_in_ci();
}

// Return the test server's connection settings with `schema` (none if
// empty); FAIL (in CI) or stop the test with a message if there is none.
inline std::optional<store::mysql::ConnectionConfig> mysql_test_config(const std::string& schema) {
  const auto url = mysql_test_url();
  if (!url) {
    if (running_in_ci()) {
      FAIL("JOBOP_TEST_MYSQL_URL is unset in CI: the MySQL tests need a server");
    }
    MESSAGE("skipped: JOBOP_TEST_MYSQL_URL unset");
    return std::nullopt;
  }
  // parse_mysql_url wants a schema: give it one, then set the test's own.
  std::string text = *url;
  const auto query = text.find('?', 8);
  const auto path = text.find('/', 8);
  if (path != std::string::npos && path + 1 == std::min(query, text.size())) {
    text.insert(path + 1, "information_schema");
  }
  store::mysql::ConnectionConfig config = store::mysql::parse_mysql_url(text);
  config.schema = schema;
  if (const char* password = std::getenv("JOBOP_TEST_MYSQL_PASSWORD")) {
    config.password = password;
  }
  return config;
}

// A schema of its own for one test, `jobop_t_<pid>_<n>`, dropped with
// everything in it at the end.
class MysqlScratchSchema {
public:
  MysqlScratchSchema() {
    static int counter = 0;
    m_name = "jobop_t_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    m_admin = mysql_test_config("");
    if (m_admin) {
      store::mysql::Connection(*m_admin).exec("CREATE DATABASE `" + m_name +
                                              "` CHARACTER SET utf8mb4");
    }
  }
  ~MysqlScratchSchema() {
    if (m_admin) {
      try {
        store::mysql::Connection(*m_admin).exec("DROP DATABASE IF EXISTS `" + m_name + "`");
      } catch (const core::Error&) {
        // Left behind; the name says whose it was.
      }
    }
  }
  MysqlScratchSchema(const MysqlScratchSchema&) = delete;
  MysqlScratchSchema& operator=(const MysqlScratchSchema&) = delete;

  // False when there is no server (the test then returns).
  explicit operator bool() const { return m_admin.has_value(); }
  const std::string& name() const { return m_name; }
  // The settings of a connection to this schema.
  store::mysql::ConnectionConfig config() const {
    auto config = *m_admin;
    config.schema = m_name;
    return config;
  }
  store::mysql::Connection connect() const { return store::mysql::Connection(config()); }

private:
  std::string m_name;
  std::optional<store::mysql::ConnectionConfig> m_admin;
};

} // namespace jobop::test

// Show a CivilTime in a failed check.
template <>
struct doctest::StringMaker<jobop::store::mysql::CivilTime> {
  static doctest::String convert(const jobop::store::mysql::CivilTime& c) {
    return jobop::store::mysql::format_civil(c).c_str();
  }
};

// A test case that needs the MySQL test server: skipped without one
// (outside CI), and named with "mysql" for -tc='*mysql*'.
#define JOBOP_MYSQL_TEST_CASE(name)                                                                \
  TEST_CASE("mysql: " name* doctest::skip(jobop::test::skip_mysql_tests()))
