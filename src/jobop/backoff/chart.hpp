#pragma once

#include <jobop/backoff/backoff_config.hpp>
#include <jobop/backoff/failure_report.hpp>
#include <jobop/backoff/schedule.hpp>

#include <cstdint>
#include <string>
#include <vector>

// Pictures of what the numbers say (SPEC "Pictures"): standalone SVG that
// any XML tool reads and rsvg-convert renders, and a one-line sparkline.
namespace jobop::backoff {

// The leading rows a schedule for a chart keeps (compute_schedule's
// head_rows): enough that the omitted span is where the interval is stable,
// so straight lines between kept rows are exact.
inline constexpr std::int64_t k_chart_rows = 5000;

// Return the schedule as an SVG chart: the nominal interval per retry in its
// jitter band (left axis), the cumulative wait (right axis), the retry where
// max-interval is reached and the failure where the job is terminated
// marked and labelled. Axes are in Go durations.
std::string schedule_svg(const BackoffConfig& config, const Schedule& schedule);

// Return the failure model as an SVG chart: per uptime, a histogram of the
// time to terminate with p50/p90/p99 marked, or the statement that the job
// never terminates.
std::string failure_model_svg(const BackoffConfig& config, const std::vector<UptimeResult>& sweep);

// Return the nominal interval across the retries as one line of block
// characters (at most `width` of them), lowest to highest of the schedule.
std::string schedule_sparkline(const Schedule& schedule, std::size_t width = 60);

} // namespace jobop::backoff
