#include <jobop/backoff/exponential_backoff.hpp>
#include <jobop/backoff/rng.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>

using namespace jobop::backoff;
using jobop::core::k_minute;
using jobop::core::k_second;
using jobop::core::Nanos;

TEST_CASE("without jitter the intervals grow by the multiplier, truncated, up to the cap") {
  BackoffConfig config;
  config.randomization_factor = 0;
  ExponentialBackoff backoff(config);
  Rng rng(1);
  // SPEC §3 written out by hand: grow while double(cur) < double(max) / m.
  Nanos cur = 5'000'000'000;
  for (int k = 1; k <= 40; ++k) {
    CAPTURE(k);
    CHECK(backoff.next_backoff(rng) == cur);
    const double limit = 300'000'000'000.0 / 1.2;
    cur = static_cast<double>(cur) >= limit
            ? 300'000'000'000
            : static_cast<Nanos>(std::trunc(static_cast<double>(cur) * 1.2));
  }
  CHECK(backoff.current_interval() == 5 * k_minute);
  backoff.reset();
  CHECK(backoff.current_interval() == 5 * k_second);
}

TEST_CASE("the first intervals are exactly Go's truncated products") {
  BackoffConfig config;
  config.randomization_factor = 0;
  ExponentialBackoff backoff(config);
  Rng rng(1);
  CHECK(backoff.next_backoff(rng) == 5'000'000'000);
  CHECK(backoff.next_backoff(rng) == 6'000'000'000);
  CHECK(backoff.next_backoff(rng) == 7'200'000'000);
  CHECK(backoff.next_backoff(rng) == 8'640'000'000);
  CHECK(backoff.next_backoff(rng) == 10'368'000'000);
}

TEST_CASE("the randomised interval is trunc(lo + r * (hi - lo + 1))") {
  // current 10s, factor 0.5: lo 5s, hi 15s.
  CHECK(randomized_interval(10 * k_second, 0.5, 0.0) == 5 * k_second);
  CHECK(randomized_interval(10 * k_second, 0.5, 0.5) == 10 * k_second); // 5e9 + 0.5 * (1e10 + 1)
  CHECK(randomized_interval(10 * k_second, 0.5, 0.25) == 7'500'000'000);
  CHECK(randomized_interval(10 * k_second, 0.5, std::nextafter(1.0, 0.0)) == 15 * k_second);
  // The +1 gives the top value its share: lo 1, hi 3 gives 1, 2 or 3.
  CHECK(randomized_interval(2, 0.5, 0.0) == 1);
  CHECK(randomized_interval(2, 0.5, 0.34) == 2);
  CHECK(randomized_interval(2, 0.5, 0.67) == 3);
  CHECK(randomized_interval(2, 0.5, 0.99) == 3);
  // Factor 0 ignores r entirely.
  CHECK(randomized_interval(7, 0.0, 0.99) == 7);
}

TEST_CASE("the cap applies to the un-randomised interval, so a draw may exceed it") {
  BackoffConfig config;
  config.initial_interval = 5 * k_minute;
  config.randomization_factor = 0.5;
  ExponentialBackoff backoff(config);
  Rng rng(42);
  Nanos largest = 0;
  for (int i = 0; i < 2000; ++i) {
    const Nanos next = backoff.next_backoff(rng);
    CHECK(next >= 150 * k_second);
    CHECK(next <= 450 * k_second);
    largest = std::max(largest, next);
    CHECK(backoff.current_interval() == 5 * k_minute);
  }
  CHECK(largest > 5 * k_minute);
}

TEST_CASE("growth stops at max even when the multiplier would overshoot it") {
  CHECK(grown_interval(250 * k_second, 5 * k_minute, 1.2) == 5 * k_minute);
  CHECK(grown_interval(249 * k_second, 5 * k_minute, 1.2) == 298'800'000'000);
  CHECK(grown_interval(5, 5, 1.0) == 5); // multiplier 1: current >= max/1
  CHECK(grown_interval(4, 5, 1.0) == 4); // multiplier 1 below max: stays
}

TEST_CASE("double to int64 truncates toward zero and saturates instead of overflowing") {
  constexpr Nanos max = std::numeric_limits<Nanos>::max();
  constexpr Nanos min = std::numeric_limits<Nanos>::min();
  CHECK(saturating_trunc(1.9) == 1);
  CHECK(saturating_trunc(-1.9) == -1);
  CHECK(saturating_trunc(9223372036854775808.0) == max);
  CHECK(saturating_trunc(1e300) == max);
  CHECK(saturating_trunc(-1e300) == min);
  CHECK(saturating_trunc(-9223372036854775808.0) == min);
  CHECK(saturating_trunc(std::nan("")) == 0);
  // An interval near the int64 limit randomises to the limit, not to garbage.
  CHECK(randomized_interval(max, 0.5, 0.99) == max);
}

TEST_CASE("the seeded generator draws doubles in [0, 1) and splits per job") {
  Rng rng(7);
  double sum = 0;
  for (int i = 0; i < 10000; ++i) {
    const double r = rng.next_double();
    REQUIRE(r >= 0.0);
    REQUIRE(r < 1.0);
    sum += r;
  }
  CHECK(sum / 10000 == doctest::Approx(0.5).epsilon(0.02));
  Rng a = job_rng(1, "job-a");
  Rng a_again = job_rng(1, "job-a");
  Rng b = job_rng(1, "job-b");
  Rng a_other_seed = job_rng(2, "job-a");
  const auto first = a.next_u64();
  CHECK(first == a_again.next_u64());
  CHECK(first != b.next_u64());
  CHECK(first != a_other_seed.next_u64());
  CHECK(run_rng(1, 0).next_u64() != run_rng(1, 1).next_u64());
}
