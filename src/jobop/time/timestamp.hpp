#pragma once

#include <jobop/core/clock.hpp>

#include <optional>
#include <string>
#include <string_view>

// Timestamps in the metastore (SPEC §1). The engine writes Go's layout
// `2006-01-02 15:04:05.999999999-07:00`; other writers (the sqlite3 shell,
// older tools) leave other layouts or numbers, so reading is lenient.
namespace jobop::time {

// Format `t` as the engine writes it: UTC, `+00:00`, trailing zeros of the
// fraction dropped and no dot for a whole second
// ("2024-05-01 12:00:00.5+00:00").
std::string format_go_timestamp(core::UnixNanos t);

// Format `t` as RFC 3339 in UTC with the fraction's trailing zeros dropped
// ("2024-05-01T12:00:00.5Z"), as JSON output does.
std::string format_rfc3339(core::UnixNanos t);

// Parse a timestamp text: `YYYY-MM-DD`, then optionally a time after ` ` or
// `T` with an optional fraction (up to 9 digits), then an optional zone `Z`,
// `+hh:mm`, `+hhmm`, `+hh` or Go's `time.String()` tail (` +0000 UTC`,
// ` m=+1.2`). No zone means UTC. Return nullopt for anything else.
std::optional<core::UnixNanos> parse_timestamp_text(std::string_view text);

// Interpret an integer column value by magnitude: seconds below 1e11,
// milliseconds below 1e14, microseconds below 1e17, else nanoseconds.
core::UnixNanos timestamp_from_integer(std::int64_t value);

// Interpret a real column value: a Julian day number below 1e7 (SQLite's
// julianday()), else Unix seconds with a fraction.
std::optional<core::UnixNanos> timestamp_from_real(double value);

} // namespace jobop::time
