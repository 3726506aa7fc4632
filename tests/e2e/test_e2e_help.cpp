#include "metastore_fixture.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sstream>

using jobop::test::run_jobop;
using jobop::test::TestMetastore;

namespace {

// The subcommands `jobop --help` lists, as "job" or "job put": read from the
// help itself, so a new command is covered without an edit here.
std::vector<std::vector<std::string>> listed_commands(const std::vector<std::string>& parent = {}) {
  auto args = parent;
  args.emplace_back("--help");
  const auto r = run_jobop(args);
  REQUIRE(r.exit_code == 0);
  std::vector<std::vector<std::string>> commands;
  std::istringstream lines(r.out.substr(std::min(r.out.find("Subcommands:"), r.out.size())));
  std::string line;
  std::getline(lines, line); // the heading
  while (std::getline(lines, line) && line.rfind("  ", 0) == 0) {
    std::istringstream words(line);
    std::string name;
    words >> name;
    auto command = parent;
    command.push_back(name);
    commands.push_back(command);
    for (const auto& sub : listed_commands(command)) {
      commands.push_back(sub);
    }
  }
  return commands;
}

nlohmann::json diagnostic(const std::string& err) {
  return nlohmann::json::parse(err.substr(0, err.find('\n')));
}

} // namespace

TEST_SUITE_BEGIN("no_store");

TEST_CASE("a bare jobop prints the help on stdout and exits 0") {
  const auto r = run_jobop({});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.find("Usage: jobop") != std::string::npos);
  CHECK(r.out.find("cancel") != std::string::npos);
  CHECK(r.out.find("completion") != std::string::npos);
  CHECK(r.out == run_jobop({"help"}).out);
  CHECK(r.out == run_jobop({"--help"}).out);
}

TEST_CASE("jobop help CMD prints what CMD --help prints, nested commands too") {
  const std::vector<std::vector<std::string>> commands = {
    {"cancel"}, {"job", "put"}, {"completion"}};
  for (const auto& command : commands) {
    auto help_args = command;
    help_args.insert(help_args.begin(), "help");
    auto flag_args = command;
    flag_args.emplace_back("--help");
    const auto by_command = run_jobop(help_args);
    const auto by_flag = run_jobop(flag_args);
    CHECK(by_command.exit_code == 0);
    CHECK(by_flag.exit_code == 0);
    CHECK(by_command.out == by_flag.out);
  }
  const auto put = run_jobop({"help", "job", "put"});
  CHECK(put.out.find("Usage: jobop job put") != std::string::npos);
  CHECK(put.out.find("--type") != std::string::npos);
}

TEST_CASE("every command's help names the global --db and --engine-config") {
  const auto commands = listed_commands();
  REQUIRE(commands.size() >= 10); // init, job (put, set-state, delete), cancel, status, ...
  for (const auto& command : commands) {
    auto args = command;
    args.insert(args.begin(), "help");
    const auto r = run_jobop(args);
    INFO("jobop help ", args.back());
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Global options") != std::string::npos);
    CHECK(r.out.find("--db") != std::string::npos);
    CHECK(r.out.find("--engine-config") != std::string::npos);
  }
}

TEST_CASE("a mistyped subcommand gets the nearest one, exit 2") {
  struct Case {
    std::vector<std::string> args;
    std::string argument;
    std::string suggestion;
  };
  const std::vector<Case> cases = {
    {{"stauts"}, "stauts", "status"},      // two letters swapped
    {{"cancle", "a"}, "cancle", "cancel"}, // swapped, with an argument after
    {{"canc"}, "canc", "cancel"},          // a beginning
    {{"job", "pt", "x"}, "pt", "put"},     // a nested one
    {{"job", "set-stat"}, "set-stat", "set-state"},
    {{"help", "stauts"}, "stauts", "status"}, // help of a mistyped command
    {{"completoin", "bash"}, "completoin", "completion"},
  };
  for (const auto& c : cases) {
    const auto r = run_jobop(c.args);
    INFO(c.args.front(), " ", c.argument, ": ", r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    const auto line = diagnostic(r.err);
    CHECK(line.at("code") == "usage");
    CHECK(line.at("argument") == c.argument);
    CHECK(line.at("suggestion") == c.suggestion);
    CHECK(line.at("message").get<std::string>().find("did you mean `" + c.suggestion + "`") !=
          std::string::npos);
  }
}

TEST_CASE("a mistyped flag gets the nearest flag of its command or a global one, exit 2") {
  struct Case {
    std::vector<std::string> args;
    std::string suggestion;
  };
  const std::vector<Case> cases = {
    {{"status", "--stat", "running"}, "--state"},
    {{"cancel", "--wiat", "1m", "a"}, "--wait"},
    {{"cancel", "--dry-rn", "a"}, "--dry-run"},
    {{"tick", "--routr", "none"}, "--router"},
    {{"tick", "--routr=none"}, "--router"},
    {{"status", "--dbb", "x.db"}, "--db"}, // a global flag after the command
    {{"--engine-conf", "x.toml", "status"}, "--engine-config"},
    {{"job", "put", "x", "--typ", "CDC", "--state", "running"}, "--type"},
  };
  for (const auto& c : cases) {
    const auto r = run_jobop(c.args);
    INFO(c.args.front(), " ", c.args.at(1), ": ", r.err);
    CHECK(r.exit_code == 2);
    const auto line = diagnostic(r.err);
    CHECK(line.at("code") == "usage");
    CHECK(line.at("suggestion") == c.suggestion);
  }
}

TEST_CASE("a word near nothing gets no suggestion, only the parser's message") {
  const auto r = run_jobop({"frobnicate"});
  CHECK(r.exit_code == 2);
  const auto line = diagnostic(r.err);
  CHECK_FALSE(line.contains("suggestion"));
  CHECK(line.at("message").get<std::string>().find("frobnicate") != std::string::npos);
  const auto help = run_jobop({"help", "frobnicate"});
  CHECK(help.exit_code == 2);
  CHECK(diagnostic(help.err).at("message").get<std::string>().find("jobop help") !=
        std::string::npos);
}

TEST_CASE("help --man prints the manual page with every command") {
  const auto r = run_jobop({"help", "--man"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find(".TH JOBOP 1") != std::string::npos);
  for (const auto& command : listed_commands()) {
    std::string path = "jobop";
    for (const auto& word : command) {
      path += " " + word;
    }
    INFO(path);
    // Commands with subcommands of their own are listed by their children.
    if (command.size() == 1 && (command[0] == "job")) {
      continue;
    }
    CHECK(r.out.find(".SS \"" + path) != std::string::npos);
  }
}

TEST_CASE("completion refuses a shell it has no script for, with the nearest one") {
  const auto r = run_jobop({"completion", "bsh"});
  CHECK(r.exit_code == 2);
  CHECK(diagnostic(r.err).at("message").get<std::string>().find("bash") != std::string::npos);
}

TEST_SUITE_END();

TEST_CASE("__job-ids lists the metastore's job ids that begin with a prefix") {
  TestMetastore store(true);
  const auto all = store.run({"__job-ids"});
  REQUIRE_MESSAGE(all.exit_code == 0, all.err);
  CHECK(all.out.find("payments-cdc-orders\n") != std::string::npos);
  const auto some = store.run({"__job-ids", "payments-"});
  CHECK(some.exit_code == 0);
  std::istringstream lines(some.out);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    CHECK(line.rfind("payments-", 0) == 0);
    ++count;
  }
  CHECK(count >= 1);
}
