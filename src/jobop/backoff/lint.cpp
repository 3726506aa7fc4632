#include <jobop/backoff/lint.hpp>

#include <jobop/time/go_duration.hpp>

#include <cmath>
#include <sstream>

namespace jobop::backoff {

namespace {

using time::format_go_duration;

class Linter {
public:
  explicit Linter(const BackoffConfigBuilder* builder) : m_builder(builder) {}

  void warn(const std::string& code, const std::string& key, const std::string& message) {
    ConfigIssue issue{"warning", code, message, key, "", 0, ""};
    if (const SettingSource* source = m_builder ? m_builder->source(key) : nullptr) {
      issue.message = source->where + ": " + message;
      issue.file = source->file;
      issue.line = source->line;
    }
    m_issues.push_back(std::move(issue));
  }

  std::vector<ConfigIssue> take() { return std::move(m_issues); }

private:
  const BackoffConfigBuilder* m_builder;
  std::vector<ConfigIssue> m_issues;
};

std::string number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

} // namespace

std::vector<ConfigIssue> lint_policy(const BackoffConfig& config,
                                     const BackoffConfigBuilder* builder) {
  Linter lint(builder);
  const std::pair<const char*, core::Nanos> durations[] = {
    {"reset-interval", config.reset_interval},
    {"initial-interval", config.initial_interval},
    {"max-interval", config.max_interval}};
  for (const auto& [key, value] : durations) {
    const std::string shown = std::string(key) + " " + format_go_duration(value);
    if (value < 0) {
      lint.warn("config.degenerate", key,
                shown + " is negative: the engine runs it as written, and a negative wait or "
                        "reset-interval acts as 0s");
    } else if (value < core::k_millisecond) {
      lint.warn("config.suspicious", key,
                shown +
                  " is under a millisecond; an integer in a config file is nanoseconds "
                  "(write \"" +
                  std::to_string(value) + "s\" for seconds)");
    }
  }
  if (config.initial_interval > config.max_interval) {
    lint.warn("config.suspicious", "initial-interval",
              "initial-interval " + format_go_duration(config.initial_interval) +
                " is above max-interval " + format_go_duration(config.max_interval) +
                ": the first wait is " + format_go_duration(config.initial_interval) +
                " and every later one is capped at " + format_go_duration(config.max_interval));
  }
  if (!std::isfinite(config.multiplier)) {
    lint.warn("config.degenerate", "multiplier",
              "multiplier " + number(config.multiplier) +
                " is not a finite number; simulated as the engine computes it");
  } else if (config.multiplier < 1) {
    lint.warn("config.degenerate", "multiplier",
              "multiplier " + number(config.multiplier) +
                " is below 1: the interval shrinks after every failure (simulated as the "
                "engine runs it)");
  }
  if (config.max_try_time <= 0) {
    lint.warn("config.degenerate", "max-try-time",
              "max-try-time " + std::to_string(config.max_try_time) +
                ": the engine terminates the job at its first failure");
  }
  auto issues = lint.take();
  if (builder != nullptr) {
    issues.insert(issues.end(), builder->warnings().begin(), builder->warnings().end());
  }
  return issues;
}

} // namespace jobop::backoff
