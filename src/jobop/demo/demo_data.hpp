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
  // False when the metastore already held the demo jobs: nothing was written.
  bool added = false;
  // Demo job ids written (soft-deleted and orphan ones included).
  std::vector<std::string> job_ids;
  // Ops left Canceling for the next tick to drive.
  std::size_t canceling = 0;
};

// Return the ids the demo writes.
const std::vector<std::string>& demo_job_ids();

// Fill `store` with the demo jobs, their history dated relative to `now`
// (jobs created hours ago, a cancellation requested 20 minutes ago whose
// master never answered, one requested a minute ago). Write nothing and
// return added = false if any demo id already exists.
DemoResult seed_demo(store::Metastore& store, core::UnixNanos now);

} // namespace jobop::demo
