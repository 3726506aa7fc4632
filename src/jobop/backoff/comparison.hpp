#pragma once

#include <jobop/backoff/backoff_config.hpp>
#include <jobop/backoff/config_issue.hpp>
#include <jobop/backoff/failure_model.hpp>
#include <jobop/backoff/text_report.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

// Two policies side by side (`backoff-sim --vs FILE`): the same failure
// models for both, run with the same seed, so run i of one policy draws the
// same random numbers as run i of the other (a paired comparison).
namespace jobop::backoff {

struct ComparisonRow {
  core::Nanos uptime = 0;
  FailureModelResult first;
  FailureModelResult second;
};

// Run the failure model of `params` (its uptime replaced) for each of
// `uptimes` under both validated configs.
std::vector<ComparisonRow> compare_policies(const BackoffConfig& first, const BackoffConfig& second,
                                            const FailureModelParams& params,
                                            const std::vector<core::Nanos>& uptimes);

// Return the precision warnings of both sides of every row
// (precision_warnings, uptime by uptime).
std::vector<ConfigIssue> comparison_warnings(const FailureModelParams& params,
                                             const std::vector<ComparisonRow>& rows);

// Return the comparison document: both configs (named `first_name` and
// `second_name`), the seed, and per uptime p50/p99 of each ("never" when it
// never terminates) with the difference second - first.
nlohmann::json comparison_to_json(const BackoffConfig& first, const std::string& first_name,
                                  const BackoffConfig& second, const std::string& second_name,
                                  const FailureModelParams& params,
                                  const std::vector<ComparisonRow>& rows);

// Return the comparison for a person: both policies, then one row per uptime
// (the p50s and their difference always shown; of the p99s the difference
// stays longest), then the warnings.
TextReport comparison_report(const BackoffConfig& first, const std::string& first_name,
                             const BackoffConfig& second, const std::string& second_name,
                             const FailureModelParams& params,
                             const std::vector<ComparisonRow>& rows);

} // namespace jobop::backoff
