#include <jobop/backoff/statistics.hpp>

#include <algorithm>
#include <cmath>

namespace jobop::backoff {

std::int64_t nearest_rank(std::int64_t n, int percent) {
  return std::max<std::int64_t>(1, (n * percent + 99) / 100);
}

RankInterval percentile_rank_interval(std::int64_t n, int percent, double confidence) {
  RankInterval result;
  const double p = percent / 100.0;
  const double tail = (1 - confidence) / 2;
  if (n < 1 || p <= 0 || p >= 1) {
    return result;
  }
  // Walk the binomial CDF from 0 in log space: (1 - p)^n underflows a
  // double for large n, its logarithm does not.
  const double log_ratio = std::log(p) - std::log1p(-p);
  double log_pmf = static_cast<double>(n) * std::log1p(-p); // P(B = 0)
  double cdf = 0;
  double cdf_at_low = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    cdf += std::exp(log_pmf); // now P(B <= i)
    if (cdf <= tail) {
      result.low = i + 1; // P(B <= low - 1) <= tail
      cdf_at_low = cdf;
    }
    if (cdf >= 1 - tail) {
      result.high = i + 1; // P(B <= high - 1) >= 1 - tail
      break;
    }
    log_pmf +=
      std::log(static_cast<double>(n - i)) - std::log(static_cast<double>(i + 1)) + log_ratio;
  }
  if (result.low && result.high) {
    result.coverage = std::min(1.0, cdf - cdf_at_low);
  }
  return result;
}

std::int64_t min_sample_for_interval(int percent, double confidence) {
  const double p = percent / 100.0;
  const double tail = (1 - confidence) / 2;
  // Both ranks exist iff (1 - p)^n <= tail and p^n <= tail.
  const double worst = std::max(p, 1 - p);
  return static_cast<std::int64_t>(std::ceil(std::log(tail) / std::log(worst)));
}

} // namespace jobop::backoff
