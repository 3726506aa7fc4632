#pragma once

#include <jobop/backoff/backoff_config.hpp>
#include <jobop/backoff/config_issue.hpp>
#include <jobop/backoff/failure_model.hpp>
#include <jobop/backoff/text_report.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

// The failure model's documents: one uptime (a flat JSON document), a sweep
// of uptimes (one result each), and the table with one row per uptime.
namespace jobop::backoff {

// The simulation of one uptime of a sweep.
struct UptimeResult {
  FailureModelParams params;
  FailureModelResult result;
};

// Return the notes on `result` for people: never terminates, runs left
// unterminated by the horizon (and what the percentiles then cover).
std::vector<std::string> failure_model_notes(const BackoffConfig& config,
                                             const FailureModelParams& params,
                                             const FailureModelResult& result);

// Return a warning ("simulate.too_few_runs") per percentile whose 95 %
// interval cannot be bounded with this many terminated runs.
std::vector<ConfigIssue> precision_warnings(const FailureModelParams& params,
                                            const FailureModelResult& result);

// Return the document of one uptime: config, model, counts, the quantiles of
// time_to_terminate (from the first failure) with `pNN_ci95_ns` intervals,
// longest_wait, note/notes and warnings (precision ones).
nlohmann::json failure_model_to_json(const BackoffConfig& config, const FailureModelParams& params,
                                     const FailureModelResult& result);

// Return the document of a sweep: config, seed, runs and `results`, one
// failure_model_to_json() per uptime (without its config), plus warnings.
nlohmann::json sweep_to_json(const BackoffConfig& config, const std::vector<UptimeResult>& sweep);

// Return the report for people: one row per uptime (uptime, p50 and p99
// always shown; terminated, p90, max and the longest wait dropped in the
// reverse order), the 95 % intervals, then every note and warning.
TextReport failure_model_report(const BackoffConfig& config,
                                const std::vector<UptimeResult>& sweep);

} // namespace jobop::backoff
