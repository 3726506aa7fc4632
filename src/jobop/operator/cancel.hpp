#pragma once

#include <jobop/core/clock.hpp>
#include <jobop/core/exit_code.hpp>
#include <jobop/model/audit.hpp>
#include <jobop/store/metastore.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

// The user-facing cancel (the engine's CancelJob, SPEC §2) of one or many
// jobs, with a dry run and a forced stop.
namespace jobop::ops {

struct CancelOptions {
  // Compute every result without writing (works on a read-only store).
  bool dry_run = false;
  // The escape hatch for a master that never acknowledges: in one
  // transaction set the job Stopped with `reason` as its error message and
  // its op Canceled. Also resolves a Canceled op on a live job.
  bool force = false;
  // Why. Required with `force` (core::UsageError cancel.reason_required
  // when missing or blank), where it also becomes the job's error message;
  // never blank when given (input.blank_reason). Kept in the audit trail.
  std::optional<std::string> reason;
  // Who asks: with it, every job a chunk changes gets an audit entry in
  // the chunk's transaction. Without it (tests, demo data) none.
  std::optional<model::Actor> actor;
  // Jobs per BEGIN IMMEDIATE ... COMMIT: a kill leaves every job untouched
  // or fully changed, and rerunning finishes the work. Large, because the
  // job_ops indexes take random ids: a chunk rewrites each index page it
  // touches once, so 100,000 ids in chunks of 2,048 took 5.3 s and in chunks
  // of 16,384 3.7 s (a chunk holds the write lock well under a second).
  std::size_t chunk_size = 16384;
  // Read the `config` column into the result rows.
  bool include_config = false;
  // Asked before each chunk: true ends the cancel there (a
  // SIGINT/SIGTERM). The chunk in progress always commits and is reported.
  std::function<bool()> stop_requested;
};

// Why one job could not be canceled.
struct JobFailure {
  core::ExitCode exit_code = core::ExitCode::internal;
  // job.bad_id (exit 2), job.not_found (3), job.not_cancelable (4: the
  // engine's own JobManager row, or a type or state code the engine does not
  // know), job.already_canceled (4).
  std::string code;
  std::string message;
};

struct CancelResult {
  std::string id;
  // The job as it is afterwards (as it would be, in a dry run); nullopt when
  // it does not exist or its id is invalid.
  std::optional<model::StatusRow> row;
  // False for an idempotent no-op and an already-terminated job.
  bool changed = false;
  // The job was stopped by force (say so loudly).
  bool forced = false;
  std::optional<JobFailure> failure;
};

// Throw core::UsageError if `options` are refused: cancel.reason_required
// (force without a reason, or with a blank one), input.blank_reason.
void check_cancel_options(const CancelOptions& options);

// Cancel `ids` in order at `now`, calling `on_result` once per id after its
// chunk committed. Per-job failures are results; a store failure throws
// core::StoreError after the results of every committed chunk were passed on.
// Return how many ids were processed: fewer than `ids.size()` when
// `options.stop_requested` ended it (the rest were not read or written).
std::size_t cancel_jobs(store::Metastore& store, const std::vector<std::string>& ids,
                        const CancelOptions& options, core::UnixNanos now,
                        const std::function<void(const CancelResult&)>& on_result);

// Cancel `ids` and return every result.
std::vector<CancelResult> cancel_jobs(store::Metastore& store, const std::vector<std::string>& ids,
                                      const CancelOptions& options, core::UnixNanos now);

} // namespace jobop::ops
