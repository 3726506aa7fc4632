#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

// The rules of one time zone as the system's TZif files (RFC 8536) and
// POSIX TZ strings state them: offsets only (names and leap seconds are of no
// use here). Used by time_zone.hpp.
namespace jobop::store::mysql {

// Seconds in a day of civil time (UTC has no leap seconds here).
constexpr std::int64_t k_day = 86400;

// Return `a` / `b` rounded toward negative infinity (`b` > 0).
std::int64_t floor_div(std::int64_t a, std::int64_t b);

// Days since 1970-01-01 of the proleptic Gregorian date `y`-`m`-`d` (any
// year; H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, int m, int d);

struct Ymd {
  std::int64_t year;
  int month;
  int day;
};

// The proleptic Gregorian date `days` after 1970-01-01 (H. Hinnant's
// civil_from_days).
Ymd civil_from_days(std::int64_t days);

// A POSIX TZ rule such as "CET-1CEST,M3.5.0,M10.5.0/3": a standard offset
// and, optionally, a daylight offset with the dates it starts and ends.
struct PosixTz {
  // A rule date: Jn (1..365, February 29 never counted), n (0..365) or
  // Mm.w.d (day d of week w of month m; week 5 is the last).
  struct Date {
    enum class Kind { julian1, julian0, month_week_day };
    Kind kind = Kind::month_week_day;
    int month = 0, week = 0, day = 0; // day is the yday for the two Julian kinds
    int time = 2 * 3600;              // local seconds after midnight (-167h..167h)
  };
  int std_offset = 0; // seconds east of UTC
  bool has_dst = false;
  int dst_offset = 0;
  Date start, end;

  // Return the offset east of UTC, in seconds, at `unix_seconds`.
  int offset_at(std::int64_t unix_seconds) const;
};

// Parse `text` ("IST-5:30", "<+0330>-3:30", "EST5EDT,M3.2.0,M11.1.0"), or
// return nullopt if it is not a POSIX TZ rule. A DST name without dates
// takes the US dates M3.2.0,M11.1.0 as tzcode and Go do.
std::optional<PosixTz> parse_posix_tz(std::string_view text);

struct ZoneRules {
  struct Type {
    int offset = 0; // seconds east of UTC
    bool is_dst = false;
  };
  std::vector<std::int64_t> transitions; // ascending unix seconds
  std::vector<std::uint8_t> transition_types;
  std::vector<Type> types;           // at least one
  std::optional<PosixTz> after_last; // the TZif footer: the rule after the last transition

  // Return the offset east of UTC, in seconds, at `unix_seconds`: before the
  // first transition the zone Go's lookupFirstZone picks, after the last one
  // the footer's rule (else the last type).
  int offset_at(std::int64_t unix_seconds) const;
};

// Parse the bytes of a TZif file (versions 1 to 4; the 64-bit data of
// version 2 and later), or return nullopt if they are not one.
std::optional<ZoneRules> parse_tzif(std::string_view bytes);

} // namespace jobop::store::mysql
