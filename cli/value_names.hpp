#pragma once

#include <string>
#include <vector>

// The names a flag of jobop takes as values, listed once from the model's
// codes for completion and the man page (the commands parse them with
// model::parse_*, which also take numbers and other spellings).
namespace jobop::cli {

// created, running, canceling, finished, canceled, failed, then the engine's
// uninit, init, stopped: what `status --state` filters on.
std::vector<std::string> user_state_names();

// The states a row can hold (user_state_names() without canceling): what
// `job put --state` and `job set-state` take.
std::vector<std::string> job_state_names();

// none, noop, canceling, canceled.
std::vector<std::string> op_names();

// JobManager, CVSDemo, FakeJob, DM, CDC.
std::vector<std::string> job_type_names();

} // namespace jobop::cli
