// backoff-sim's tables for a person, on a real pseudo-terminal: every mode
// fits the terminal's width as every other command's table does (columns
// dropped by priority, paragraphs wrapped), -o wide shows every column, and
// COLUMNS is honoured without a terminal.
#include "process.hpp"

#include <jobop/text/display_width.hpp>
#include <jobop/text/utf8.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using jobop::test::plain_text;
using jobop::test::PtyOptions;
using jobop::test::PtySession;
using jobop::test::run_jobop;
using jobop::test::TempDir;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Return `text` without spaces and line ends: what is left when lines are
// wrapped anywhere, a word wider than the terminal cut in two.
std::string squeezed(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c != ' ' && c != '\n') {
      out += c;
    }
  }
  return out;
}

// Return the first line of `lines` that starts (after spaces) with `first`.
std::string line_starting(const std::vector<std::string>& lines, const std::string& first) {
  for (const auto& line : lines) {
    const auto start = line.find_first_not_of(' ');
    if (start != std::string::npos && line.compare(start, first.size(), first) == 0) {
      return line;
    }
  }
  return "";
}

// Return true if `header` is one of the column headers in `line` (two
// spaces or a line end on each side: "min" is not "waited min").
bool has_column(const std::string& line, const std::string& header) {
  const std::string padded = "  " + line + "  ";
  return contains(padded, "  " + header + "  ");
}

// Return the index of the header line of each of `tables` in `lines`, in
// order: the line that starts with a table's first two headers (or -1).
std::vector<long> header_lines(const std::vector<std::string>& lines,
                               const std::vector<std::vector<std::string>>& tables) {
  std::vector<long> found;
  std::size_t from = 0;
  for (const auto& table : tables) {
    long at = -1;
    for (std::size_t i = from; i < lines.size() && at < 0; ++i) {
      const auto start = lines[i].find_first_not_of(' ');
      if (start != std::string::npos &&
          lines[i].compare(start, table[0].size() + 2, table[0] + "  ") == 0 &&
          has_column(lines[i], table[1])) {
        at = static_cast<long>(i);
      }
    }
    found.push_back(at);
    from = at < 0 ? from : static_cast<std::size_t>(at) + 1;
  }
  return found;
}

// One table mode of backoff-sim, with what its tables head.
struct Mode {
  const char* name;
  std::vector<std::string> args;
  // The first header of each table and every header it has.
  std::vector<std::vector<std::string>> tables;
  // Words that must survive any width (notes, warnings, header lines).
  std::vector<std::string> words;
};

std::vector<Mode> modes(const TempDir& dir) {
  // A second policy whose file name is CJK: wrapped by display width.
  const std::string second = dir.file("候选策略-乘数二-更快放弃-候选策略-乘数二-更快放弃.toml");
  std::ofstream(second) << "[job-backoff]\nmultiplier = 2\nmax-try-time = 300\n";
  // The first two headers of each are never dropped.
  const std::vector<std::string> failure = {"uptime", "p50", "terminated",  "p90",
                                            "p99",    "max", "longest wait"};
  const std::vector<std::string> intervals = {"uptime", "p50", "p90", "p99"};
  return {
    {"schedule",
     {"backoff-sim", "-o", "table", "--multiplier", "1.1"},
     {{"retry", "interval", "min", "max", "waited", "waited min", "waited max"}},
     {"policy: initial 5s, x1.1", "rows like the one above", "terminated: at failure 600",
      "interval per retry: "}},
    {"sweep",
     {"backoff-sim", "-o", "table", "--uptime", "0,30s,9m,10m", "--runs", "100", "--seed", "1",
      "--initial-interval", "10m", "--max-interval", "1m"},
     {failure, intervals},
     {"runs: 100 per uptime, seed 1",
      "note: uptime 10m0s: a job that stays up 10m0s between failures is never terminated",
      "warning: uptime 0s: 100 terminated runs are too few for p99 to mean much: its 95 % "
      "interval has no upper bound",
      "warning: --initial-interval: initial-interval 10m0s is above"}},
    {"compare",
     {"backoff-sim", "-o", "table", "--uptime", "0,1m,10m", "--vs", second, "--runs", "400",
      "--seed", "5"},
     {{"uptime", "p50 first", "p50 second", "p50 diff", "p99 first", "p99 second", "p99 diff"}},
     {"second: " + second, "paired: both ran 400 runs with seed 5"}},
    {"solve",
     {"backoff-sim", "-o", "table", "--uptime", "1m", "--solve", "max-try-time", "--give-up-after",
      "6h", "--max-wait", "10m", "--runs", "400", "--seed", "1"},
     {failure, intervals},
     {"solved: max-try-time = ", "[job-backoff]",
      "max-try-time = ", "time to terminate counts from the first failure"}},
  };
}

