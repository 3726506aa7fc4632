#pragma once

#include <jobop/core/clock.hpp>

#include <optional>
#include <string>
#include <string_view>

// Times for people, as kubectl shows them: an age ("26h", "3m12s") instead
// of a nanosecond timestamp.
namespace jobop::cli {

// Return `d` in at most two units, coarser as it grows: "45s", "3m12s",
// "47m", "5h12m", "26h", "3d4h", "40d", "2y10d". Negative durations (a clock
// ahead of jobop's) get a leading "-".
std::string human_age(core::Nanos d);

// Return the age at `now` of the RFC 3339 or engine timestamp `text`, or
// nullopt when it cannot be read.
std::optional<std::string> age_of_timestamp(std::string_view text, core::UnixNanos now);

} // namespace jobop::cli
