#pragma once

#include <jobop/backoff/backoff_config.hpp>
#include <jobop/core/clock.hpp>

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Replaying a JSON Lines trace of job events against a BackoffManager
// (SPEC §4 `backoff-sim --trace`).
namespace jobop::backoff {

enum class TraceEvent { online, fail, terminate, check };

// Return "online", "fail", "terminate" or "check".
std::string_view to_string(TraceEvent event);

// One input line and the manager's view of its job right after the event.
struct TraceStep {
  std::size_t line = 0;
  core::Nanos at = 0; // since the start of the trace
  std::string job;
  TraceEvent event = TraceEvent::check;
  bool allow = true;
  bool terminate = false;
  // The job's current backoff interval; 0 for an unknown job.
  core::Nanos backoff = 0;
  // Offline events in the job's current history.
  std::int64_t failures = 0;
  // When the job may next start (>= at); absent once it is terminated.
  std::optional<core::Nanos> retry_at;
};

// Replay every line of `in` under the validated `config`, each job's jitter
// from (`seed`, job id), and return one step per event line (blank lines are
// skipped, but count). Each line is `{"at": Go duration | integer ns,
// "job": id (default "job"), "event": "online"|"fail"|"terminate"|"check"}`.
// Throw core::UsageError with details {"line": N} naming the line: codes
// "trace.syntax", "trace.invalid_field", "trace.unknown_field",
// "trace.time_backwards" ("line 7: `at` goes backwards: 2s < 5s").
std::vector<TraceStep> replay_trace(std::istream& in, const BackoffConfig& config,
                                    std::uint64_t seed);

} // namespace jobop::backoff
