#include <jobop/operator/cancel.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/operator/op_marks.hpp>
#include <jobop/store/job_id.hpp>

#include <algorithm>

namespace jobop::ops {

using store::Metastore;
using store::OpStatus;
using store::Transaction;

namespace {

JobFailure failure_of(const core::Error& e) {
  return {e.exit_code(), e.code(), e.what()};
}

// Set the op of `row` to `op` at `now` as the write did (or would).
void show_op(store::StatusRow& row, OpStatus op, core::UnixNanos now) {
  if (!row.op) {
    row.op = store::OpRecord{row.id, op, now, now};
  } else {
    row.op->op = op;
    row.op->updated_at = now;
  }
}

// Cancel one job inside the chunk's transaction.
CancelResult cancel_one(Metastore& store, const std::string& id, const CancelOptions& options,
                        core::UnixNanos now) {
  CancelResult result;
  result.id = id;
  const std::string_view problem = store::job_id_problem(id);
  if (!problem.empty()) {
    result.failure =
      JobFailure{core::ExitCode::usage, "job.bad_id", "invalid job id: " + std::string(problem)};
    return result;
  }
  auto job = store.get_job(id);
  if (!job) {
    result.failure =
      JobFailure{core::ExitCode::not_found, "job.not_found", "job not found: `" + id + "`"};
    return result;
  }
  store::StatusRow row;
  row.id = id;
  row.op = store.get_op(id);
  const bool terminated = store::is_terminated(job->state);
  row.job = std::move(job);
  if (terminated) {
    // Returned unchanged; nothing is written (SPEC §2).
  } else if (options.force) {
    if (!options.dry_run) {
      store.write_job_state(id, store::JobState::stopped, options.reason, now);
      store.upsert_op(id, OpStatus::canceled, now);
    }
    row.job->state = store::JobState::stopped;
    row.job->error_message = options.reason;
    row.job->updated_at = now;
    show_op(row, OpStatus::canceled, now);
    result.changed = true;
    result.forced = true;
  } else if (row.op_status() == OpStatus::canceled) {
    try {
      detail::throw_already_canceled(id, true);
    } catch (const core::ConflictError& e) {
      result.failure = failure_of(e);
    }
  } else if (row.op_status() != OpStatus::canceling) {
    if (!options.dry_run) {
      detail::mark_canceling_locked(store, id, row.op, now);
    }
    show_op(row, OpStatus::canceling, now);
    row.outbox.reset();
    result.changed = true;
  }
  if (row.op_status() == OpStatus::canceling && !result.changed) {
    row.outbox = store.get_outbox(id);
  }
  result.row = std::move(row);
  return result;
}

} // namespace

void cancel_jobs(Metastore& store, const std::vector<std::string>& ids,
                 const CancelOptions& options, core::UnixNanos now,
                 const std::function<void(const CancelResult&)>& on_result) {
  if (options.force && options.reason.empty()) {
    throw core::UsageError("cancel.reason_required",
                           "--force needs --reason TEXT: the reason is recorded as the job's "
                           "error message");
  }
  const std::size_t chunk = std::max<std::size_t>(options.chunk_size, 1);
  std::vector<CancelResult> results;
  for (std::size_t begin = 0; begin < ids.size(); begin += chunk) {
    const std::size_t end = std::min(ids.size(), begin + chunk);
    results.clear();
    {
      // One transaction per chunk: a kill leaves each job untouched or done.
      Transaction tx(store.db(),
                     options.dry_run ? Transaction::Kind::read : Transaction::Kind::immediate);
      for (std::size_t i = begin; i < end; ++i) {
        results.push_back(cancel_one(store, ids[i], options, now));
      }
      tx.commit();
    }
    if (options.include_config) {
      const std::vector<std::string> chunk_ids(ids.begin() + static_cast<std::ptrdiff_t>(begin),
                                               ids.begin() + static_cast<std::ptrdiff_t>(end));
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
}

std::vector<CancelResult> cancel_jobs(Metastore& store, const std::vector<std::string>& ids,
                                      const CancelOptions& options, core::UnixNanos now) {
  std::vector<CancelResult> all;
  all.reserve(ids.size());
  cancel_jobs(store, ids, options, now, [&all](const CancelResult& r) { all.push_back(r); });
  return all;
}

} // namespace jobop::ops
