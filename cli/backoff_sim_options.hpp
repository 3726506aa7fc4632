#pragma once

#include <cli/table.hpp>
#include <jobop/backoff/backoff_config.hpp>
#include <jobop/backoff/config_issue.hpp>
#include <jobop/backoff/failure_model.hpp>
#include <jobop/core/clock.hpp>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

// What `jobop backoff-sim` was asked, shared by its mode files
// (backoff_sim_*.cpp): the flags, and turning them into core values.
namespace jobop::cli {

struct BackoffSimOptions {
  // Show a progress meter on stderr (a terminal, no --quiet).
  bool progress = false;
  std::string config_path;
  std::string seed_text;
  std::string trace_path;
  std::string uptime;
  std::int64_t runs = 1000;
  std::string tick_interval = "0s";
  std::string horizon;
  std::string output = "json";
  bool no_headers = false;
  std::string sort_by;
  std::string vs_path;
  std::string solve_key;
  std::string give_up_after;
  std::string percentile = "p50";
  std::string max_wait;
  // The options whose presence matters, by key or mode.
  std::vector<std::pair<std::string, CLI::Option*>> config_flags;
  std::vector<std::string> config_values = std::vector<std::string>(6);
  CLI::Option* seed_option = nullptr;
  CLI::Option* trace_option = nullptr;
  CLI::Option* uptime_option = nullptr;
  CLI::Option* horizon_option = nullptr;
  CLI::Option* max_wait_option = nullptr;
};

// A policy and what is probably wrong with it.
struct LoadedPolicy {
  backoff::BackoffConfig config;
  std::vector<backoff::ConfigIssue> warnings;
  // How tables name it: the file, "flags" or "defaults".
  std::string name;
};

// Return the Go duration of flag `flag` (Go syntax only: "30" is refused
// with "did you mean 30s?"); throw core::UsageError naming the flag.
core::Nanos flag_duration(const std::string& flag, const std::string& text);

// Return the uptimes of `--uptime A,B,...`, in order.
std::vector<core::Nanos> uptime_list(const std::string& text);

// Return the policy of --config and the flags. Every error of the file is
// reported: all but the last as diagnostics on stderr, the last thrown.
LoadedPolicy load_policy(const BackoffSimOptions& opts);

// Return the policy of `path` over the defaults (--vs), errors as above.
LoadedPolicy load_policy_file(const std::string& path);

// Return the seed: --seed, or a fresh one (printed by the caller).
std::uint64_t choose_seed(const BackoffSimOptions& opts);

// Return the failure-model parameters of the flags (uptime left 0).
backoff::FailureModelParams model_params(const BackoffSimOptions& opts, std::uint64_t seed);

// Return true for a report for people: -o table or -o wide.
bool wants_report(const BackoffSimOptions& opts);

// Return how a report is laid out: stdout's width (its terminal's, else
// COLUMNS, else 80), every column for -o wide, --no-headers.
TableOptions report_layout(const BackoffSimOptions& opts);

// Write `issues` to stderr as diagnostics.
void report_issues(const std::vector<backoff::ConfigIssue>& issues);

// Run the modes (one file each).
void run_schedule(const BackoffSimOptions& opts, const LoadedPolicy& policy);
void run_trace(const BackoffSimOptions& opts, const LoadedPolicy& policy);
void run_sweep(const BackoffSimOptions& opts, const LoadedPolicy& policy);
void run_compare(const BackoffSimOptions& opts, const LoadedPolicy& policy);
// Return false when there is no solution (exit 4; the closest is printed).
bool run_solve(const BackoffSimOptions& opts, const LoadedPolicy& policy);

} // namespace jobop::cli
