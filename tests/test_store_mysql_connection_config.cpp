#include "mysql_test_support.hpp"

#include <jobop/core/exceptions.hpp>
#include <jobop/store/mysql/connection_config.hpp>

#include <doctest/doctest.h>

#include <string>
#include <sys/stat.h>

using namespace jobop::store::mysql;
using jobop::core::UsageError;
using jobop::test::error_code_of;

namespace {

// Return the message of the UsageError parsing `url` throws ("" if none).
std::string url_error(const std::string& url) {
  try {
    (void)parse_mysql_url(url);
  } catch (const UsageError& e) {
    return e.code() + ": " + e.what();
  }
  return "";
}

} // namespace

TEST_CASE("a mysql URL gives user, host, port and schema, and the defaults for the rest") {
  const ConnectionConfig c = parse_mysql_url("mysql://jobop@db.example:4000/meta");
  CHECK(c.user == "jobop");
  CHECK(c.host == "db.example");
  CHECK(c.port == 4000);
  CHECK(c.schema == "meta");
  CHECK_FALSE(c.password.has_value());
  CHECK(c.socket.empty());
  CHECK(c.tls == TlsMode::preferred);
  CHECK(c.loc == "Local");
  CHECK(c.connect_timeout == 3 * jobop::core::k_second);
  CHECK(c.read_timeout == 3 * jobop::core::k_second);
  CHECK(c.write_timeout == 3 * jobop::core::k_second);
  CHECK(parse_mysql_url("mysql://root@localhost/test_framework").port == 3306);
  CHECK(is_mysql_url("mysql://root@h/s"));
  CHECK_FALSE(is_mysql_url("./jobop.db"));
  CHECK_FALSE(is_mysql_url("mysql:/root@h/s"));
  CHECK_FALSE(is_mysql_url("MYSQL://root@h/s"));
}

TEST_CASE("every mysql URL parameter is read") {
  const ConnectionConfig c = parse_mysql_url(
    "mysql://u@h/s?tls=verify-ca&ca=/etc/ca.pem&cert=/c.pem&key=/k.pem&loc=UTC"
    "&connect-timeout=500ms&read-timeout=1m30s&write-timeout=0s&socket=/run/mysqld/mysqld.sock");
  CHECK(c.tls == TlsMode::verify_ca);
  CHECK(c.ca == "/etc/ca.pem");
  CHECK(c.cert == "/c.pem");
  CHECK(c.key == "/k.pem");
  CHECK(c.loc == "UTC");
  CHECK(c.connect_timeout == 500 * jobop::core::k_millisecond);
  CHECK(c.read_timeout == 90 * jobop::core::k_second);
  CHECK(c.write_timeout == 0);
  CHECK(c.socket == "/run/mysqld/mysqld.sock");
  for (const auto& [text, mode] :
       {std::pair{"disabled", TlsMode::disabled}, std::pair{"preferred", TlsMode::preferred},
        std::pair{"required", TlsMode::required},
        std::pair{"verify-identity", TlsMode::verify_identity}}) {
    CHECK(parse_mysql_url(std::string("mysql://u@h/s?tls=") + text).tls == mode);
    CHECK(to_string(mode) == text);
  }
  CHECK(parse_mysql_url("mysql://u@h/s?loc=Europe/Berlin").loc == "Europe/Berlin");
  CHECK(parse_mysql_url("mysql://u@h/s?loc=Local").loc == "Local");
  // A socket needs no host.
  CHECK(parse_mysql_url("mysql://u@/s?socket=/tmp/m.sock").socket == "/tmp/m.sock");
}

TEST_CASE("a mysql URL with a password is refused without repeating it") {
  for (const std::string url :
       {"mysql://root:s3cret@db:3306/meta", "mysql://root:s3cret@db", "mysql://:s3cret@db/x",
        "mysql://root:s3cret@db/meta?bogus=1#frag"}) {
    CAPTURE(url);
    try {
      (void)parse_mysql_url(url);
      FAIL("accepted");
    } catch (const UsageError& e) {
      CHECK(e.code() == "store.password_in_url");
      CHECK(std::string(e.what()).find("s3cret") == std::string::npos);
      CHECK(e.details().dump().find("s3cret") == std::string::npos);
      CHECK(std::string(e.what()).find("JOBOP_DB_PASSWORD") != std::string::npos);
      CHECK(jobop::core::to_int(e.exit_code()) == 2);
    }
  }
}

