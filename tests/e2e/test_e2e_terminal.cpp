// What a person at a terminal sees, on a real pseudo-terminal: readable
// diagnostics, tables fitted to the width, progress and live lines, and the
// confirmation prompt. Scripts (pipes, no terminal) must see none of it.
#include "metastore_fixture.hpp"

#include <jobop/text/display_width.hpp>
#include <jobop/text/utf8.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

using jobop::test::plain_text;
using jobop::test::PtyOptions;
using jobop::test::PtySession;
using jobop::test::run_jobop;
using jobop::test::TestMetastore;

namespace {

// Start jobop with `args` on a pty against `store`'s metastore.
std::unique_ptr<PtySession> on_pty(const TestMetastore& store, const std::vector<std::string>& args,
                                   PtyOptions options = {}) {
  std::vector<std::string> all{"--db", store.db()};
  all.insert(all.end(), args.begin(), args.end());
  options.env.insert(options.env.end(), store.env().begin(), store.env().end());
  return std::make_unique<PtySession>(all, options);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
  }
  return lines;
}

// Return the display column where `needle` starts in `line`, or -1.
long column_of(const std::string& line, const std::string& needle) {
  const auto at = line.find(needle);
  if (at == std::string::npos) {
    return -1;
  }
  return static_cast<long>(jobop::text::display_width(line.substr(0, at)));
}

// Jobs with ids of CJK characters and emoji beside plain ones.
void put_cjk_jobs(const TestMetastore& store) {
  store.put("支付-订单-同步", "cdc", "running", {"--project", "支付"});
  store.put("payments-cdc-orders", "cdc", "failed",
            {"--error", "worker panic: runtime error: index out of range [3] with length 3 "
                        "in goroutine 17 while applying the binlog of 数据库"});
  store.put("rocket-\U0001F680-etl", "fake-job", "running");
  store.json({"cancel", "支付-订单-同步"});
}

} // namespace

TEST_SUITE_BEGIN("no_store");

TEST_CASE("a diagnostic is one readable line on a terminal and a JSON line in a pipe") {
  PtyOptions options;
  PtySession pty({"--db", "/nonexistent/jobop.db", "status"}, options);
  CHECK(pty.wait() == 5);
  const auto screen = plain_text(pty.screen());
  CHECK(screen.find("error: ") == 0);
  CHECK(screen.find("[store.missing") != std::string::npos);
  CHECK(screen.find('{') == std::string::npos);
  // Every detail stays, even one the message already names.
  CHECK(screen.find("path=/nonexistent/jobop.db") != std::string::npos);

  const auto piped = run_jobop({"--db", "/nonexistent/jobop.db", "status"});
  CHECK(piped.exit_code == 5);
  CHECK(nlohmann::json::parse(piped.err).at("code") == "store.missing");
}

TEST_CASE("--log-format forces JSON on a terminal and text in a pipe") {
  PtySession pty({"--log-format", "json", "--db", "/nonexistent/jobop.db", "status"}, {});
  CHECK(pty.wait() == 5);
  CHECK(nlohmann::json::parse(plain_text(pty.screen())).at("code") == "store.missing");

  const auto piped = run_jobop({"--db", "/nonexistent/jobop.db", "status", "--log-format", "text"});
  CHECK(piped.exit_code == 5);
  CHECK(piped.err.rfind("error: ", 0) == 0);
  CHECK(piped.err.find('\033') == std::string::npos); // no colour outside a terminal
}

TEST_CASE("text diagnostics are coloured on a terminal, never with NO_COLOR or TERM=dumb") {
  const std::vector<std::string> args{"--db", "/nonexistent/jobop.db", "status"};
  PtySession coloured(args, {});
  coloured.wait();
  CHECK(coloured.screen().find("\033[1;31merror") != std::string::npos);
  for (const char* env : {"NO_COLOR=1", "TERM=dumb"}) {
    PtyOptions options;
    options.env = {env};
    PtySession plain(args, options);
    plain.wait();
    CHECK(plain.screen().find('\033') == std::string::npos);
    CHECK(plain.screen().find("error: ") == 0);
  }
  PtyOptions never;
  PtySession no_colour({"--color", "never", "--db", "/nonexistent/jobop.db", "status"}, never);
  no_colour.wait();
  CHECK(no_colour.screen().find('\033') == std::string::npos);
}

