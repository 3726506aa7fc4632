#pragma once

#include <jobop/core/clock.hpp>
#include <jobop/model/records.hpp>

#include <string>
#include <vector>

// The live lines `cancel --wait` and `tick --watch` keep on a terminal: one
// per job whose cancellation is still pending.
namespace jobop::cli {

// Return the lines of the pending jobs `rows` at `now`, their columns aligned
// by display width:
//   "  orders    canceling for 3m12s  cancel sent 4 times  STUCK"
//   "  invoices  canceling for 8s     cancel sent once"
// (STUCK once canceling for `stuck_after`).
std::vector<std::string> pending_job_lines(const std::vector<model::StatusRow>& rows,
                                           core::UnixNanos now, core::Nanos stuck_after);

} // namespace jobop::cli
