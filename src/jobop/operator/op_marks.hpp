#pragma once

#include <jobop/core/clock.hpp>
#include <jobop/store/metastore.hpp>

#include <string_view>

// The JobOperator's marks without their transaction, for callers that batch
// many jobs in one (JobOperator itself, the user-facing cancel).
namespace jobop::ops::detail {

// MarkJobCanceling inside the caller's BEGIN IMMEDIATE transaction. Return
// true if the op changed (false: it was already Canceling); throw
// core::ConflictError (job.already_canceled) for a Canceled op.
bool mark_canceling_locked(store::Metastore& store, std::string_view id,
                           const std::optional<model::OpRecord>& current, core::UnixNanos now);

// Throw the ConflictError of a Canceled op on job `id`; `live` says whether
// a job of that id exists and is not terminated (a reused id).
[[noreturn]] void throw_already_canceled(std::string_view id, bool live);

} // namespace jobop::ops::detail
