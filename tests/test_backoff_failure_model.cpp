#include <jobop/backoff/failure_model.hpp>
#include <jobop/backoff/schedule.hpp>
#include <jobop/core/exceptions.hpp>

#include <doctest/doctest.h>

using namespace jobop::backoff;
using jobop::core::k_minute;
using jobop::core::k_second;
using jobop::core::Nanos;
using jobop::core::UsageError;

TEST_CASE("a job that fails at once terminates after the schedule's nominal time without "
          "jitter") {
  BackoffConfig config;
  config.randomization_factor = 0;
  FailureModelParams params;
  params.runs = 3;
  const auto result = run_failure_model(config, params);
  CHECK(result.runs == 3);
  CHECK(result.terminated == 3);
  CHECK(result.failures == 3 * 600);
  REQUIRE(result.time_to_terminate.has_value());
  const Nanos expected = compute_schedule(config).time_to_terminate;
  CHECK(result.time_to_terminate->min == expected);
  CHECK(result.time_to_terminate->max == expected);
  CHECK_FALSE(result.never_terminates);
}

TEST_CASE("uptime adds to each cycle and ticks delay each restart") {
  BackoffConfig config;
  config.randomization_factor = 0;
  config.max_try_time = 3;
  FailureModelParams params;
  params.uptime = k_minute;
  // Failures at 1m, then 1m+5s+1m, then +6s+1m: 2m11s from first to third.
  auto result = run_failure_model(config, params);
  CHECK(result.time_to_terminate->p50 == 2 * k_minute + 11 * k_second);
  params.tick_interval = 15 * k_second;
  // Fail at 60s, allowed at 65s, tick at 75s, fail at 135s, allowed 141s,
  // tick at 150s, fail at 210s: 150s from the first failure.
  result = run_failure_model(config, params);
  CHECK(result.time_to_terminate->p50 == 150 * k_second);
}

TEST_CASE("a job up for reset-interval between failures never terminates") {
  BackoffConfig config;
  FailureModelParams params;
  params.uptime = 10 * k_minute;
  params.runs = 5;
  auto result = run_failure_model(config, params);
  CHECK(result.never_terminates);
  CHECK(result.terminated == 0);
  CHECK(result.failures == 0); // nothing to simulate without a horizon
  CHECK_FALSE(result.time_to_terminate.has_value());
  params.horizon = 24 * 60 * k_minute;
  result = run_failure_model(config, params);
  CHECK(result.terminated == 0);
  CHECK(result.failures > 5 * 100);
  // Just under reset-interval: the history keeps growing, and it terminates.
  params.uptime = 10 * k_minute - 1;
  params.horizon.reset();
  CHECK(run_failure_model(config, params).terminated == 5);
  // With max-try-time 1 even a cleared history terminates at once.
  config.max_try_time = 1;
  params.uptime = 10 * k_minute;
  CHECK_FALSE(never_terminates(config, params.uptime));
  CHECK(run_failure_model(config, params).terminated == 5);
}

TEST_CASE("a horizon stops jobs before they terminate") {
  const BackoffConfig config;
  FailureModelParams params;
  params.runs = 10;
  params.horizon = k_minute;
  const auto result = run_failure_model(config, params);
  CHECK(result.terminated == 0);
  CHECK(result.failures > 10);
  CHECK(result.failures < 10 * 600);
}

TEST_CASE("jitter spreads the runs, reproducibly for a seed") {
  const BackoffConfig config;
  FailureModelParams params;
  params.runs = 200;
  params.seed = 42;
  const auto a = run_failure_model(config, params);
  const auto b = run_failure_model(config, params);
  const Nanos nominal = compute_schedule(config).time_to_terminate;
  CHECK(a.time_to_terminate->p50 == b.time_to_terminate->p50);
  CHECK(a.time_to_terminate->min < a.time_to_terminate->p50);
  CHECK(a.time_to_terminate->p50 < a.time_to_terminate->max);
  CHECK(a.time_to_terminate->p50 == doctest::Approx(static_cast<double>(nominal)).epsilon(0.02));
  CHECK(a.time_to_terminate->p90 <= a.time_to_terminate->p99);
  params.seed = 43;
  CHECK(run_failure_model(config, params).time_to_terminate->p50 != a.time_to_terminate->p50);
}

TEST_CASE("bad parameters and oversized simulations are usage errors") {
  const BackoffConfig config;
  FailureModelParams params;
  params.runs = 0;
  CHECK_THROWS_AS(run_failure_model(config, params), UsageError);
  params.runs = 1;
  params.uptime = -1;
  CHECK_THROWS_AS(run_failure_model(config, params), UsageError);
  params.uptime = 0;
  params.runs = 10'000'000;
  try {
    run_failure_model(config, params);
    FAIL("no error");
  } catch (const UsageError& e) {
    CHECK(e.code() == "simulate.too_large");
  }
}
