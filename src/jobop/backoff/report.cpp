#include <jobop/backoff/report.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/time/go_duration.hpp>

#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace jobop::backoff {

namespace {

using time::format_go_duration;

std::string fixed(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
  return buffer;
}

} // namespace

void put_duration(nlohmann::json& out, const std::string& name, core::Nanos d) {
  out[name] = format_go_duration(d);
  out[name + "_ns"] = d;
}

std::string policy_paragraph(const BackoffConfig& config) {
  std::string line = policy_line(config);
  line.pop_back();
  return line;
}

std::string policy_line(const BackoffConfig& config) {
  std::ostringstream out;
  out << "policy: initial " << format_go_duration(config.initial_interval) << ", x"
      << config.multiplier << ", max " << format_go_duration(config.max_interval) << ", jitter "
      << config.randomization_factor << ", reset after "
      << format_go_duration(config.reset_interval) << " up, terminate after " << config.max_try_time
      << " failures\n";
  return out.str();
}

nlohmann::json issues_to_json(const std::vector<ConfigIssue>& issues) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& issue : issues) {
    out.push_back(to_json(issue));
  }
  return out;
}

void add_issues(TextReport& report, const std::vector<ConfigIssue>& issues) {
  for (const auto& issue : issues) {
    report.paragraph(issue.level + ": " + issue.message);
  }
}

std::string human_duration(core::Nanos d) {
  if (d < 0 || d < core::k_minute) {
    return format_go_duration(d);
  }
  if (d < core::k_hour) {
    return fixed(static_cast<double>(d) / core::k_minute, 1) + " min";
  }
  return fixed(static_cast<double>(d) / core::k_hour, 2) + " h";
}

std::optional<double> sort_value(std::string_view cell) {
  if (const auto to = cell.find(" to "); to != std::string_view::npos) {
    cell = cell.substr(0, to);
  }
  double sign = 1;
  if (!cell.empty() && (cell[0] == '+' || cell[0] == '-')) {
    sign = cell[0] == '-' ? -1 : 1;
    cell.remove_prefix(1);
  }
  if (cell.empty() || cell[0] < '0' || cell[0] > '9') {
    return std::nullopt;
  }
  const std::string text(cell);
  char* end = nullptr;
  const double number = std::strtod(text.c_str(), &end);
  const std::string_view unit(end);
  if (unit.empty() || unit[0] == '/') {
    return sign * number;
  }
  if (unit == " h") {
    return sign * number * static_cast<double>(core::k_hour);
  }
  if (unit == " min") {
    return sign * number * static_cast<double>(core::k_minute);
  }
  try {
    return sign * static_cast<double>(time::parse_go_duration(text));
  } catch (const core::Error&) {
    return std::nullopt;
  }
}

nlohmann::json config_to_json(const BackoffConfig& config) {
  nlohmann::json out = nlohmann::json::object();
  put_duration(out, "reset_interval", config.reset_interval);
  put_duration(out, "initial_interval", config.initial_interval);
  put_duration(out, "max_interval", config.max_interval);
  out["multiplier"] = config.multiplier;
  out["max_try_time"] = config.max_try_time;
  out["randomization_factor"] = config.randomization_factor;
  return out;
}

