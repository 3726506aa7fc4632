#include <jobop/backoff/trace_replay.hpp>

#include <jobop/backoff/backoff_manager.hpp>
#include <jobop/core/echo.hpp>
#include <jobop/core/exceptions.hpp>
#include <jobop/time/go_duration.hpp>

#include <nlohmann/json.hpp>

#include <limits>

namespace jobop::backoff {

namespace {

constexpr std::size_t k_max_job_id_bytes = 128;

[[noreturn]] void fail_line(std::size_t line, const std::string& code, const std::string& message) {
  throw core::UsageError(code, "line " + std::to_string(line) + ": " + message, {{"line", line}});
}

// Show a field's value in a message: scalars as JSON, arrays and objects by
// their type only, since nlohmann's dump() recurses once per level and a
// hostile line nests deep enough to overflow the stack (fuzz/fuzz_trace).
std::string shown(const nlohmann::json& value) {
  if (value.is_structured()) {
    return std::string("an ") + value.type_name();
  }
  return core::echoed(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

core::Nanos parse_at(std::size_t line, const nlohmann::json& at) {
  core::Nanos result = 0;
  if (at.is_string()) {
    try {
      result = time::parse_go_duration(at.get<std::string>());
    } catch (const core::UsageError& e) {
      fail_line(line, "trace.invalid_field", std::string("`at`: ") + e.what());
    }
  } else if (at.is_number_integer() &&
             (!at.is_number_unsigned() ||
              at.get<std::uint64_t>() <=
                static_cast<std::uint64_t>(std::numeric_limits<core::Nanos>::max()))) {
    result = at.get<core::Nanos>();
  } else {
    fail_line(line, "trace.invalid_field",
              "`at` must be a Go duration string (\"1m30s\") or an integer of nanoseconds, "
              "got " +
                shown(at));
  }
  if (result < 0) {
    fail_line(line, "trace.invalid_field",
              "`at` must not be negative: " + time::format_go_duration(result));
  }
  return result;
}

TraceEvent parse_event(std::size_t line, const nlohmann::json& event) {
  const std::string text = event.is_string() ? event.get<std::string>() : std::string();
  if (text == "online") {
    return TraceEvent::online;
  }
  if (text == "fail") {
    return TraceEvent::fail;
  }
  if (text == "terminate") {
    return TraceEvent::terminate;
  }
  if (text == "check") {
    return TraceEvent::check;
  }
  fail_line(line, "trace.invalid_field",
            "`event` must be \"online\", \"fail\", \"terminate\" or \"check\", got " +
              shown(event));
}

std::string parse_job(std::size_t line, const nlohmann::json& record) {
  if (!record.contains("job")) {
    return "job";
  }
  const auto& job = record.at("job");
  if (!job.is_string() || job.get<std::string>().empty() ||
      job.get<std::string>().size() > k_max_job_id_bytes) {
    fail_line(line, "trace.invalid_field",
              "`job` must be a string of 1 to 128 bytes, got " + shown(job));
  }
  return job.get<std::string>();
}

bool is_blank(const std::string& text) {
  return text.find_first_not_of(" \t\r") == std::string::npos;
}

} // namespace

std::string_view to_string(TraceEvent event) {
  switch (event) {
  case TraceEvent::online:
    return "online";
  case TraceEvent::fail:
    return "fail";
  case TraceEvent::terminate:
    return "terminate";
  case TraceEvent::check:
    break;
  }
  return "check";
}

std::vector<TraceStep> replay_trace(std::istream& in, const BackoffConfig& config,
                                    std::uint64_t seed) {
  BackoffManager manager(config, seed);
  std::vector<TraceStep> steps;
  std::string text;
  std::size_t line = 0;
  core::Nanos previous_at = 0;
  while (std::getline(in, text)) {
    ++line;
    if (is_blank(text)) {
      continue;
    }
    nlohmann::json record;
    try {
      record = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      // nlohmann's own "line 1, column N" would clash with the trace's line.
      const std::string what = e.what();
      const auto column = what.find(", column ");
      const std::string why = column == std::string::npos ? what : what.substr(column + 2);
      fail_line(line, "trace.syntax", "not valid JSON at " + why);
    } catch (const nlohmann::json::out_of_range& e) {
      // A number beyond a double (1e400) is out_of_range.406, not a parse_error.
      fail_line(line, "trace.syntax", std::string("not valid JSON: ") + e.what());
    }
    if (!record.is_object()) {
      fail_line(line, "trace.syntax", "not a JSON object");
    }
    for (const auto& [key, value] : record.items()) {
      if (key != "at" && key != "job" && key != "event") {
        fail_line(line, "trace.unknown_field",
                  "unknown field \"" + core::echoed(key) + "\" (fields: at, job, event)");
      }
    }
    if (!record.contains("at")) {
      fail_line(line, "trace.invalid_field", "`at` is missing");
    }
    if (!record.contains("event")) {
      fail_line(line, "trace.invalid_field", "`event` is missing");
    }
    TraceStep step;
    step.line = line;
    step.at = parse_at(line, record.at("at"));
    step.job = parse_job(line, record);
    step.event = parse_event(line, record.at("event"));
    if (step.at < previous_at) {
      fail_line(line, "trace.time_backwards",
                "`at` goes backwards: " + time::format_go_duration(step.at) + " < " +
                  time::format_go_duration(previous_at));
    }
    previous_at = step.at;
    switch (step.event) {
    case TraceEvent::online:
      manager.job_online(step.job, step.at);
      break;
    case TraceEvent::fail:
      manager.job_fail(step.job, step.at);
      break;
    case TraceEvent::terminate:
      manager.job_terminate(step.job);
      break;
    case TraceEvent::check:
      break;
    }
    step.allow = manager.allow(step.job, step.at);
    step.terminate = manager.terminate(step.job);
    if (const JobBackoff* job = manager.find(step.job)) {
      step.backoff = job->interval();
      step.failures = job->failures();
      if (!step.terminate) {
        step.retry_at = job->retry_at(step.at);
      }
    } else {
      step.retry_at = step.at;
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

} // namespace jobop::backoff
