#pragma once

#include <jobop/backoff/backoff_config.hpp>
#include <jobop/backoff/failure_model.hpp>

#include <optional>
#include <string>
#include <string_view>

// `backoff-sim --solve KEY --give-up-after D`: hold every other parameter and
// find the value of KEY whose percentile of time to terminate is the largest
// not above D. Every candidate runs with the same seed, so run i draws the
// same random numbers each time and the percentile only grows with the key:
// the search is a bisection, never a scan.
namespace jobop::backoff {

enum class SolveKey { max_try_time, max_interval, multiplier, initial_interval };

// Return the key named `name` ("max-try-time", ...); throw core::UsageError
// "solve.bad_key" for any other.
SolveKey parse_solve_key(std::string_view name);
// Return the config key of `key`.
std::string_view to_string(SolveKey key);

struct SolveRequest {
  SolveKey key = SolveKey::max_try_time;
  // The time to terminate the chosen percentile must not exceed.
  core::Nanos give_up_after = 0;
  // 50, 90 or 99.
  int percent = 50;
  // The longest single wait allowed: max-interval x (1 + randomization-factor).
  std::optional<core::Nanos> max_wait;
};

struct SolveResult {
  bool solved = false;
  // The solved policy, or when there is none the closest one tried.
  BackoffConfig config;
  // Its failure model: the percentile comes from this direct simulation.
  FailureModelResult distribution;
  std::optional<core::Nanos> percentile;
  // For max-try-time: the next value and its percentile (above D), which
  // shows the answer is exact. Absent for the other keys.
  std::optional<std::int64_t> next_value;
  std::optional<core::Nanos> next_percentile;
  // The longest wait the policy can produce.
  core::Nanos longest_possible_wait = 0;
  // Why there is no solution, or what bounded the search (a larger value
  // would change nothing, or break --max-wait); empty otherwise.
  std::string note;
  // Failure models run to find the answer (for the benchmark).
  std::int64_t evaluations = 0;
};

// Return the longest wait `config` can produce: the larger of initial- and
// max-interval, randomised at the top of the jitter's range.
core::Nanos longest_possible_wait(const BackoffConfig& config);

// Solve `request` for `base` (validated) under the failure model `params`
// (one uptime; no horizon). Throw core::UsageError "solve.invalid" for a
// horizon, a negative D, or a percentile other than 50, 90, 99.
SolveResult solve_policy(const BackoffConfig& base, const FailureModelParams& params,
                         const SolveRequest& request);

// Return the engine's `[job-backoff]` table for `config`, ready to paste:
// the five engine keys, durations as Go strings.
std::string engine_toml_block(const BackoffConfig& config);

} // namespace jobop::backoff