// Check `screen` (plain lines) of `mode` at `width`: every line fits, the
// words are all there, and each table's header keeps its essential columns.
void check_fits(const Mode& mode, const std::string& text, std::size_t width) {
  CAPTURE(mode.name);
  CAPTURE(width);
  const auto lines = lines_of(text);
  REQUIRE(lines.size() > 5);
  for (const auto& line : lines) {
    CHECK_MESSAGE(jobop::text::display_width(line) <= width, line);
  }
  CHECK(jobop::text::is_valid_utf8(text));
  for (const auto& word : mode.words) {
    CHECK_MESSAGE(contains(squeezed(text), squeezed(word)), word);
  }
}

} // namespace

TEST_SUITE_BEGIN("no_store");

TEST_CASE("every backoff-sim table mode fits 80 columns on a terminal, essentials kept") {
  TempDir dir;
  for (const auto& mode : modes(dir)) {
    PtyOptions options;
    options.columns = 80;
    PtySession pty(mode.args, options);
    const int code = pty.wait();
    CHECK(code == 0);
    const std::string text = plain_text(pty.screen());
    check_fits(mode, text, 80);
    const auto lines = lines_of(text);
    for (const long at : header_lines(lines, mode.tables)) {
      REQUIRE(at >= 0);
      const std::string& header = lines[static_cast<std::size_t>(at)];
      CAPTURE(header);
      // Right-aligned columns: every row of a table is as wide as its header.
      for (auto i = static_cast<std::size_t>(at) + 1;
           i < lines.size() && !lines[i].empty() && lines[i].rfind("...", 0) != 0; ++i) {
        CHECK_MESSAGE(jobop::text::display_width(lines[i]) == jobop::text::display_width(header),
                      lines[i]);
      }
    }
  }
  // What fitting 80 columns costs each table: the lowest priorities.
  const auto all = modes(dir);
  PtyOptions options;
  PtySession schedule(all[0].args, options);
  REQUIRE(schedule.wait() == 0);
  const auto header = line_starting(lines_of(plain_text(schedule.screen())), "retry  ");
  for (const char* kept : {"retry", "interval", "min", "max", "waited"}) {
    CHECK_MESSAGE(has_column(header, kept), kept);
  }
  CHECK_FALSE(has_column(header, "waited min"));
  CHECK_FALSE(has_column(header, "waited max"));
  // The sparkline has fewer blocks to fit rather than wrap.
  const auto spark = line_starting(lines_of(plain_text(schedule.screen())), "interval per retry");
  CHECK(contains(spark, "5s to 5m0s over 599 retries"));
}

TEST_CASE("at 200 columns every backoff-sim table shows every column, and -o wide does at 80") {
  TempDir dir;
  for (const auto& mode : modes(dir)) {
    for (const bool wide : {false, true}) {
      CAPTURE(wide);
      PtyOptions options;
      options.columns = wide ? 80 : 200;
      auto args = mode.args;
      if (wide) {
        args[2] = "wide";
      }
      PtySession pty(args, options);
      CHECK(pty.wait() == 0);
      const std::string text = plain_text(pty.screen());
      if (!wide) {
        check_fits(mode, text, 200);
      }
      const auto lines = lines_of(text);
      const auto headers = header_lines(lines, mode.tables);
      for (std::size_t t = 0; t < mode.tables.size(); ++t) {
        REQUIRE(headers[t] >= 0);
        const std::string& header = lines[static_cast<std::size_t>(headers[t])];
        CAPTURE(header);
        for (const auto& column : mode.tables[t]) {
          CHECK_MESSAGE(has_column(header, column), column);
        }
      }
    }
  }
}

