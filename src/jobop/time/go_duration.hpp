#pragma once

#include <jobop/core/clock.hpp>

#include <string>
#include <string_view>

// Go's time.Duration text forms. The engine's configs and the backoff policy
// are written by Go programs, so jobop reads and prints durations exactly as
// Go's time.ParseDuration and Duration.String() do.
namespace jobop::time {

// Parse `text` with Go's time.ParseDuration grammar,
// `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` with units ns, us, µs (U+00B5), μs (U+03BC),
// ms, s, m, h, or the bare "0". Fractions are truncated to whole nanoseconds as
// Go does. Throw core::UsageError "duration.invalid" naming `text` and why
// (empty, missing unit, unknown unit, no digits, overflow of int64 ns).
core::Nanos parse_go_duration(std::string_view text);

// Parse `text` as a Go duration string or, where the SPEC allows an integer of
// nanoseconds (Go's JSON encoding of time.Duration), as `[-+]?[0-9]+`.
// "5" is therefore 5ns here, while parse_go_duration("5") is an error.
core::Nanos parse_duration_or_nanos(std::string_view text);

// Format `d` exactly like Go's Duration.String(): "1h2m3.5s", "1.5µs",
// "300ms", "5m0s", "0s", "-1.5s".
std::string format_go_duration(core::Nanos d);

} // namespace jobop::time
