#pragma once

#include <jobop/core/clock.hpp>

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Timestamps in the metastore (SPEC §1, §5). The engine writes Go's layout
// `2006-01-02 15:04:05.999999999-07:00`; other writers (the sqlite3 shell,
// older tools) leave other layouts or numbers, so reading is lenient. Reading
// is exact over Go's whole range, years 1 to 9999: int64 nanoseconds since
// 1970 (core::UnixNanos) span only 1677 to 2262, so a time read from the store
// is whole seconds plus nanoseconds.
namespace jobop::time {

// An instant: `seconds` since 1970-01-01 00:00:00 UTC (floor) and `nanos`
// after it (0..999,999,999).
struct Timestamp {
  std::int64_t seconds = 0;
  std::int32_t nanos = 0;

  constexpr Timestamp() = default;
  constexpr Timestamp(std::int64_t whole_seconds, std::int32_t fraction)
    : seconds(whole_seconds), nanos(fraction) {}
  // Every core::UnixNanos is a Timestamp: the times jobop itself writes.
  // NOLINTNEXTLINE(google-explicit-constructor)
  constexpr Timestamp(core::UnixNanos t)
    : seconds(t / core::k_second - (t % core::k_second < 0 ? 1 : 0)),
      nanos(static_cast<std::int32_t>(t % core::k_second +
                                      (t % core::k_second < 0 ? core::k_second : 0))) {}

  friend constexpr auto operator<=>(const Timestamp&, const Timestamp&) = default;
  friend constexpr bool operator==(const Timestamp&, const Timestamp&) = default;
};

// 0001-01-01 00:00:00 UTC, Go's zero time.Time (what an unset time.Time
// writes), and the last instant of 9999: the range a store timestamp reads in.
constexpr std::int64_t k_year_1_seconds = -62'135'596'800;
constexpr std::int64_t k_year_9999_end_seconds = 253'402'300'800;

// Return the instant `seconds` + `nanos` (nanos may be 0..999,999,999), or
// nullopt for Go's zero time (no time was set) and for anything outside the
// years 1 to 9999.
std::optional<Timestamp> store_timestamp(std::int64_t seconds, std::int64_t nanos);

// Return `to - from` in nanoseconds, saturated to the range of core::Nanos
// (years apart do not fit).
core::Nanos nanos_between(const Timestamp& from, const Timestamp& to);

// Format `t` as the engine writes it: UTC, `+00:00`, trailing zeros of the
// fraction dropped and no dot for a whole second
// ("2024-05-01 12:00:00.5+00:00"). `t` lies in the years 1 to 9999.
std::string format_go_timestamp(const Timestamp& t);

// Format `t` as RFC 3339 in UTC with the fraction's trailing zeros dropped
// ("2024-05-01T12:00:00.5Z"), as JSON output does. `t` lies in the years 1
// to 9999.
std::string format_rfc3339(const Timestamp& t);

// Parse a timestamp text: `YYYY-MM-DD` (a day the month has), then
// optionally a time after ` ` or `T` with an optional fraction (up to 9
// digits kept), then an optional zone `Z`, `+hh:mm`, `+hhmm` or `+hh` (at
// most 23:59 either way) or Go's `time.String()` tail (` +0000 UTC`,
// ` m=+1.2`). No zone means UTC. Return nullopt for anything else, for Go's
// zero time and for an instant outside the years 1 to 9999.
std::optional<Timestamp> parse_timestamp_text(std::string_view text);

// Interpret an integer column value by magnitude: seconds below 1e11,
// milliseconds below 1e14, microseconds below 1e17, else nanoseconds; nullopt
// outside the years 1 to 9999.
std::optional<Timestamp> timestamp_from_integer(std::int64_t value);

// Interpret a real column value: a Julian day number below 1e7 (SQLite's
// julianday()), else Unix seconds with a fraction (to the microsecond);
// nullopt for NaN, infinities and outside the years 1 to 9999.
std::optional<Timestamp> timestamp_from_real(double value);

} // namespace jobop::time
