#pragma once

#include <cstdint>
#include <optional>

// Percentiles of a sample and how precise they are, without assuming any
// distribution: nearest-rank estimates and order-statistic confidence
// intervals (the ranks come from the binomial distribution alone).
namespace jobop::backoff {

// Return the 1-based nearest rank of percentile `percent` (1..100) in a
// sorted sample of `n` >= 1 values: ceil(n * percent / 100), at least 1.
std::int64_t nearest_rank(std::int64_t n, int percent);

// The 1-based ranks [low, high] of the order statistics that cover the
// percentile with at least the requested confidence; a rank is absent when
// the sample is too small for that side to be bounded at all.
struct RankInterval {
  std::optional<std::int64_t> low;
  std::optional<std::int64_t> high;
  // The exact probability that [X(low), X(high)] covers the percentile when
  // both ranks exist (0 otherwise).
  double coverage = 0;
};

// Return the ranks for percentile `percent` of a sample of `n` >= 1 values at
// confidence `confidence` (0.95): low is the largest rank with
// P(B <= low - 1) <= a/2 and high the smallest with P(B <= high - 1) >= 1 - a/2,
// where B ~ Binomial(n, percent/100) and a = 1 - confidence. Equal-tailed,
// so the coverage is at least `confidence` for any continuous distribution.
RankInterval percentile_rank_interval(std::int64_t n, int percent, double confidence = 0.95);

// Return the smallest sample size for which both ranks of
// percentile_rank_interval() exist (p99 at 95 %: 367).
std::int64_t min_sample_for_interval(int percent, double confidence = 0.95);

} // namespace jobop::backoff