TEST_CASE("a failure model of many runs shows done/total, rate and ETA on a terminal only") {
  const std::vector<std::string> args{"backoff-sim",    "--uptime", "0",      "--runs", "3000",
                                      "--max-try-time", "200",      "--seed", "1"};
  PtyOptions options;
  options.stdout_on_pty = false;
  PtySession pty(args, options);
  CHECK(pty.wait() == 0);
  const auto screen = plain_text(pty.screen());
  CHECK(screen.find("failure model runs  0/3000") != std::string::npos);
  CHECK(screen.find("3000/3000  100%") != std::string::npos);
  CHECK(screen.find("/s") != std::string::npos);
  CHECK(screen.find("ETA") != std::string::npos);
  // The result on stdout is the same as without a terminal.
  const auto piped = run_jobop(args);
  REQUIRE(piped.exit_code == 0);
  CHECK(piped.err.empty());
  CHECK(nlohmann::json::parse(pty.out()) == nlohmann::json::parse(piped.out));

  std::vector<std::string> quiet = args;
  quiet.insert(quiet.begin(), "--quiet");
  PtySession silent(quiet, options);
  CHECK(silent.wait() == 0);
  CHECK(silent.screen().empty());
}

TEST_SUITE_END();

TEST_CASE("status -o table fits 80 columns with CJK and emoji ids, aligned by display width") {
  TestMetastore store(true);
  put_cjk_jobs(store);
  PtyOptions options;
  options.columns = 80;
  auto pty = on_pty(store, {"status", "-o", "table", "--color", "never"}, options);
  REQUIRE(pty->wait() == 0);
  const auto lines = lines_of(plain_text(pty->screen()));
  REQUIRE(lines.size() > 10);
  const long state_column = column_of(lines[0], "STATE");
  REQUIRE(state_column > 0);
  bool saw_cjk = false;
  bool saw_emoji = false;
  for (const auto& line : lines) {
    CHECK_MESSAGE(jobop::text::display_width(line) <= 80, line);
    saw_cjk = saw_cjk || line.find("支付-订单-同步") == 0;
    saw_emoji = saw_emoji || line.find("rocket-\U0001F680-etl") == 0;
    // The STATE column starts where its header does on every row.
    const auto rest = line.find_first_not_of(' ', line.find(' '));
    CHECK_MESSAGE(
      static_cast<long>(jobop::text::display_width(line.substr(0, rest))) == state_column, line);
  }
  CHECK(saw_cjk);
  CHECK(saw_emoji);
  // Low-priority columns went first; the id, state and error stayed.
  CHECK(lines[0].find("ERROR") != std::string::npos);
  CHECK(lines[0].find("ADDRESS") == std::string::npos);
  CHECK(lines[0].find("ORPHAN") == std::string::npos);
  // The long error was cut, with an ellipsis, never mid-character.
  CHECK(pty->screen().find("\u2026") != std::string::npos);
  CHECK(jobop::text::is_valid_utf8(pty->screen()));
  // The canceling job shows for how long.
  for (const auto& line : lines) {
    if (line.find("支付-订单-同步") == 0) {
      CHECK(line.find("canceling") != std::string::npos);
      CHECK(line.find("s  ") != std::string::npos); // its age in the CANCELING column
    }
  }
}

TEST_CASE("status -o table at 200 columns shows every column, and -o wide does at 80") {
  TestMetastore store(true);
  put_cjk_jobs(store);
  PtyOptions wide_terminal;
  wide_terminal.columns = 200;
  auto at_200 = on_pty(store, {"status", "-o", "table", "--color", "never"}, wide_terminal);
  REQUIRE(at_200->wait() == 0);
  const auto lines = lines_of(plain_text(at_200->screen()));
  for (const char* header : {"ID", "STATE", "OP", "CANCELING", "SENDS", "STUCK", "PROJECT", "TYPE",
                             "NODE", "ADDRESS", "EPOCH", "AGE", "UPDATED", "ORPHAN", "ERROR"}) {
    CHECK_MESSAGE(lines[0].find(header) != std::string::npos, header);
  }
  const long project = column_of(lines[0], "PROJECT");
  for (const auto& line : lines) {
    CHECK(jobop::text::display_width(line) <= 200);
    if (line.find("支付-订单-同步") == 0) {
      CHECK(column_of(line, "支付 ") == project); // the CJK project, aligned too
    }
  }

  PtyOptions narrow;
  auto wide = on_pty(store, {"status", "-o", "wide", "--color", "never"}, narrow);
  REQUIRE(wide->wait() == 0);
  CHECK(lines_of(plain_text(wide->screen()))[0].find("ADDRESS") != std::string::npos);
}