TEST_CASE("a bad mysql URL is store.bad_url and says what is wrong") {
  const std::pair<const char*, const char*> cases[] = {
    {"postgres://u@h/s", "does not start with mysql://"},
    {"mysql://u@h", "no /SCHEMA"},
    {"mysql://u@h?tls=required", "no /SCHEMA"},
    {"mysql://u@h/", "schema after the host is empty"},
    {"mysql://u@h/?tls=required", "schema after the host is empty"},
    {"mysql://h/s", "no USER@"},
    {"mysql://@h/s", "user before '@' is empty"},
    {"mysql://u@/s", "host is empty and no socket"},
    {"mysql://u@h:0/s", "port 0 is not from 1 to 65535"},
    {"mysql://u@h:65536/s", "not from 1 to 65535"},
    {"mysql://u@h:33a/s", "port \"33a\" is not a number"},
    {"mysql://u@h:/s", "port \"\" is not a number"},
    {"mysql://u@::1/s", "has several ':'"},
    {"mysql://u@[::1/s", "lacks its closing ']'"},
    {"mysql://u@[]:1/s", "empty IPv6 address"},
    {"mysql://u@[::1]x/s", "after the IPv6 address"},
    {"mysql://u@h/s/t", "contains '/'"},
    {"mysql://u@h/s#top", "fragment"},
    {"mysql://u@h/s?tls=on", "tls=on is not one of disabled, preferred"},
    {"mysql://u@h/s?tls=verify-ca", "tls=verify-ca needs ca=FILE"},
    {"mysql://u@h/s?timeout=3s", "unknown parameter \"timeout\" (known: tls, ca, cert, key, "
                                 "socket, loc, connect-timeout, read-timeout, write-timeout)"},
    {"mysql://u@h/s?read-timeout=3", "read-timeout=3: invalid duration"},
    {"mysql://u@h/s?read-timeout=-1s", "read-timeout=-1s is negative"},
    {"mysql://u@h/s?tls", "parameter \"tls\" has no '=VALUE'"},
    {"mysql://u@h/s?ca=", "parameter \"ca\" is empty"},
    {"mysql://u@h/s?tls=required&tls=disabled", "\"tls\" is given twice"},
    {"mysql://u%zz@h/s", "the user: '%' at offset 1 is not followed by two hex digits"},
    {"mysql://u@h/s%4", "the schema: '%' at offset 1"},
    {"mysql://u%00x@h/s", "the user contains a NUL byte"},
  };
  for (const auto& [url, expected] : cases) {
    CAPTURE(std::string(url));
    const std::string error = url_error(url);
    CHECK(error.rfind("store.bad_url: invalid metastore URL ", 0) == 0);
    CHECK(error.find(expected) != std::string::npos);
  }
}

TEST_CASE("an unknown loc in a mysql URL is store.bad_loc") {
  CHECK(error_code_of([] { (void)parse_mysql_url("mysql://u@h/s?loc=Mars/Olympus"); }) ==
        "store.bad_loc");
  CHECK(error_code_of([] { (void)parse_mysql_url("mysql://u@h/s?loc=../../etc/passwd"); }) ==
        "store.bad_loc");
  CHECK(error_code_of([] { (void)parse_mysql_url("mysql://u@h/s?loc=%2Fetc%2Flocaltime"); }) ==
        "store.bad_loc");
}

TEST_CASE("IPv6 hosts of a mysql URL are written in brackets") {
  ConnectionConfig c = parse_mysql_url("mysql://u@[::1]/s");
  CHECK(c.host == "::1");
  CHECK(c.port == 3306);
  c = parse_mysql_url("mysql://u@[2001:db8::7]:3307/s");
  CHECK(c.host == "2001:db8::7");
  CHECK(c.port == 3307);
  CHECK(c.display() == "mysql://u@[2001:db8::7]:3307/s");
}

TEST_CASE("user, schema and parameter values of a mysql URL are percent-decoded") {
  const ConnectionConfig c = parse_mysql_url(
    "mysql://job%40op%3Aadmin@h/my%2Dmeta%2Fdb?socket=%2Ftmp%2Fmy%20sock&ca=%2Fa%26b%3Dc.pem");
  CHECK(c.user == "job@op:admin"); // an encoded ':' is no password separator
  CHECK(c.schema == "my-meta/db");
  CHECK(c.socket == "/tmp/my sock");
  CHECK(c.ca == "/a&b=c.pem");
  CHECK(parse_mysql_url("mysql://%E7%94%A8%E6%88%B7@h/s").user == "\xE7\x94\xA8\xE6\x88\xB7");
}

TEST_CASE("a mysql config displays as a URL without a password that parses back") {
  ConnectionConfig c = parse_mysql_url("mysql://a%40b@db:3307/s%20x?tls=required&loc=UTC");
  c.password = "s3cret";
  const std::string shown = c.display();
  CHECK(shown == "mysql://a%40b@db:3307/s%20x?tls=required&loc=UTC");
  CHECK(shown.find("s3cret") == std::string::npos);
  const ConnectionConfig back = parse_mysql_url(shown);
  CHECK(back.user == "a@b");
  CHECK(back.schema == "s x");
  CHECK(back.tls == TlsMode::required);
  CHECK(parse_mysql_url("mysql://u@/s?socket=/tmp/m.sock").display() ==
        "mysql://u@localhost/s?socket=%2Ftmp%2Fm.sock");
}

TEST_CASE("a password file is read without its trailing newline and only if private") {
  jobop::test::TempDir dir;
  const std::string path = dir.file("pw");
  const auto write = [&](const std::string& bytes, mode_t mode) {
    dir.write("pw", bytes);
    REQUIRE(::chmod(path.c_str(), mode) == 0);
  };
  write("s3cret\n", 0600);
  CHECK(read_password_file(path) == "s3cret");
  write("s3cret\r\n", 0400);
  CHECK(read_password_file(path) == "s3cret");
  write("two\n\n", 0600);
  CHECK(read_password_file(path) == "two\n");
  write(" spaced \t", 0600);
  CHECK(read_password_file(path) == " spaced \t");
  write("", 0600);
  CHECK(read_password_file(path).empty());
  for (const mode_t mode : {0640, 0604, 0660, 0602, 0644}) {
    write("s3cret\n", mode);
    try {
      (void)read_password_file(path);
      FAIL("accepted mode " << mode);
    } catch (const UsageError& e) {
      CHECK(e.code() == "input.password_file_mode");
      CHECK(std::string(e.what()).find("chmod 600") != std::string::npos);
      CHECK(std::string(e.what()).find("s3cret") == std::string::npos);
    }
  }
  CHECK(error_code_of([&] { (void)read_password_file(dir.file("missing")); }) ==
        "input.unreadable");
  CHECK(error_code_of([&] { (void)read_password_file(dir.file("")); }) == "input.unreadable");
}
