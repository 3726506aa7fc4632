#pragma once

#include <jobop/backoff/backoff_config.hpp>
#include <jobop/backoff/config_issue.hpp>
#include <jobop/backoff/schedule.hpp>
#include <jobop/backoff/trace_replay.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

// The documents `jobop backoff-sim` prints: JSON for scripts, tables for
// people. Durations appear as Go strings and as `_ns` integers.
namespace jobop::backoff {

// Return a duration for people: Go's form under a minute, "27.2 min" under
// an hour, "48.45 h" beyond.
std::string human_duration(core::Nanos d);

// Set `out[name]` to `d` as a Go string and `out[name + "_ns"]` to the integer.
void put_duration(nlohmann::json& out, const std::string& name, core::Nanos d);

// Return `text` right-aligned in `width` columns (one per code point).
std::string pad(const std::string& text, std::size_t width);

// Return the one-line summary of a policy that heads every table.
std::string policy_line(const BackoffConfig& config);

// Return `issues` as an array of diagnostics.
nlohmann::json issues_to_json(const std::vector<ConfigIssue>& issues);

// Return `issues` as lines "warning: MESSAGE" for a table.
std::string issues_text(const std::vector<ConfigIssue>& issues);

// Return the effective config: each duration as `<name>` (Go string) and
// `<name>_ns`, keys in snake_case.
nlohmann::json config_to_json(const BackoffConfig& config);

// Return the schedule document: config, rows, omitted span and summary.
nlohmann::json schedule_to_json(const BackoffConfig& config, const Schedule& schedule);

// Return the schedule as an aligned text table with its summary.
std::string schedule_table(const BackoffConfig& config, const Schedule& schedule);

// Return one trace output line.
nlohmann::json trace_step_to_json(const TraceStep& step);

} // namespace jobop::backoff
