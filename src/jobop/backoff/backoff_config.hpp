#pragma once

#include <jobop/backoff/config_issue.hpp>
#include <jobop/core/clock.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

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

// True iff `key` is one of the five keys of the engine's `[job-backoff]`
// (every key but randomization-factor, which the engine fixes at 0.5).
bool is_engine_backoff_key(std::string_view key);

// True iff `name` differs from `known` only as a typo would: case, '_' for
// '-', or a few edits (a third of `known`, at least 2).
bool looks_like(std::string_view name, std::string_view known);

// Return the known key closest to `key` (e.g. "max-try-time" for
// "max_try_time" or "max-tries"), or "" when none is close enough to suggest.
std::string suggest_backoff_key(std::string_view key);

// A value as written: a string (a Go duration, or a number typed on the
// command line), an integer or a floating-point number.
using SettingValue = std::variant<std::string, std::int64_t, double>;

// Where a value comes from: a file holds typed values (a number must not be
// quoted, as the engine's decoder requires); a flag holds text. A duration
// string is Go syntax in both ("30" is refused, never read as nanoseconds).
enum class SettingOrigin { file, flag };

// Where a key was last set: `where` as messages show it ("f.toml:4",
// "--multiplier"), and for a file its name and line (0: unknown).
struct SettingSource {
  std::string where;
  std::string file;
  std::size_t line = 0;
};

// Check the one rule the engine does not have: randomization-factor, this
// product's addition, lies in [0, 1]. Every other value the engine can parse
// runs as it would (degenerate ones are warnings: lint.hpp). Throw
// core::UsageError "config.invalid_value" naming the key and its value.
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

  // set() a value read from line `line` (0: unknown) of config `file`.
  void set_from_file(std::string_view key, const SettingValue& value, const std::string& file,
                     std::size_t line);

  // Return where `key` was last set, or nullptr when it keeps its default.
  const SettingSource* source(std::string_view key) const;

  // Keep a warning found while reading a file (a misspelt table).
  void add_warning(ConfigIssue issue) { m_warnings.push_back(std::move(issue)); }
  // The warnings kept, in the order found.
  const std::vector<ConfigIssue>& warnings() const { return m_warnings; }

  // Return the effective config after validate(), errors prefixed by the
  // source of the offending key.
  BackoffConfig build() const;

private:
  BackoffConfig m_config;
  std::map<std::string, SettingSource, std::less<>> m_sources;
  std::vector<ConfigIssue> m_warnings;
};

} // namespace jobop::backoff
