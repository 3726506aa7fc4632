#include <jobop/time/timestamp.hpp>

#include <doctest/doctest.h>

using namespace jobop::time;
using namespace jobop::core;

namespace {
constexpr UnixNanos k_noon = 1'714'564'800 * k_second; // 2024-05-01 12:00:00 UTC
}

TEST_CASE("timestamps are written in Go's layout in UTC with trailing fraction zeros dropped") {
  CHECK(format_go_timestamp(k_noon) == "2024-05-01 12:00:00+00:00");
  CHECK(format_go_timestamp(k_noon + 500 * k_millisecond) == "2024-05-01 12:00:00.5+00:00");
  CHECK(format_go_timestamp(k_noon + 123456789) == "2024-05-01 12:00:00.123456789+00:00");
  CHECK(format_go_timestamp(k_noon + 1000) == "2024-05-01 12:00:00.000001+00:00");
  CHECK(format_go_timestamp(0) == "1970-01-01 00:00:00+00:00");
  CHECK(format_go_timestamp(-1) == "1969-12-31 23:59:59.999999999+00:00");
  CHECK(format_rfc3339(k_noon + 250 * k_millisecond) == "2024-05-01T12:00:00.25Z");
  // The ends of int64 nanoseconds.
  CHECK(format_rfc3339(INT64_MAX) == "2262-04-11T23:47:16.854775807Z");
  CHECK(format_rfc3339(INT64_MIN) == "1677-09-21T00:12:43.145224192Z");
}

TEST_CASE("timestamp text is read in the layouts other writers leave") {
  CHECK(parse_timestamp_text("2024-05-01 12:00:00.5+00:00") == k_noon + 500 * k_millisecond);
  CHECK(parse_timestamp_text("2024-05-01T12:00:00Z") == k_noon);
  CHECK(parse_timestamp_text("2024-05-01T14:00:00+02:00") == k_noon);
  CHECK(parse_timestamp_text("2024-05-01 07:00:00-0500") == k_noon);
  CHECK(parse_timestamp_text("2024-05-01 12:00:00") == k_noon);
  CHECK(parse_timestamp_text("2024-05-01 12:00") == k_noon);
  CHECK(parse_timestamp_text("2024-05-01") == k_noon - 12 * k_hour);
  CHECK(parse_timestamp_text("2024-05-01 12:00:00.123456789123 +0000 UTC") == k_noon + 123456789);
  CHECK(parse_timestamp_text("2024-05-01 12:00:00 +0000 UTC m=+0.5") == k_noon);
  CHECK_FALSE(parse_timestamp_text("yesterday").has_value());
  CHECK_FALSE(parse_timestamp_text("2024-13-01").has_value());
  CHECK_FALSE(parse_timestamp_text("2024-05-01 12:00:00x").has_value());
  CHECK_FALSE(parse_timestamp_text("").has_value());
  for (const UnixNanos t : {k_noon, k_noon + 1, -k_second * 86400 * 365 + 7}) {
    CHECK(parse_timestamp_text(format_go_timestamp(t)) == t);
    CHECK(parse_timestamp_text(format_rfc3339(t)) == t);
  }
}

