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

TextReport solve_report(const SolveRequest& request, const FailureModelParams& params,
                        const SolveResult& result) {
  TextReport report;
  const std::string name = percentile_name(request);
  const std::string key(to_string(request.key));
  std::ostringstream answer;
  if (result.solved) {
    answer << "solved: " << key << " = " << value_of(request.key, result.config).dump()
           << ", the largest whose " << name << " time to terminate is at most "
           << format_go_duration(request.give_up_after) << " (" << name << " "
           << (result.percentile ? human_duration(*result.percentile) : "never") << ")";
  } else {
    answer << "no solution: no " << key << " gives " << name << " at most "
           << format_go_duration(request.give_up_after) << "; the closest tried is below";
  }
  report.paragraph(answer.str());
  if (result.next_value) {
    report.paragraph("exact: max-try-time " + std::to_string(*result.next_value) + " gives " +
                     name + " " +
                     (result.next_percentile ? human_duration(*result.next_percentile) : "never") +
                     ", above the target");
  }
  if (!result.note.empty()) {
    report.paragraph("note: " + result.note);
  }
  if (const auto j = jitter_note(result.config); !j.empty()) {
    report.paragraph("note: " + j);
  }
  std::string wait = "longest single wait: " + format_go_duration(result.longest_possible_wait);
  if (request.max_wait) {
    wait += " (--max-wait " + format_go_duration(*request.max_wait) + ")";
  }
  report.paragraph(wait);
  report.blank();
  std::istringstream block(engine_toml_block(result.config));
  for (std::string line; std::getline(block, line);) {
    report.verbatim(line);
  }
  report.blank();
  report.append(failure_model_report(result.config, {{params, result.distribution}}));
  return report;
}

} // namespace jobop::backoff
