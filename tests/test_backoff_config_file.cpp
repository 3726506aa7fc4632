#include <jobop/backoff/config_file.hpp>
#include <jobop/core/exceptions.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace jobop::backoff;
using jobop::core::k_minute;
using jobop::core::k_second;
using jobop::core::UsageError;

namespace {

BackoffConfig load(const std::string& text, ConfigFormat format, ConfigLayout* layout = nullptr) {
  BackoffConfigBuilder builder;
  const ConfigLayout found = apply_backoff_config_text(builder, text, "cfg", format);
  if (layout != nullptr) {
    *layout = found;
  }
  return builder.build();
}

UsageError load_error(const std::string& text, ConfigFormat format) {
  try {
    load(text, format);
  } catch (const UsageError& e) {
    return e;
  }
  FAIL("no error for: " << text);
  return UsageError("", "");
}

} // namespace

TEST_CASE("a standalone TOML file sets the keys at its top level; absent keys keep defaults") {
  ConfigLayout layout{};
  const auto config = load("initial-interval = \"1s\"\n"
                           "max-interval = 60000000000\n"
                           "multiplier = 2\n"
                           "max-try-time = 10\n",
                           ConfigFormat::toml, &layout);
  CHECK(layout == ConfigLayout::standalone);
  CHECK(config.initial_interval == k_second);
  CHECK(config.max_interval == k_minute);
  CHECK(config.multiplier == 2.0);
  CHECK(config.max_try_time == 10);
  CHECK(config.reset_interval == 10 * k_minute);
  CHECK(config.randomization_factor == 0.5);
}

TEST_CASE("the engine's server-master TOML keeps the keys in [job-backoff]; other tables are "
          "ignored") {
  ConfigLayout layout{};
  const auto config = load("name = \"server-master-1\"\n"
                           "addr = \"0.0.0.0:10240\"\n"
                           "[framework-meta]\n"
                           "endpoints = [\"127.0.0.1:3336\"]\n"
                           "[job-backoff]\n"
                           "reset-interval = \"1h\"\n"
                           "multiplier = 1.5\n"
                           "[log]\n"
                           "level = \"info\"\n",
                           ConfigFormat::toml, &layout);
  CHECK(layout == ConfigLayout::engine_table);
  CHECK(config.reset_interval == 60 * k_minute);
  CHECK(config.multiplier == 1.5);
  CHECK(config.max_try_time == 600);
}

TEST_CASE("an engine config without [job-backoff] keeps every default") {
  ConfigLayout layout{};
  const auto config =
    load("name = \"m\"\naddr = \"x\"\n[log]\nlevel = \"info\"\n", ConfigFormat::toml, &layout);
  CHECK(layout == ConfigLayout::engine_none);
  CHECK(config.max_try_time == 600);
}

TEST_CASE("the same layouts work in JSON") {
  ConfigLayout layout{};
  auto config =
    load(R"({"initial-interval": "2s", "max-try-time": 3})", ConfigFormat::json, &layout);
  CHECK(layout == ConfigLayout::standalone);
  CHECK(config.initial_interval == 2 * k_second);
  CHECK(config.max_try_time == 3);
  config = load(R"({"addr": "x", "log": {"level": "info"},
  "job-backoff": {"max-interval": 120000000000, "multiplier": 2}})",
                ConfigFormat::json, &layout);
  CHECK(layout == ConfigLayout::engine_table);
  CHECK(config.max_interval == 2 * k_minute);
  CHECK(config.multiplier == 2);
}

TEST_CASE("an unknown key in the backoff table names it, its line and a suggestion") {
  const auto e = load_error("[job-backoff]\nmultiplier = 2\nmax-try-tim = 5\n", ConfigFormat::toml);
  CHECK(e.code() == "config.unknown_key");
  CHECK(std::string(e.what()).rfind("cfg:3: unknown key \"max-try-tim\"", 0) == 0);
  CHECK(std::string(e.what()).find("did you mean `max-try-time`?") != std::string::npos);
  const auto j =
    load_error("{\n  \"job-backoff\": {\n    \"multipler\": 2\n  }\n}", ConfigFormat::json);
  CHECK(j.code() == "config.unknown_key");
  CHECK(std::string(j.what()).rfind("cfg:3:", 0) == 0);
  CHECK(j.details().at("suggestion") == "multiplier");
}

TEST_CASE("a misspelt key alone at the top level is not mistaken for an engine config") {
  const auto e = load_error("max_try_time = 5\n", ConfigFormat::toml);
  CHECK(e.code() == "config.unknown_key");
}

