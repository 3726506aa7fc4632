#include <jobop/backoff/failure_report.hpp>

#include <jobop/backoff/report.hpp>
#include <jobop/backoff/statistics.hpp>
#include <jobop/time/go_duration.hpp>

#include <sstream>

namespace jobop::backoff {

namespace {

using time::format_go_duration;

struct NamedPercentile {
  const char* name;
  int percent;
  core::Nanos value;
  const ConfidenceInterval* ci;
};

std::vector<NamedPercentile> percentiles(const TerminationQuantiles& q) {
  return {{"p50", 50, q.p50, &q.p50_ci95},
          {"p90", 90, q.p90, &q.p90_ci95},
          {"p99", 99, q.p99, &q.p99_ci95}};
}

nlohmann::json optional_ns(const std::optional<core::Nanos>& d) {
  return d ? nlohmann::json(*d) : nlohmann::json(nullptr);
}

nlohmann::json optional_go(const std::optional<core::Nanos>& d) {
  return d ? nlohmann::json(format_go_duration(*d)) : nlohmann::json(nullptr);
}

std::string human_or_open(const std::optional<core::Nanos>& d, const char* open) {
  return d ? human_duration(*d) : std::string(open);
}

std::string never_message(const BackoffConfig& config, core::Nanos uptime) {
  return "a job that stays up " + format_go_duration(uptime) +
         " between failures is never terminated: uptime >= reset-interval (" +
         format_go_duration(config.reset_interval) +
         ") clears its failure history before every failure";
}

} // namespace

std::vector<std::string> failure_model_notes(const BackoffConfig& config,
                                             const FailureModelParams& params,
                                             const FailureModelResult& result) {
  std::vector<std::string> notes;
  if (result.never_terminates) {
    notes.push_back(never_message(config, params.uptime));
  }
  if (result.terminated < result.runs && !(result.never_terminates && !params.horizon)) {
    const std::int64_t open = result.runs - result.terminated;
    std::string note = std::to_string(open) + " of " + std::to_string(result.runs) +
                       " runs did not terminate within the horizon" +
                       (params.horizon ? " (" + format_go_duration(*params.horizon) + ")" : "");
    note += result.terminated == 0
              ? "; no run terminated, so there are no percentiles"
              : "; the percentiles cover only the " + std::to_string(result.terminated) +
                  " that did, and understate the time to terminate";
    notes.push_back(note);
  }
  return notes;
}

std::vector<ConfigIssue> precision_warnings(const FailureModelParams& params,
                                            const FailureModelResult& result) {
  std::vector<ConfigIssue> warnings;
  if (!result.time_to_terminate) {
    return warnings;
  }
  for (const auto& p : percentiles(*result.time_to_terminate)) {
    if (p.ci->low && p.ci->high) {
      continue;
    }
    const std::string side = !p.ci->low && !p.ci->high ? "neither bound"
                             : !p.ci->low              ? "no lower bound"
                                                       : "no upper bound";
    warnings.push_back({"warning", "simulate.too_few_runs",
                        "uptime " + format_go_duration(params.uptime) + ": " +
                          std::to_string(result.terminated) + " terminated runs are too few for " +
                          p.name + " to mean much: its 95 % interval has " + side + "; " + p.name +
                          " needs at least " + std::to_string(min_sample_for_interval(p.percent)) +
                          " (raise --runs)",
                        "", "", 0, ""});
  }
  return warnings;
}

nlohmann::json failure_model_to_json(const BackoffConfig& config, const FailureModelParams& params,
                                     const FailureModelResult& result) {
  nlohmann::json model = {{"runs", params.runs}, {"seed", params.seed}};
  put_duration(model, "uptime", params.uptime);
  put_duration(model, "tick_interval", params.tick_interval);
  if (params.horizon) {
    put_duration(model, "horizon", *params.horizon);
  } else {
    model["horizon_ns"] = nullptr;
  }
  nlohmann::json out = {{"mode", "failure-model"},
                        {"config", config_to_json(config)},
                        {"model", model},
                        {"seed", params.seed},
                        {"runs", result.runs},
                        {"terminated", result.terminated},
                        {"failures", result.failures},
                        {"never_terminates", result.never_terminates}};
  put_duration(out, "uptime", params.uptime);
  if (result.time_to_terminate) {
    const auto& q = *result.time_to_terminate;
    nlohmann::json t = {{"from", "first failure"}};
    put_duration(t, "min", q.min);
    for (const auto& p : percentiles(q)) {
      put_duration(t, p.name, p.value);
      t[std::string(p.name) + "_ci95_ns"] = {optional_ns(p.ci->low), optional_ns(p.ci->high)};
      t[std::string(p.name) + "_ci95"] = {optional_go(p.ci->low), optional_go(p.ci->high)};
    }
    put_duration(t, "max", q.max);
    out["time_to_terminate"] = t;
  } else {
    out["time_to_terminate"] = nullptr;
  }
  put_duration(out, "longest_wait", result.longest_wait);
  const auto notes = failure_model_notes(config, params, result);
  if (!notes.empty()) {
    out["note"] = notes.front();
  }
  out["notes"] = notes;
  out["warnings"] = issues_to_json(precision_warnings(params, result));
  return out;
}

nlohmann::json sweep_to_json(const BackoffConfig& config, const std::vector<UptimeResult>& sweep) {
  nlohmann::json results = nlohmann::json::array();
  nlohmann::json warnings = nlohmann::json::array();
  for (const auto& [params, result] : sweep) {
    auto doc = failure_model_to_json(config, params, result);
    doc.erase("config");
    doc.erase("mode");
    for (const auto& w : doc.at("warnings")) {
      warnings.push_back(w);
    }
    results.push_back(std::move(doc));
  }
  const auto& first = sweep.front().params;
  return {{"mode", "failure-model"}, {"config", config_to_json(config)},
          {"seed", first.seed},      {"runs", first.runs},
          {"results", results},      {"warnings", warnings}};
}

TextReport failure_model_report(const BackoffConfig& config,
                                const std::vector<UptimeResult>& sweep) {
  TextReport report;
  const auto& first = sweep.front().params;
  report.paragraph(policy_paragraph(config));
  std::ostringstream runs;
  runs << "runs: " << first.runs << " per uptime, seed " << first.seed;
  if (first.tick_interval > 0) {
    runs << ", restarts on ticks of " << format_go_duration(first.tick_interval);
  }
  if (first.horizon) {
    runs << ", horizon " << format_go_duration(*first.horizon);
  }
  report.paragraph(runs.str());
  report.paragraph("time to terminate counts from the first failure");
  report.blank();
  ReportTable table;
  table.columns = {{"uptime", 0}, {"terminated", 2}, {"p50", 0},         {"p90", 3},
                   {"p99", 1},    {"max", 4},        {"longest wait", 5}};
  for (const auto& [params, result] : sweep) {
    std::vector<std::string> row = {format_go_duration(params.uptime),
                                    std::to_string(result.terminated) + "/" +
                                      std::to_string(result.runs)};
    if (result.time_to_terminate) {
      const auto& q = *result.time_to_terminate;
      for (const auto d : {q.p50, q.p90, q.p99, q.max}) {
        row.push_back(human_duration(d));
      }
    } else {
      row.insert(row.end(), 4, result.never_terminates ? "never" : "-");
    }
    row.push_back(human_duration(result.longest_wait));
    table.rows.push_back(std::move(row));
  }
  report.table(std::move(table));
  ReportTable intervals;
  intervals.columns = {{"uptime", 0}, {"p50", 0}, {"p90", 2}, {"p99", 1}};
  for (const auto& [params, result] : sweep) {
    if (!result.time_to_terminate) {
      continue;
    }
    std::vector<std::string> row = {format_go_duration(params.uptime)};
    for (const auto& p : percentiles(*result.time_to_terminate)) {
      row.push_back(human_or_open(p.ci->low, "?") + " to " + human_or_open(p.ci->high, "?"));
    }
    intervals.rows.push_back(std::move(row));
  }
  if (!intervals.rows.empty()) {
    report.blank();
    report.paragraph("95 % confidence intervals (distribution-free, order statistics):");
    report.table(std::move(intervals));
  }
  TextReport notes;
  std::vector<ConfigIssue> warnings;
  for (const auto& [params, result] : sweep) {
    for (const auto& note : failure_model_notes(config, params, result)) {
      notes.paragraph("note: uptime " + format_go_duration(params.uptime) + ": " + note);
    }
    const auto more = precision_warnings(params, result);
    warnings.insert(warnings.end(), more.begin(), more.end());
  }
  add_issues(notes, warnings);
  if (!notes.blocks().empty()) {
    report.blank();
    report.append(notes);
  }
  return report;
}

} // namespace jobop::backoff
