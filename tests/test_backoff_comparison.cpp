#include <jobop/backoff/comparison.hpp>

#include <doctest/doctest.h>

using namespace jobop::backoff;
using jobop::core::k_minute;

TEST_CASE("a policy compared with itself differs by exactly zero: the runs are paired") {
  BackoffConfig config;
  FailureModelParams params;
  params.runs = 300;
  params.seed = 9;
  const auto rows = compare_policies(config, config, params, {0, k_minute, 10 * k_minute});
  REQUIRE(rows.size() == 3);
  const auto doc = comparison_to_json(config, "a", config, "b", params, rows);
  CHECK(doc.at("paired") == true);
  CHECK(doc.at("rows").at(0).at("difference").at("p50_ns") == 0);
  CHECK(doc.at("rows").at(1).at("difference").at("p99_ns") == 0);
  CHECK(doc.at("rows").at(2).at("first").at("p50") == "never");
  CHECK(doc.at("rows").at(2).at("difference").at("p50_ns").is_null());
}

TEST_CASE("the difference is second minus first, per uptime") {
  BackoffConfig first;
  BackoffConfig second;
  second.max_try_time = 100;
  FailureModelParams params;
  params.runs = 100;
  const auto rows = compare_policies(first, second, params, {k_minute});
  const auto doc = comparison_to_json(first, "a", second, "b", params, rows);
  const auto& row = doc.at("rows").at(0);
  CHECK(row.at("difference").at("p50_ns").get<std::int64_t>() ==
        row.at("second").at("p50_ns").get<std::int64_t>() -
          row.at("first").at("p50_ns").get<std::int64_t>());
  CHECK(row.at("difference").at("p50_ns").get<std::int64_t>() < 0);
  const auto report = comparison_report(first, "a", second, "b", params, rows);
  bool paired = false;
  for (const auto& block : report.blocks()) {
    paired = paired || block.text.rfind("paired: both ran 100 runs", 0) == 0;
  }
  CHECK(paired);
}
