// Inputs the fuzzers (fuzz/) found that broke a property, kept as unit tests
// next to their copies in fuzz/corpus/<target>/finding-*.
#include <jobop/backoff/config_file.hpp>
#include <jobop/backoff/trace_replay.hpp>
#include <jobop/core/exceptions.hpp>

#include <doctest/doctest.h>

#include <sstream>
#include <string>

using namespace jobop;

namespace {

// Return the code of the core::Error `f` throws, or a marker when it throws
// something else (which the CLI would report as an internal error, exit 1).
template <typename F>
std::string error_code_of(F f) {
  try {
    f();
  } catch (const core::UsageError& e) {
    return e.code();
  } catch (const std::exception& e) {
    return std::string("not a UsageError: ") + e.what();
  }
  return "no error";
}

} // namespace

TEST_CASE("A JSON config number too large for a double is a syntax error, not an internal one") {
  // fuzz/corpus/json_config/finding-01-number-overflow: nlohmann throws
  // out_of_range.406, not parse_error, for 1e400.
  backoff::BackoffConfigBuilder builder;
  const std::string code = error_code_of([&] {
    backoff::apply_backoff_config_text(builder, R"({"multiplier": 1e400})", "b.json",
                                       backoff::ConfigFormat::json);
  });
  CHECK(code == "config.syntax");
}

TEST_CASE("A trace number too large for a double is a syntax error naming its line") {
  // fuzz/corpus/trace/finding-01-number-overflow.
  std::istringstream in(
    "{\"at\": \"1s\", \"event\": \"fail\"}\n{\"at\": 1e400, \"event\": \"fail\"}\n");
  try {
    backoff::replay_trace(in, backoff::BackoffConfig{}, 1);
    FAIL("expected an error");
  } catch (const core::UsageError& e) {
    CHECK(e.code() == "trace.syntax");
    CHECK(e.details().at("line") == 2);
    CHECK(std::string(e.what()).rfind("line 2: ", 0) == 0);
  } catch (const std::exception& e) {
    FAIL("not a UsageError: " << e.what());
  }
}

TEST_CASE("A TOML config with invalid UTF-8 is a syntax error and is never handed to toml11") {
  // fuzz/corpus/toml_config/finding-01-invalid-utf8-literal-key: toml11 3.7.1
  // read past its buffer (ASan: heap-buffer-overflow in location::reset from
  // parse_literal_string) and threw std::length_error on this input.
  const std::string text("'\xdf'\0\0\x06\0\0\0\n", 10);
  backoff::BackoffConfigBuilder builder;
  const std::string code = error_code_of([&] {
    backoff::apply_backoff_config_text(builder, text, "b.toml", backoff::ConfigFormat::toml);
  });
  CHECK(code == "config.syntax");
}

TEST_CASE("A TOML config nested deeper than any backoff config is refused, not a stack overflow") {
  // fuzz/corpus/toml_config/finding-02-deep-array (1,160 '[' overflow the
  // stack of the ASan build): toml11 parses arrays by recursion, and 20,000
  // levels overflow the stack of a release build (SIGSEGV).
  const std::string text = "a = " + std::string(100000, '[');
  backoff::BackoffConfigBuilder builder;
  const std::string code = error_code_of([&] {
    backoff::apply_backoff_config_text(builder, text, "b.toml", backoff::ConfigFormat::toml);
  });
  CHECK(code == "config.syntax");
}

TEST_CASE("A TOML config with brackets inside strings and comments is not mistaken for nesting") {
  const std::string deep(200, '[');
  const std::string text = "# " + deep + "\nname = \"" + deep + "\"\nother = '" + deep +
                           "'\nml = \"\"\"\n" + deep + "\"\"\"\n[job-backoff]\nmultiplier = 2.0\n";
  backoff::BackoffConfigBuilder builder;
  CHECK(backoff::apply_backoff_config_text(builder, text, "b.toml", backoff::ConfigFormat::toml) ==
        backoff::ConfigLayout::engine_table);
  CHECK(builder.build().multiplier == 2.0);
}

TEST_CASE("A trace field holding a deeply nested value is refused without a recursive dump") {
  // fuzz/corpus/trace/finding-02-deep-event (found while reading the code the
  // TOML finding pointed at): the error message dumped the value with
  // nlohmann's recursive dump(), which overflows the stack at this depth.
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  for (const std::string& line :
       {"{\"event\": \"check\", \"at\": " + deep + "}", "{\"at\": 1, \"event\": " + deep + "}",
        "{\"at\": 1, \"event\": \"check\", \"job\": " + deep + "}"}) {
    CAPTURE(line.substr(0, 30));
    std::istringstream in(line + "\n");
    try {
      backoff::replay_trace(in, backoff::BackoffConfig{}, 1);
      FAIL("expected an error");
    } catch (const core::UsageError& e) {
      CHECK(e.code() == "trace.invalid_field");
      CHECK(e.details().at("line") == 1);
    }
  }
}
