// The workbench modes of `backoff-sim`: --vs (compare two policies) and
// --solve (find the value of one key for a target).
#include <cli/backoff_sim_options.hpp>
#include <cli/backoff_sim_report.hpp>
#include <cli/diagnostics.hpp>
#include <jobop/backoff/chart.hpp>
#include <jobop/backoff/comparison.hpp>
#include <jobop/backoff/failure_report.hpp>
#include <jobop/backoff/report.hpp>
#include <jobop/backoff/solve_report.hpp>
#include <jobop/core/exceptions.hpp>

#include <iostream>

namespace jobop::cli {

namespace {

std::vector<backoff::ConfigIssue> named(std::vector<backoff::ConfigIssue> issues,
                                        const std::string& name) {
  for (auto& issue : issues) {
    if (issue.file.empty()) {
      issue.message = name + ": " + issue.message;
    }
  }
  return issues;
}

int percent_of(const std::string& text) {
  if (text == "p50") {
    return 50;
  }
  if (text == "p90") {
    return 90;
  }
  return 99;
}

} // namespace

void run_compare(const BackoffSimOptions& opts, const LoadedPolicy& policy) {
  if (opts.output == "svg") {
    throw core::UsageError("usage", "-o svg draws one policy; drop --vs, or use -o table");
  }
  const LoadedPolicy second = load_policy_file(opts.vs_path);
  auto warnings = named(policy.warnings, "first policy");
  const auto more = named(second.warnings, "second policy");
  warnings.insert(warnings.end(), more.begin(), more.end());
  const auto params = model_params(opts, choose_seed(opts));
  const auto rows =
    backoff::compare_policies(policy.config, second.config, params, uptime_list(opts.uptime));
  if (wants_report(opts)) {
    const auto layout = report_layout(opts);
    auto report = backoff::comparison_report(policy.config, policy.name, second.config, second.name,
                                             params, rows);
    if (!warnings.empty()) {
      report.blank();
      backoff::add_issues(report, warnings);
    }
    if (!layout.headers) {
      report_issues(warnings);
      report_issues(backoff::comparison_warnings(params, rows));
    }
    print_report(std::cout, report, layout, opts.sort_by);
    return;
  }
  report_issues(warnings);
  auto doc = backoff::comparison_to_json(policy.config, policy.name, second.config, second.name,
                                         params, rows);
  auto all = backoff::issues_to_json(warnings);
  for (const auto& w : doc.at("warnings")) {
    all.push_back(w);
  }
  doc["warnings"] = all;
  std::cout << dump_json(doc, 2) << '\n';
}

bool run_solve(const BackoffSimOptions& opts, const LoadedPolicy& policy) {
  const auto uptimes = uptime_list(opts.uptime);
  if (uptimes.size() != 1) {
    throw core::UsageError("usage",
                           "--solve takes one --uptime, got " + std::to_string(uptimes.size()));
  }
  backoff::SolveRequest request;
  request.key = backoff::parse_solve_key(opts.solve_key);
  request.give_up_after = flag_duration("--give-up-after", opts.give_up_after);
  request.percent = percent_of(opts.percentile);
  if (opts.max_wait_option->count() > 0) {
    request.max_wait = flag_duration("--max-wait", opts.max_wait);
  }
  auto params = model_params(opts, choose_seed(opts));
  params.uptime = uptimes.front();
  const auto result = backoff::solve_policy(policy.config, params, request);
  if (wants_report(opts)) {
    const auto layout = report_layout(opts);
    auto report = backoff::solve_report(request, params, result);
    if (!policy.warnings.empty()) {
      report.blank();
      backoff::add_issues(report, policy.warnings);
    }
    if (!layout.headers) {
      report_issues(policy.warnings);
      report_issues(backoff::precision_warnings(params, result.distribution));
    }
    print_report(std::cout, report, layout, opts.sort_by);
  } else {
    report_issues(policy.warnings);
    if (opts.output == "svg") {
      std::cout << backoff::failure_model_svg(result.config, {{params, result.distribution}});
    } else {
      auto doc = backoff::solve_to_json(request, params, result);
      doc["warnings"] = backoff::issues_to_json(policy.warnings);
      std::cout << dump_json(doc, 2) << '\n';
    }
  }
  if (!result.solved) {
    write_diagnostic(std::cerr, "error", "solve.no_solution",
                     result.note + "; the closest policy tried is printed (exit 4)",
                     {{"key", std::string(backoff::to_string(request.key))}});
  }
  return result.solved;
}

} // namespace jobop::cli
