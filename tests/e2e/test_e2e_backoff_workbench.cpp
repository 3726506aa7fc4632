// backoff-sim as a workbench: sweep, precision, lint, compare, solve,
// pictures, and the fixes found in the same trial (issue 10).
#include "process.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using jobop::test::jobop_binary;
using jobop::test::read_file;
using jobop::test::run_jobop;
using jobop::test::run_process;
using jobop::test::TempDir;
using nlohmann::json;

namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::vector<json> json_lines(const std::string& text) {
  std::vector<json> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(json::parse(line));
  }
  return lines;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Return `text` with the lines a table wraps to its width joined again.
std::string unwrapped(const std::string& text) {
  std::string out;
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (text[at] == '\n' && at + 1 < text.size() && text[at + 1] == ' ') {
      out += ' ';
      at = text.find_first_not_of(' ', at + 1) - 1;
    } else {
      out += text[at];
    }
  }
  return out;
}

// Return true if a line of `table` has `cell` as its first cell.
bool has_row(const std::string& table, const std::string& cell) {
  std::istringstream in(table);
  for (std::string line; std::getline(in, line);) {
    const auto start = line.find_first_not_of(' ');
    if (start != std::string::npos && line.compare(start, cell.size() + 1, cell + " ") == 0) {
      return true;
    }
  }
  return false;
}

} // namespace

TEST_SUITE_BEGIN("no_store");

TEST_CASE("--uptime takes a list and gives one result and one table row per uptime") {
  const auto r = run_jobop({"backoff-sim", "--uptime", "0,30s,1m,9m", "--runs", "400", "--seed",
                            "1", "--max-try-time", "50"});
  REQUIRE(r.exit_code == 0);
  const auto doc = json::parse(r.out);
  REQUIRE(doc.at("results").size() == 4);
  CHECK(doc.at("results").at(1).at("uptime") == "30s");
  CHECK(doc.at("results").at(3).at("uptime_ns") == 540'000'000'000);
  const auto table = run_jobop({"backoff-sim", "--uptime", "0,30s,1m,9m", "--runs", "400", "--seed",
                                "1", "--max-try-time", "50", "-o", "table"});
  REQUIRE(table.exit_code == 0);
  for (const char* uptime : {"0s", "30s", "1m0s", "9m0s"}) {
    CHECK(has_row(table.out, uptime));
  }
  CHECK(contains(table.out, "counts from the first failure"));
}

TEST_CASE("every percentile carries its 95 % interval, and too few runs are a warning") {
  const auto r = run_jobop({"backoff-sim", "--uptime", "0", "--runs", "100", "--seed", "1"});
  REQUIRE(r.exit_code == 0);
  const auto doc = json::parse(r.out);
  const auto& t = doc.at("time_to_terminate");
  CHECK(t.at("from") == "first failure");
  CHECK(t.at("p50_ci95_ns").at(0) <= t.at("p50_ns"));
  CHECK(t.at("p50_ci95_ns").at(1) >= t.at("p50_ns"));
  CHECK(t.at("p99_ci95_ns").at(1).is_null()); // 100 runs cannot bound p99 from above
  CHECK(doc.at("longest_wait_ns") <= 450'000'000'000);
  CHECK(doc.at("longest_wait_ns") > 300'000'000'000);
  bool warned = false;
  for (const auto& w : doc.at("warnings")) {
    warned = warned || (w.at("code") == "simulate.too_few_runs" &&
                        contains(w.at("message").get<std::string>(), "p99 needs at least 368"));
  }
  CHECK(warned);
  CHECK(contains(r.err, "simulate.too_few_runs"));
  const auto table =
    run_jobop({"backoff-sim", "--uptime", "0", "--runs", "100", "--seed", "1", "-o", "table"});
  CHECK(
    contains(unwrapped(table.out), "warning: uptime 0s: 100 terminated runs are too few for p99"));
  CHECK(contains(table.out, "95 % confidence intervals"));
}

TEST_CASE("the table keeps every note: runs cut by the horizon, and none at all") {
  const auto r = run_jobop({"backoff-sim", "--uptime", "0", "--runs", "2000", "--seed", "1",
                            "--horizon", "48h30m", "-o", "table"});
  REQUIRE(r.exit_code == 0);
  // Wrapped to the width (80 without a terminal), every word still there.
  CHECK(contains(unwrapped(r.out), "runs did not terminate within the horizon (48h30m0s)"));
  CHECK(contains(unwrapped(r.out), "the percentiles cover only the"));
  const auto none = run_jobop({"backoff-sim", "--uptime", "0", "--runs", "20", "--seed", "1",
                               "--horizon", "1h", "-o", "table"});
  REQUIRE(none.exit_code == 0);
  CHECK(contains(unwrapped(none.out),
                 "20 of 20 runs did not terminate within the horizon (1h0m0s); no run "
                 "terminated"));
}

TEST_CASE("an initial-interval above max-interval: honest rows, cap on retry 2, a warning") {
  const auto r =
    run_jobop({"backoff-sim", "-o", "table", "--initial-interval", "10m", "--max-interval", "1m"});
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "reaches max-interval: on retry 2, after 10.0 min"));
  CHECK(contains(r.out, "(594 rows like the one above)"));
  CHECK(contains(r.out, "warning: --initial-interval: initial-interval 10m0s is above "
                        "max-interval 1m0s"));
  const auto doc = json::parse(
    run_jobop({"backoff-sim", "--initial-interval", "10m", "--max-interval", "1m"}).out);
  CHECK(doc.at("rows").at(1).at("retry") == 2);
  CHECK(doc.at("rows").at(1).at("interval") == "1m0s");
  CHECK(doc.at("summary").at("attempts_to_max_interval") == 2);
  CHECK(doc.at("warnings").at(0).at("code") == "config.suspicious");
}

TEST_CASE("degenerate values run as the engine runs them, with a warning") {
  const auto zero = run_jobop(
    {"backoff-sim", "--max-try-time", "0", "--uptime", "0", "--runs", "3", "--seed", "1"});
  REQUIRE(zero.exit_code == 0);
  const auto doc = json::parse(zero.out);
  CHECK(doc.at("terminated") == 3);
  CHECK(doc.at("time_to_terminate").at("max_ns") == 0);
  CHECK(contains(zero.err, "config.degenerate"));
  const auto shrink = run_jobop(
    {"backoff-sim", "--multiplier", "0.5", "--max-try-time", "3", "--randomization-factor", "0"});
  REQUIRE(shrink.exit_code == 0);
  CHECK(json::parse(shrink.out).at("summary").at("time_to_terminate") == "7.5s");
  CHECK(json::parse(shrink.err).at("level") == "warning");
}

TEST_CASE("bad numbers and durations on flags are usage errors that say what to type") {
  auto r = run_jobop({"backoff-sim", "--seed", "-1"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "unsigned integer"));
  r = run_jobop({"backoff-sim", "--uptime", "0", "--runs", "0"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "at least 1"));
  CHECK(r.err.size() < 200);
  r = run_jobop({"backoff-sim", "--uptime", "30"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "did you mean 30s?"));
  r = run_jobop({"backoff-sim", "--initial-interval", "5000"});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, "did you mean 5000s?"));
}

