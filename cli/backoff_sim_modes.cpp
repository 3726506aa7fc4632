// The three simulations of `backoff-sim`: schedule, trace replay, failure
// model (one uptime or a sweep).
#include <cli/backoff_sim_options.hpp>
#include <cli/backoff_sim_report.hpp>
#include <cli/diagnostics.hpp>
#include <cli/output_guard.hpp>
#include <cli/progress.hpp>
#include <jobop/backoff/chart.hpp>
#include <jobop/backoff/failure_report.hpp>
#include <jobop/backoff/report.hpp>
#include <jobop/backoff/schedule.hpp>
#include <jobop/backoff/trace_replay.hpp>
#include <jobop/core/exceptions.hpp>

#include <fstream>
#include <iostream>
#include <unistd.h>

namespace jobop::cli {

namespace {

// Print the JSON document `doc` with the policy's warnings added.
void print_document(nlohmann::json doc, const std::vector<backoff::ConfigIssue>& warnings) {
  auto all = backoff::issues_to_json(warnings);
  if (doc.contains("warnings")) {
    for (const auto& w : doc.at("warnings")) {
      all.push_back(w);
    }
  }
  doc["warnings"] = all;
  std::cout << dump_json(doc, 2) << '\n';
}

} // namespace

void run_schedule(const BackoffSimOptions& opts, const LoadedPolicy& policy) {
  const auto& config = policy.config;
  if (wants_report(opts)) {
    const auto layout = report_layout(opts);
    auto report = backoff::schedule_report(config, backoff::compute_schedule(config));
    if (isatty(STDOUT_FILENO) == 1) {
      const auto wide = backoff::compute_schedule(config, backoff::k_chart_rows);
      report.paragraph(sparkline_line(wide, layout));
    }
    if (!policy.warnings.empty()) {
      report.blank();
      backoff::add_issues(report, policy.warnings);
    }
    // Without headers stdout has the rows only; the warnings go to stderr.
    if (!layout.headers) {
      report_issues(policy.warnings);
    }
    print_report(std::cout, report, layout, opts.sort_by);
    return;
  }
  report_issues(policy.warnings);
  if (opts.output == "svg") {
    const auto wide = backoff::compute_schedule(config, backoff::k_chart_rows);
    std::cout << backoff::schedule_svg(config, wide);
    return;
  }
  const auto schedule = backoff::compute_schedule(config);
  print_document(backoff::schedule_to_json(config, schedule), policy.warnings);
}

void run_trace(const BackoffSimOptions& opts, const LoadedPolicy& policy) {
  if (opts.output != "json") {
    throw core::UsageError("usage", "--trace prints JSON Lines only; drop -o " + opts.output);
  }
  const std::uint64_t seed = choose_seed(opts);
  std::ifstream file;
  std::istream* in = &std::cin;
  if (opts.trace_path != "-") {
    file.open(opts.trace_path, std::ios::binary);
    if (!file) {
      throw core::UsageError("trace.unreadable", "cannot read trace file " + opts.trace_path,
                             {{"file", opts.trace_path}});
    }
    in = &file;
  }
  // Replay the whole trace first: a bad line prints nothing on stdout.
  const auto steps = backoff::replay_trace(*in, policy.config, seed);
  report_issues(policy.warnings);
  if (opts.seed_option->count() == 0) {
    write_diagnostic(std::cerr, "info", "backoff_sim.seed",
                     "jitter seed " + std::to_string(seed) + "; pass --seed " +
                       std::to_string(seed) + " to replay identically",
                     {{"seed", seed}});
  }
  for (const auto& step : steps) {
    std::cout << dump_json(backoff::trace_step_to_json(step)) << '\n';
    ensure_written(std::cout);
  }
}

// A failure model of this many runs or more shows progress on a terminal.
constexpr std::int64_t k_progress_runs = 1000;

void run_sweep(const BackoffSimOptions& opts, const LoadedPolicy& policy) {
  const auto& config = policy.config;
  const auto uptimes = uptime_list(opts.uptime);
  const auto base = model_params(opts, choose_seed(opts));
  std::vector<backoff::UptimeResult> sweep;
  const auto total = base.runs * static_cast<std::int64_t>(uptimes.size());
  ProgressMeter progress("failure model runs", total, opts.progress && total >= k_progress_runs);
  std::int64_t before = 0;
  for (const core::Nanos uptime : uptimes) {
    auto params = base;
    params.uptime = uptime;
    params.on_progress = [&](std::int64_t done, std::int64_t) { progress.update(before + done); };
    sweep.push_back({params, backoff::run_failure_model(config, params)});
    before += base.runs;
  }
  progress.finish();
  std::vector<backoff::ConfigIssue> precision;
  for (const auto& [params, result] : sweep) {
    const auto more = backoff::precision_warnings(params, result);
    precision.insert(precision.end(), more.begin(), more.end());
  }
  if (wants_report(opts)) {
    const auto layout = report_layout(opts);
    auto report = backoff::failure_model_report(config, sweep);
    if (!policy.warnings.empty()) {
      report.blank();
      backoff::add_issues(report, policy.warnings);
    }
    if (!layout.headers) {
      report_issues(policy.warnings);
      report_issues(precision);
    }
    print_report(std::cout, report, layout, opts.sort_by);
    return;
  }
  report_issues(policy.warnings);
  report_issues(precision);
  if (opts.output == "svg") {
    std::cout << backoff::failure_model_svg(config, sweep);
    return;
  }
  if (sweep.size() == 1) {
    print_document(backoff::failure_model_to_json(config, sweep[0].params, sweep[0].result),
                   policy.warnings);
  } else {
    print_document(backoff::sweep_to_json(config, sweep), policy.warnings);
  }
}

} // namespace jobop::cli
