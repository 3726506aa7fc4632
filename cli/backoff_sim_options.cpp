#include <cli/backoff_sim_options.hpp>

#include <cli/diagnostics.hpp>
#include <cli/terminal.hpp>
#include <jobop/backoff/config_file.hpp>
#include <jobop/backoff/lint.hpp>
#include <jobop/core/exceptions.hpp>
#include <jobop/time/go_duration.hpp>

#include <iostream>
#include <random>
#include <unistd.h>

namespace jobop::cli {

namespace {

// Report every error of a config file: all but the last on stderr here, the
// last through the one catch site, which also sets the exit code.
[[noreturn]] void report_file_errors(const backoff::ConfigFileError& e) {
  const auto& issues = e.issues();
  for (std::size_t i = 0; i + 1 < issues.size(); ++i) {
    const auto j = backoff::to_json(issues[i]);
    write_diagnostic(std::cerr, "error", issues[i].code, issues[i].message, j);
  }
  const auto& last = issues.back();
  auto details = backoff::to_json(last);
  for (const char* field : {"level", "code", "message"}) {
    details.erase(field);
  }
  throw core::UsageError(last.code, last.message, details);
}

} // namespace

core::Nanos flag_duration(const std::string& flag, const std::string& text) {
  try {
    return time::parse_go_duration(text);
  } catch (const core::UsageError& e) {
    throw core::UsageError(e.code(), flag + ": " + e.what(),
                           {{"flag", flag}, {"value", e.details().value("value", text)}});
  }
}

std::vector<core::Nanos> uptime_list(const std::string& text) {
  std::vector<core::Nanos> uptimes;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const std::string item =
      text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    uptimes.push_back(flag_duration("--uptime", item));
    if (comma == std::string::npos) {
      break;
    }
    start = comma + 1;
  }
  return uptimes;
}

LoadedPolicy load_policy(const BackoffSimOptions& opts) {
  backoff::BackoffConfigBuilder builder;
  LoadedPolicy policy;
  policy.name = "defaults";
  try {
    if (!opts.config_path.empty()) {
      backoff::apply_backoff_config_file(builder, opts.config_path);
      policy.name = opts.config_path;
    }
  } catch (const backoff::ConfigFileError& e) {
    report_file_errors(e);
  }
  bool flags = false;
  for (std::size_t i = 0; i < opts.config_flags.size(); ++i) {
    const auto& [key, option] = opts.config_flags[i];
    if (option->count() > 0) {
      builder.set(key, opts.config_values[i], backoff::SettingOrigin::flag, "--" + key);
      flags = true;
    }
  }
  if (flags) {
    policy.name = opts.config_path.empty() ? "flags" : opts.config_path + " and flags";
  }
  policy.config = builder.build();
  policy.warnings = backoff::lint_policy(policy.config, &builder);
  return policy;
}

LoadedPolicy load_policy_file(const std::string& path) {
  backoff::BackoffConfigBuilder builder;
  try {
    backoff::apply_backoff_config_file(builder, path);
  } catch (const backoff::ConfigFileError& e) {
    report_file_errors(e);
  }
  LoadedPolicy policy;
  policy.config = builder.build();
  policy.warnings = backoff::lint_policy(policy.config, &builder);
  policy.name = path;
  return policy;
}

std::uint64_t choose_seed(const BackoffSimOptions& opts) {
  if (opts.seed_option->count() > 0) {
    return std::stoull(opts.seed_text); // checked by the flag's validator
  }
  std::random_device device;
  // 53 bits: the seed is printed as a JSON number, and jq and JavaScript
  // read numbers as doubles; a larger seed would come back rounded.
  const auto wide = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  return wide & ((std::uint64_t{1} << 53) - 1);
}

backoff::FailureModelParams model_params(const BackoffSimOptions& opts, std::uint64_t seed) {
  backoff::FailureModelParams params;
  params.runs = opts.runs;
  params.tick_interval = flag_duration("--tick-interval", opts.tick_interval);
  if (opts.horizon_option->count() > 0) {
    params.horizon = flag_duration("--horizon", opts.horizon);
  }
  params.seed = seed;
  return params;
}

bool wants_report(const BackoffSimOptions& opts) {
  return opts.output == "table" || opts.output == "wide";
}

TableOptions report_layout(const BackoffSimOptions& opts) {
  TableOptions options;
  options.width = terminal_width(STDOUT_FILENO);
  options.wide = opts.output == "wide";
  options.headers = !opts.no_headers;
  return options;
}

void report_issues(const std::vector<backoff::ConfigIssue>& issues) {
  for (const auto& issue : issues) {
    write_diagnostic(std::cerr, issue.level, issue.code, issue.message, backoff::to_json(issue));
  }
}

} // namespace jobop::cli
