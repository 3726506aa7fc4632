// Fuzz the trace (JSON Lines) parser and replay (src/jobop/backoff/trace_replay.hpp).
// Properties: replay throws only core::UsageError with a trace.* code whose
// message starts with "line N:" and whose details carry that N (a line that
// exists); a replay that succeeds gives one step per non-blank line, lines
// increasing, times never going backwards, no negative interval or count,
// retry_at never before `at`; and replaying twice gives the same steps.
#include <fuzz_check.hpp>

#include <jobop/backoff/trace_replay.hpp>
#include <jobop/core/exceptions.hpp>

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace {

using jobop::backoff::TraceStep;

std::vector<TraceStep> replay(const std::string& text) {
  std::istringstream in(text);
  return jobop::backoff::replay_trace(in, jobop::backoff::BackoffConfig{}, 42);
}

bool same_step(const TraceStep& a, const TraceStep& b) {
  return a.line == b.line && a.at == b.at && a.job == b.job && a.event == b.event &&
         a.allow == b.allow && a.terminate == b.terminate && a.backoff == b.backoff &&
         a.failures == b.failures && a.retry_at == b.retry_at;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  std::vector<TraceStep> steps;
  try {
    steps = replay(text);
  } catch (const jobop::core::UsageError& e) {
    const std::string& code = e.code();
    FUZZ_CHECK(code == "trace.syntax" || code == "trace.invalid_field" ||
               code == "trace.unknown_field" || code == "trace.time_backwards");
    const auto line = e.details().at("line").get<std::size_t>();
    FUZZ_CHECK(line >= 1 && line <= lines);
    FUZZ_CHECK(std::string(e.what()).rfind("line " + std::to_string(line) + ": ", 0) == 0);
    return 0;
  }
  std::size_t previous_line = 0;
  jobop::core::Nanos previous_at = 0;
  for (const TraceStep& step : steps) {
    FUZZ_CHECK(step.line > previous_line && step.line <= lines);
    FUZZ_CHECK(step.at >= previous_at);
    FUZZ_CHECK(!step.job.empty() && step.job.size() <= 128);
    FUZZ_CHECK(step.backoff >= 0 && step.failures >= 0);
    FUZZ_CHECK(!step.retry_at || *step.retry_at >= step.at);
    FUZZ_CHECK(!(step.terminate && step.retry_at));
    previous_line = step.line;
    previous_at = step.at;
  }
  const std::vector<TraceStep> again = replay(text);
  FUZZ_CHECK(again.size() == steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    FUZZ_CHECK(same_step(steps[i], again[i]));
  }
  return 0;
}
