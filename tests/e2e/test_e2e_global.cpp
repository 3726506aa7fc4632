#include "process.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using jobop::test::run_jobop;

// No metastore here: the e2e_mysql run leaves these out.
TEST_SUITE_BEGIN("no_store");

TEST_CASE("--version prints the version as plain text and exits 0") {
  const auto r = run_jobop({"--version"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("jobop ") == 0);
  // The commit, the build type and both backends' client libraries.
  CHECK(r.out.find("(commit ") != std::string::npos);
  CHECK(r.out.find("\ncommit: ") != std::string::npos);
  CHECK(r.out.find("\nbuild type: ") != std::string::npos);
  CHECK(r.out.find("\nSQLite: 3.") != std::string::npos);
  CHECK(r.out.find("\nMySQL client: MariaDB Connector/C 3.") != std::string::npos);
}

TEST_CASE("--help lists the exit codes and exits 0") {
  const auto r = run_jobop({"--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Exit codes") != std::string::npos);
}

TEST_CASE("an unknown flag is a usage error reported as one JSON line on stderr") {
  const auto r = run_jobop({"--no-such-flag"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  const auto line = nlohmann::json::parse(r.err);
  CHECK(line.at("level") == "error");
  CHECK(line.at("code") == "usage");
  CHECK(line.at("message").get<std::string>().find("no-such-flag") != std::string::npos);
}

// A bare `jobop` prints the help and exits 0 (test_e2e_help.cpp).

TEST_SUITE_END();
