#include <jobop/backoff/backoff_config.hpp>

#include <jobop/core/echo.hpp>
#include <jobop/core/exceptions.hpp>
#include <jobop/time/go_duration.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

namespace jobop::backoff {

namespace {

std::string describe(const SettingValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) {
    return "\"" + core::echoed(*s) + "\"";
  }
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    return std::to_string(*i);
  }
  std::ostringstream out;
  out << std::get<double>(value);
  return out.str();
}

[[noreturn]] void invalid(std::string_view key, const std::string& value_text,
                          const std::string& where, const std::string& why) {
  throw core::UsageError("config.invalid_value",
                         where + "invalid " + std::string(key) + " " + value_text + ": " + why,
                         {{"key", std::string(key)}, {"value", value_text}});
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

core::Nanos to_duration(std::string_view key, const SettingValue& value, const std::string& where) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    return *i;
  }
  if (const auto* s = std::get_if<std::string>(&value)) {
    // Go syntax only, in files and flags alike: "30" is refused with a
    // did-you-mean "30s", never read as 30 nanoseconds.
    try {
      return time::parse_go_duration(*s);
    } catch (const core::UsageError& e) {
      invalid(key, describe(value), where, e.what());
    }
  }
  invalid(key, describe(value), where,
          "a duration is a Go duration string (\"5s\", \"1m30s\") or an integer of nanoseconds");
}

// The engine's TOML decoder refuses a string where it wants a number
// (`max-try-time = "52"`), so a file must give the number itself; a flag is
// always text.
[[noreturn]] void quoted_number(std::string_view key, const SettingValue& value,
                                const std::string& where) {
  invalid(key, describe(value), where,
          "a quoted string is not a number (the engine's decoder refuses it too); write it "
          "without quotes");
}

double to_number(std::string_view key, const SettingValue& value, SettingOrigin origin,
                 const std::string& where) {
  if (const auto* d = std::get_if<double>(&value)) {
    return *d;
  }
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    return static_cast<double>(*i);
  }
  if (origin == SettingOrigin::file) {
    quoted_number(key, value, where);
  }
  const auto& text = std::get<std::string>(value);
  double result = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), result);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    invalid(key, describe(value), where, "not a number");
  }
  return result;
}

std::int64_t to_integer(std::string_view key, const SettingValue& value, SettingOrigin origin,
                        const std::string& where) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    return *i;
  }
  if (const auto* s = std::get_if<std::string>(&value)) {
    if (origin == SettingOrigin::file) {
      quoted_number(key, value, where);
    }
    std::int64_t result = 0;
    const auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), result);
    if (ec == std::errc::result_out_of_range) {
      invalid(key, describe(value), where, "out of the int64 range");
    }
    if (ec == std::errc() && end == s->data() + s->size() && !s->empty()) {
      return result;
    }
  }
  invalid(key, describe(value), where, "not an integer");
}

} // namespace

bool is_backoff_key(std::string_view key) {
  return std::find(std::begin(k_backoff_keys), std::end(k_backoff_keys), key) !=
         std::end(k_backoff_keys);
}

bool is_engine_backoff_key(std::string_view key) {
  return is_backoff_key(key) && key != "randomization-factor";
}

namespace {

std::string normalized_key(std::string_view key) {
  std::string normalized(key);
  std::replace(normalized.begin(), normalized.end(), '_', '-');
  std::transform(normalized.begin(), normalized.end(), normalized.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return normalized;
}

} // namespace

bool looks_like(std::string_view name, std::string_view known) {
  const std::size_t limit = std::max<std::size_t>(2, known.size() / 3);
  return edit_distance(normalized_key(name), known) <= limit;
}

std::string suggest_backoff_key(std::string_view key) {
  const std::string normalized = normalized_key(key);
  std::string best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const auto known : k_backoff_keys) {
    const std::size_t distance = edit_distance(normalized, known);
    if (distance < best_distance) {
      best_distance = distance;
      best = std::string(known);
    }
  }
  // Suggest only what a typo could explain: a third of the key, at least 2.
  const std::size_t limit = std::max<std::size_t>(2, best.size() / 3);
  return best_distance <= limit ? best : "";
}

void BackoffConfigBuilder::set(std::string_view key, const SettingValue& value,
                               SettingOrigin origin, const std::string& where_name) {
  const std::string where = where_name.empty() ? "" : where_name + ": ";
  BackoffConfig& config = m_config;
  if (key == "reset-interval") {
    config.reset_interval = to_duration(key, value, where);
  } else if (key == "initial-interval") {
    config.initial_interval = to_duration(key, value, where);
  } else if (key == "max-interval") {
    config.max_interval = to_duration(key, value, where);
  } else if (key == "multiplier") {
    config.multiplier = to_number(key, value, origin, where);
  } else if (key == "randomization-factor") {
    config.randomization_factor = to_number(key, value, origin, where);
  } else if (key == "max-try-time") {
    config.max_try_time = to_integer(key, value, origin, where);
  } else {
    const std::string suggestion = suggest_backoff_key(key);
    std::string message = where + "unknown key \"" + std::string(key) + "\"";
    if (!suggestion.empty()) {
      message += "; did you mean " + suggestion + "?";
    } else {
      message += "; known keys: reset-interval, initial-interval, max-interval, multiplier, "
                 "max-try-time, randomization-factor";
    }
    nlohmann::json details = {{"key", std::string(key)}};
    if (!suggestion.empty()) {
      details["suggestion"] = suggestion;
    }
    throw core::UsageError("config.unknown_key", message, details);
  }
  m_sources.insert_or_assign(std::string(key), SettingSource{where_name, "", 0});
}

void BackoffConfigBuilder::set_from_file(std::string_view key, const SettingValue& value,
                                         const std::string& file, std::size_t line) {
  const std::string where = line == 0 ? file : file + ":" + std::to_string(line);
  set(key, value, SettingOrigin::file, where);
  m_sources.insert_or_assign(std::string(key), SettingSource{where, file, line});
}

const SettingSource* BackoffConfigBuilder::source(std::string_view key) const {
  const auto found = m_sources.find(key);
  return found == m_sources.end() ? nullptr : &found->second;
}

BackoffConfig BackoffConfigBuilder::build() const {
  try {
    validate(m_config);
  } catch (const core::UsageError& e) {
    const auto key = e.details().value("key", std::string());
    const auto source = m_sources.find(key);
    if (source == m_sources.end() || source->second.where.empty()) {
      throw;
    }
    nlohmann::json details = e.details();
    details["source"] = source->second.where;
    throw core::UsageError(e.code(), source->second.where + ": " + e.what(), details);
  }
  return m_config;
}

void validate(const BackoffConfig& config) {
  // The engine runs any value it can parse (SPEC §3): only the jitter, this
  // product's own addition, has a range.
  if (!(config.randomization_factor >= 0 && config.randomization_factor <= 1)) {
    invalid("randomization-factor", describe(config.randomization_factor), "",
            "must be within [0, 1]");
  }
}

} // namespace jobop::backoff
