#pragma once

#include <jobop/backoff/backoff_config.hpp>
#include <jobop/core/clock.hpp>

#include <cstdint>
#include <optional>
#include <vector>

// The retry schedule a policy produces for a job that fails at once each
// time it starts: what `jobop backoff-sim` prints without a mode flag.
namespace jobop::backoff {

// The wait after failure `retry` (1-based): the nominal (un-randomised)
// interval, the least and the most the randomised interval can be, and the
// sums of each over retries 1..retry. Sums saturate at the int64 maximum.
struct ScheduleRow {
  std::int64_t retry = 0;
  core::Nanos nominal = 0;
  core::Nanos min = 0;
  core::Nanos max = 0;
  core::Nanos cumulative_nominal = 0;
  core::Nanos cumulative_min = 0;
  core::Nanos cumulative_max = 0;
};

struct Schedule {
  // Retries 1..max-try-time-1: the waits before the failure that terminates
  // (none when max-try-time is 1 or below).
  std::int64_t total_rows = 0;
  // The rows kept: the first ones (through the first capped row) and the
  // last ones; `rows_omitted` rows after `omitted_after` are left out.
  std::vector<ScheduleRow> rows;
  std::int64_t omitted_after = 0;
  std::int64_t rows_omitted = 0;
  // True when every omitted row has the interval of the row above it (the
  // omission lies where the interval no longer changes).
  bool omitted_rows_repeat = false;
  // The first retry from which the nominal interval never changes, if the
  // computation got there.
  std::optional<std::int64_t> stable_from;
  // The 1-based number of the first interval whose nominal value equals
  // max-interval, and the sum of the nominal intervals before it; absent
  // when the interval never gets there (multiplier 1 or below).
  std::optional<std::int64_t> attempts_to_max_interval;
  std::optional<core::Nanos> time_to_max_interval;
  // The waits after failures 1..max-try-time-1, summed: nominal, least, most.
  core::Nanos time_to_terminate = 0;
  core::Nanos time_to_terminate_min = 0;
  core::Nanos time_to_terminate_max = 0;
};

// Return the largest double below 1, the top of the jitter's range.
double largest_jitter_draw();

// Compute the schedule of the validated `config`, keeping at most
// `head_rows` leading rows and `tail_rows` trailing ones. Once the interval
// stops changing the rest is computed in closed form, so a max-try-time of
// 10^12 costs no more than one of 600. Throw core::UsageError
// "schedule.too_long" if the interval keeps changing for 50 million steps.
Schedule compute_schedule(const BackoffConfig& config, std::int64_t head_rows = 100,
                          std::int64_t tail_rows = 3);

} // namespace jobop::backoff
