#include <jobop/backoff/solve.hpp>

#include <jobop/backoff/exponential_backoff.hpp>
#include <jobop/backoff/schedule.hpp>
#include <jobop/backoff/statistics.hpp>
#include <jobop/core/exceptions.hpp>
#include <jobop/time/go_duration.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <limits>

namespace jobop::backoff {

namespace {

using time::format_go_duration;

// Durations below a millisecond are lint warnings: the search starts there.
constexpr core::Nanos k_lowest_duration = core::k_millisecond;
// With nothing else to bound a duration, a year is beyond any sane policy.
constexpr core::Nanos k_highest_duration = 365 * 24 * core::k_hour;
// The multiplier is searched in steps of 1e-6, so it prints exactly.
constexpr double k_multiplier_step = 1e6;

// The chosen percentile of a run of the failure model; absent when some run
// never terminates (which is above any D).
std::optional<core::Nanos> percentile_of(const FailureModelResult& r, int percent) {
  if (!r.time_to_terminate || r.terminated < r.runs) {
    return std::nullopt;
  }
  const auto& q = *r.time_to_terminate;
  return percent == 50 ? q.p50 : percent == 90 ? q.p90 : q.p99;
}

bool fits(const std::optional<core::Nanos>& p, core::Nanos d) {
  return p && *p <= d;
}

// A key whose value is an integer: nanoseconds, micro-units of the
// multiplier, or failures.
struct IntegerKey {
  std::function<void(BackoffConfig&, std::int64_t)> set;
};

IntegerKey integer_key(SolveKey key) {
  switch (key) {
  case SolveKey::max_try_time:
    return {[](BackoffConfig& c, std::int64_t v) { c.max_try_time = v; }};
  case SolveKey::max_interval:
    return {[](BackoffConfig& c, std::int64_t v) { c.max_interval = v; }};
  case SolveKey::initial_interval:
    return {[](BackoffConfig& c, std::int64_t v) { c.initial_interval = v; }};
  case SolveKey::multiplier:
    break;
  }
  return {[](BackoffConfig& c, std::int64_t v) {
    c.multiplier = static_cast<double>(v) / k_multiplier_step;
  }};
}

// The largest value whose longest wait stays within `max_wait`.
core::Nanos largest_within_wait(core::Nanos max_wait, double factor) {
  core::Nanos v = saturating_trunc(static_cast<double>(max_wait) / (1 + factor));
  while (v > 0 && randomized_interval(v, factor, largest_jitter_draw()) > max_wait) {
    --v;
  }
  return v;
}

// The smallest max-interval that the interval never reaches within
// max-try-time - 1 retries: any larger one changes nothing.
core::Nanos never_binding_cap(const BackoffConfig& config) {
  double current = static_cast<double>(config.initial_interval);
  double peak = current;
  const std::int64_t retries = std::min<std::int64_t>(config.max_try_time, 100'000);
  for (std::int64_t k = 1; k < retries && config.multiplier > 1; ++k) {
    current *= config.multiplier;
    peak = std::max(peak, current);
    if (peak > static_cast<double>(k_highest_duration)) {
      break;
    }
  }
  return std::min(saturating_trunc(peak * config.multiplier) + 1, k_highest_duration);
}

class Solver {
public:
  Solver(const BackoffConfig& base, const FailureModelParams& params, const SolveRequest& request)
    : m_base(base), m_params(params), m_request(request), m_key(integer_key(request.key)) {}

  BackoffConfig with(std::int64_t v) const {
    BackoffConfig c = m_base;
    m_key.set(c, v);
    return c;
  }

  std::optional<core::Nanos> evaluate(std::int64_t v) {
    ++m_evaluations;
    return percentile_of(run_failure_model(with(v), m_params), m_request.percent);
  }

  // Bisection over [lo, hi]: the largest v whose percentile fits.
  SolveResult bisect(std::int64_t lo, std::int64_t hi, const std::string& hi_note) {
    if (!fits(evaluate(lo), m_request.give_up_after)) {
      return finish(lo, false,
                    "nothing fits: even " + shown(lo) + " gives up after more than " +
                      format_go_duration(m_request.give_up_after) + " at the chosen percentile");
    }
    if (fits(evaluate(hi), m_request.give_up_after)) {
      return finish(hi, true, hi_note);
    }
    while (hi - lo > 1) {
      const std::int64_t mid = lo + (hi - lo) / 2;
      (fits(evaluate(mid), m_request.give_up_after) ? lo : hi) = mid;
    }
    return finish(lo, true, "");
  }

  // max-try-time in one pass: the run trajectories do not depend on it, so
  // the answer is the k-th largest peak of failures within D (k the rank of
  // the percentile), then checked by direct simulation of it and the next.
  SolveResult max_try_time() {
    const auto peaks = peak_failures_within(m_base, m_params, m_request.give_up_after);
    ++m_evaluations;
    std::vector<std::int64_t> sorted = peaks;
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    const auto k = nearest_rank(static_cast<std::int64_t>(sorted.size()), m_request.percent);
    const std::int64_t answer = std::max<std::int64_t>(1, sorted[static_cast<std::size_t>(k - 1)]);
    SolveResult result = finish(answer, true, "");
    const auto next = evaluate(answer + 1);
    result.next_value = answer + 1;
    result.next_percentile = next;
    result.evaluations = m_evaluations;
    return result;
  }

  std::string shown(std::int64_t v) const {
    const BackoffConfig c = with(v);
    switch (m_request.key) {
    case SolveKey::max_try_time:
      return "max-try-time " + std::to_string(c.max_try_time);
    case SolveKey::max_interval:
      return "max-interval " + format_go_duration(c.max_interval);
    case SolveKey::initial_interval:
      return "initial-interval " + format_go_duration(c.initial_interval);
    case SolveKey::multiplier:
      break;
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6f", c.multiplier);
    return std::string("multiplier ") + buffer;
  }

  SolveResult finish(std::int64_t v, bool solved, std::string note) {
    SolveResult result;
    result.config = with(v);
    result.distribution = run_failure_model(result.config, m_params);
    ++m_evaluations;
    result.percentile = percentile_of(result.distribution, m_request.percent);
    result.solved = solved && fits(result.percentile, m_request.give_up_after);
    result.longest_possible_wait = longest_possible_wait(result.config);
    result.note = std::move(note);
    result.evaluations = m_evaluations;
    return result;
  }

  // Count the evaluations of a result made before finish() was called.
  std::int64_t evaluations() const { return m_evaluations; }

private:
  const BackoffConfig& m_base;
  const FailureModelParams& m_params;
  const SolveRequest& m_request;
  IntegerKey m_key;
  std::int64_t m_evaluations = 0;
};

SolveResult solve_with(Solver& solver, const BackoffConfig& base, const SolveRequest& request) {
  const double f = base.randomization_factor;
  const auto wait_too_long = [&](const BackoffConfig& c) {
    return request.max_wait && longest_possible_wait(c) > *request.max_wait;
  };
  switch (request.key) {
  case SolveKey::max_try_time: {
    if (wait_too_long(base)) {
      auto result = solver.finish(base.max_try_time, false, "");
      result.note = "no max-try-time can help: the longest wait " +
                    format_go_duration(longest_possible_wait(base)) + " exceeds --max-wait " +
                    format_go_duration(*request.max_wait) + "; solve max-interval instead";
      return result;
    }
    return solver.max_try_time();
  }
  case SolveKey::max_interval: {
    core::Nanos hi = never_binding_cap(base);
    std::string note = "a larger max-interval changes nothing: the interval never reaches it "
                       "before the job is terminated";
    if (request.max_wait) {
      const core::Nanos bound = largest_within_wait(*request.max_wait, f);
      if (bound < hi) {
        hi = bound;
        note = "bounded by --max-wait " + format_go_duration(*request.max_wait);
      }
    }
    if (hi < k_lowest_duration) {
      auto result = solver.finish(k_lowest_duration, false, "");
      result.note = "--max-wait leaves no max-interval of at least 1ms";
      return result;
    }
    return solver.bisect(k_lowest_duration, hi, note);
  }
  case SolveKey::initial_interval: {
    if (wait_too_long(base)) {
      auto result = solver.finish(base.initial_interval, false, "");
      result.note = "the longest wait exceeds --max-wait whatever initial-interval is; solve "
                    "max-interval instead";
      return result;
    }
    const core::Nanos hi = std::max(k_lowest_duration, base.max_interval);
    return solver.bisect(k_lowest_duration, hi,
                         "an initial-interval above max-interval would be capped on the next "
                         "retry: the search stops at max-interval");
  }
  case SolveKey::multiplier:
    break;
  }
  if (wait_too_long(base)) {
    auto result =
      solver.finish(static_cast<std::int64_t>(base.multiplier * k_multiplier_step), false, "");
    result.note = "the longest wait exceeds --max-wait whatever the multiplier is; solve "
                  "max-interval instead";
    return result;
  }
  // At max/initial the first growth reaches the cap: beyond, nothing changes.
  const double top =
    std::max(1.0, static_cast<double>(base.max_interval) /
                    static_cast<double>(std::max<core::Nanos>(1, base.initial_interval)));
  const auto hi = static_cast<std::int64_t>(std::ceil(std::min(top, 1e6) * k_multiplier_step));
  return solver.bisect(static_cast<std::int64_t>(k_multiplier_step),
                       std::max<std::int64_t>(hi, 1'000'001),
                       "a larger multiplier changes nothing: the first growth already reaches "
                       "max-interval");
}

} // namespace

SolveKey parse_solve_key(std::string_view name) {
  if (name == "max-try-time") {
    return SolveKey::max_try_time;
  }
  if (name == "max-interval") {
    return SolveKey::max_interval;
  }
  if (name == "multiplier") {
    return SolveKey::multiplier;
  }
  if (name == "initial-interval") {
    return SolveKey::initial_interval;
  }
  throw core::UsageError("solve.bad_key",
                         "--solve takes max-try-time, max-interval, multiplier or "
                         "initial-interval",
                         {{"value", std::string(name)}});
}

std::string_view to_string(SolveKey key) {
  switch (key) {
  case SolveKey::max_try_time:
    return "max-try-time";
  case SolveKey::max_interval:
    return "max-interval";
  case SolveKey::multiplier:
    return "multiplier";
  case SolveKey::initial_interval:
    break;
  }
  return "initial-interval";
}

core::Nanos longest_possible_wait(const BackoffConfig& config) {
  const core::Nanos top = std::max(config.initial_interval, config.max_interval);
  return randomized_interval(top, config.randomization_factor, largest_jitter_draw());
}

SolveResult solve_policy(const BackoffConfig& base, const FailureModelParams& params,
                         const SolveRequest& request) {
  validate(base);
  if (params.horizon) {
    throw core::UsageError("solve.invalid", "--solve needs every run to end: drop --horizon");
  }
  if (request.give_up_after <= 0) {
    throw core::UsageError("solve.invalid", "--give-up-after must be a positive duration");
  }
  if (request.percent != 50 && request.percent != 90 && request.percent != 99) {
    throw core::UsageError("solve.invalid", "--percentile takes p50, p90 or p99");
  }
  Solver solver(base, params, request);
  return solve_with(solver, base, request);
}

std::string engine_toml_block(const BackoffConfig& config) {
  char multiplier[32];
  const auto [end, ec] =
    std::to_chars(multiplier, multiplier + sizeof multiplier - 2, config.multiplier);
  std::string m(multiplier, ec == std::errc() ? end : multiplier);
  if (m.find_first_of(".eEn") == std::string::npos) {
    m += ".0"; // a TOML float, not an integer
  }
  return "[job-backoff]\n"
         "reset-interval = \"" +
         format_go_duration(config.reset_interval) +
         "\"\n"
         "initial-interval = \"" +
         format_go_duration(config.initial_interval) +
         "\"\n"
         "max-interval = \"" +
         format_go_duration(config.max_interval) +
         "\"\n"
         "multiplier = " +
         m +
         "\n"
         "max-try-time = " +
         std::to_string(config.max_try_time) + "\n";
}

} // namespace jobop::backoff
