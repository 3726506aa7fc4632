#pragma once

#include <jobop/core/clock.hpp>
#include <jobop/model/records.hpp>

#include <string>

// The live lines `cancel --wait` and `tick --watch` keep on a terminal: one
// per job whose cancellation is still pending.
namespace jobop::cli {

// Return the line of a pending job at `now`: "orders  canceling for 3m12s
// cancel sent 4 times  STUCK" (stuck once canceling for `stuck_after`).
std::string pending_job_line(const model::StatusRow& row, core::UnixNanos now,
                             core::Nanos stuck_after);

} // namespace jobop::cli
