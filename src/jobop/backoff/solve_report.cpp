#include <jobop/backoff/solve_report.hpp>

#include <jobop/backoff/failure_report.hpp>
#include <jobop/backoff/report.hpp>
#include <jobop/time/go_duration.hpp>

#include <sstream>

namespace jobop::backoff {

namespace {

using time::format_go_duration;

nlohmann::json value_of(SolveKey key, const BackoffConfig& c) {
  switch (key) {
  case SolveKey::max_try_time:
    return c.max_try_time;
  case SolveKey::max_interval:
    return format_go_duration(c.max_interval);
  case SolveKey::initial_interval:
    return format_go_duration(c.initial_interval);
  case SolveKey::multiplier:
    break;
  }
  return c.multiplier;
}

std::string percentile_name(const SolveRequest& request) {
  return "p" + std::to_string(request.percent);
}

std::string jitter_note(const BackoffConfig& c) {
  if (c.randomization_factor == 0.5) {
    return "";
  }
  std::ostringstream out;
  out << "solved with randomization-factor " << c.randomization_factor
      << "; the engine always runs 0.5, so check the block with the default jitter";
  return out.str();
}

} // namespace

nlohmann::json solve_to_json(const SolveRequest& request, const FailureModelParams& params,
                             const SolveResult& result) {
  nlohmann::json out = {{"mode", "solve"},
                        {"key", std::string(to_string(request.key))},
                        {"percentile", percentile_name(request)},
                        {"solved", result.solved},
                        {"value", value_of(request.key, result.config)},
                        {"config", config_to_json(result.config)},
                        {"toml", engine_toml_block(result.config)},
                        {"evaluations", result.evaluations}};
  put_duration(out, "give_up_after", request.give_up_after);
  if (request.max_wait) {
    put_duration(out, "max_wait", *request.max_wait);
  }
  put_duration(out, "longest_possible_wait", result.longest_possible_wait);
  out["percentile_ns"] = result.percentile ? nlohmann::json(*result.percentile) : nullptr;
  if (result.next_value) {
    out["next"] = {{"value", *result.next_value},
                   {"percentile_ns", result.next_percentile
                                       ? nlohmann::json(*result.next_percentile)
                                       : nlohmann::json(nullptr)}};
  }
  std::vector<std::string> notes;
  if (!result.note.empty()) {
    notes.push_back(result.note);
  }
  if (const auto j = jitter_note(result.config); !j.empty()) {
    notes.push_back(j);
  }
  out["notes"] = notes;
  auto distribution = failure_model_to_json(result.config, params, result.distribution);
  distribution.erase("config");
  distribution.erase("mode");
  out["distribution"] = distribution;
  return out;
}

std::string solve_table(const SolveRequest& request, const FailureModelParams& params,
                        const SolveResult& result) {
  std::ostringstream out;
  const std::string name = percentile_name(request);
  const std::string key(to_string(request.key));
  if (result.solved) {
    out << "solved: " << key << " = " << value_of(request.key, result.config).dump()
        << ", the largest whose " << name << " time to terminate is at most "
        << format_go_duration(request.give_up_after) << " (" << name << " "
        << (result.percentile ? human_duration(*result.percentile) : "never") << ")\n";
  } else {
    out << "no solution: no " << key << " gives " << name << " at most "
        << format_go_duration(request.give_up_after) << "; the closest tried is below\n";
  }
  if (result.next_value) {
    out << "exact: max-try-time " << *result.next_value << " gives " << name << " "
        << (result.next_percentile ? human_duration(*result.next_percentile) : "never")
        << ", above the target\n";
  }
  if (!result.note.empty()) {
    out << "note: " << result.note << '\n';
  }
  if (const auto j = jitter_note(result.config); !j.empty()) {
    out << "note: " << j << '\n';
  }
  out << "longest single wait: " << format_go_duration(result.longest_possible_wait);
  if (request.max_wait) {
    out << " (--max-wait " << format_go_duration(*request.max_wait) << ")";
  }
  out << "\n\n" << engine_toml_block(result.config) << '\n';
  out << failure_model_table(result.config, {{params, result.distribution}});
  return out.str();
}

} // namespace jobop::backoff
