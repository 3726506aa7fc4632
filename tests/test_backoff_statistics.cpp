#include <jobop/backoff/statistics.hpp>

#include <doctest/doctest.h>

#include <cmath>

using namespace jobop::backoff;

namespace {

// P(B <= k) for B ~ Binomial(n, p), summed directly (small n only).
double binomial_cdf(int n, double p, int k) {
  double sum = 0;
  for (int i = 0; i <= k; ++i) {
    sum += std::exp(std::lgamma(n + 1) - std::lgamma(i + 1) - std::lgamma(n - i + 1) +
                    i * std::log(p) + (n - i) * std::log1p(-p));
  }
  return sum;
}

} // namespace

TEST_CASE("nearest rank is ceil(n p), at least 1") {
  CHECK(nearest_rank(100, 50) == 50);
  CHECK(nearest_rank(101, 50) == 51);
  CHECK(nearest_rank(1, 99) == 1);
  CHECK(nearest_rank(1000, 99) == 990);
}

TEST_CASE("the median of 100 values has the textbook 95 % interval: ranks 40 and 61") {
  const auto r = percentile_rank_interval(100, 50);
  REQUIRE(r.low.has_value());
  REQUIRE(r.high.has_value());
  CHECK(*r.low == 40);
  CHECK(*r.high == 61);
  CHECK(r.coverage >= 0.95);
  CHECK(r.coverage == doctest::Approx(binomial_cdf(100, 0.5, 60) - binomial_cdf(100, 0.5, 39)));
}

TEST_CASE("each rank is the tightest with an equal tail of at most 2.5 %") {
  for (const int n : {20, 57, 200, 1000}) {
    for (const int percent : {50, 90, 99}) {
      const double p = percent / 100.0;
      const auto r = percentile_rank_interval(n, percent);
      if (r.low) {
        CHECK(binomial_cdf(n, p, static_cast<int>(*r.low) - 1) <= 0.025);
        CHECK(binomial_cdf(n, p, static_cast<int>(*r.low)) > 0.025);
      } else {
        CHECK(binomial_cdf(n, p, 0) > 0.025);
      }
      if (r.high) {
        CHECK(binomial_cdf(n, p, static_cast<int>(*r.high) - 1) >= 0.975);
        CHECK(binomial_cdf(n, p, static_cast<int>(*r.high) - 2) < 0.975);
      }
    }
  }
}

TEST_CASE("too few values leave a side unbounded, and the minimum sample says how many") {
  CHECK_FALSE(percentile_rank_interval(100, 99).high.has_value());
  const auto needed = min_sample_for_interval(99);
  CHECK(needed == 368);
  CHECK(percentile_rank_interval(needed, 99).high.has_value());
  CHECK_FALSE(percentile_rank_interval(needed - 1, 99).high.has_value());
  CHECK(min_sample_for_interval(50) == 6);
  CHECK(percentile_rank_interval(6, 50).low.has_value());
  CHECK_FALSE(percentile_rank_interval(5, 50).low.has_value());
}

TEST_CASE("a million values are handled in log space without underflow") {
  const auto r = percentile_rank_interval(1'000'000, 50);
  REQUIRE(r.low.has_value());
  REQUIRE(r.high.has_value());
  // About 500,000 -/+ 1.96 * 500.
  CHECK(*r.low == doctest::Approx(499'020).epsilon(0.0001));
  CHECK(*r.high == doctest::Approx(500'981).epsilon(0.0001));
}
