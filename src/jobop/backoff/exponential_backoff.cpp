#include <jobop/backoff/exponential_backoff.hpp>

#include <cmath>
#include <limits>

namespace jobop::backoff {

core::Nanos saturating_trunc(double x) {
  // 2^63 is exactly representable; every double below it fits in int64.
  constexpr double k_two_pow_63 = 9223372036854775808.0;
  if (std::isnan(x)) {
    return 0;
  }
  if (x >= k_two_pow_63) {
    return std::numeric_limits<core::Nanos>::max();
  }
  if (x < -k_two_pow_63) {
    return std::numeric_limits<core::Nanos>::min();
  }
  return static_cast<core::Nanos>(x);
}

core::Nanos randomized_interval(core::Nanos current, double factor, double r) {
  if (factor == 0) {
    return current;
  }
  const double delta = factor * static_cast<double>(current);
  const double lo = static_cast<double>(current) - delta;
  const double hi = static_cast<double>(current) + delta;
  return saturating_trunc(lo + r * (hi - lo + 1));
}

core::Nanos grown_interval(core::Nanos current, core::Nanos max, double multiplier) {
  if (static_cast<double>(current) >= static_cast<double>(max) / multiplier) {
    return max;
  }
  return saturating_trunc(static_cast<double>(current) * multiplier);
}

} // namespace jobop::backoff
