#pragma once

#include <jobop/core/clock.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>

// The engine's job-backoff configuration (SPEC §3) and the rules for its values.
namespace jobop::backoff {

// One job-backoff policy. Durations are int64 nanoseconds, like Go's
// time.Duration. Defaults are the engine's.
struct BackoffConfig {
  core::Nanos reset_interval = 10 * core::k_minute;
  core::Nanos initial_interval = 5 * core::k_second;
  core::Nanos max_interval = 5 * core::k_minute;
  double multiplier = 1.2;
  std::int64_t max_try_time = 600;
  // This product's addition: the engine fixes it at 0.5.
  double randomization_factor = 0.5;
};

// The keys of a config file and of the matching flags, in the SPEC's order.
inline constexpr std::string_view k_backoff_keys[] = {"reset-interval", "initial-interval",
                                                      "max-interval",   "multiplier",
                                                      "max-try-time",   "randomization-factor"};

// True iff `key` is one of k_backoff_keys.
bool is_backoff_key(std::string_view key);

// Return the known key closest to `key` (e.g. "max-try-time" for
// "max_try_time" or "max-tries"), or "" when none is close enough to suggest.
std::string suggest_backoff_key(std::string_view key);

// A value as written: a string (a Go duration, or a number typed on the
// command line), an integer or a floating-point number.
using SettingValue = std::variant<std::string, std::int64_t, double>;

// Where a value comes from: a file holds typed values (a duration string must
// be Go syntax); a flag holds text that may also be an integer of nanoseconds
// or a number.
enum class SettingOrigin { file, flag };

// Check every rule of the SPEC: durations >= 0, multiplier finite and >= 1,
// randomization-factor in [0, 1], max-try-time >= 1. Throw core::UsageError
// "config.invalid_value" naming the first key that breaks one, and its value.
void validate(const BackoffConfig& config);

// Builds a config from layers (defaults, then a file, then flags: later
// settings win) and remembers where each key was last set, so that a rule
// broken by the effective value is reported at its source.
class BackoffConfigBuilder {
public:
  explicit BackoffConfigBuilder(BackoffConfig base = {}) : m_config(base) {}

  // Set `key` to `value`; `where` names its source ("backoff.toml:4",
  // "--multiplier"). Throw core::UsageError "config.unknown_key" (with a
  // did-you-mean) or "config.invalid_value" naming the key and the value.
  void set(std::string_view key, const SettingValue& value, SettingOrigin origin,
           const std::string& where);

  // Return the effective config after validate(), errors prefixed by the
  // source of the offending key.
  BackoffConfig build() const;

private:
  BackoffConfig m_config;
  std::map<std::string, std::string, std::less<>> m_sources;
};

} // namespace jobop::backoff
