#include <jobop/backoff/config_file.hpp>
#include <jobop/backoff/lint.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace jobop::backoff;

namespace {

bool has(const std::vector<ConfigIssue>& issues, const std::string& code, const std::string& key) {
  for (const auto& issue : issues) {
    if (issue.code == code && issue.key == key && issue.level == "warning") {
      return true;
    }
  }
  return false;
}

} // namespace

TEST_CASE("the engine's defaults draw no warning") {
  CHECK(lint_policy(BackoffConfig{}).empty());
}

TEST_CASE("each probable mistake of the SPEC is a warning naming its key") {
  BackoffConfig config;
  config.initial_interval = 10 * jobop::core::k_minute;
  config.max_interval = jobop::core::k_minute;
  CHECK(has(lint_policy(config), "config.suspicious", "initial-interval"));

  config = {};
  config.reset_interval = 600; // 600 ns: seconds were meant
  const auto tiny = lint_policy(config);
  REQUIRE(has(tiny, "config.suspicious", "reset-interval"));
  CHECK(tiny.front().message.find("600s") != std::string::npos);

  config = {};
  config.multiplier = 0.5;
  CHECK(has(lint_policy(config), "config.degenerate", "multiplier"));
  config.multiplier = std::numeric_limits<double>::quiet_NaN();
  CHECK(has(lint_policy(config), "config.degenerate", "multiplier"));

  config = {};
  config.max_try_time = 0;
  CHECK(has(lint_policy(config), "config.degenerate", "max-try-time"));

  config = {};
  config.max_interval = -jobop::core::k_second;
  CHECK(has(lint_policy(config), "config.degenerate", "max-interval"));
}

TEST_CASE("a warning names the file and line its value came from") {
  BackoffConfigBuilder builder;
  apply_backoff_config_text(builder, "[log]\nlevel = 1\n[job-backoff]\nmultiplier = 0.8\n",
                            "m.toml", ConfigFormat::toml);
  const auto issues = lint_policy(builder.build(), &builder);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].file == "m.toml");
  CHECK(issues[0].line == 4);
  CHECK(issues[0].message.rfind("m.toml:4: multiplier 0.8", 0) == 0);
}

TEST_CASE("a misspelt [job-backoff] table is a warning with the table meant") {
  BackoffConfigBuilder builder;
  const auto layout = apply_backoff_config_text(
    builder, "[log]\nlevel = 1\n[job_backoff]\nmax-try-time = 3\n", "m.toml", ConfigFormat::toml);
  CHECK(layout == ConfigLayout::engine_none);
  CHECK(builder.build().max_try_time == 600);
  const auto issues = lint_policy(builder.build(), &builder);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].code == "config.misspelt");
  CHECK(issues[0].line == 3);
  CHECK(issues[0].message.find("did you mean `[job-backoff]`?") != std::string::npos);
  BackoffConfigBuilder json;
  apply_backoff_config_text(json, "{\"jobbackoff\": {\"multiplier\": 2}}", "m.json",
                            ConfigFormat::json);
  REQUIRE(json.warnings().size() == 1);
  CHECK(json.warnings()[0].suggestion == "\"job-backoff\"");
}