TEST_CASE("without a terminal backoff-sim tables fit COLUMNS, else 80, as status's do") {
  TempDir dir;
  for (const auto& mode : modes(dir)) {
    const auto narrow = run_jobop(mode.args, "", {"COLUMNS=60"});
    CHECK(narrow.exit_code == 0);
    auto words = mode;
    // No terminal: no sparkline.
    std::erase(words.words, std::string("interval per retry: "));
    check_fits(words, narrow.out, 60);
    CHECK_FALSE(contains(narrow.out, "interval per retry"));
    const auto plain = run_jobop(mode.args, "", {"COLUMNS="});
    CHECK(plain.exit_code == 0);
    check_fits(words, plain.out, 80);
  }
  // At 60 the schedule keeps its essentials only... and the max bound.
  const auto schedule = run_jobop({"backoff-sim", "-o", "table"}, "", {"COLUMNS=60"});
  const auto header = line_starting(lines_of(schedule.out), "retry  ");
  for (const char* kept : {"retry", "interval", "waited"}) {
    CHECK_MESSAGE(has_column(header, kept), kept);
  }
  CHECK_FALSE(has_column(header, "waited min"));
  CHECK_FALSE(has_column(header, "min"));
}

TEST_CASE("--no-headers prints the rows only; the warnings go to stderr as with JSON") {
  const auto r = run_jobop(
    {"backoff-sim", "-o", "table", "--no-headers", "--max-try-time", "3", "--multiplier", "0.9"});
  REQUIRE(r.exit_code == 0);
  const auto lines = lines_of(r.out);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].rfind("1  ", 0) == 0);
  CHECK(lines[1].rfind("2  ", 0) == 0);
  CHECK(nlohmann::json::parse(r.err).at("code") == "config.degenerate");
  const auto model = run_jobop({"backoff-sim", "-o", "table", "--no-headers", "--uptime", "0,1m",
                                "--runs", "50", "--seed", "1"});
  REQUIRE(model.exit_code == 0);
  CHECK(line_starting(lines_of(model.out), "0s  ").find("50/50") != std::string::npos);
  CHECK_FALSE(contains(model.out, "policy:"));
  CHECK_FALSE(contains(model.out, "warning"));
  CHECK(contains(model.err, "simulate.too_few_runs"));
}

TEST_SUITE_END();

TEST_CASE("--sort-by sorts backoff-sim's tables; a bad field or a JSON output is exit 2") {
  TempDir dir;
  // A second policy that gives up sooner at some uptimes, later at others.
  const std::string second = dir.file("second.toml");
  std::ofstream(second) << "[job-backoff]\nmax-try-time = 200\n";
  const auto sorted = run_jobop({"backoff-sim", "--uptime", "0,1m,9m", "--runs", "200", "--seed",
                                 "1", "--vs", second, "-o", "table", "--sort-by", "p50_diff"},
                                "", {"COLUMNS=200"});
  REQUIRE_MESSAGE(sorted.exit_code == 0, sorted.err);
  // Every diff is negative (200 failures end sooner than 600), largest cut first.
  const auto at = [&](const char* uptime) { return sorted.out.find(uptime); };
  CHECK(at("\n  9m0s ") < at("\n  1m0s "));
  CHECK(at("\n  1m0s ") < at("\n    0s "));

  const auto json = run_jobop({"backoff-sim", "--uptime", "1m", "--sort-by", "p50"});
  CHECK(json.exit_code == 2);
  CHECK(contains(json.err, "input.sort_without_table"));
  const auto bad = run_jobop({"backoff-sim", "--uptime", "1m", "-o", "table", "--sort-by", "nope"});
  CHECK(bad.exit_code == 2);
  CHECK(contains(bad.err, "input.bad_sort_field"));
  CHECK(contains(bad.err, "uptime, terminated, p50"));
  CHECK(bad.out.empty());
}
