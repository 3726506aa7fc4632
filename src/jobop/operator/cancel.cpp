#include <jobop/operator/cancel.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/model/job_id.hpp>
#include <jobop/operator/op_marks.hpp>

#include <algorithm>
#include <unordered_map>

namespace jobop::ops {

using model::OpStatus;
using store::Metastore;
using store::TxKind;

namespace {

JobFailure failure_of(const core::Error& e) {
  return {e.exit_code(), e.code(), e.what()};
}

// Set the op of `row` to `op` at `now` as the write did (or would).
void show_op(model::StatusRow& row, OpStatus op, core::UnixNanos now) {
  if (!row.op) {
    row.op = model::OpRecord{row.id, op, now, now};
  } else {
    row.op->op = op;
    row.op->updated_at = now;
  }
}

// The writes a chunk decided on, done in one batch each after every job of
// the chunk was decided.
struct ChunkWrites {
  std::vector<std::string> canceling; // MarkJobCanceling
  std::vector<std::string> forced;    // set Stopped, op Canceled
  std::vector<model::AuditEntry> audit;
};

bool known_type(model::JobType type) {
  switch (type) {
  case model::JobType::cvs_demo:
  case model::JobType::fake_job:
  case model::JobType::dm:
  case model::JobType::cdc:
    return true;
  case model::JobType::job_manager:
    break;
  }
  return false;
}

bool known_state(model::JobState state) {
  return state >= model::JobState::uninit && state <= model::JobState::failed;
}

// Return why the engine's CancelJob refuses `job` (its buildPBJob fails on
// it), or nullopt.
std::optional<JobFailure> not_cancelable(const model::JobRecord& job) {
  std::string why;
  if (job.type == model::JobType::job_manager) {
    why = "is the engine's own JobManager, not a user job";
  } else if (!known_type(job.type)) {
    why = "has type code " + std::to_string(static_cast<std::int64_t>(job.type)) +
          ", which the engine does not know";
  } else if (!known_state(job.state)) {
    why = "has state code " + std::to_string(static_cast<std::int64_t>(job.state)) +
          ", which the engine does not know";
  } else {
    return std::nullopt;
  }
  return JobFailure{core::ExitCode::conflict, "job.not_cancelable",
                    "job `" + job.id + "` " + why + "; the engine refuses to cancel it"};
}

// Decide the cancel of `id`, whose row (read in the chunk's transaction, or
// as an earlier id of the same chunk left it) is `current`.
CancelResult cancel_one(const std::string& id, std::optional<model::StatusRow> current,
                        const CancelOptions& options, core::UnixNanos now, ChunkWrites& writes) {
  CancelResult result;
  result.id = id;
  const std::string_view problem = model::job_id_problem(id);
  if (!problem.empty()) {
    result.failure =
      JobFailure{core::ExitCode::usage, "job.bad_id", "invalid job id: " + std::string(problem)};
    return result;
  }
  if (!current || !current->job) {
    result.failure =
      JobFailure{core::ExitCode::not_found, "job.not_found", "job not found: `" + id + "`"};
    return result;
  }
  if (auto refused = not_cancelable(*current->job)) {
    result.failure = std::move(refused);
    return result;
  }
  model::StatusRow row = std::move(*current);
  row.id = id;
  row.job->config.reset();
  const std::string& stored_id = row.job->id;
  const auto before = model::snapshot_of(row);
  if (model::is_terminated(row.job->state)) {
    // Returned unchanged; nothing is written (SPEC §2).
  } else if (options.force) {
    writes.forced.push_back(stored_id);
    row.job->state = model::JobState::stopped;
    row.job->error_message = options.reason;
    row.job->updated_at = now;
    show_op(row, OpStatus::canceled, now);
    row.forced =
      model::ForcedMark{options.actor ? options.actor->name : std::string(), now, options.reason};
    result.changed = true;
    result.forced = true;
  } else if (row.op_status() == OpStatus::canceled) {
    try {
      detail::throw_already_canceled(id, true);
    } catch (const core::ConflictError& e) {
      result.failure = failure_of(e);
    }
  } else if (row.op_status() != OpStatus::canceling) {
    writes.canceling.push_back(stored_id);
    show_op(row, OpStatus::canceling, now);
    row.outbox.reset();
    result.changed = true;
  }
  if (row.op_status() != OpStatus::canceling || result.changed) {
    row.outbox.reset();
  }
  if (result.changed) {
    // A cancel is a new change: an earlier forced stop no longer describes it.
    if (!result.forced) {
      row.forced.reset();
    }
    if (options.actor) {
      writes.audit.push_back(model::make_audit_entry(
        *options.actor, stored_id,
        result.forced ? model::AuditAction::force_cancel : model::AuditAction::cancel,
        options.reason, before, model::snapshot_of(row)));
    }
  }
  result.row = std::move(row);
  return result;
}

// Decide every id of `ids` in the caller's transaction and, unless a dry
// run, write the chunk's changes.
std::vector<CancelResult> cancel_chunk(Metastore& store, const std::vector<std::string>& ids,
                                       const CancelOptions& options, core::UnixNanos now) {
  // Read only valid ids; an invalid one is never sent to the store.
  std::vector<std::string> valid;
  valid.reserve(ids.size());
  for (const std::string& id : ids) {
    if (model::job_id_problem(id).empty()) {
      valid.push_back(id);
    }
  }
  std::vector<std::optional<model::StatusRow>> rows = store.read_jobs(valid, false);
  // The job as this chunk left it, by its stored id: a job named twice (or,
  // under a case-insensitive collation, by two spellings) sees the first
  // decision, as if the ids had been canceled one after the other.
  std::unordered_map<std::string, model::StatusRow> decided;
  ChunkWrites writes;
  std::vector<CancelResult> results;
  results.reserve(ids.size());
  std::size_t next_valid = 0;
  for (const std::string& id : ids) {
    std::optional<model::StatusRow> current;
    if (model::job_id_problem(id).empty()) {
      current = std::move(rows[next_valid++]);
      if (current && current->job) {
        if (const auto it = decided.find(current->job->id); it != decided.end()) {
          current = it->second;
        }
      }
    }
    CancelResult result = cancel_one(id, std::move(current), options, now, writes);
    if (result.row && result.row->job) {
      decided[result.row->job->id] = *result.row;
    }
    results.push_back(std::move(result));
  }
  if (!options.dry_run) {
    store.write_job_states(writes.forced, model::JobState::stopped, options.reason, now);
    store.upsert_ops(writes.forced, OpStatus::canceled, now);
    store.upsert_ops(writes.canceling, OpStatus::canceling, now);
    // A new cancellation counts its messages anew.
    store.clear_outboxes(writes.canceling);
    // Who did it, in the same transaction: a committed change always has its
    // entry, a rolled-back one never.
    store.append_audit(writes.audit, now);
  }
  return results;
}

} // namespace

void check_cancel_options(const CancelOptions& options) {
  if (options.force && (!options.reason || model::is_blank(*options.reason))) {
    throw core::UsageError("cancel.reason_required",
                           std::string("--force needs --reason TEXT") +
                             (options.reason ? " that is not blank" : "") +
                             ": the reason is recorded as the job's error message and in the "
                             "audit trail");
  }
  if (options.reason && model::is_blank(*options.reason)) {
    throw core::UsageError("input.blank_reason",
                           "--reason is blank: say why, or leave --reason out");
  }
}

std::size_t cancel_jobs(Metastore& store, const std::vector<std::string>& ids,
                        const CancelOptions& options, core::UnixNanos now,
                        const std::function<void(const CancelResult&)>& on_result) {
  check_cancel_options(options);
  std::size_t chunk = std::max<std::size_t>(options.chunk_size, 1);
  if (options.force) {
    chunk = std::min(chunk, store.max_job_rewrites_per_transaction());
  }
  // Results show times as the store keeps them.
  now = store.as_stored(now);
  std::vector<CancelResult> results;
  for (std::size_t begin = 0; begin < ids.size(); begin += chunk) {
    if (options.stop_requested && options.stop_requested()) {
      return begin;
    }
    const std::size_t end = std::min(ids.size(), begin + chunk);
    const std::vector<std::string> chunk_ids(ids.begin() + static_cast<std::ptrdiff_t>(begin),
                                             ids.begin() + static_cast<std::ptrdiff_t>(end));
    // One transaction per chunk: a kill leaves each job untouched or done.
    store::run_transaction(store, options.dry_run ? TxKind::read : TxKind::write,
                           [&] { results = cancel_chunk(store, chunk_ids, options, now); });
    if (options.include_config) {
      const auto rows = store.find_jobs(chunk_ids, true);
      for (std::size_t i = 0; i < results.size(); ++i) {
        if (results[i].row && results[i].row->job && rows[i] && rows[i]->job) {
          results[i].row->job->config = rows[i]->job->config;
        }
      }
    }
    for (const CancelResult& result : results) {
      on_result(result);
    }
  }
  return ids.size();
}

std::vector<CancelResult> cancel_jobs(Metastore& store, const std::vector<std::string>& ids,
                                      const CancelOptions& options, core::UnixNanos now) {
  std::vector<CancelResult> all;
  all.reserve(ids.size());
  cancel_jobs(store, ids, options, now, [&all](const CancelResult& r) { all.push_back(r); });
  return all;
}

} // namespace jobop::ops
