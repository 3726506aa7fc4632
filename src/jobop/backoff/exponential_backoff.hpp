#pragma once

#include <jobop/backoff/backoff_config.hpp>
#include <jobop/backoff/rng.hpp>
#include <jobop/core/clock.hpp>

// cenkalti/backoff v4 ExponentialBackOff as the engine configures it
// (SPEC §3): int64 nanoseconds, Go's truncation, no elapsed-time limit.
namespace jobop::backoff {

// Convert `x` to int64 truncating toward zero, like Go's time.Duration(x),
// but saturating at the int64 limits (and NaN to 0) where Go's conversion is
// implementation-defined and C++'s is undefined behaviour. Only reachable
// with intervals near 2^63 ns (292 years).
core::Nanos saturating_trunc(double x);

// Return the randomised interval for `current` and `r` in [0, 1):
// trunc(lo + r * (hi - lo + 1)) with lo/hi = current -/+ factor * current,
// or exactly `current` when `factor` is 0.
core::Nanos randomized_interval(core::Nanos current, double factor, double r);

// Return the interval after `current`: `max` once double(current) >=
// double(max) / multiplier, else trunc(double(current) * multiplier).
core::Nanos grown_interval(core::Nanos current, core::Nanos max, double multiplier);

class ExponentialBackoff {
public:
  // Start at `config.initial_interval`; `config` must already be validated.
  explicit ExponentialBackoff(const BackoffConfig& config)
    : m_initial(config.initial_interval), m_max(config.max_interval),
      m_multiplier(config.multiplier), m_factor(config.randomization_factor),
      m_current(config.initial_interval) {}

  // Set the un-randomised interval back to the initial interval.
  void reset() { m_current = m_initial; }

  // Return the next randomised interval drawing from `rng` (only when the
  // randomization factor is not 0), then grow the un-randomised interval.
  core::Nanos next_backoff(Rng& rng) {
    const core::Nanos result =
      m_factor == 0 ? m_current : randomized_interval(m_current, m_factor, rng.next_double());
    m_current = grown_interval(m_current, m_max, m_multiplier);
    return result;
  }

  // Return the un-randomised interval the next call will start from.
  core::Nanos current_interval() const { return m_current; }

private:
  core::Nanos m_initial;
  core::Nanos m_max;
  double m_multiplier;
  double m_factor;
  core::Nanos m_current;
};

} // namespace jobop::backoff
