#include <jobop/backoff/schedule.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using namespace jobop::backoff;
using jobop::core::k_hour;
using jobop::core::k_minute;
using jobop::core::k_second;
using jobop::core::Nanos;

namespace {

// SPEC §3's growth rule written out again, independently of the library.
Nanos grow(Nanos cur, Nanos max, double m) {
  return static_cast<double>(cur) >= static_cast<double>(max) / m
           ? max
           : static_cast<Nanos>(std::trunc(static_cast<double>(cur) * m));
}

} // namespace

TEST_CASE("the default policy reaches the 5 min cap on the 24th retry after about 27.2 min") {
  const Schedule s = compute_schedule(BackoffConfig{});
  // The independent loop over the formula.
  Nanos cur = 5 * k_second;
  Nanos before_cap = 0;
  Nanos total = 0;
  std::int64_t first_capped = 0;
  for (std::int64_t k = 1; k <= 599; ++k) {
    if (first_capped == 0 && cur >= 5 * k_minute) {
      first_capped = k;
      before_cap = total;
    }
    total += cur;
    cur = grow(cur, 5 * k_minute, 1.2);
  }
  CHECK(first_capped == 24);
  REQUIRE(s.attempts_to_max_interval.has_value());
  CHECK(*s.attempts_to_max_interval == first_capped);
  CHECK(*s.time_to_max_interval == before_cap);
  CHECK(s.time_to_terminate == total);
  // The SPEC's rounded facts.
  CHECK(std::round(static_cast<double>(*s.time_to_max_interval) / k_minute * 10) / 10 == 27.2);
  CHECK(std::round(static_cast<double>(s.time_to_terminate) / k_hour * 100) / 100 == 48.45);
}

TEST_CASE("the default schedule keeps the rows up to the cap and the last rows") {
  const Schedule s = compute_schedule(BackoffConfig{});
  CHECK(s.total_rows == 599);
  REQUIRE(s.rows.size() == 27);
  CHECK(s.rows.front().retry == 1);
  CHECK(s.rows.front().nominal == 5 * k_second);
  CHECK(s.rows.front().min == 2'500'000'000);
  CHECK(s.rows.front().max == 7'500'000'000);
  CHECK(s.rows[23].retry == 24);
  CHECK(s.rows[23].nominal == 5 * k_minute);
  CHECK(s.rows[23].cumulative_nominal == *s.time_to_max_interval + 5 * k_minute);
  CHECK(s.omitted_after == 24);
  CHECK(s.rows_omitted == 572);
  CHECK(s.rows[24].retry == 597);
  CHECK(s.rows.back().retry == 599);
  CHECK(s.rows.back().cumulative_nominal == s.time_to_terminate);
  CHECK(s.rows.back().cumulative_min == s.time_to_terminate_min);
  CHECK(s.rows[25].cumulative_nominal - s.rows[24].cumulative_nominal == 5 * k_minute);
  // Each bound sums its own column: with factor 0.5 min is half, max 1.5x.
  CHECK(s.time_to_terminate_min == doctest::Approx(s.time_to_terminate * 0.5).epsilon(1e-9));
  CHECK(s.time_to_terminate_max == doctest::Approx(s.time_to_terminate * 1.5).epsilon(1e-6));
}

TEST_CASE("a short schedule is shown whole") {
  BackoffConfig config;
  config.max_try_time = 5;
  const Schedule s = compute_schedule(config);
  CHECK(s.rows.size() == 4);
  CHECK(s.rows_omitted == 0);
  CHECK(s.time_to_terminate == 5'000'000'000 + 6'000'000'000 + 7'200'000'000 + 8'640'000'000);
  CHECK(*s.attempts_to_max_interval == 24); // computed beyond the rows
}

TEST_CASE("a job terminated on its first failure waits for nothing") {
  BackoffConfig config;
  config.max_try_time = 1;
  const Schedule s = compute_schedule(config);
  CHECK(s.rows.empty());
  CHECK(s.time_to_terminate == 0);
}

TEST_CASE("multiplier 1 below the cap never reaches it") {
  BackoffConfig config;
  config.multiplier = 1;
  config.max_try_time = 1000;
  const Schedule s = compute_schedule(config);
  CHECK_FALSE(s.attempts_to_max_interval.has_value());
  CHECK(s.time_to_terminate == 999 * 5 * k_second);
  // The interval never changes: row 1, then the last 3, and the omitted
  // rows are all like row 1.
  REQUIRE(s.rows.size() == 4);
  CHECK(s.rows[1].retry == 997);
  CHECK(s.omitted_rows_repeat);
  CHECK(s.stable_from == 1);
}

TEST_CASE("a huge max-try-time is summed in closed form and saturates") {
  BackoffConfig config;
  config.max_try_time = std::numeric_limits<std::int64_t>::max();
  const Schedule s = compute_schedule(config);
  CHECK(s.time_to_terminate == std::numeric_limits<Nanos>::max());
  CHECK(s.rows.back().retry == std::numeric_limits<std::int64_t>::max() - 1);
  config.max_try_time = 10'000'000;
  const Schedule t = compute_schedule(config);
  CHECK(t.time_to_terminate ==
        *t.time_to_max_interval + (Nanos{10'000'000} - 1 - 23) * 5 * k_minute);
}

TEST_CASE("an initial-interval above max-interval is waited once, then capped on retry 2") {
  BackoffConfig config;
  config.initial_interval = 10 * k_minute;
  config.max_interval = k_minute;
  const auto s = compute_schedule(config);
  REQUIRE(s.rows.size() >= 3);
  CHECK(s.rows[0].retry == 1);
  CHECK(s.rows[0].nominal == 10 * k_minute);
  CHECK(s.rows[1].retry == 2);
  CHECK(s.rows[1].nominal == k_minute);
  CHECK(s.attempts_to_max_interval == 2);
  CHECK(s.time_to_max_interval == 10 * k_minute);
  CHECK(s.omitted_after == 2);
  CHECK(s.omitted_rows_repeat);
  CHECK(s.time_to_terminate == 10 * k_minute + 598 * k_minute);
}

TEST_CASE("a shrinking interval (multiplier below 1) is simulated as the engine runs it") {
  BackoffConfig config;
  config.multiplier = 0.5;
  config.randomization_factor = 0;
  config.max_try_time = 4;
  const auto s = compute_schedule(config);
  REQUIRE(s.rows.size() == 3);
  CHECK(s.rows[1].nominal == 2500 * jobop::core::k_millisecond);
  CHECK(s.rows[2].nominal == 1250 * jobop::core::k_millisecond);
  CHECK_FALSE(s.attempts_to_max_interval.has_value());
}

TEST_CASE("max-try-time 0 terminates at the first failure, as the engine does") {
  BackoffConfig config;
  config.max_try_time = 0;
  const auto s = compute_schedule(config);
  CHECK(s.total_rows == 0);
  CHECK(s.rows.empty());
  CHECK(s.time_to_terminate == 0);
}
