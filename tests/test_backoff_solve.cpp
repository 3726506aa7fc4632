#include <jobop/backoff/config_file.hpp>
#include <jobop/backoff/failure_model.hpp>
#include <jobop/backoff/schedule.hpp>
#include <jobop/backoff/solve.hpp>
#include <jobop/core/exceptions.hpp>

#include <doctest/doctest.h>

using namespace jobop::backoff;
using jobop::core::k_hour;
using jobop::core::k_minute;
using jobop::core::k_second;
using jobop::core::Nanos;

namespace {

Nanos p50_of(const BackoffConfig& config, const FailureModelParams& params) {
  const auto r = run_failure_model(config, params);
  REQUIRE(r.time_to_terminate.has_value());
  return r.time_to_terminate->p50;
}

} // namespace

TEST_CASE("without jitter the max-try-time solve is exact against the schedule") {
  BackoffConfig config;
  config.randomization_factor = 0;
  FailureModelParams params;
  params.runs = 5;
  SolveRequest request;
  request.give_up_after = 6 * k_hour;
  const auto result = solve_policy(config, params, request);
  REQUIRE(result.solved);
  // A job that fails at once waits the schedule's nominal sum: the answer is
  // the last max-try-time whose sum is within 6h.
  BackoffConfig answer = config;
  answer.max_try_time = result.config.max_try_time;
  CHECK(compute_schedule(answer).time_to_terminate <= 6 * k_hour);
  answer.max_try_time += 1;
  CHECK(compute_schedule(answer).time_to_terminate > 6 * k_hour);
  CHECK(result.percentile == compute_schedule(result.config).time_to_terminate);
  CHECK(result.next_value == result.config.max_try_time + 1);
  CHECK(*result.next_percentile > 6 * k_hour);
}

TEST_CASE("with jitter the max-try-time solve matches direct simulation at N and N+1") {
  BackoffConfig config;
  FailureModelParams params;
  params.runs = 2000;
  params.uptime = k_minute;
  params.seed = 42;
  for (const int percent : {50, 90, 99}) {
    SolveRequest request;
    request.give_up_after = 6 * k_hour;
    request.percent = percent;
    const auto result = solve_policy(config, params, request);
    REQUIRE(result.solved);
    const auto pick = [&](const FailureModelResult& r) {
      const auto& q = *r.time_to_terminate;
      return percent == 50 ? q.p50 : percent == 90 ? q.p90 : q.p99;
    };
    BackoffConfig at = config;
    at.max_try_time = result.config.max_try_time;
    CHECK(pick(run_failure_model(at, params)) <= 6 * k_hour);
    at.max_try_time += 1;
    CHECK(pick(run_failure_model(at, params)) > 6 * k_hour);
    // Deterministic under a seed.
    CHECK(solve_policy(config, params, request).config.max_try_time == result.config.max_try_time);
  }
}

TEST_CASE("a duration key is solved by bisection to the nanosecond") {
  BackoffConfig config;
  config.max_try_time = 100;
  FailureModelParams params;
  params.runs = 200;
  params.uptime = k_minute;
  params.seed = 3;
  SolveRequest request;
  request.key = SolveKey::max_interval;
  request.give_up_after = 6 * k_hour;
  const auto result = solve_policy(config, params, request);
  REQUIRE(result.solved);
  CHECK(*result.percentile <= 6 * k_hour);
  BackoffConfig above = result.config;
  above.max_interval += 1;
  CHECK(p50_of(above, params) > 6 * k_hour);
  CHECK(result.evaluations < 80); // a bisection, not a scan
}

TEST_CASE("--max-wait bounds the solved max-interval") {
  BackoffConfig config;
  config.max_try_time = 100;
  FailureModelParams params;
  params.runs = 100;
  params.uptime = k_minute;
  SolveRequest request;
  request.key = SolveKey::max_interval;
  request.give_up_after = 100 * k_hour; // far: only the bound holds it
  request.max_wait = 3 * k_minute;
  const auto result = solve_policy(config, params, request);
  REQUIRE(result.solved);
  CHECK(result.longest_possible_wait <= 3 * k_minute);
  CHECK(result.note.find("--max-wait") != std::string::npos);
  BackoffConfig above = result.config;
  above.max_interval += 1;
  CHECK(longest_possible_wait(above) > 3 * k_minute);
}

TEST_CASE("the multiplier is solved in steps of 1e-6 and printed exactly") {
  BackoffConfig config;
  config.max_try_time = 100;
  config.randomization_factor = 0;
  FailureModelParams params;
  params.uptime = k_minute;
  SolveRequest request;
  request.key = SolveKey::multiplier;
  request.give_up_after = 6 * k_hour;
  const auto result = solve_policy(config, params, request);
  REQUIRE(result.solved);
  const std::string toml = engine_toml_block(result.config);
  BackoffConfigBuilder builder;
  apply_backoff_config_text(builder, toml, "solved.toml", ConfigFormat::toml);
  CHECK(builder.build().multiplier == result.config.multiplier);
  CHECK(builder.build().max_try_time == 100);
  BackoffConfig above = result.config;
  above.multiplier += 1e-6;
  CHECK(p50_of(above, params) > 6 * k_hour);
}

TEST_CASE("no solution is reported with the closest policy") {
  BackoffConfig config; // 600 failures a minute apart cannot end within 1h
  FailureModelParams params;
  params.runs = 10;
  params.uptime = k_minute;
  SolveRequest request;
  request.key = SolveKey::initial_interval;
  request.give_up_after = k_hour;
  const auto result = solve_policy(config, params, request);
  CHECK_FALSE(result.solved);
  CHECK(result.config.initial_interval == jobop::core::k_millisecond);
  CHECK_FALSE(result.note.empty());
  request.key = SolveKey::max_try_time;
  request.max_wait = k_minute; // 5m x 1.5 is longer
  CHECK_FALSE(solve_policy(config, params, request).solved);
}

TEST_CASE("a solve refuses a horizon and a non-positive target") {
  FailureModelParams params;
  params.horizon = k_hour;
  SolveRequest request;
  request.give_up_after = k_hour;
  CHECK_THROWS_AS(solve_policy({}, params, request), jobop::core::UsageError);
  params.horizon.reset();
  request.give_up_after = 0;
  CHECK_THROWS_AS(solve_policy({}, params, request), jobop::core::UsageError);
  CHECK_THROWS_AS(parse_solve_key("reset-interval"), jobop::core::UsageError);
}