TEST_CASE("bad values name the key, the value and the line") {
  const auto e = load_error("multiplier = 1.2\n\nmax-interval = \"-5x\"\n", ConfigFormat::toml);
  CHECK(e.code() == "config.invalid_value");
  CHECK(std::string(e.what()).rfind("cfg:3: invalid max-interval \"-5x\": ", 0) == 0);
  const auto type = load_error("max-try-time = true\n", ConfigFormat::toml);
  CHECK(type.code() == "config.invalid_value");
  CHECK(std::string(type.what()).find("cfg:1") == 0);
  const auto big = load_error(R"({"max-interval": 9223372036854775808})", ConfigFormat::json);
  CHECK(std::string(big.what()).find("overflows") != std::string::npos);
  const auto table = load_error("job-backoff = 5\n", ConfigFormat::toml);
  CHECK(std::string(table.what()).find("must be a table") != std::string::npos);
}

TEST_CASE("syntax errors carry the file and line") {
  const auto toml = load_error("a = 1\nb = = 2\n", ConfigFormat::toml);
  CHECK(toml.code() == "config.syntax");
  CHECK(toml.details().at("line") == 2);
  CHECK(std::string(toml.what()).rfind("cfg:2:", 0) == 0);
  const auto json = load_error("{\n\"multiplier\": 2,\n}", ConfigFormat::json);
  CHECK(json.code() == "config.syntax");
  CHECK(json.details().at("line") == 3);
  CHECK(load_error("[1, 2]", ConfigFormat::json).code() == "config.syntax");
}

TEST_CASE("the format follows the file name, else the first character") {
  CHECK(detect_config_format("a.json", "x = 1") == ConfigFormat::json);
  CHECK(detect_config_format("a.toml", "{") == ConfigFormat::toml);
  CHECK(detect_config_format("-", "  {\"a\": 1}") == ConfigFormat::json);
  CHECK(detect_config_format("conf", "a = 1") == ConfigFormat::toml);
}

TEST_CASE("a missing file is a usage error naming it") {
  BackoffConfigBuilder builder;
  try {
    apply_backoff_config_file(builder, "/nonexistent/backoff.toml");
    FAIL("no error");
  } catch (const UsageError& e) {
    CHECK(e.code() == "config.unreadable");
    CHECK(std::string(e.what()).find("/nonexistent/backoff.toml") != std::string::npos);
  }
  CHECK_THROWS_AS(apply_backoff_config_file(builder, "/"), UsageError);
}

TEST_CASE("every error of a file is reported, each with its file, line and key") {
  BackoffConfigBuilder builder;
  try {
    apply_backoff_config_text(builder,
                              "[job-backoff]\nmax-try-time = \"52\"\nrandomization-factor = 0.1\n"
                              "multipler = 2\nmax-interval = 5.5\n",
                              "e.toml", ConfigFormat::toml);
    FAIL("no error");
  } catch (const ConfigFileError& e) {
    const auto& issues = e.issues();
    REQUIRE(issues.size() == 4);
    CHECK(issues[0].key == "max-try-time");
    CHECK(issues[0].line == 2);
    CHECK(issues[0].file == "e.toml");
    CHECK(issues[0].message.find("quoted") != std::string::npos);
    CHECK(issues[1].key == "randomization-factor");
    CHECK(issues[1].code == "config.unknown_key");
    CHECK(issues[2].suggestion == "multiplier");
    CHECK(issues[3].line == 5);
    CHECK(std::string(e.what()) == issues[0].message);
  }
}

TEST_CASE("a number in quotes is refused in a file, as the engine's decoder does") {
  CHECK(load_error("max-try-time = \"52\"\n", ConfigFormat::toml).code() == "config.invalid_value");
  CHECK(load_error("multiplier = \"1.5\"\n", ConfigFormat::toml).code() == "config.invalid_value");
  CHECK(load_error("{\"max-try-time\": \"52\"}", ConfigFormat::json).code() ==
        "config.invalid_value");
}

TEST_CASE("a file of jobop's own may set randomization-factor; the engine's table may not") {
  CHECK(load("randomization-factor = 0.1\n", ConfigFormat::toml).randomization_factor == 0.1);
  CHECK(load_error("[job-backoff]\nrandomization-factor = 0.1\n", ConfigFormat::toml).code() ==
        "config.unknown_key");
}

TEST_CASE("degenerate values the engine accepts are accepted") {
  const auto c =
    load("multiplier = 0.5\nmax-try-time = 0\nmax-interval = \"-5s\"\n", ConfigFormat::toml);
  CHECK(c.multiplier == 0.5);
  CHECK(c.max_try_time == 0);
  CHECK(c.max_interval == -5 * k_second);
}
