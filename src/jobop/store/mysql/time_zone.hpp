#pragma once

#include <jobop/core/clock.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

// The engine's MySQL metastore keeps times as datetime(3): a wall-clock
// date and time with milliseconds and no zone, written and read in the zone
// of its driver's `loc` (SPEC §1b). This converts between those and instants,
// reading the zone rules from the system's TZif files itself (thread-safe,
// no TZ juggling, the same answers as Go's time package).
namespace jobop::store::mysql {

// A wall-clock date and time as a datetime(3) column holds it.
struct CivilTime {
  int year = 1970; // 1..9999
  int month = 1;   // 1..12
  int day = 1;     // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millisecond = 0;

  friend bool operator==(const CivilTime&, const CivilTime&) = default;
};

// Return true if `civil` is a real date of years 1..9999 with fields in range.
bool is_valid(const CivilTime& civil);

// Return `civil` as "YYYY-MM-DD HH:MM:SS.mmm".
std::string format_civil(const CivilTime& civil);

// Parse `text` as MySQL writes a date or datetime, "YYYY-MM-DD[ HH:MM:SS[.f]]"
// (1 to 9 fraction digits, cut to milliseconds; 'T' for the space too);
// nullopt for anything else, the zero date included.
std::optional<CivilTime> parse_civil(std::string_view text);

struct ZoneRules; // the parsed rules (zone_rules.hpp)

// A time zone: UTC, this process's local zone, or an IANA zone. Cheap to copy.
class TimeZone {
public:
  static TimeZone utc();
  // The zone Go's time.Local is for this process: $TZ (a zone name, ":name",
  // an absolute TZif path or, as glibc also reads it, a POSIX TZ rule),
  // "" → UTC, unset → /etc/localtime, unreadable → UTC.
  static TimeZone local();
  // The IANA zone `name` ("Europe/Berlin"), read from $TZDIR or
  // /usr/share/zoneinfo. Throw core::UsageError `store.bad_loc` if there is
  // no such zone or the name is not a zone name (absolute, "..").
  static TimeZone named(std::string_view name);
  // A driver `loc` value: "Local", "UTC" (or "") or an IANA name, as Go's
  // time.LoadLocation reads it.
  static TimeZone from_loc(std::string_view loc);

  const std::string& name() const { return m_name; }
  // Return the zone's offset east of UTC, in seconds, at `unix_seconds`.
  int offset_at(std::int64_t unix_seconds) const;

private:
  TimeZone(std::string name, std::shared_ptr<const ZoneRules> rules);
  std::string m_name;
  std::shared_ptr<const ZoneRules> m_rules; // null for UTC
};

// Return the wall clock in `zone` at `t`, with the fraction below a
// millisecond dropped (floor: a stored time never lies after `t`).
CivilTime to_civil(core::UnixNanos t, const TimeZone& zone);

// Return the instant the wall clock `civil` in `zone` names, or nullopt if
// `civil` is not valid or lies outside the range of core::UnixNanos (years
// 1677..2262). A wall-clock time that a change of offset skips or repeats is
// resolved as Go's time.Date does (the engine's driver reads with it): take
// the offset in force at the wall-clock time read as UTC, then the offset in
// force at the instant that gives. So in zones east of UTC a repeated time is
// the later instant (Europe/Berlin 2024-10-27 02:30 is 01:30Z, CET) and a
// skipped one moves forward (2024-03-31 02:30 is 03:30 CEST); west of UTC a
// repeated time is the earlier instant and a skipped one moves back
// (America/St_Johns 2024-11-03 01:30 is NDT; 2024-03-10 02:30 is 01:30 NST).
std::optional<core::UnixNanos> from_civil(const CivilTime& civil, const TimeZone& zone);

// The same over whole seconds since the Unix epoch, for the whole datetime
// range (years 1..9999): `civil.millisecond` is ignored, and set to 0 in the
// result. unix_seconds_from_civil throws std::invalid_argument unless
// is_valid(`civil`).
CivilTime civil_from_unix_seconds(std::int64_t unix_seconds, const TimeZone& zone);
std::int64_t unix_seconds_from_civil(const CivilTime& civil, const TimeZone& zone);

} // namespace jobop::store::mysql
