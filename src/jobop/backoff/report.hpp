#pragma once

#include <jobop/backoff/backoff_config.hpp>
#include <jobop/backoff/failure_model.hpp>
#include <jobop/backoff/schedule.hpp>
#include <jobop/backoff/trace_replay.hpp>

#include <nlohmann/json.hpp>

#include <string>

// The documents `jobop backoff-sim` prints: JSON for scripts, tables for
// people. Durations appear as Go strings and as `_ns` integers.
namespace jobop::backoff {

// Return a duration for people: Go's form under a minute, "27.2 min" under
// an hour, "48.45 h" beyond.
std::string human_duration(core::Nanos d);

// Return the effective config: each duration as `<name>` (Go string) and
// `<name>_ns`, keys in snake_case.
nlohmann::json config_to_json(const BackoffConfig& config);

// Return the schedule document: config, rows, omitted span and summary.
nlohmann::json schedule_to_json(const BackoffConfig& config, const Schedule& schedule);

// Return the schedule as an aligned text table with its summary.
std::string schedule_table(const BackoffConfig& config, const Schedule& schedule);

// Return one trace output line.
nlohmann::json trace_step_to_json(const TraceStep& step);

// Return the failure-model document.
nlohmann::json failure_model_to_json(const BackoffConfig& config, const FailureModelParams& params,
                                     const FailureModelResult& result);

// Return the failure model's result as text for people.
std::string failure_model_table(const BackoffConfig& config, const FailureModelParams& params,
                                const FailureModelResult& result);

} // namespace jobop::backoff
