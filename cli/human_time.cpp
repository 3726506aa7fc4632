#include <cli/human_time.hpp>

#include <jobop/time/timestamp.hpp>

#include <cstdint>

namespace jobop::cli {

std::string human_age(core::Nanos d) {
  if (d < 0) {
    // -INT64_MIN overflows; a clock that far off is shown as the largest age.
    return "-" + human_age(d == INT64_MIN ? INT64_MAX : -d);
  }
  // kubectl's HumanDuration thresholds: precise while it matters, coarse later.
  const std::int64_t seconds = d / core::k_second;
  const std::int64_t minutes = seconds / 60;
  const std::int64_t hours = minutes / 60;
  const std::int64_t days = hours / 24;
  const auto s = [](std::int64_t v) { return std::to_string(v); };
  if (seconds < 120) {
    return s(seconds) + "s";
  }
  if (minutes < 10) {
    const std::int64_t rest = seconds % 60;
    return s(minutes) + "m" + (rest == 0 ? "" : s(rest) + "s");
  }
  if (minutes < 3 * 60) {
    return s(minutes) + "m";
  }
  if (hours < 8) {
    const std::int64_t rest = minutes % 60;
    return s(hours) + "h" + (rest == 0 ? "" : s(rest) + "m");
  }
  if (hours < 48) {
    return s(hours) + "h";
  }
  if (hours < 24 * 8) {
    const std::int64_t rest = hours % 24;
    return s(days) + "d" + (rest == 0 ? "" : s(rest) + "h");
  }
  if (days < 365 * 2) {
    return s(days) + "d";
  }
  const std::int64_t years = days / 365;
  if (years < 8) {
    const std::int64_t rest = days % 365;
    return s(years) + "y" + (rest == 0 ? "" : s(rest) + "d");
  }
  return s(years) + "y";
}

std::optional<std::string> age_of_timestamp(std::string_view text, core::UnixNanos now) {
  const auto t = time::parse_timestamp_text(text);
  if (!t) {
    return std::nullopt;
  }
  // nanos_between saturates: Go's range spans more than int64 nanoseconds.
  return human_age(time::nanos_between(*t, now));
}

} // namespace jobop::cli
