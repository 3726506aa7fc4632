#include "process.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using jobop::test::run_jobop;
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

// Check a usage error: exit 2, nothing on stdout, one JSON diagnostic.
json usage_error(const std::vector<std::string>& args, const std::string& input = "") {
  const auto r = run_jobop(args, input);
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  const auto d = json::parse(r.err);
  CHECK(d.at("level") == "error");
  CHECK(d.contains("code"));
  CHECK(d.contains("message"));
  return d;
}

} // namespace

// No metastore here: the e2e_mysql run leaves these out.
TEST_SUITE_BEGIN("no_store");

TEST_CASE("backoff-sim prints the default schedule with the SPEC's facts") {
  const auto r = run_jobop({"backoff-sim"});
  REQUIRE(r.exit_code == 0);
  const auto doc = json::parse(r.out);
  CHECK(doc.at("mode") == "schedule");
  CHECK(doc.at("config").at("max_interval") == "5m0s");
  CHECK(doc.at("config").at("max_interval_ns") == 300'000'000'000);
  CHECK(doc.at("config").at("max_try_time") == 600);
  const auto& summary = doc.at("summary");
  CHECK(summary.at("attempts_to_max_interval") == 24);
  CHECK(summary.at("time_to_max_interval_human") == "27.2 min");
  CHECK(summary.at("time_to_terminate_human") == "48.45 h");
  CHECK(summary.at("time_to_terminate_ns") == 174'431'184'316'666);
  CHECK(doc.at("rows").at(0).at("interval") == "5s");
  CHECK(doc.at("rows").back().at("retry") == 599);
  CHECK(doc.at("rows_omitted").at("count") == 572);
}

TEST_CASE("-o table prints the schedule for a person") {
  const auto r = run_jobop({"backoff-sim", "-o", "table", "--max-try-time", "5"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("retry") != std::string::npos);
  CHECK(r.out.find("8.64s") != std::string::npos);
  CHECK(r.out.find("terminated: at failure 5") != std::string::npos);
  // Terminated at failure 5, the job never waits the capped 24th interval.
  CHECK(r.out.find("never in practice") != std::string::npos);
}

TEST_CASE("the summary says whether the cap is reached before the job is terminated") {
  const auto early = json::parse(run_jobop({"backoff-sim", "--max-try-time", "5"}).out);
  CHECK(early.at("summary").at("attempts_to_max_interval") == 24);
  CHECK(early.at("summary").at("max_interval_reached_before_terminate") == false);
  const auto late = json::parse(run_jobop({"backoff-sim", "--max-try-time", "25"}).out);
  CHECK(late.at("summary").at("max_interval_reached_before_terminate") == true);
  const auto edge = json::parse(run_jobop({"backoff-sim", "--max-try-time", "24"}).out);
  CHECK(edge.at("summary").at("max_interval_reached_before_terminate") == false);
}

TEST_CASE("flags win over the config file, which may be the engine's server-master TOML") {
  TempDir dir;
  write_file(dir.file("master.toml"), "name = \"m\"\n[log]\nlevel = \"info\"\n"
                                      "[job-backoff]\nmax-try-time = 3\nmultiplier = 2\n");
  const auto r = run_jobop({"backoff-sim", "--config", dir.file("master.toml"), "--multiplier", "3",
                            "--initial-interval", "1s"});
  REQUIRE(r.exit_code == 0);
  const auto doc = json::parse(r.out);
  CHECK(doc.at("config").at("max_try_time") == 3);
  CHECK(doc.at("config").at("multiplier") == 3.0);
  CHECK(doc.at("config").at("initial_interval") == "1s");
  CHECK(doc.at("summary").at("time_to_terminate") == "4s"); // 1s + 3s
}

TEST_CASE("config file errors are usage errors naming the file, line and key") {
  TempDir dir;
  write_file(dir.file("bad.toml"), "[job-backoff]\nmax-try-tim = 3\n");
  auto d = usage_error({"backoff-sim", "--config", dir.file("bad.toml")});
  CHECK(d.at("code") == "config.unknown_key");
  CHECK(d.at("message").get<std::string>().find("bad.toml:2") != std::string::npos);
  CHECK(d.at("message").get<std::string>().find("did you mean `max-try-time`?") !=
        std::string::npos);
  write_file(dir.file("bad.json"), "{\"randomization-factor\": 2}");
  d = usage_error({"backoff-sim", "--config", dir.file("bad.json")});
  CHECK(d.at("code") == "config.invalid_value");
  CHECK(d.at("key") == "randomization-factor");
  d = usage_error({"backoff-sim", "--config", dir.file("missing.toml")});
  CHECK(d.at("code") == "usage");
}

TEST_CASE("bad flags are usage errors with JSON diagnostics") {
  CHECK(usage_error({"backoff-sim", "--multiplier", "x0.9"}).at("key") == "multiplier");
  CHECK(usage_error({"backoff-sim", "--max-interval", "5d"}).at("code") == "config.invalid_value");
  CHECK(usage_error({"backoff-sim", "--max-try-time", "0.5"}).at("code") == "config.invalid_value");
  CHECK(usage_error({"backoff-sim", "--runs", "5"}).at("code") == "usage");
  CHECK(usage_error({"backoff-sim", "--uptime", "1m", "--trace", "-"}).at("code") == "usage");
  CHECK(usage_error({"backoff-sim", "-o", "yaml"}).at("code") == "usage");
  CHECK(usage_error({"backoff-sim", "--seed", "abc"}).at("code") == "usage");
  CHECK(usage_error({"backoff-sim", "--uptime", "1x"}).at("code") == "duration.invalid");
}

TEST_CASE("a trace replays as one JSON line per event, reproducibly for a seed") {
  const std::string trace = "{\"at\": \"0s\", \"job\": \"a\", \"event\": \"fail\"}\n"
                            "{\"at\": 3000000000, \"job\": \"a\", \"event\": \"check\"}\n"
                            "{\"at\": \"10s\", \"event\": \"online\"}\n";
  const auto r = run_jobop({"backoff-sim", "--trace", "-", "--seed", "7"}, trace);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  const auto lines = json_lines(r.out);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].at("line") == 1);
  CHECK(lines[0].at("at_ns") == 0);
  CHECK(lines[0].at("job") == "a");
  CHECK(lines[0].at("event") == "fail");
  CHECK(lines[0].at("allow") == false);
  CHECK(lines[0].at("terminate") == false);
  CHECK(lines[0].at("failures") == 1);
  const auto backoff = lines[0].at("backoff_ns").get<std::int64_t>();
  CHECK(backoff >= 2'500'000'000);
  CHECK(backoff <= 7'500'000'000);
  CHECK(lines[0].at("retry_at_ns") == backoff);
  CHECK(lines[1].at("at_ns") == 3'000'000'000);
  CHECK(lines[2].at("job") == "job");
  CHECK(lines[2].at("backoff_ns") == 0);
  CHECK(lines[2].at("allow") == true);
  const auto again = run_jobop({"backoff-sim", "--trace", "-", "--seed", "7"}, trace);
  CHECK(again.out == r.out);
}

TEST_CASE("without --seed the chosen seed is reported so the run can be repeated") {
  const std::string trace = "{\"at\": 0, \"event\": \"fail\"}\n";
  const auto r = run_jobop({"backoff-sim", "--trace", "-"}, trace);
  REQUIRE(r.exit_code == 0);
  const auto info = json::parse(r.err);
  CHECK(info.at("level") == "info");
  const auto seed = info.at("seed").get<std::uint64_t>();
  // Seeds stay exact in tools that read JSON numbers as doubles (jq).
  CHECK(seed < (std::uint64_t{1} << 53));
  const auto again =
    run_jobop({"backoff-sim", "--trace", "-", "--seed", std::to_string(seed)}, trace);
  CHECK(again.out == r.out);
}

TEST_CASE("a trace going backwards fails naming the line, and prints nothing") {
  const auto d =
    usage_error({"backoff-sim", "--trace", "-"}, "{\"at\": \"5s\", \"event\": \"fail\"}\n"
                                                 "{\"at\": \"2s\", \"event\": \"check\"}\n");
  CHECK(d.at("code") == "trace.time_backwards");
  CHECK(d.at("line") == 2);
  CHECK(d.at("message") == "line 2: `at` goes backwards: 2s < 5s");
  const auto bad = usage_error({"backoff-sim", "--trace", "-"}, "not json\n");
  CHECK(bad.at("code") == "trace.syntax");
  CHECK(bad.at("line") == 1);
}

TEST_CASE("the failure model reports terminations and their spread") {
  const auto r = run_jobop(
    {"backoff-sim", "--uptime", "0", "--runs", "200", "--seed", "1", "--max-try-time", "50"});
  REQUIRE(r.exit_code == 0);
  const auto doc = json::parse(r.out);
  CHECK(doc.at("runs") == 200);
  CHECK(doc.at("terminated") == 200);
  CHECK(doc.at("failures") == 200 * 50);
  CHECK(doc.at("seed") == 1);
  const auto& t = doc.at("time_to_terminate");
  CHECK(t.at("min_ns") <= t.at("p50_ns"));
  CHECK(t.at("p50_ns") <= t.at("p90_ns"));
  CHECK(t.at("p90_ns") <= t.at("p99_ns"));
  CHECK(t.at("p99_ns") <= t.at("max_ns"));
}

TEST_CASE("the failure model says plainly when a job can never terminate") {
  const auto r = run_jobop({"backoff-sim", "--uptime", "10m", "--runs", "5"});
  REQUIRE(r.exit_code == 0);
  const auto doc = json::parse(r.out);
  CHECK(doc.at("never_terminates") == true);
  CHECK(doc.at("terminated") == 0);
  CHECK(doc.at("note").get<std::string>().find("never terminated") != std::string::npos);
  const auto horizon = run_jobop(
    {"backoff-sim", "--uptime", "1m", "--runs", "5", "--horizon", "1h", "--tick-interval", "15s"});
  REQUIRE(horizon.exit_code == 0);
  CHECK(json::parse(horizon.out).at("terminated") == 0);
}

TEST_CASE("backoff-sim --help shows examples as plain text") {
  const auto r = run_jobop({"backoff-sim", "--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Examples:") != std::string::npos);
  CHECK(r.out.find("--uptime 9m") != std::string::npos);
}

TEST_SUITE_END();