nlohmann::json schedule_to_json(const BackoffConfig& config, const Schedule& schedule) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : schedule.rows) {
    nlohmann::json r = {{"retry", row.retry}};
    put_duration(r, "interval", row.nominal);
    put_duration(r, "min", row.min);
    put_duration(r, "max", row.max);
    put_duration(r, "cumulative", row.cumulative_nominal);
    put_duration(r, "cumulative_min", row.cumulative_min);
    put_duration(r, "cumulative_max", row.cumulative_max);
    rows.push_back(std::move(r));
  }
  nlohmann::json summary = nlohmann::json::object();
  summary["retries"] = schedule.total_rows;
  if (schedule.attempts_to_max_interval) {
    summary["attempts_to_max_interval"] = *schedule.attempts_to_max_interval;
    put_duration(summary, "time_to_max_interval", *schedule.time_to_max_interval);
    summary["time_to_max_interval_human"] = human_duration(*schedule.time_to_max_interval);
    // The cap is a property of the interval sequence; a job terminated
    // earlier never waits that long, so say whether it does.
    summary["max_interval_reached_before_terminate"] =
      *schedule.attempts_to_max_interval <= schedule.total_rows;
  } else {
    summary["attempts_to_max_interval"] = nullptr;
    summary["time_to_max_interval_ns"] = nullptr;
    summary["note"] = config.multiplier > 1
                        ? "the interval stops growing before it reaches max-interval"
                        : "the interval never reaches max-interval: multiplier " +
                            fixed(config.multiplier, 6) + " does not make it grow";
  }
  summary["failures_to_terminate"] = config.max_try_time;
  put_duration(summary, "time_to_terminate", schedule.time_to_terminate);
  summary["time_to_terminate_human"] = human_duration(schedule.time_to_terminate);
  put_duration(summary, "time_to_terminate_min", schedule.time_to_terminate_min);
  put_duration(summary, "time_to_terminate_max", schedule.time_to_terminate_max);
  nlohmann::json out = {{"mode", "schedule"}, {"config", config_to_json(config)}, {"rows", rows}};
  if (schedule.rows_omitted > 0) {
    out["rows_omitted"] = {{"after_retry", schedule.omitted_after},
                           {"count", schedule.rows_omitted},
                           {"same_as_row_above", schedule.omitted_rows_repeat}};
  }
  out["summary"] = summary;
  return out;
}

TextReport schedule_report(const BackoffConfig& config, const Schedule& schedule) {
  TextReport report;
  report.paragraph(policy_paragraph(config));
  report.blank();
  ReportTable table;
  table.columns = {{"retry", 0},  {"interval", 0},   {"min", 4},       {"max", 3},
                   {"waited", 0}, {"waited min", 6}, {"waited max", 5}};
  for (const auto& row : schedule.rows) {
    if (schedule.rows_omitted > 0 &&
        row.retry == schedule.omitted_after + schedule.rows_omitted + 1) {
      table.breaks.push_back(
        {table.rows.size(),
         "...  (" + std::to_string(schedule.rows_omitted) +
           (schedule.omitted_rows_repeat ? " rows like the one above)"
                                         : " rows omitted; the interval still changes)")});
    }
    table.rows.push_back(
      {std::to_string(row.retry), format_go_duration(row.nominal), format_go_duration(row.min),
       format_go_duration(row.max), format_go_duration(row.cumulative_nominal),
       format_go_duration(row.cumulative_min), format_go_duration(row.cumulative_max)});
  }
  report.table(std::move(table));
  report.blank();
  std::ostringstream cap;
  if (schedule.attempts_to_max_interval) {
    cap << "reaches max-interval: on retry " << *schedule.attempts_to_max_interval << ", after "
        << human_duration(*schedule.time_to_max_interval) << " of waiting ("
        << format_go_duration(*schedule.time_to_max_interval) << ")";
    if (*schedule.attempts_to_max_interval > schedule.total_rows) {
      cap << ", but never in practice: the job is terminated at failure " << config.max_try_time
          << " first";
    }
  } else {
    cap << "reaches max-interval: never (the interval "
        << (config.multiplier > 1 ? "stops growing below it" : "does not grow") << ")";
  }
  report.paragraph(cap.str());
  std::ostringstream end;
  end << "terminated: at failure " << config.max_try_time << ", after "
      << human_duration(schedule.time_to_terminate) << " of waiting ("
      << format_go_duration(schedule.time_to_terminate) << "; with jitter "
      << human_duration(schedule.time_to_terminate_min) << " to "
      << human_duration(schedule.time_to_terminate_max) << ")";
  report.paragraph(end.str());
  return report;
}

nlohmann::json trace_step_to_json(const TraceStep& step) {
  nlohmann::json out = {{"line", step.line},
                        {"at_ns", step.at},
                        {"at", format_go_duration(step.at)},
                        {"job", step.job},
                        {"event", std::string(to_string(step.event))},
                        {"allow", step.allow},
                        {"terminate", step.terminate},
                        {"backoff_ns", step.backoff},
                        {"backoff", format_go_duration(step.backoff)},
                        {"failures", step.failures}};
  out["retry_at_ns"] = step.retry_at ? nlohmann::json(*step.retry_at) : nlohmann::json(nullptr);
  return out;
}

} // namespace jobop::backoff
