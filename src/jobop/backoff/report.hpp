#pragma once

#include <jobop/backoff/backoff_config.hpp>
#include <jobop/backoff/config_issue.hpp>
#include <jobop/backoff/schedule.hpp>
#include <jobop/backoff/text_report.hpp>
#include <jobop/backoff/trace_replay.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The documents `jobop backoff-sim` prints: JSON for scripts, tables for
// people. Durations appear as Go strings and as `_ns` integers.
namespace jobop::backoff {

// Return a duration for people: Go's form under a minute, "27.2 min" under
// an hour, "48.45 h" beyond.
std::string human_duration(core::Nanos d);

// Return the value a cell of a report's table sorts by (--sort-by), in
// nanoseconds for durations: human_duration's forms, signed as a comparison
// shows them ("+1.20 h", "-7.5 min"), counts ("300/300": 300), intervals
// ("48.41 h to 48.56 h": the low end); nullopt for words ("never", "-",
// "?"), which sort after every value.
std::optional<double> sort_value(std::string_view cell);

// Set `out[name]` to `d` as a Go string and `out[name + "_ns"]` to the integer.
void put_duration(nlohmann::json& out, const std::string& name, core::Nanos d);

// Return the one-line summary of a policy that heads every table.
std::string policy_line(const BackoffConfig& config);

// The same without its newline, as a report's paragraph.
std::string policy_paragraph(const BackoffConfig& config);

// Return `issues` as an array of diagnostics.
nlohmann::json issues_to_json(const std::vector<ConfigIssue>& issues);

// Add `issues` to `report` as paragraphs "warning: MESSAGE".
void add_issues(TextReport& report, const std::vector<ConfigIssue>& issues);

// Return the effective config: each duration as `<name>` (Go string) and
// `<name>_ns`, keys in snake_case.
nlohmann::json config_to_json(const BackoffConfig& config);

// Return the schedule document: config, rows, omitted span and summary.
nlohmann::json schedule_to_json(const BackoffConfig& config, const Schedule& schedule);

// Return the schedule for a person: the policy, a row per retry (the interval
// and the time waited always shown; the jitter bounds dropped first, the
// waited ones before the interval's) and the summary.
TextReport schedule_report(const BackoffConfig& config, const Schedule& schedule);

// Return one trace output line.
nlohmann::json trace_step_to_json(const TraceStep& step);

} // namespace jobop::backoff
