#pragma once

#include <jobop/backoff/backoff_config.hpp>
#include <jobop/core/clock.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

// Monte Carlo of a job that runs `uptime` after each start and then fails,
// restarted by the engine as soon as its backoff allows: does the policy
// ever give up on it, and when?
namespace jobop::backoff {

struct FailureModelParams {
  // How long each start runs before it fails; 0 fails at once (the start
  // records only the failure, no online event).
  core::Nanos uptime = 0;
  // How many independent jobs to simulate.
  std::int64_t runs = 1;
  // Restarts happen only on the engine's ticks, at multiples of this from
  // the first start; 0 restarts the moment the backoff allows.
  core::Nanos tick_interval = 0;
  // Stop simulating a job once it would start or fail after this time since
  // its first start; absent means no limit.
  std::optional<core::Nanos> horizon;
  // Jitter: run i draws from the stream of (seed, i).
  std::uint64_t seed = 0;
  // Called after each run with the runs done and the total (a progress
  // meter); it must not throw. Empty: not called.
  std::function<void(std::int64_t done, std::int64_t total)> on_progress;
};

// A distribution-free 95 % confidence interval of a percentile (order
// statistics); a side is absent when there are too few runs to bound it.
struct ConfidenceInterval {
  std::optional<core::Nanos> low;
  std::optional<core::Nanos> high;
};

// Nearest-rank quantiles of the time from the first failure to the failure
// at which Terminate() became true, over the runs that terminated, each
// percentile with its confidence interval.
struct TerminationQuantiles {
  core::Nanos min = 0;
  core::Nanos p50 = 0;
  core::Nanos p90 = 0;
  core::Nanos p99 = 0;
  core::Nanos max = 0;
  ConfidenceInterval p50_ci95;
  ConfidenceInterval p90_ci95;
  ConfidenceInterval p99_ci95;
};

struct FailureModelResult {
  std::int64_t runs = 0;
  std::int64_t terminated = 0;
  // Failure events simulated, over all runs.
  std::int64_t failures = 0;
  // Absent when no run terminated.
  std::optional<TerminationQuantiles> time_to_terminate;
  // True when uptime >= reset-interval (and max-try-time > 1): each failure
  // clears the history first, so the job is never terminated.
  bool never_terminates = false;
  // The longest single wait from a failure to the restart after it, over
  // all runs (0 when no run restarted).
  core::Nanos longest_wait = 0;
  // The times to terminate of the runs that terminated, ascending (what the
  // histogram of `-o svg` draws).
  std::vector<core::Nanos> times;
};

// Return true iff a job that runs `uptime` per start can never be terminated
// under `config`: its history is cleared before every failure.
bool never_terminates(const BackoffConfig& config, core::Nanos uptime);

// Simulate `params.runs` jobs under the validated `config`, each with one
// JobBackoff (O(1) state) and no per-event allocation. When the job can never
// terminate and there is no horizon, nothing is simulated. Throw
// core::UsageError "simulate.invalid" for runs < 1 or negative durations, and
// "simulate.too_large" when more than 2 billion failures would be simulated.
FailureModelResult run_failure_model(const BackoffConfig& config, const FailureModelParams& params);

// Return, for each run of `params` under `config` with no max-try-time (the
// job is never given up on), the most failures its history held at a
// failure at most `within` after its first failure. The run's trajectory
// does not depend on max-try-time, so a run terminates within `within`
// under max-try-time N iff its entry is >= N (with N >= 1): one pass answers
// every N. `params.horizon` must be absent. Throw like run_failure_model().
std::vector<std::int64_t> peak_failures_within(const BackoffConfig& config,
                                               const FailureModelParams& params,
                                               core::Nanos within);

} // namespace jobop::backoff
