#include <jobop/backoff/failure_model.hpp>

#include <jobop/backoff/job_backoff.hpp>
#include <jobop/backoff/rng.hpp>
#include <jobop/backoff/statistics.hpp>
#include <jobop/core/exceptions.hpp>
#include <jobop/time/go_duration.hpp>

#include <algorithm>
#include <limits>

namespace jobop::backoff {

namespace {

constexpr std::int64_t k_max_failures = 2'000'000'000;

// The first multiple of `tick` at or after `t` (t >= 0, tick > 0).
core::Nanos next_tick(core::Nanos t, core::Nanos tick) {
  const core::Nanos remainder = t % tick;
  return remainder == 0 ? t : core::saturating_add(t - remainder, tick);
}

void check_params(const FailureModelParams& params) {
  const auto reject = [](const std::string& message) {
    throw core::UsageError("simulate.invalid", message);
  };
  if (params.runs < 1) {
    reject("--runs must be at least 1, got " + std::to_string(params.runs));
  }
  if (params.uptime < 0) {
    reject("--uptime must not be negative, got " + time::format_go_duration(params.uptime));
  }
  if (params.tick_interval < 0) {
    reject("--tick-interval must not be negative, got " +
           time::format_go_duration(params.tick_interval));
  }
  if (params.horizon && *params.horizon < 0) {
    reject("--horizon must not be negative, got " + time::format_go_duration(*params.horizon));
  }
}

[[noreturn]] void too_large() {
  throw core::UsageError("simulate.too_large",
                         "the simulation would exceed 2 billion failures; lower --runs, "
                         "--horizon or max-try-time");
}

// Simulate run `run`: each start runs params.uptime, then fails; the job
// restarts when its backoff allows (on a tick, if any). After every failure
// `on_failure(failure_at, job)` says whether to go on; the run also ends
// past the horizon. `wait(d)` sees every wait from a failure to a restart.
// The budget of failures is shared by all runs of one simulation.
template <typename OnFailure, typename OnWait>
void simulate_run(const BackoffConfig& config, const FailureModelParams& params, std::int64_t run,
                  core::Nanos horizon, std::int64_t& failures, OnFailure on_failure,
                  OnWait on_wait) {
  JobBackoff job(config, run_rng(params.seed, static_cast<std::uint64_t>(run)));
  core::Nanos start = 0;
  while (true) {
    const core::Nanos failure_at = core::saturating_add(start, params.uptime);
    if (failure_at > horizon) {
      return;
    }
    if (params.uptime > 0) {
      job.success(start);
    }
    job.fail(failure_at);
    if (++failures > k_max_failures) {
      too_large();
    }
    if (!on_failure(failure_at, job)) {
      return;
    }
    start = job.retry_at(failure_at);
    if (params.tick_interval > 0) {
      start = next_tick(start, params.tick_interval);
    }
    if (start > horizon) {
      return;
    }
    on_wait(start - failure_at);
  }
}

ConfidenceInterval interval_of(const std::vector<core::Nanos>& sorted, int percent) {
  const auto ranks = percentile_rank_interval(static_cast<std::int64_t>(sorted.size()), percent);
  ConfidenceInterval ci;
  if (ranks.low) {
    ci.low = sorted[static_cast<std::size_t>(*ranks.low - 1)];
  }
  if (ranks.high) {
    ci.high = sorted[static_cast<std::size_t>(*ranks.high - 1)];
  }
  return ci;
}

core::Nanos at_rank(const std::vector<core::Nanos>& sorted, int percent) {
  return sorted[static_cast<std::size_t>(
    nearest_rank(static_cast<std::int64_t>(sorted.size()), percent) - 1)];
}

} // namespace

bool never_terminates(const BackoffConfig& config, core::Nanos uptime) {
  return uptime > 0 && uptime >= config.reset_interval && config.max_try_time > 1;
}

FailureModelResult run_failure_model(const BackoffConfig& config,
                                     const FailureModelParams& params) {
  validate(config);
  check_params(params);
  FailureModelResult result;
  result.runs = params.runs;
  result.never_terminates = never_terminates(config, params.uptime);
  if (result.never_terminates && !params.horizon) {
    return result;
  }
  // A terminating job fails exactly max-try-time times (once, at 0 or below).
  if (!result.never_terminates &&
      config.max_try_time > k_max_failures / std::max<std::int64_t>(params.runs, 1)) {
    too_large();
  }
  const core::Nanos horizon = params.horizon.value_or(core::k_nanos_max);
  result.times.reserve(static_cast<std::size_t>(result.never_terminates ? 0 : params.runs));
  core::Nanos longest_wait = 0;
  for (std::int64_t run = 0; run < params.runs; ++run) {
    core::Nanos first_failure = -1;
    simulate_run(
      config, params, run, horizon, result.failures,
      [&](core::Nanos failure_at, const JobBackoff& job) {
        if (first_failure < 0) {
          first_failure = failure_at;
        }
        if (job.terminate()) {
          ++result.terminated;
          result.times.push_back(failure_at - first_failure);
          return false;
        }
        return true;
      },
      [&](core::Nanos wait) { longest_wait = std::max(longest_wait, wait); });
    if (params.on_progress) {
      params.on_progress(run + 1, params.runs);
    }
  }
  result.longest_wait = longest_wait;
  auto& times = result.times;
  if (!times.empty()) {
    std::sort(times.begin(), times.end());
    TerminationQuantiles q;
    q.min = times.front();
    q.max = times.back();
    q.p50 = at_rank(times, 50);
    q.p90 = at_rank(times, 90);
    q.p99 = at_rank(times, 99);
    q.p50_ci95 = interval_of(times, 50);
    q.p90_ci95 = interval_of(times, 90);
    q.p99_ci95 = interval_of(times, 99);
    result.time_to_terminate = q;
  }
  return result;
}

std::vector<std::int64_t> peak_failures_within(const BackoffConfig& config,
                                               const FailureModelParams& params,
                                               core::Nanos within) {
  validate(config);
  check_params(params);
  BackoffConfig endless = config;
  endless.max_try_time = std::numeric_limits<std::int64_t>::max();
  std::vector<std::int64_t> peaks(static_cast<std::size_t>(params.runs), 0);
  std::int64_t failures = 0;
  for (std::int64_t run = 0; run < params.runs; ++run) {
    core::Nanos first_failure = -1;
    std::int64_t peak = 0;
    simulate_run(
      endless, params, run, core::k_nanos_max, failures,
      [&](core::Nanos failure_at, const JobBackoff& job) {
        if (first_failure < 0) {
          first_failure = failure_at;
        }
        if (failure_at - first_failure > within) {
          return false;
        }
        peak = std::max(peak, job.failures());
        return true;
      },
      [](core::Nanos) {});
    peaks[static_cast<std::size_t>(run)] = peak;
  }
  return peaks;
}

} // namespace jobop::backoff
