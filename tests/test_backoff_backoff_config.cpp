#include <jobop/backoff/backoff_config.hpp>
#include <jobop/core/exceptions.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

using namespace jobop::backoff;
using jobop::core::k_minute;
using jobop::core::k_second;
using jobop::core::UsageError;

namespace {

// Return the error that building after setting `key` to `value` throws.
UsageError build_error(const std::string& key, const SettingValue& value,
                       SettingOrigin origin = SettingOrigin::file) {
  try {
    BackoffConfigBuilder builder;
    builder.set(key, value, origin, "test.toml:3");
    builder.build();
  } catch (const UsageError& e) {
    return e;
  }
  FAIL("no error for " << key);
  return UsageError("", "");
}

} // namespace

TEST_CASE("the defaults are the engine's") {
  const BackoffConfig config;
  CHECK(config.reset_interval == 10 * k_minute);
  CHECK(config.initial_interval == 5 * k_second);
  CHECK(config.max_interval == 5 * k_minute);
  CHECK(config.multiplier == 1.2);
  CHECK(config.max_try_time == 600);
  CHECK(config.randomization_factor == 0.5);
  CHECK_NOTHROW(validate(config));
}

TEST_CASE("durations are Go strings or integers of nanoseconds; later settings win") {
  BackoffConfigBuilder builder;
  builder.set("initial-interval", std::string("1m30s"), SettingOrigin::file, "f:1");
  builder.set("max-interval", std::int64_t{600'000'000'000}, SettingOrigin::file, "f:2");
  builder.set("reset-interval", std::string("1h"), SettingOrigin::file, "f:3");
  builder.set("reset-interval", std::string("30s"), SettingOrigin::flag, "--reset-interval");
  builder.set("multiplier", std::string("1.5"), SettingOrigin::flag, "--multiplier");
  builder.set("max-try-time", std::string("7"), SettingOrigin::flag, "--max-try-time");
  builder.set("randomization-factor", std::int64_t{0}, SettingOrigin::file, "f:4");
  const BackoffConfig config = builder.build();
  CHECK(config.initial_interval == 90 * k_second);
  CHECK(config.max_interval == 10 * k_minute);
  CHECK(config.reset_interval == 30 * k_second);
  CHECK(config.multiplier == 1.5);
  CHECK(config.max_try_time == 7);
  CHECK(config.randomization_factor == 0);
}

TEST_CASE("a duration string must be Go syntax in a file and in a flag alike") {
  const auto e = build_error("initial-interval", std::string("5000"));
  CHECK(e.code() == "config.invalid_value");
  CHECK(std::string(e.what()).find("test.toml:3") != std::string::npos);
  CHECK(std::string(e.what()).find("missing unit") != std::string::npos);
  const auto flag = build_error("initial-interval", std::string("30"), SettingOrigin::flag);
  CHECK(std::string(flag.what()).find("did you mean 30s?") != std::string::npos);
  BackoffConfigBuilder builder;
  builder.set("initial-interval", std::string("0"), SettingOrigin::flag, "--initial-interval");
  CHECK(builder.build().initial_interval == 0);
  // An integer in a file is nanoseconds, as Go's decoders read it.
  builder.set("initial-interval", std::int64_t{5000}, SettingOrigin::file, "f:1");
  CHECK(builder.build().initial_interval == 5000);
}

TEST_CASE("every value the engine can parse is accepted, degenerate or not") {
  BackoffConfigBuilder builder;
  builder.set("max-interval", std::string("-5s"), SettingOrigin::file, "f:1");
  builder.set("multiplier", 0.5, SettingOrigin::file, "f:2");
  builder.set("max-try-time", std::int64_t{0}, SettingOrigin::file, "f:3");
  const auto config = builder.build();
  CHECK(config.max_interval == -5 * k_second);
  CHECK(config.multiplier == 0.5);
  CHECK(config.max_try_time == 0);
  BackoffConfig odd;
  odd.multiplier = std::numeric_limits<double>::infinity();
  CHECK_NOTHROW(validate(odd));
  odd.multiplier = std::nan("");
  CHECK_NOTHROW(validate(odd));
}

TEST_CASE("values of the wrong type, out of range or unparsable are refused with their source") {
  CHECK(build_error("multiplier", std::string("abc"), SettingOrigin::flag).code() ==
        "config.invalid_value");
  CHECK(build_error("multiplier", std::string("1.5")).details().at("key") == "multiplier");
  const auto jitter = build_error("randomization-factor", 1.5);
  CHECK(jitter.details().at("key") == "randomization-factor");
  CHECK(jitter.details().at("source") == "test.toml:3");
  CHECK(build_error("randomization-factor", -0.1).code() == "config.invalid_value");
  CHECK(build_error("max-try-time", 2.5).code() == "config.invalid_value");
  CHECK(build_error("max-try-time", std::string("52")).code() == "config.invalid_value");
  CHECK(
    std::string(
      build_error("max-try-time", std::string("99999999999999999999"), SettingOrigin::flag).what())
      .find("int64") != std::string::npos);
  CHECK(std::string(build_error("reset-interval", std::string("9223372036854775808ns")).what())
          .find("overflows") != std::string::npos);
  CHECK(build_error("reset-interval", 1.5).code() == "config.invalid_value");
}

TEST_CASE("multiplier 1 and randomization-factor 0 and 1 are allowed") {
  BackoffConfig config;
  config.multiplier = 1;
  config.randomization_factor = 1;
  CHECK_NOTHROW(validate(config));
  config.randomization_factor = 0;
  config.initial_interval = 0;
  CHECK_NOTHROW(validate(config));
}

TEST_CASE("an unknown key is an error that suggests the key meant") {
  const auto e = build_error("max_try_time", std::int64_t{5});
  CHECK(e.code() == "config.unknown_key");
  CHECK(std::string(e.what()).find("did you mean max-try-time?") != std::string::npos);
  CHECK(e.details().at("suggestion") == "max-try-time");
  CHECK(suggest_backoff_key("max-tries") == "");
  CHECK(suggest_backoff_key("multipler") == "multiplier");
  CHECK(suggest_backoff_key("initial-intreval") == "initial-interval");
  CHECK(suggest_backoff_key("addr") == "");
  const auto far = build_error("addr", std::string("x"));
  CHECK(std::string(far.what()).find("known keys") != std::string::npos);
}
