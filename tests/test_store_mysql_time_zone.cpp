#include "mysql_test_support.hpp"

#include <jobop/store/mysql/time_zone.hpp>
#include <jobop/store/mysql/zone_rules.hpp>

#include <doctest/doctest.h>

#include <ctime>
#include <optional>
#include <string>

using namespace jobop::store::mysql;
using jobop::core::k_hour;
using jobop::core::k_millisecond;
using jobop::core::k_minute;
using jobop::core::k_second;
using jobop::core::UnixNanos;

namespace {

CivilTime civil(int y, int mo, int d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  return {y, mo, d, h, mi, s, ms};
}

// The instant of a UTC wall-clock time (years 1678..2261).
UnixNanos utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  const auto t = from_civil(civil(y, mo, d, h, mi, s), TimeZone::utc());
  REQUIRE(t.has_value());
  return *t;
}

// Set TZ for one scope (tests run on one thread).
class TzGuard {
public:
  explicit TzGuard(const char* value) {
    if (const char* old = std::getenv("TZ")) {
      m_old = old;
    }
    if (value == nullptr) {
      ::unsetenv("TZ");
    } else {
      ::setenv("TZ", value, 1);
    }
    ::tzset();
  }
  ~TzGuard() {
    if (m_old) {
      ::setenv("TZ", m_old->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }
  TzGuard(const TzGuard&) = delete;
  TzGuard& operator=(const TzGuard&) = delete;

private:
  std::optional<std::string> m_old;
};

} // namespace

TEST_CASE("civil times of datetime(3) columns are checked and formatted") {
  CHECK(is_valid(civil(2024, 2, 29)));
  CHECK_FALSE(is_valid(civil(2023, 2, 29)));
  CHECK_FALSE(is_valid(civil(1900, 2, 29)));
  CHECK(is_valid(civil(2000, 2, 29)));
  CHECK(is_valid(civil(1, 1, 1)));
  CHECK(is_valid(civil(9999, 12, 31, 23, 59, 59, 999)));
  CHECK_FALSE(is_valid(civil(0, 1, 1)));
  CHECK_FALSE(is_valid(civil(10000, 1, 1)));
  CHECK_FALSE(is_valid(civil(2024, 4, 31)));
  CHECK_FALSE(is_valid(civil(2024, 1, 1, 24)));
  CHECK_FALSE(is_valid(civil(2024, 1, 1, 0, 0, 60)));
  CHECK_FALSE(is_valid(civil(2024, 1, 1, 0, 0, 0, 1000)));
  CHECK(format_civil(civil(7, 3, 9, 1, 2, 3, 45)) == "0007-03-09 01:02:03.045");
}

TEST_CASE("datetime text is read as MySQL writes it") {
  CHECK(parse_civil("2024-02-29 01:02:03") == civil(2024, 2, 29, 1, 2, 3));
  CHECK(parse_civil("2024-02-29 01:02:03.5") == civil(2024, 2, 29, 1, 2, 3, 500));
  CHECK(parse_civil("2024-02-29T01:02:03.123456789") == civil(2024, 2, 29, 1, 2, 3, 123));
  CHECK(parse_civil("2024-02-29 01:02:03.000999") == civil(2024, 2, 29, 1, 2, 3, 0));
  CHECK(parse_civil("2024-02-29") == civil(2024, 2, 29));
  CHECK(parse_civil("9999-12-31 23:59:59.999") == civil(9999, 12, 31, 23, 59, 59, 999));
  for (const char* bad :
       {"", "0000-00-00 00:00:00", "2023-02-29", "2024-02-29 1:02:03", "2024-02-29 01:02:03.",
        "2024-02-29 01:02:03.1234567890", "2024-02-29 01:02:03+00:00", "2024-02-29 01:02",
        "24-02-29", "2024/02/29", "2024-02-29 24:00:00"}) {
    CAPTURE(std::string(bad));
    CHECK_FALSE(parse_civil(bad).has_value());
  }
}

TEST_CASE("UTC civil times round-trip with milliseconds, the rest dropped") {
  const TimeZone z = TimeZone::utc();
  const UnixNanos noon = 1'714'564'800 * k_second; // 2024-05-01 12:00:00Z
  CHECK(to_civil(noon + 123'456'789, z) == civil(2024, 5, 1, 12, 0, 0, 123));
  CHECK(from_civil(civil(2024, 5, 1, 12, 0, 0, 123), z) == noon + 123 * k_millisecond);
  CHECK(to_civil(0, z) == civil(1970, 1, 1));
  CHECK(to_civil(-1, z) == civil(1969, 12, 31, 23, 59, 59, 999)); // floor, not toward zero
  CHECK(to_civil(INT64_MAX, z) == civil(2262, 4, 11, 23, 47, 16, 854));
  CHECK(to_civil(INT64_MIN, z) == civil(1677, 9, 21, 0, 12, 43, 145));
  CHECK_FALSE(from_civil(civil(2263, 1, 1), z).has_value());
  CHECK_FALSE(from_civil(civil(1677, 9, 21), z).has_value());
  CHECK_FALSE(from_civil(civil(2024, 2, 30), z).has_value());
  // The whole datetime range in seconds.
  CHECK(unix_seconds_from_civil(civil(1, 1, 1), z) == -62'135'596'800);
  CHECK(unix_seconds_from_civil(civil(9999, 12, 31, 23, 59, 59), z) == 253'402'300'799);
  CHECK(civil_from_unix_seconds(-62'135'596'800, z) == civil(1, 1, 1));
  CHECK(civil_from_unix_seconds(253'402'300'799, z) == civil(9999, 12, 31, 23, 59, 59));
  for (std::int64_t s = -62'135'596'800; s < 253'402'300'799; s += 86'399 * 367 + 3'601) {
    CHECK(unix_seconds_from_civil(civil_from_unix_seconds(s, z), z) == s);
  }
  CHECK(TimeZone::from_loc("UTC").name() == "UTC");
  CHECK(TimeZone::from_loc("").offset_at(0) == 0);
}

TEST_CASE("Europe/Berlin civil times follow its daylight saving time") {
  const TimeZone z = TimeZone::named("Europe/Berlin");
  CHECK(z.name() == "Europe/Berlin");
  CHECK(to_civil(utc(2024, 1, 15, 12), z) == civil(2024, 1, 15, 13));
  CHECK(to_civil(utc(2024, 7, 15, 12), z) == civil(2024, 7, 15, 14));
  // Spring forward: 02:00 CET becomes 03:00 CEST at 01:00Z.
  CHECK(to_civil(utc(2024, 3, 31, 0, 59, 59), z) == civil(2024, 3, 31, 1, 59, 59));
  CHECK(to_civil(utc(2024, 3, 31, 1), z) == civil(2024, 3, 31, 3));
  // Fall back: 03:00 CEST becomes 02:00 CET at 01:00Z.
  CHECK(to_civil(utc(2024, 10, 27, 0, 59, 59), z) == civil(2024, 10, 27, 2, 59, 59));
  CHECK(to_civil(utc(2024, 10, 27, 1), z) == civil(2024, 10, 27, 2));
  // Back again, as Go's time.Date: a skipped 02:30 moves forward, a
  // repeated one is the later (CET) instant.
  CHECK(from_civil(civil(2024, 3, 31, 2, 30), z) == utc(2024, 3, 31, 1, 30));
  CHECK(from_civil(civil(2024, 10, 27, 2, 30), z) == utc(2024, 10, 27, 1, 30));
  CHECK(from_civil(civil(2024, 10, 27, 1, 59, 59, 999), z) ==
        utc(2024, 10, 26, 23, 59, 59) + 999 * k_millisecond);
  CHECK(from_civil(civil(2024, 10, 27, 3), z) == utc(2024, 10, 27, 2));
  // Beyond the file's transitions, by its POSIX rule; before them, LMT.
  CHECK(to_civil(utc(2100, 7, 1, 12), z) == civil(2100, 7, 1, 14));
  CHECK(to_civil(utc(2100, 12, 1, 12), z) == civil(2100, 12, 1, 13));
  CHECK(civil_from_unix_seconds(unix_seconds_from_civil(civil(9999, 7, 1, 12), TimeZone::utc()),
                                z) == civil(9999, 7, 1, 14));
  CHECK(z.offset_at(unix_seconds_from_civil(civil(1, 6, 1), TimeZone::utc())) == 3208); // +0:53:28
}

TEST_CASE("Asia/Kolkata is half an hour off the hour all year") {
  const TimeZone z = TimeZone::named("Asia/Kolkata");
  CHECK(to_civil(utc(2024, 1, 15, 12), z) == civil(2024, 1, 15, 17, 30));
  CHECK(to_civil(utc(2024, 7, 15, 12), z) == civil(2024, 7, 15, 17, 30));
  CHECK(from_civil(civil(2024, 7, 15, 0, 0, 0, 5), z) ==
        utc(2024, 7, 14, 18, 30) + 5 * k_millisecond);
  CHECK(to_civil(utc(2250, 1, 1), z) == civil(2250, 1, 1, 5, 30));
}

TEST_CASE("America/St_Johns changes its half-hour offset at local times like Go") {
  const TimeZone z = TimeZone::named("America/St_Johns");
  CHECK(to_civil(utc(2024, 1, 15, 12), z) == civil(2024, 1, 15, 8, 30)); // NST -3:30
  CHECK(to_civil(utc(2024, 7, 15, 12), z) == civil(2024, 7, 15, 9, 30)); // NDT -2:30
  // 2024-03-10 02:00 NST (05:30Z) becomes 03:00 NDT.
  CHECK(to_civil(utc(2024, 3, 10, 5, 29, 59), z) == civil(2024, 3, 10, 1, 59, 59));
  CHECK(to_civil(utc(2024, 3, 10, 5, 30), z) == civil(2024, 3, 10, 3));
  // 2024-11-03 02:00 NDT (04:30Z) becomes 01:00 NST.
  CHECK(to_civil(utc(2024, 11, 3, 4, 29, 59), z) == civil(2024, 11, 3, 1, 59, 59));
  CHECK(to_civil(utc(2024, 11, 3, 4, 30), z) == civil(2024, 11, 3, 1));
  // West of UTC Go's choice turns round: a skipped 02:30 moves back (01:30
  // NST), a repeated 01:30 is the earlier (NDT) instant.
  CHECK(from_civil(civil(2024, 3, 10, 2, 30), z) == utc(2024, 3, 10, 5, 0));
  CHECK(from_civil(civil(2024, 11, 3, 1, 30), z) == utc(2024, 11, 3, 4, 0));
  CHECK(from_civil(civil(2024, 11, 3, 2, 0), z) == utc(2024, 11, 3, 5, 30));
  CHECK(to_civil(utc(2200, 7, 1, 12), z) == civil(2200, 7, 1, 9, 30));
}

TEST_CASE("zone offsets agree with glibc's localtime_r from 1901 to 2200") {
  for (const char* name : {"Europe/Berlin", "America/St_Johns", "Asia/Kolkata", "Australia/Sydney",
                           "America/Sao_Paulo", "Pacific/Chatham", "Africa/Casablanca",
                           "Europe/Dublin", "Antarctica/Troll"}) {
    CAPTURE(std::string(name));
    const TimeZone z = TimeZone::named(name);
    TzGuard tz(name);
    int mismatches = 0;
    for (std::int64_t s = -2'177'452'800; s < 7'258'118'400 && mismatches < 5;
         s += 3 * 86'400 + 3'607) {
      const std::time_t t = s;
      std::tm tm{};
      REQUIRE(::localtime_r(&t, &tm) != nullptr);
      if (tm.tm_gmtoff != z.offset_at(s)) {
        ++mismatches;
        CHECK_MESSAGE(tm.tm_gmtoff == z.offset_at(s), "at unix second " << s);
      }
    }
  }
}

TEST_CASE("the Local zone is the process's TZ, as Go reads it") {
  const std::int64_t july = unix_seconds_from_civil(civil(2024, 7, 1, 12), TimeZone::utc());
  {
    TzGuard tz("Europe/Berlin");
    CHECK(TimeZone::local().offset_at(july) == 7200);
    CHECK(TimeZone::from_loc("Local").name() == "Local");
  }
  {
    TzGuard tz(":Asia/Kolkata");
    CHECK(TimeZone::local().offset_at(july) == 19800);
  }
  {
    TzGuard tz("/usr/share/zoneinfo/America/St_Johns");
    CHECK(TimeZone::local().offset_at(july) == -9000);
  }
  {
    TzGuard tz("");
    CHECK(TimeZone::local().offset_at(july) == 0);
  }
  {
    TzGuard tz("CET-1CEST,M3.5.0,M10.5.0/3"); // a POSIX rule, as glibc reads it
    CHECK(TimeZone::local().offset_at(july) == 7200);
  }
  {
    TzGuard tz("No/Such_Zone");
    CHECK(TimeZone::local().offset_at(july) == 0);
  }
}

TEST_CASE("an unknown or unsafe zone name is store.bad_loc") {
  for (const char* name : {"Mars/Olympus", "../../../etc/passwd", "/etc/localtime", "Europe",
                           "Europe/../Europe/Berlin", "europe/berlin"}) {
    CAPTURE(std::string(name));
    CHECK(jobop::test::error_code_of([&] { (void)TimeZone::named(name); }) == "store.bad_loc");
  }
}

TEST_CASE("POSIX TZ rules are read as tzcode reads them") {
  const auto kolkata = parse_posix_tz("IST-5:30");
  REQUIRE(kolkata);
  CHECK(kolkata->std_offset == 19800);
  CHECK_FALSE(kolkata->has_dst);
  const auto quoted = parse_posix_tz("<+0330>-3:30");
  REQUIRE(quoted);
  CHECK(quoted->std_offset == 12600);
  const auto us = parse_posix_tz("EST5EDT"); // no dates: the US rules
  REQUIRE(us);
  const TimeZone utc_zone = TimeZone::utc();
  const auto at = [&](int y, int mo, int d, int h) {
    return unix_seconds_from_civil(civil(y, mo, d, h), utc_zone);
  };
  CHECK(us->offset_at(at(2024, 3, 10, 6)) == -18000); // 01:00 EST
  CHECK(us->offset_at(at(2024, 3, 10, 7)) == -14400); // 03:00 EDT
  CHECK(us->offset_at(at(2024, 11, 3, 5)) == -14400); // 01:00 EDT
  CHECK(us->offset_at(at(2024, 11, 3, 6)) == -18000); // 01:00 EST
  // Southern hemisphere: daylight time spans the new year.
  const auto sydney = parse_posix_tz("AEST-10AEDT,M10.1.0,M4.1.0/3");
  REQUIRE(sydney);
  CHECK(sydney->offset_at(at(2024, 1, 1, 0)) == 39600);
  CHECK(sydney->offset_at(at(2024, 7, 1, 0)) == 36000);
  // Julian day forms and a time past 24h (tzcode v3).
  const auto julian = parse_posix_tz("XXX3YYY,J60/0,300/26");
  REQUIRE(julian);
  CHECK(julian->start.day == 60);
  CHECK(julian->end.time == 26 * 3600);
  for (const char* bad : {"", "AB1", "ABC", "ABC+", "ABC1DEF,M3.2.0", "ABC1DEF,M13.1.0,M1.1.0",
                          "ABC1DEF,J0,J1", "<AB>1", "ABC1x"}) {
    CAPTURE(std::string(bad));
    CHECK_FALSE(parse_posix_tz(bad).has_value());
  }
}

TEST_CASE("TZif bytes that are not a zone file are refused") {
  CHECK_FALSE(parse_tzif("").has_value());
  CHECK_FALSE(parse_tzif("TZif2").has_value());
  CHECK_FALSE(parse_tzif(std::string(44, '\0')).has_value());
  // A version 2 header without the 64-bit part that follows it.
  CHECK_FALSE(parse_tzif("TZif2" + std::string(39, '\0')).has_value());
}
