#pragma once

#include <jobop/core/clock.hpp>
#include <jobop/store/metastore.hpp>

#include <cstddef>
#include <string>
#include <vector>

// A small realistic metastore for demos and docs: three projects, every job
// type and state, fresh and stuck cancellations, a cancellation waiting to be
// reconciled, an orphan op and a soft-deleted job.
namespace jobop::demo {

struct DemoResult {
  // Demo job ids written (soft-deleted and orphan ones included).
  std::vector<std::string> job_ids;
  // Ops left Canceling for the next tick to drive.
  std::size_t canceling = 0;
};

// Return the ids the demo writes.
const std::vector<std::string>& demo_job_ids();

// Return true if `store` holds a job or an op (an orphan one included): the
// demo's back-dated ticks must never touch real jobs (SPEC §5).
bool holds_jobs(store::Metastore& store);

// Fill `store`, which must hold no job, with the demo jobs, their history
// dated relative to `now` (jobs created hours ago, a cancellation requested
// 20 minutes ago whose master never answered, one requested a minute ago).
// Throw core::ConflictError (demo.not_empty, exit 4) and write nothing if
// holds_jobs(store).
DemoResult seed_demo(store::Metastore& store, core::UnixNanos now);

// The refusal seed_demo throws for `location`, for a caller that checks first.
[[noreturn]] void refuse_not_empty(const std::string& location);

} // namespace jobop::demo
