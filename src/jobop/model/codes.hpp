#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

// The engine's codes (SPEC §1) and their names. The enums have a fixed
// underlying type so that an unknown number read from a metastore survives a
// round trip; its name is then "unknown".
namespace jobop::model {

// master_meta.state.
enum class JobState : std::int64_t { uninit = 1, init = 2, finished = 3, stopped = 4, failed = 5 };

// master_meta.type.
enum class JobType : std::int64_t { job_manager = 1, cvs_demo = 2, fake_job = 3, dm = 4, cdc = 5 };

// job_ops.op. `none` (0) is never stored: it stands for "no op row".
enum class OpStatus : std::int64_t { none = 0, noop = 1, canceling = 2, canceled = 3 };

// What users see: the state, with `canceling` for a live job whose op is
// Canceling (SPEC §1). `unknown` is a state number the engine does not define.
enum class UserState { created, running, canceling, finished, canceled, failed, unknown };

// Return true for Finished, Stopped and Failed: the job will not run again.
bool is_terminated(JobState state);

// Return the user-facing state of a job in `state` whose op is `op`.
UserState user_state(JobState state, OpStatus op);

// Return the engine's name of `state` ("Uninit", "Init", "Finished", "Stopped",
// "Failed"), or "unknown".
std::string_view engine_state_name(JobState state);

// Return the user-facing name ("created", "running", "canceling", ...).
std::string_view user_state_name(UserState state);

// Return the engine's name of `type` ("JobManager", "CVSDemo", "FakeJob", "DM",
// "CDC"), or "unknown".
std::string_view job_type_name(JobType type);

// Return "none", "noop", "canceling", "canceled", or "unknown".
std::string_view op_status_name(OpStatus op);

// Parse a job state given by a user: a user-facing name (created, running,
// finished, canceled, failed), an engine name (uninit, init, finished, stopped,
// failed), case-insensitive, or its number 1..5. Throw core::UsageError
// (code "input.bad_state") naming the accepted values otherwise; `canceling`
// is refused here because it is not a state a row can hold.
JobState parse_job_state(std::string_view text);

// Parse a job type: an engine name, case-insensitive, with `-` and `_`
// ignored ("fake-job", "FakeJob"), or its number 1..5. Throw core::UsageError
// (code "input.bad_type") otherwise.
JobType parse_job_type(std::string_view text);

// Parse a master epoch: a whole number from 0 to 2^63-1 (the column is a
// bigint). Throw core::UsageError (code "input.bad_epoch") otherwise.
std::int64_t parse_epoch(std::string_view text);

// Parse an op for a filter: none, noop, canceling, canceled (case-insensitive)
// or 0..3. Throw core::UsageError (code "input.bad_op") otherwise.
OpStatus parse_op_status(std::string_view text);

// Parse a user-facing state for a filter: every name parse_job_state accepts
// plus `canceling`. Throw core::UsageError (code "input.bad_state") otherwise.
UserState parse_user_state(std::string_view text);

} // namespace jobop::model
