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
