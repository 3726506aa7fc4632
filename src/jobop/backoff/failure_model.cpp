#include <jobop/backoff/failure_model.hpp>

#include <jobop/backoff/job_backoff.hpp>
#include <jobop/backoff/rng.hpp>
#include <jobop/core/exceptions.hpp>
#include <jobop/time/go_duration.hpp>

#include <algorithm>
#include <limits>
#include <vector>

namespace jobop::backoff {

namespace {

constexpr std::int64_t k_max_failures = 2'000'000'000;
constexpr core::Nanos k_nanos_max = std::numeric_limits<core::Nanos>::max();

core::Nanos saturating_add(core::Nanos a, core::Nanos b) {
  core::Nanos sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? k_nanos_max : sum;
}

// The first multiple of `tick` at or after `t` (t >= 0, tick > 0).
core::Nanos next_tick(core::Nanos t, core::Nanos tick) {
  const core::Nanos remainder = t % tick;
  return remainder == 0 ? t : saturating_add(t - remainder, tick);
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

core::Nanos nearest_rank(const std::vector<core::Nanos>& sorted, int percent) {
  const auto n = static_cast<std::int64_t>(sorted.size());
  const std::int64_t rank = std::max<std::int64_t>(1, (n * percent + 99) / 100);
  return sorted[static_cast<std::size_t>(rank - 1)];
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
  // A terminating job fails exactly max-try-time times.
  if (!result.never_terminates &&
      config.max_try_time > k_max_failures / std::max<std::int64_t>(params.runs, 1)) {
    too_large();
  }
  const core::Nanos horizon = params.horizon.value_or(k_nanos_max);
  std::vector<core::Nanos> times;
  times.reserve(static_cast<std::size_t>(result.never_terminates ? 0 : params.runs));
  for (std::int64_t run = 0; run < params.runs; ++run) {
    JobBackoff job(config, run_rng(params.seed, static_cast<std::uint64_t>(run)));
    core::Nanos start = 0;
    core::Nanos first_failure = -1;
    while (true) {
      const core::Nanos failure_at = saturating_add(start, params.uptime);
      if (failure_at > horizon) {
        break;
      }
      if (params.uptime > 0) {
        job.success(start);
      }
      job.fail(failure_at);
      if (++result.failures > k_max_failures) {
        too_large();
      }
      if (first_failure < 0) {
        first_failure = failure_at;
      }
      if (job.terminate()) {
        ++result.terminated;
        times.push_back(failure_at - first_failure);
        break;
      }
      start = job.retry_at(failure_at);
      if (params.tick_interval > 0) {
        start = next_tick(start, params.tick_interval);
      }
      if (start > horizon) {
        break;
      }
    }
    if (params.on_progress) {
      params.on_progress(run + 1, params.runs);
    }
  }
  if (!times.empty()) {
    std::sort(times.begin(), times.end());
    result.time_to_terminate =
      TerminationQuantiles{times.front(), nearest_rank(times, 50), nearest_rank(times, 90),
                           nearest_rank(times, 99), times.back()};
  }
  return result;
}

} // namespace jobop::backoff