TEST_CASE("tables take --no-headers and --sort-by; an unknown field is a clear usage error") {
  TestMetastore store;
  store.put("b", "cdc", "running");
  store.put("a", "cdc", "failed");
  store.put("c", "cdc", "created");
  const auto sorted = store.run({"status", "-o", "table", "--no-headers", "--sort-by", "id"});
  REQUIRE(sorted.exit_code == 0);
  const auto lines = lines_of(sorted.out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].rfind("a ", 0) == 0);
  CHECK(lines[2].rfind("c ", 0) == 0);
  // --sort-by orders JSON too.
  const auto by_state = store.json({"status", "--sort-by", "state"});
  CHECK(by_state.at("jobs").at(0).at("id") == "c");
  const auto bad = store.run({"status", "-o", "table", "--sort-by", "colour"});
  CHECK(bad.exit_code == 2);
  const auto diagnostic = nlohmann::json::parse(bad.err);
  CHECK(diagnostic.at("code") == "input.bad_sort_field");
  CHECK(diagnostic.at("message").get<std::string>().find("`colour`") != std::string::npos);
  CHECK(bad.out.empty());
}

TEST_CASE("a dry run says DRY RUN in the table, as JSON says dry_run") {
  TestMetastore store;
  store.put("a", "cdc", "running");
  const auto table = store.run({"cancel", "--dry-run", "a", "-o", "table"});
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.rfind("DRY RUN", 0) == 0);
  const auto tick = store.run({"tick", "--dry-run", "-o", "table"});
  CHECK(tick.out.rfind("DRY RUN", 0) == 0);
  const auto headless = store.run({"cancel", "--dry-run", "a", "-o", "table", "--no-headers"});
  CHECK(headless.out.find("DRY RUN") == std::string::npos);
  CHECK(headless.err.find("DRY RUN") != std::string::npos);
  CHECK(store.status_of("a").at("state") == "running");
}

TEST_CASE("a bulk cancel shows progress on the terminal while its JSON goes to a file") {
  TestMetastore store;
  std::string ids;
  for (int i = 0; i < 50; ++i) {
    store.put("bulk-" + std::to_string(i), "cdc", "running");
    ids += "bulk-" + std::to_string(i) + "\n";
  }
  PtyOptions options;
  options.stdin_on_pty = false;
  options.input = ids;
  options.stdout_on_pty = false;
  auto pty = on_pty(store, {"cancel", "-", "--yes"}, options);
  CHECK(pty->wait() == 0);
  const auto screen = plain_text(pty->screen());
  CHECK(screen.find("cancel  0/50") != std::string::npos);
  CHECK(screen.find("cancel  50/50  100%") != std::string::npos);
  const auto document = nlohmann::json::parse(pty->out());
  CHECK(document.at("jobs").size() == 50);
  CHECK(pty->out().find('\033') == std::string::npos);
}

TEST_CASE("cancel --wait keeps a live line per pending job on the terminal; stdout stays JSON") {
  TestMetastore store;
  store.put("orders", "cdc", "running");
  store.put("ledger", "dm", "running");
  PtyOptions options;
  options.stdout_on_pty = false;
  auto pty = on_pty(store,
                    {"cancel", "orders", "ledger", "--wait=1500ms", "--interval", "300ms",
                     "--stuck-after", "600ms"},
                    options);
  CHECK(pty->wait() == 6);
  const auto screen = plain_text(pty->screen());
  CHECK(screen.find("waiting for 2 of 2 job(s) to stop") != std::string::npos);
  CHECK(screen.find("  orders  canceling for 0s  cancel sent once") != std::string::npos);
  CHECK(screen.find("  ledger  canceling for") != std::string::npos);
  CHECK(screen.find("cancel sent 3 times") != std::string::npos);
  CHECK(screen.find("STUCK") != std::string::npos);
  // The block is erased in place (cursor up, erase line) before the end.
  CHECK(pty->screen().find("\033[1A\033[2K") != std::string::npos);
  CHECK(screen.find("[cancel.wait_timeout") != std::string::npos);
  const auto document = nlohmann::json::parse(pty->out());
  CHECK(document.at("wait").at("done") == false);
  CHECK(document.at("wait").at("pending").size() == 2);
}