TEST_CASE("numeric timestamps are read by magnitude, reals as Julian days or seconds") {
  CHECK(timestamp_from_integer(1'714'564'800) == k_noon);
  CHECK(timestamp_from_integer(1'714'564'800'000) == k_noon);
  CHECK(timestamp_from_integer(1'714'564'800'000'000) == k_noon);
  CHECK(timestamp_from_integer(k_noon) == k_noon);
  CHECK(timestamp_from_real(2460432.0) == k_noon);
  CHECK(timestamp_from_real(1'714'564'800.5) == k_noon + 500 * k_millisecond);
}

TEST_CASE("timestamps are exact over Go's whole range, years 1 to 9999") {
  // Go's zero time.Time is an unset time: null, never a wrapped 1754.
  CHECK_FALSE(parse_timestamp_text("0001-01-01 00:00:00+00:00").has_value());
  CHECK_FALSE(parse_timestamp_text("0001-01-01 00:00:00 +0000 UTC").has_value());
  CHECK_FALSE(parse_timestamp_text("0000-12-31 23:00:00-01:00").has_value());
  // One nanosecond later is a time, the first Go can write after the zero.
  const auto first = parse_timestamp_text("0001-01-01 00:00:00.000000001+00:00");
  REQUIRE(first.has_value());
  CHECK(*first == Timestamp{k_year_1_seconds, 1});
  CHECK(format_rfc3339(*first) == "0001-01-01T00:00:00.000000001Z");
  // 2999 reads as 2999 (it wrapped to 1829 in int64 nanoseconds).
  const auto far = parse_timestamp_text("2999-06-30 08:15:00.25+00:00");
  REQUIRE(far.has_value());
  CHECK(far->seconds == 32'487'725'700);
  CHECK(far->nanos == 250'000'000);
  CHECK(format_go_timestamp(*far) == "2999-06-30 08:15:00.25+00:00");
  const auto last = parse_timestamp_text("9999-12-31T23:59:59.999999999Z");
  REQUIRE(last.has_value());
  CHECK(last->seconds == k_year_9999_end_seconds - 1);
  CHECK(format_rfc3339(*last) == "9999-12-31T23:59:59.999999999Z");
  // Past the end of 9999 by way of a zone: outside the range, null.
  CHECK_FALSE(parse_timestamp_text("9999-12-31 23:30:00-01:00").has_value());
  CHECK_FALSE(parse_timestamp_text("0001-01-01 00:30:00+01:00").has_value());
  for (const char* text :
       {"0001-01-01 00:00:01+00:00", "1200-02-29 12:00:00+00:00", "1600-02-29 12:00:00+00:00",
        "1677-09-21 00:12:43+00:00", "2262-04-11 23:47:17+00:00", "4000-02-29 00:00:00.5+00:00"}) {
    const std::string shown = text;
    CAPTURE(shown);
    const auto t = parse_timestamp_text(text);
    REQUIRE(t.has_value());
    CHECK(format_go_timestamp(*t) == text);
  }
}

TEST_CASE("nonsense dates and zone offsets read as null") {
  CHECK_FALSE(parse_timestamp_text("2024-05-01 12:00:00+99:99").has_value());
  CHECK_FALSE(parse_timestamp_text("2024-05-01 12:00:00+24:00").has_value());
  CHECK_FALSE(parse_timestamp_text("2024-05-01 12:00:00+05:60").has_value());
  CHECK_FALSE(parse_timestamp_text("2024-05-01 12:00:00-9999").has_value());
  CHECK(parse_timestamp_text("2024-05-01 12:00:00+23:59").has_value());
  CHECK(parse_timestamp_text("2024-05-01 12:00:00-14:00") == k_noon + 14 * k_hour);
  CHECK_FALSE(parse_timestamp_text("2023-02-29 00:00:00").has_value());
  CHECK_FALSE(parse_timestamp_text("1900-02-29").has_value());
  CHECK_FALSE(parse_timestamp_text("2024-04-31").has_value());
  CHECK_FALSE(parse_timestamp_text("1000-02-29").has_value());
  CHECK(parse_timestamp_text("2000-02-29").has_value());
}

TEST_CASE("numbers outside the years 1 to 9999 read as null, not as wrapped dates") {
  CHECK_FALSE(timestamp_from_integer(k_year_1_seconds).has_value()); // Go's zero time
  CHECK(timestamp_from_integer(k_year_1_seconds + 1) == Timestamp{k_year_1_seconds + 1, 0});
  CHECK_FALSE(timestamp_from_integer(-99'999'999'999).has_value());
  CHECK(timestamp_from_integer(99'999'999'999) == Timestamp{99'999'999'999, 0}); // year 5138
  CHECK(timestamp_from_integer(-1'500) == Timestamp{-1'500, 0});
  CHECK(timestamp_from_integer(INT64_MIN) == Timestamp{INT64_MIN});
  CHECK(timestamp_from_integer(INT64_MAX) == Timestamp{INT64_MAX});
  CHECK_FALSE(timestamp_from_real(1e300).has_value());
  CHECK_FALSE(timestamp_from_real(-1e300).has_value());
  CHECK_FALSE(timestamp_from_real(9e6).has_value()); // Julian day 9e6 is in the year 19928
  // The Julian day of 0001-01-01 is Go's zero time: null.
  CHECK_FALSE(timestamp_from_real(1721425.5).has_value());
  CHECK(timestamp_from_real(10'000'000.25) == Timestamp{10'000'000, 250'000'000});
}

TEST_CASE("a Timestamp holds every int64 of nanoseconds and measures spans that do not fit") {
  CHECK(Timestamp(-1) == Timestamp{-1, 999'999'999});
  CHECK(Timestamp(INT64_MIN) == Timestamp{-9'223'372'037, 145'224'192});
  CHECK(Timestamp(k_noon) < Timestamp(k_noon + 1));
  CHECK(nanos_between(Timestamp(k_noon), Timestamp(k_noon + 5)) == 5);
  CHECK(nanos_between(Timestamp(k_noon), Timestamp(k_noon - 5)) == -5);
  CHECK(nanos_between(Timestamp(INT64_MIN), Timestamp(INT64_MAX)) == INT64_MAX);
  const auto year_1 = *parse_timestamp_text("0001-01-01 00:00:01+00:00");
  CHECK(nanos_between(year_1, Timestamp(k_noon)) == INT64_MAX);
  CHECK(nanos_between(Timestamp(k_noon), year_1) == INT64_MIN);
}