TEST_CASE("a 10 MB job id is cut to a readable length in the diagnostic") {
  const std::string id(10'000'000, 'x');
  const auto r = run_jobop({"backoff-sim", "--trace", "-"},
                           "{\"at\": 0, \"job\": \"" + id + "\", \"event\": \"fail\"}\n");
  CHECK(r.exit_code == 2);
  CHECK(r.err.size() < 400);
  CHECK(contains(r.err, "(10000002 bytes)"));
}

TEST_CASE("every error of a config file is reported, each with file, line and key") {
  TempDir dir;
  write_file(dir.file("m.toml"), "[job-backoff]\nmax-try-time = \"52\"\nrandomization-factor = "
                                 "0.1\nmultipler = 2\n");
  const auto r = run_jobop({"backoff-sim", "--config", dir.file("m.toml")});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  const auto lines = json_lines(r.err);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].at("line") == 2);
  CHECK(lines[0].at("key") == "max-try-time");
  CHECK(lines[1].at("key") == "randomization-factor");
  CHECK(lines[2].at("key") == "multipler");
  CHECK(lines[2].at("suggestion") == "multiplier");
  for (const auto& line : lines) {
    CHECK(line.at("file") == dir.file("m.toml"));
  }
}

TEST_CASE("a misspelt [job-backoff] table is a warning with the table meant") {
  TempDir dir;
  write_file(dir.file("m.toml"), "[log]\nlevel = \"info\"\n[job_backoff]\nmax-try-time = 3\n");
  const auto r = run_jobop({"backoff-sim", "--config", dir.file("m.toml")});
  REQUIRE(r.exit_code == 0);
  const auto w = json::parse(r.err);
  CHECK(w.at("level") == "warning");
  CHECK(w.at("line") == 3);
  CHECK(contains(w.at("message").get<std::string>(), "did you mean `[job-backoff]`?"));
}

TEST_CASE("--vs compares two policies, paired by seed, with the difference per uptime") {
  TempDir dir;
  write_file(dir.file("c.toml"), "[job-backoff]\nmax-try-time = 75\n");
  const auto r = run_jobop({"backoff-sim", "--uptime", "0,1m,10m", "--vs", dir.file("c.toml"),
                            "--runs", "400", "--seed", "5"});
  REQUIRE(r.exit_code == 0);
  const auto doc = json::parse(r.out);
  CHECK(doc.at("paired") == true);
  REQUIRE(doc.at("rows").size() == 3);
  const auto& row = doc.at("rows").at(1);
  CHECK(row.at("difference").at("p50_ns").get<std::int64_t>() ==
        row.at("second").at("p50_ns").get<std::int64_t>() -
          row.at("first").at("p50_ns").get<std::int64_t>());
  CHECK(doc.at("rows").at(2).at("first").at("p99") == "never");
  const auto table = run_jobop({"backoff-sim", "--uptime", "0,1m", "--vs", dir.file("c.toml"),
                                "--runs", "400", "--seed", "5", "-o", "table"});
  CHECK(contains(table.out, "paired"));
  CHECK(contains(table.out, "p50 second"));
}

