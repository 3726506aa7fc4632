#include <jobop/backoff/schedule.hpp>

#include <jobop/backoff/exponential_backoff.hpp>
#include <jobop/core/exceptions.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace jobop::backoff {

namespace {

constexpr std::int64_t k_max_steps = 50'000'000;

struct Interval {
  core::Nanos nominal;
  core::Nanos min;
  core::Nanos max;
};

Interval interval_of(core::Nanos current, double factor) {
  return {current, randomized_interval(current, factor, 0.0),
          randomized_interval(current, factor, largest_jitter_draw())};
}

ScheduleRow advance(const ScheduleRow& previous, std::int64_t count, const Interval& interval) {
  return {previous.retry + count,
          interval.nominal,
          interval.min,
          interval.max,
          core::saturating_add(previous.cumulative_nominal,
                               core::saturating_mul(count, interval.nominal)),
          core::saturating_add(previous.cumulative_min, core::saturating_mul(count, interval.min)),
          core::saturating_add(previous.cumulative_max, core::saturating_mul(count, interval.max))};
}

} // namespace

double largest_jitter_draw() {
  return std::nextafter(1.0, 0.0);
}

Schedule compute_schedule(const BackoffConfig& config, std::int64_t head_rows,
                          std::int64_t tail_rows) {
  Schedule schedule;
  // max-try-time 0 or below terminates at the first failure: no wait at all.
  schedule.total_rows = std::max<std::int64_t>(0, config.max_try_time - 1);
  const std::int64_t n = schedule.total_rows;
  const double f = config.randomization_factor;
  // Keep everything when trimming would hide fewer rows than it saves.
  const bool keep_all = n <= head_rows + tail_rows + 1;
  const auto keep = [&](std::int64_t retry, bool head_open) {
    return keep_all || head_open || retry > n - tail_rows;
  };

  core::Nanos current = config.initial_interval;
  core::Nanos sum_before = 0; // nominal sum of intervals before this one
  ScheduleRow last;           // the row of the previous retry (retry 0: all zero)
  bool head_open = true;
  for (std::int64_t k = 1;; ++k) {
    if (k > k_max_steps) {
      throw core::UsageError("schedule.too_long",
                             "the backoff interval keeps changing for more than 50 million "
                             "retries; use a larger multiplier or a smaller max-try-time");
    }
    const Interval interval = interval_of(current, f);
    // The cap is reached when the interval equals it: an initial-interval
    // above max-interval is waited once, then capped on the next retry.
    if (interval.nominal == config.max_interval && !schedule.attempts_to_max_interval) {
      schedule.attempts_to_max_interval = k;
      schedule.time_to_max_interval = sum_before;
    }
    const core::Nanos next = grown_interval(current, config.max_interval, config.multiplier);
    const bool stable = next == current;
    if (k <= n) {
      last = advance(last, 1, interval);
      if (keep(k, head_open && k <= head_rows)) {
        schedule.rows.push_back(last);
      }
      // The head ends with the first row whose interval repeats for ever
      // (or after head_rows rows).
      head_open = head_open && !stable && k < head_rows;
    }
    sum_before = core::saturating_add(sum_before, interval.nominal);
    if (stable) {
      schedule.stable_from = k;
      // The rest of the rows repeat this interval.
      for (std::int64_t r = k + 1; r <= n;) {
        if (keep(r, false)) {
          last = advance(last, 1, interval);
          schedule.rows.push_back(last);
          ++r;
        } else {
          const std::int64_t next_kept = std::max(r + 1, n - tail_rows + 1);
          last = advance(last, next_kept - r, interval);
          r = next_kept;
        }
      }
      break;
    }
    if (k >= n && schedule.attempts_to_max_interval) {
      break;
    }
    current = next;
  }
  schedule.time_to_terminate = last.cumulative_nominal;
  schedule.time_to_terminate_min = last.cumulative_min;
  schedule.time_to_terminate_max = last.cumulative_max;
  // The rows kept are increasing; a gap is the omitted span.
  std::int64_t expected = 1;
  for (const auto& row : schedule.rows) {
    if (row.retry != expected && schedule.rows_omitted == 0) {
      schedule.omitted_after = expected - 1;
      schedule.rows_omitted = row.retry - expected;
    }
    expected = row.retry + 1;
  }
  schedule.omitted_rows_repeat = schedule.rows_omitted > 0 && schedule.stable_from &&
                                 schedule.omitted_after >= *schedule.stable_from;
  return schedule;
}

} // namespace jobop::backoff
