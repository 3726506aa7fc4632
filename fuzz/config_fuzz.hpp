#pragma once

#include <fuzz_check.hpp>

#include <jobop/backoff/backoff_config.hpp>
#include <jobop/backoff/config_file.hpp>
#include <jobop/core/exceptions.hpp>
#include <jobop/time/go_duration.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

// The properties shared by the TOML and JSON config fuzz targets: reading a
// config throws only core::UsageError with a documented code and a message
// that names the file; a config that builds is valid; and writing the built
// config back out in the same format reads back to exactly the same values.
namespace jobop::fuzz {

inline bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

inline void check_config_error(const core::UsageError& e, const std::string& name) {
  FUZZ_CHECK(e.code() == "config.syntax" || e.code() == "config.unknown_key" ||
             e.code() == "config.invalid_value");
  FUZZ_CHECK(starts_with(e.what(), name));
}

// Apply `text` and build; nullopt when the input is (correctly) refused.
inline std::optional<backoff::BackoffConfig>
read_config(std::string_view text, const std::string& name, backoff::ConfigFormat format) {
  backoff::BackoffConfigBuilder builder;
  try {
    backoff::apply_backoff_config_text(builder, text, name, format);
  } catch (const core::UsageError& e) {
    check_config_error(e, name);
    return std::nullopt;
  }
  try {
    const backoff::BackoffConfig config = builder.build();
    backoff::validate(config); // must not throw for a built config
    return config;
  } catch (const core::UsageError& e) {
    FUZZ_CHECK(e.code() == "config.invalid_value");
    FUZZ_CHECK(starts_with(e.what(), name));
    return std::nullopt;
  }
}

// Shortest text that reads back to the same double; ".0" keeps TOML's float type.
inline std::string exact_number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  std::string text = buffer;
  if (text.find_first_of(".eEn") == std::string::npos) {
    text += ".0";
  }
  return text;
}

// Durations as Go strings (TOML) or integers of nanoseconds (JSON): both paths.
inline std::string write_config(const backoff::BackoffConfig& c, backoff::ConfigFormat format) {
  using time::format_go_duration;
  if (format == backoff::ConfigFormat::toml) {
    return "reset-interval = \"" + format_go_duration(c.reset_interval) + "\"\n" +
           "initial-interval = \"" + format_go_duration(c.initial_interval) + "\"\n" +
           "max-interval = \"" + format_go_duration(c.max_interval) + "\"\n" +
           "multiplier = " + exact_number(c.multiplier) + "\n" +
           "max-try-time = " + std::to_string(c.max_try_time) + "\n" +
           "randomization-factor = " + exact_number(c.randomization_factor) + "\n";
  }
  return "{\"reset-interval\": " + std::to_string(c.reset_interval) +
         ", \"initial-interval\": " + std::to_string(c.initial_interval) +
         ", \"max-interval\": " + std::to_string(c.max_interval) +
         ", \"multiplier\": " + exact_number(c.multiplier) +
         ", \"max-try-time\": " + std::to_string(c.max_try_time) +
         ", \"randomization-factor\": " + exact_number(c.randomization_factor) + "}";
}

inline bool same_config(const backoff::BackoffConfig& a, const backoff::BackoffConfig& b) {
  return a.reset_interval == b.reset_interval && a.initial_interval == b.initial_interval &&
         a.max_interval == b.max_interval &&
         // The engine accepts `multiplier = nan` (SPEC §3), and NaN != NaN.
         (a.multiplier == b.multiplier || (std::isnan(a.multiplier) && std::isnan(b.multiplier))) &&
         a.max_try_time == b.max_try_time && a.randomization_factor == b.randomization_factor;
}

inline void fuzz_config(const std::uint8_t* data, std::size_t size, const std::string& name,
                        backoff::ConfigFormat format) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto config = read_config(text, name, format);
  if (!config) {
    return;
  }
  const std::string written = write_config(*config, format);
  const auto again = read_config(written, name, format);
  if (!again || !same_config(*config, *again)) {
    std::fprintf(stderr, "config did not survive a write and read:\n%s\n", written.c_str());
  }
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(same_config(*config, *again));
}

} // namespace jobop::fuzz
