#include <jobop/core/exceptions.hpp>
#include <jobop/store/mysql/errors.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace jobop::store::mysql;
using jobop::core::StoreError;

TEST_CASE("mysql error numbers map to the store error codes") {
  const std::pair<unsigned, const char*> cases[] = {
    {2002, "store.unreachable"}, {2003, "store.unreachable"}, {2005, "store.unreachable"},
    {1040, "store.unreachable"}, {1045, "store.auth"},        {1044, "store.auth"},
    {1698, "store.auth"},        {1130, "store.auth"},        {1142, "store.auth"},
    {1049, "store.missing"},     {2026, "store.lost"},        {2006, "store.lost"},
    {2013, "store.lost"},        {2055, "store.lost"},        {1927, "store.lost"},
    {1053, "store.lost"},        {1205, "store.locked"},      {1213, "store.locked"},
    {9007, "store.locked"},      {1290, "store.read_only"},   {1792, "store.read_only"},
    {1836, "store.read_only"},   {1114, "store.disk_full"},   {1021, "store.disk_full"},
    {1062, "store.error"},       {1064, "store.error"},       {1146, "store.error"},
    {2014, "store.error"},
  };
  for (const auto& [number, code] : cases) {
    CAPTURE(number);
    CHECK(classify_error(number, "execute") == code);
  }
  // A server that drops the handshake is as good as unreachable.
  CHECK(classify_error(2013, "connect") == "store.unreachable");
  CHECK(classify_error(2006, "connect") == "store.unreachable");
  // A TLS error once connected is a session the server closed.
  CHECK(classify_error(2026, "connect") == "store.tls");
  CHECK(classify_error(2026, "execute SELECT 1") == "store.lost");
}

TEST_CASE("mysql deadlocks, lock wait timeouts and write conflicts are retryable") {
  CHECK(is_retryable(1213u));
  CHECK(is_retryable(1205u));
  CHECK(is_retryable(9007u));
  CHECK_FALSE(is_retryable(1062u));
  CHECK_FALSE(is_retryable(2013u));
  const StoreError deadlock("store.locked", "m", {{"mysql_errno", 1213}});
  CHECK(is_retryable(deadlock));
  CHECK_FALSE(is_retryable(StoreError("store.locked", "m")));
  CHECK_FALSE(is_retryable(StoreError("store.lost", "m", {{"mysql_errno", 2013}})));
}

TEST_CASE("a mysql error names the server, the failure, the action and the server's words") {
  try {
    throw_mysql_error(1045, "28000", "Access denied for user 'u'@'h' (using password: YES)",
                      "mysql://u@db:3306/meta", "connect");
    FAIL("no throw");
  } catch (const StoreError& e) {
    CHECK(e.code() == "store.auth");
    CHECK(jobop::core::to_int(e.exit_code()) == 5);
    CHECK(std::string(e.what()) ==
          "metastore mysql://u@db:3306/meta refuses the user (check the user, the password and "
          "its grants) (connect: error 1045 (28000): Access denied for user 'u'@'h' (using "
          "password: YES))");
    CHECK(e.details() == nlohmann::json{{"server", "mysql://u@db:3306/meta"},
                                        {"action", "connect"},
                                        {"mysql_errno", 1045},
                                        {"sqlstate", "28000"},
                                        {"mysql_error", "Access denied for user 'u'@'h' (using "
                                                        "password: YES)"}});
  }
}

TEST_CASE("a mysql connection lost during COMMIT says the outcome is unknown") {
  try {
    throw_mysql_error(2013, "HY000", "Lost connection", "mysql://u@db:3306/meta", "execute COMMIT");
    FAIL("no throw");
  } catch (const StoreError& e) {
    CHECK(e.code() == "store.lost");
    CHECK(std::string(e.what()).find("may or may not have been committed") != std::string::npos);
  }
  try {
    throw_mysql_error(2006, "HY000", "gone away", "mysql://u@db:3306/meta", "execute UPDATE t");
    FAIL("no throw");
  } catch (const StoreError& e) {
    CHECK(e.code() == "store.lost");
    CHECK(std::string(e.what()).find("rolls back an open transaction") != std::string::npos);
  }
}
