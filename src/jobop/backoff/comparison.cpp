#include <jobop/backoff/comparison.hpp>

#include <jobop/backoff/failure_report.hpp>
#include <jobop/backoff/report.hpp>
#include <jobop/time/go_duration.hpp>

#include <optional>

namespace jobop::backoff {

namespace {

using time::format_go_duration;

// A percentile of one side, absent when not every run terminated.
std::optional<core::Nanos> percentile(const FailureModelResult& r, int percent) {
  if (!r.time_to_terminate || r.terminated < r.runs) {
    return std::nullopt;
  }
  return percent == 50 ? r.time_to_terminate->p50 : r.time_to_terminate->p99;
}

std::string shown(const FailureModelResult& r, int percent) {
  const auto p = percentile(r, percent);
  if (p) {
    return human_duration(*p);
  }
  return r.never_terminates ? "never" : "-";
}

nlohmann::json side_json(const FailureModelResult& r) {
  nlohmann::json out = {{"terminated", r.terminated}, {"never_terminates", r.never_terminates}};
  for (const int percent : {50, 99}) {
    const std::string name = "p" + std::to_string(percent);
    const auto p = percentile(r, percent);
    out[name + "_ns"] = p ? nlohmann::json(*p) : nlohmann::json(nullptr);
    out[name] = p ? nlohmann::json(format_go_duration(*p)) : nlohmann::json("never");
  }
  put_duration(out, "longest_wait", r.longest_wait);
  return out;
}

std::optional<core::Nanos> difference(const ComparisonRow& row, int percent) {
  const auto a = percentile(row.first, percent);
  const auto b = percentile(row.second, percent);
  if (!a || !b) {
    return std::nullopt;
  }
  return *b - *a;
}

std::string signed_human(core::Nanos d) {
  return d < 0 ? "-" + human_duration(-d) : "+" + human_duration(d);
}

std::string difference_text(const ComparisonRow& row, int percent) {
  const auto d = difference(row, percent);
  if (d) {
    return signed_human(*d);
  }
  const bool a = percentile(row.first, percent).has_value();
  const bool b = percentile(row.second, percent).has_value();
  if (a == b) {
    return "-";
  }
  return b ? "now ends" : "never ends";
}

} // namespace

std::vector<ComparisonRow> compare_policies(const BackoffConfig& first, const BackoffConfig& second,
                                            const FailureModelParams& params,
                                            const std::vector<core::Nanos>& uptimes) {
  std::vector<ComparisonRow> rows;
  for (const core::Nanos uptime : uptimes) {
    FailureModelParams p = params;
    p.uptime = uptime;
    rows.push_back({uptime, run_failure_model(first, p), run_failure_model(second, p)});
  }
  return rows;
}

std::vector<ConfigIssue> comparison_warnings(const FailureModelParams& params,
                                             const std::vector<ComparisonRow>& rows) {
  std::vector<ConfigIssue> warnings;
  for (const auto& row : rows) {
    FailureModelParams p = params;
    p.uptime = row.uptime;
    for (const auto* side : {&row.first, &row.second}) {
      const auto more = precision_warnings(p, *side);
      warnings.insert(warnings.end(), more.begin(), more.end());
    }
  }
  return warnings;
}

nlohmann::json comparison_to_json(const BackoffConfig& first, const std::string& first_name,
                                  const BackoffConfig& second, const std::string& second_name,
                                  const FailureModelParams& params,
                                  const std::vector<ComparisonRow>& rows) {
  nlohmann::json out_rows = nlohmann::json::array();
  nlohmann::json warnings = nlohmann::json::array();
  for (const auto& row : rows) {
    nlohmann::json r = nlohmann::json::object();
    put_duration(r, "uptime", row.uptime);
    r["first"] = side_json(row.first);
    r["second"] = side_json(row.second);
    nlohmann::json diff = nlohmann::json::object();
    for (const int percent : {50, 99}) {
      const std::string name = "p" + std::to_string(percent);
      const auto d = difference(row, percent);
      diff[name + "_ns"] = d ? nlohmann::json(*d) : nlohmann::json(nullptr);
      diff[name] = difference_text(row, percent);
    }
    r["difference"] = diff;
    out_rows.push_back(std::move(r));
  }
  for (const auto& w : comparison_warnings(params, rows)) {
    warnings.push_back(to_json(w));
  }
  return {{"mode", "compare"},
          {"paired", true},
          {"note", "both policies ran with the same seed: run i of each draws the same random "
                   "numbers (a paired comparison); difference = second - first; time to "
                   "terminate counts from the first failure"},
          {"seed", params.seed},
          {"runs", params.runs},
          {"first", {{"name", first_name}, {"config", config_to_json(first)}}},
          {"second", {{"name", second_name}, {"config", config_to_json(second)}}},
          {"rows", out_rows},
          {"warnings", warnings}};
}

TextReport comparison_report(const BackoffConfig& first, const std::string& first_name,
                             const BackoffConfig& second, const std::string& second_name,
                             const FailureModelParams& params,
                             const std::vector<ComparisonRow>& rows) {
  TextReport report;
  report.paragraph("first:  " + first_name);
  report.paragraph("  " + policy_paragraph(first));
  report.paragraph("second: " + second_name);
  report.paragraph("  " + policy_paragraph(second));
  report.paragraph("paired: both ran " + std::to_string(params.runs) + " runs with seed " +
                   std::to_string(params.seed) +
                   " (run i of each draws the same random numbers); time to terminate counts "
                   "from the first failure");
  report.blank();
  ReportTable table;
  table.columns = {{"uptime", 0},    {"p50 first", 0},  {"p50 second", 0}, {"p50 diff", 0},
                   {"p99 first", 3}, {"p99 second", 2}, {"p99 diff", 1}};
  for (const auto& row : rows) {
    table.rows.push_back({format_go_duration(row.uptime), shown(row.first, 50),
                          shown(row.second, 50), difference_text(row, 50), shown(row.first, 99),
                          shown(row.second, 99), difference_text(row, 99)});
  }
  report.table(std::move(table));
  const auto warnings = comparison_warnings(params, rows);
  if (!warnings.empty()) {
    report.blank();
    add_issues(report, warnings);
  }
  return report;
}

} // namespace jobop::backoff