TEST_CASE("--solve finds max-try-time exactly and prints the block to paste") {
  const auto r =
    run_jobop({"backoff-sim", "--uptime", "1m", "--solve", "max-try-time", "--give-up-after", "6h",
               "--max-wait", "10m", "--runs", "2000", "--seed", "1"});
  REQUIRE(r.exit_code == 0);
  const auto doc = json::parse(r.out);
  CHECK(doc.at("solved") == true);
  const auto n = doc.at("value").get<std::int64_t>();
  CHECK(doc.at("percentile_ns") <= 6 * 3'600'000'000'000LL);
  CHECK(doc.at("next").at("value") == n + 1);
  CHECK(doc.at("next").at("percentile_ns") > 6 * 3'600'000'000'000LL);
  CHECK(contains(doc.at("toml").get<std::string>(), "[job-backoff]\n"
                                                    "reset-interval = \"10m0s\"\n"));
  // The block, pasted into an engine config, gives the same distribution.
  TempDir dir;
  write_file(dir.file("solved.toml"),
             "[log]\nlevel = \"info\"\n" + doc.at("toml").get<std::string>());
  const auto direct = json::parse(run_jobop({"backoff-sim", "--config", dir.file("solved.toml"),
                                             "--uptime", "1m", "--runs", "2000", "--seed", "1"})
                                    .out);
  CHECK(direct.at("time_to_terminate") == doc.at("distribution").at("time_to_terminate"));
}

TEST_CASE("a solve with no solution exits 4 with the closest policy") {
  const auto r = run_jobop({"backoff-sim", "--uptime", "1m", "--solve", "initial-interval",
                            "--give-up-after", "1h", "--runs", "10", "--seed", "1"});
  CHECK(r.exit_code == 4);
  const auto doc = json::parse(r.out);
  CHECK(doc.at("solved") == false);
  CHECK(doc.at("value") == "1ms");
  CHECK(contains(r.err, "solve.no_solution"));
}

TEST_CASE("-o svg draws a well-formed chart that renders to PNG") {
  TempDir dir;
  const struct {
    const char* name;
    std::vector<std::string> args;
    const char* must_say;
  } charts[] = {
    {"schedule", {"backoff-sim", "-o", "svg"}, "cap 5m0s reached at retry 24"},
    {"model",
     {"backoff-sim", "-o", "svg", "--uptime", "0,10m", "--runs", "500", "--seed", "1"},
     "The job never terminates"},
    {"none", {"backoff-sim", "-o", "svg", "--max-try-time", "1"}, "with no retry"},
  };
  for (const auto& chart : charts) {
    CAPTURE(chart.name);
    const auto r = run_jobop(chart.args);
    REQUIRE(r.exit_code == 0);
    CHECK(contains(r.out, chart.must_say));
    const std::string svg = dir.file(std::string(chart.name) + ".svg");
    write_file(svg, r.out);
    CHECK(run_process({"/usr/bin/xmllint", "--noout", svg}).exit_code == 0);
    const std::string png = dir.file(std::string(chart.name) + ".png");
    CHECK(run_process({"/usr/bin/rsvg-convert", "-o", png, svg}).exit_code == 0);
    CHECK(read_file(png).rfind("\x89PNG", 0) == 0);
  }
  const auto model = run_jobop({"backoff-sim", "-o", "svg", "--uptime", "0", "--runs", "500"});
  for (const char* mark : {"p50 ", "p90 ", "p99 ", "time to terminate (Go durations)"}) {
    CHECK(contains(model.out, mark));
  }
}

TEST_CASE("-o table adds a sparkline on a real terminal, and only there") {
  // script(1) runs jobop on a pty: stdout is a terminal.
  const auto tty =
    run_process({"/usr/bin/script", "-qec",
                 jobop_binary() + " backoff-sim -o table --max-try-time 40", "/dev/null"});
  REQUIRE(tty.exit_code == 0);
  CHECK(contains(tty.out, "interval per retry: \xE2\x96\x81"));
  CHECK(contains(tty.out, "\xE2\x96\x88"));
  const auto pipe = run_jobop({"backoff-sim", "-o", "table", "--max-try-time", "40"});
  CHECK_FALSE(contains(pipe.out, "interval per retry"));
}

TEST_CASE("--help names the defaults and the kinds of values") {
  const auto r = run_jobop({"backoff-sim", "--help"});
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "--tick-interval DURATION=0s"));
  CHECK(contains(r.out, "default: no limit"));
  CHECK_FALSE(contains(r.out, "TEXT"));
}

TEST_SUITE_END();
