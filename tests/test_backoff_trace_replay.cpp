#include <jobop/backoff/trace_replay.hpp>
#include <jobop/core/exceptions.hpp>

#include <doctest/doctest.h>

#include <sstream>
#include <string>

using namespace jobop::backoff;
using jobop::core::k_second;
using jobop::core::UsageError;

namespace {

BackoffConfig no_jitter() {
  BackoffConfig config;
  config.randomization_factor = 0;
  config.max_try_time = 3;
  return config;
}

std::vector<TraceStep> replay(const std::string& text, const BackoffConfig& config = no_jitter(),
                              std::uint64_t seed = 1) {
  std::istringstream in(text);
  return replay_trace(in, config, seed);
}

UsageError replay_error(const std::string& text) {
  try {
    replay(text);
  } catch (const UsageError& e) {
    return e;
  }
  FAIL("no error for: " << text);
  return UsageError("", "");
}

} // namespace

TEST_CASE("a trace reports each job's state after each event") {
  const auto steps = replay(R"({"at": "0s", "job": "a", "event": "fail"}
{"at": "2s", "job": "a", "event": "check"}
{"at": 5000000000, "job": "a", "event": "check"}

{"at": "5s", "event": "online"}
{"at": "6s", "job": "a", "event": "fail"}
{"at": "7s", "job": "a", "event": "fail"}
{"at": "8s", "job": "a", "event": "terminate"}
)");
  REQUIRE(steps.size() == 7);
  CHECK(steps[0].line == 1);
  CHECK(steps[0].event == TraceEvent::fail);
  CHECK_FALSE(steps[0].allow);
  CHECK(steps[0].backoff == 5 * k_second);
  CHECK(steps[0].failures == 1);
  CHECK(*steps[0].retry_at == 5 * k_second);
  CHECK_FALSE(steps[1].allow);
  CHECK(steps[2].allow); // 5s after the failure: exactly the interval
  CHECK(*steps[2].retry_at == 5 * k_second);
  CHECK(steps[3].line == 5); // the blank line counts
  CHECK(steps[3].job == "job");
  CHECK(steps[3].allow);
  CHECK(steps[3].backoff == 0);
  CHECK(steps[4].failures == 2);
  CHECK(steps[4].backoff == 6 * k_second);
  CHECK_FALSE(steps[4].terminate);
  CHECK(steps[5].terminate);
  CHECK_FALSE(steps[5].retry_at.has_value());
  // terminate forgets the job: unknown again.
  CHECK(steps[6].allow);
  CHECK_FALSE(steps[6].terminate);
  CHECK(steps[6].failures == 0);
  CHECK(*steps[6].retry_at == 8 * k_second);
}

TEST_CASE("a trace replays identically with the same seed, whatever other jobs do") {
  const BackoffConfig config; // jitter 0.5
  const auto alone = replay(R"({"at": "0s", "job": "a", "event": "fail"})", config, 7);
  const auto mixed = replay(R"({"at": "0s", "job": "b", "event": "fail"}
{"at": "0s", "job": "a", "event": "fail"})",
                            config, 7);
  CHECK(alone[0].backoff == mixed[1].backoff);
  CHECK(alone[0].backoff != mixed[0].backoff);
}

TEST_CASE("time going backwards is an error naming the line and both times") {
  const auto e = replay_error(R"({"at": "1s", "event": "fail"}
{"at": "5s", "event": "check"}
{"at": "2s", "event": "check"}
)");
  CHECK(e.code() == "trace.time_backwards");
  CHECK(std::string(e.what()) == "line 3: `at` goes backwards: 2s < 5s");
  CHECK(e.details().at("line") == 3);
}

TEST_CASE("every malformed line is a usage error with its line number") {
  struct Case {
    const char* text;
    const char* code;
    const char* fragment;
  };
  const Case cases[] = {
    {"{\"at\": \"1s\", \"event\": \"fail\"", "trace.syntax", "not valid JSON"},
    {"[1]", "trace.syntax", "not a JSON object"},
    {"{\"event\": \"fail\"}", "trace.invalid_field", "`at` is missing"},
    {"{\"at\": \"1s\"}", "trace.invalid_field", "`event` is missing"},
    {"{\"at\": \"1x\", \"event\": \"fail\"}", "trace.invalid_field", "unknown unit"},
    {"{\"at\": 1.5, \"event\": \"fail\"}", "trace.invalid_field", "integer of nanoseconds"},
    {"{\"at\": \"-1s\", \"event\": \"fail\"}", "trace.invalid_field", "negative"},
    {"{\"at\": 9223372036854775808, \"event\": \"fail\"}", "trace.invalid_field", "integer"},
    {"{\"at\": \"1s\", \"event\": \"crash\"}", "trace.invalid_field", "\"crash\""},
    {"{\"at\": \"1s\", \"event\": \"fail\", \"job\": 5}", "trace.invalid_field", "`job`"},
    {"{\"at\": \"1s\", \"event\": \"fail\", \"job\": \"\"}", "trace.invalid_field", "`job`"},
    {"{\"at\": \"1s\", \"event\": \"fail\", \"jb\": \"a\"}", "trace.unknown_field", "\"jb\""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const auto e = replay_error(std::string("{\"at\": 0, \"event\": \"check\"}\n") + c.text);
    CHECK(e.code() == c.code);
    CHECK(e.details().at("line") == 2);
    CHECK(std::string(e.what()).rfind("line 2: ", 0) == 0);
    CHECK(std::string(e.what()).find(c.fragment) != std::string::npos);
  }
}

TEST_CASE("an empty trace has no steps") {
  CHECK(replay("").empty());
  CHECK(replay("\n  \n").empty());
}
