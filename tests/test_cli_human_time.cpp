#include <cli/human_time.hpp>

#include <doctest/doctest.h>

#include <jobop/time/timestamp.hpp>

#include <cstdint>

using jobop::cli::age_of_timestamp;
using jobop::cli::human_age;
using jobop::core::k_hour;
using jobop::core::k_minute;
using jobop::core::k_second;

TEST_CASE("human_age shows two units while they matter, one later") {
  CHECK(human_age(0) == "0s");
  CHECK(human_age(999'999'999) == "0s");
  CHECK(human_age(45 * k_second) == "45s");
  CHECK(human_age(119 * k_second) == "119s");
  CHECK(human_age(3 * k_minute + 12 * k_second) == "3m12s");
  CHECK(human_age(5 * k_minute) == "5m");
  CHECK(human_age(47 * k_minute) == "47m");
  CHECK(human_age(5 * k_hour + 12 * k_minute) == "5h12m");
  CHECK(human_age(26 * k_hour) == "26h");
  CHECK(human_age(76 * k_hour) == "3d4h");
  CHECK(human_age(40 * 24 * k_hour) == "40d");
  CHECK(human_age(INT64_MAX) == "292y");
  CHECK(human_age(-90 * k_second) == "-90s");
  CHECK(human_age(INT64_MIN) == "-292y");
}

TEST_CASE("age_of_timestamp reads RFC 3339 and the engine's layout") {
  const jobop::core::UnixNanos now = jobop::time::nanos_between(
    jobop::core::UnixNanos{0}, *jobop::time::parse_timestamp_text("2024-05-02T14:00:00Z"));
  CHECK(age_of_timestamp("2024-05-01T12:00:00Z", now) == "26h");
  CHECK(age_of_timestamp("2024-05-02 13:56:48.5+00:00", now) == "3m11s");
  CHECK(age_of_timestamp("not a time", now) == std::nullopt);
  CHECK(age_of_timestamp("1900-01-01T00:00:00Z", now) == "124y");
}
