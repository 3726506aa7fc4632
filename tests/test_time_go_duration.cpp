#include <jobop/core/exceptions.hpp>
#include <jobop/time/go_duration.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>

using jobop::core::k_hour;
using jobop::core::k_microsecond;
using jobop::core::k_millisecond;
using jobop::core::k_minute;
using jobop::core::k_second;
using jobop::core::Nanos;
using jobop::core::UsageError;
using jobop::time::format_go_duration;
using jobop::time::parse_duration_or_nanos;
using jobop::time::parse_go_duration;

namespace {

constexpr Nanos k_max = std::numeric_limits<Nanos>::max();
constexpr Nanos k_min = std::numeric_limits<Nanos>::min();

// Return the message of the UsageError that parsing `text` throws.
std::string parse_error(const std::string& text) {
  try {
    parse_go_duration(text);
  } catch (const UsageError& e) {
    CHECK(e.code() == "duration.invalid");
    return e.what();
  }
  FAIL("no error for \"" << text << "\"");
  return "";
}

} // namespace

TEST_CASE("Go duration strings parse like time.ParseDuration") {
  CHECK(parse_go_duration("0") == 0);
  CHECK(parse_go_duration("-0") == 0);
  CHECK(parse_go_duration("+0") == 0);
  CHECK(parse_go_duration("0s") == 0);
  CHECK(parse_go_duration("5s") == 5 * k_second);
  CHECK(parse_go_duration("+5s") == 5 * k_second);
  CHECK(parse_go_duration("300ms") == 300 * k_millisecond);
  CHECK(parse_go_duration("2us") == 2 * k_microsecond);
  CHECK(parse_go_duration("2\xC2\xB5s") == 2 * k_microsecond); // U+00B5 micro sign
  CHECK(parse_go_duration("2\xCE\xBCs") == 2 * k_microsecond); // U+03BC Greek mu
  CHECK(parse_go_duration("7ns") == 7);
  CHECK(parse_go_duration("1h2m3.5s") ==
        k_hour + 2 * k_minute + 3 * k_second + 500 * k_millisecond);
  CHECK(parse_go_duration("-1.5h") == -(k_hour + 30 * k_minute));
  CHECK(parse_go_duration("1m30s") == 90 * k_second);
  CHECK(parse_go_duration("1.s") == k_second);
  CHECK(parse_go_duration(".5s") == 500 * k_millisecond);
  CHECK(parse_go_duration("1.0000000001s") == k_second); // below 1ns: truncated
  CHECK(parse_go_duration("0.3333333333333h") == 1'199'999'999'999);
  CHECK(parse_go_duration("3h3h") == 6 * k_hour); // units may repeat, as in Go
  CHECK(parse_go_duration("1s2h") == 2 * k_hour + k_second);
}

TEST_CASE("the int64 limits parse and one past them is an overflow") {
  CHECK(parse_go_duration("9223372036854775807ns") == k_max);
  CHECK(parse_go_duration("2562047h47m16.854775807s") == k_max);
  CHECK(parse_go_duration("-9223372036854775808ns") == k_min);
  CHECK(parse_go_duration("-2562047h47m16.854775808s") == k_min);
  CHECK(parse_error("9223372036854775808ns").find("overflows") != std::string::npos);
  CHECK(parse_error("2562047h47m16.854775808s").find("overflows") != std::string::npos);
  CHECK(parse_error("-9223372036854775809ns").find("overflows") != std::string::npos);
  CHECK(parse_error("2562048h").find("overflows") != std::string::npos);
  CHECK(parse_error("99999999999999999999s").find("overflows") != std::string::npos);
  CHECK(parse_error("9223372036854775807ns1ns").find("overflows") != std::string::npos);
}

TEST_CASE("malformed Go durations are rejected naming the text and the reason") {
  CHECK(parse_error("").find("empty") != std::string::npos);
  CHECK(parse_error("-").find("empty") != std::string::npos);
  CHECK(parse_error("1").find("missing unit") != std::string::npos);
  CHECK(parse_error("1").find("\"1\"") != std::string::npos);
  CHECK(parse_error("1s1").find("missing unit") != std::string::npos);
  CHECK(parse_error(".s").find("digits") != std::string::npos);
  CHECK(parse_error("-.s").find("digits") != std::string::npos);
  CHECK(parse_error("s").find("expected a number") != std::string::npos);
  CHECK(parse_error("5d").find("unknown unit \"d\"") != std::string::npos);
  CHECK(parse_error("5 s").find("unknown unit \" s\"") != std::string::npos);
  CHECK(parse_error("5S").find("unknown unit") != std::string::npos);
  CHECK(parse_error("--5s").find("expected a number") != std::string::npos);
  CHECK(parse_error(" 5s").find("expected a number") != std::string::npos);
  CHECK(parse_error("1.2.3s").find("missing unit") != std::string::npos);
}

TEST_CASE("integers are nanoseconds only where the SPEC allows them") {
  CHECK(parse_duration_or_nanos("5000000000") == 5 * k_second);
  CHECK(parse_duration_or_nanos("0") == 0);
  CHECK(parse_duration_or_nanos("-7") == -7);
  CHECK(parse_duration_or_nanos("5s") == 5 * k_second);
  CHECK(parse_duration_or_nanos("9223372036854775807") == k_max);
  CHECK(parse_duration_or_nanos("-9223372036854775808") == k_min);
  CHECK_THROWS_AS(parse_duration_or_nanos("9223372036854775808"), UsageError);
  CHECK_THROWS_AS(parse_duration_or_nanos("-9223372036854775809"), UsageError);
  CHECK_THROWS_AS(parse_duration_or_nanos(""), UsageError);
  CHECK_THROWS_AS(parse_duration_or_nanos("5x"), UsageError);
  CHECK_THROWS_AS(parse_go_duration("5000000000"), UsageError);
}

TEST_CASE("durations format like Go's Duration.String()") {
  CHECK(format_go_duration(0) == "0s");
  CHECK(format_go_duration(1) == "1ns");
  CHECK(format_go_duration(999) == "999ns");
  CHECK(format_go_duration(1500) == "1.5\xC2\xB5s");
  CHECK(format_go_duration(k_microsecond) == "1\xC2\xB5s");
  CHECK(format_go_duration(300 * k_millisecond) == "300ms");
  CHECK(format_go_duration(1'234'567) == "1.234567ms");
  CHECK(format_go_duration(k_second) == "1s");
  CHECK(format_go_duration(5 * k_minute) == "5m0s");
  CHECK(format_go_duration(10 * k_minute) == "10m0s");
  CHECK(format_go_duration(k_hour) == "1h0m0s");
  CHECK(format_go_duration(k_hour + 2 * k_minute + 3 * k_second + 500 * k_millisecond) ==
        "1h2m3.5s");
  CHECK(format_go_duration(-1500 * k_millisecond) == "-1.5s");
  CHECK(format_go_duration(-1) == "-1ns");
  CHECK(format_go_duration(k_second + 1) == "1.000000001s");
  CHECK(format_go_duration(k_max) == "2562047h47m16.854775807s");
  CHECK(format_go_duration(k_min) == "-2562047h47m16.854775808s");
}

TEST_CASE("formatting and parsing round-trip") {
  for (const Nanos d : {Nanos{0}, Nanos{1}, Nanos{1500}, 7 * k_millisecond + 3,
                        29 * k_minute + 13 * k_second + 7, -3 * k_hour, k_max, k_min}) {
    CHECK(parse_go_duration(format_go_duration(d)) == d);
  }
}
