#pragma once

#include <jobop/core/clock.hpp>
#include <jobop/model/codes.hpp>
#include <jobop/time/timestamp.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// The metastore's records as plain structs, whatever backend holds them. Text fields hold the
// bytes the metastore holds, which need not be valid UTF-8: dump them with
// nlohmann's error_handler_t::replace. A timestamp that cannot be read (and
// Go's zero time) is nullopt; one that can is exact over the years 1 to 9999.
namespace jobop::model {

// A master_meta row (never a soft-deleted one).
struct JobRecord {
  std::string id;
  std::string project_id;
  JobType type = JobType::fake_job;
  JobState state = JobState::uninit;
  std::string node_id;
  std::string address;
  std::int64_t epoch = 0;
  // NULL in the column is nullopt.
  std::optional<std::string> error_message;
  // Only read when asked for (it may hold credentials).
  std::optional<std::string> config;
  std::optional<time::Timestamp> created_at;
  std::optional<time::Timestamp> updated_at;
};

// A job_ops row. For a Canceling op, `updated_at` is when the cancellation
// was requested: MarkJobCanceling never touches a row that is already
// Canceling.
struct OpRecord {
  std::string job_id;
  OpStatus op = OpStatus::canceling;
  std::optional<time::Timestamp> created_at;
  std::optional<time::Timestamp> updated_at;
};

// A row of the outbox router's table: the cancel message last sent to a job's
// master and how often it went out.
struct OutboxRecord {
  std::string job_id;
  std::int64_t epoch = 0;
  std::string node_id;
  std::string address;
  std::int64_t send_count = 0;
  std::optional<time::Timestamp> first_sent;
  std::optional<time::Timestamp> last_sent;
};

// The last change of a job was a forced cancel (`cancel --force`): who did
// it, when and why, from the audit trail.
struct ForcedMark {
  std::string by;
  std::optional<time::Timestamp> at;
  std::optional<std::string> reason;
};

// One line of `status`: a live job with its op and outbox row, or an orphan
// op (an op whose job is missing or soft-deleted; then `job` is empty).
struct StatusRow {
  std::string id;
  std::optional<JobRecord> job;
  std::optional<OpRecord> op;
  std::optional<OutboxRecord> outbox;
  // Set when the job's latest audited change is a forced cancel.
  std::optional<ForcedMark> forced;

  // Return true for an op whose job is gone.
  bool orphan() const { return !job.has_value(); }
  // Return the op, `none` without a row.
  OpStatus op_status() const { return op ? op->op : OpStatus::none; }
  // Return the user-facing state; `unknown` for an orphan.
  UserState state() const;
  // Return true while a cancellation waits for the next tick: the op is
  // Canceling (`cancel --wait` waits for this to turn false).
  bool cancel_pending() const { return op_status() == OpStatus::canceling; }
  // Return since when the job is canceling, for a canceling job only.
  std::optional<time::Timestamp> canceling_since() const;
  // Return true for a canceling job that has been so for `stuck_after` or
  // longer at `now`: its master does not acknowledge.
  bool looks_stuck(core::UnixNanos now, core::Nanos stuck_after) const;
};

// What `job put` writes: every column of the engine's UpsertJob
// (MasterUpdateColumns) but the timestamps, which the store sets
// (`created_at` on insert only, `updated_at` always). An update overwrites
// each of them, `config` included: a column not given is written empty.
struct JobSpec {
  std::string id;
  std::string project_id;
  JobType type = JobType::fake_job;
  JobState state = JobState::uninit;
  std::string node_id;
  std::string address;
  std::int64_t epoch = 0;
  // The engine's error message is a Go string: never NULL, "" when none.
  std::string error_message;
  std::optional<std::string> config;
  std::optional<std::string> detail;
  // JSON (the engine's MasterMetaExt); the engine never writes NULL.
  std::string ext = k_empty_ext;

  // What the engine writes for a job without selectors.
  static constexpr const char* k_empty_ext = R"({"selectors":null})";
};

// Which rows `status` streams. Empty vectors do not filter.
struct StatusFilter {
  // Only these jobs (each looked up by its unique index); order is kept.
  std::vector<std::string> ids;
  std::vector<UserState> states;
  std::vector<OpStatus> ops;
  std::vector<std::string> projects;
  std::vector<JobType> types;
  // Also list orphan ops (only with no `states`/`projects`/`types` filter
  // or when `ops` asks for them; see store::Metastore::for_each_status_row).
  bool include_orphans = true;
  // Read the `config` column too.
  bool include_config = false;
  // List the engine's own JobManager rows too (the engine's listing hides
  // them; `status --all`). Named `ids` are always shown.
  bool include_job_manager = false;

  // Return true if `row` passes the state, op, project and type filters (an
  // orphan passes only when wants_orphans(); a JobManager row only when
  // asked for); `ids` are not checked here.
  bool passes(const StatusRow& row) const;
  // Return true if orphan ops are listed: asked for, and no filter on
  // states, projects or types (an orphan has none of them).
  bool wants_orphans() const;
};

} // namespace jobop::model