TEST_CASE("tick --watch keeps a live block capped to the terminal's height") {
  TestMetastore store;
  for (int i = 0; i < 30; ++i) {
    store.put("watch-" + std::to_string(i), "cdc", "running");
    store.json({"cancel", "watch-" + std::to_string(i)});
  }
  PtyOptions options;
  options.stdout_on_pty = false;
  options.rows = 8;
  auto pty =
    on_pty(store, {"tick", "--watch", "--interval", "300ms", "--timeout", "700ms"}, options);
  CHECK(pty->wait() == 6);
  const auto screen = plain_text(pty->screen());
  CHECK(screen.find("tick 1: 30 job(s) still canceling") != std::string::npos);
  // 8 rows: the block keeps 7 lines (a header, 5 jobs and one that counts
  // the other 25).
  CHECK(screen.find("\u2026 and 25 more") != std::string::npos);
  const auto ticks = jobop::test::json_lines(pty->out());
  CHECK(ticks.size() >= 2);
  CHECK(ticks.at(0).at("tick") == 1);
}

TEST_CASE("cancel --force asks on a terminal: n changes nothing, y forces") {
  TestMetastore store;
  store.put("stuck", "cdc", "running");
  const auto before = store.snapshot();
  {
    auto pty = on_pty(store, {"cancel", "--force", "--reason", "INC-1", "stuck"});
    REQUIRE(pty->wait_for("[y/N] "));
    CHECK(plain_text(pty->screen()).find("  stuck  running -> canceled (FORCED") !=
          std::string::npos);
    pty->type("n\n");
    CHECK(pty->wait() == 2);
    CHECK(plain_text(pty->screen()).find("[cancel.declined") != std::string::npos);
  }
  CHECK(store.snapshot() == before);
  {
    auto pty = on_pty(store, {"cancel", "--force", "--reason", "INC-1", "stuck"});
    REQUIRE(pty->wait_for("[y/N] "));
    pty->type("y\n");
    CHECK(pty->wait() == 0);
  }
  CHECK(store.status_of("stuck").at("state") == "canceled");
}

TEST_CASE("a cancel of more than 20 ids from stdin reads the answer from the terminal") {
  TestMetastore store;
  std::string ids;
  for (int i = 0; i < 21; ++i) {
    store.put("many-" + std::to_string(i), "cdc", "running");
    ids += "many-" + std::to_string(i) + "\n";
  }
  PtyOptions options;
  options.stdin_on_pty = false;
  options.input = ids;
  options.stdout_on_pty = false;
  auto pty = on_pty(store, {"cancel", "-"}, options);
  REQUIRE(pty->wait_for("Cancel 21 job(s)? [y/N] "));
  pty->type("y\n");
  CHECK(pty->wait() == 0);
  CHECK(nlohmann::json::parse(pty->out()).at("counts").at("changed") == 21);
  CHECK(store.status_of("many-20").at("state") == "canceling");
}

TEST_CASE("--yes skips the question, and without a terminal nothing is ever asked") {
  TestMetastore store;
  store.put("a", "cdc", "running");
  store.put("b", "cdc", "running");
  auto pty = on_pty(store, {"cancel", "--force", "--reason", "r", "--yes", "a"});
  CHECK(pty->wait() == 0);
  CHECK(pty->screen().find("[y/N]") == std::string::npos);
  // A pipe on every stream: a script.
  const auto piped = store.run({"cancel", "--force", "--reason", "r", "b"});
  CHECK(piped.exit_code == 0);
  CHECK(piped.err.find("[y/N]") == std::string::npos);
  CHECK(store.status_of("b").at("state") == "canceled");
}
