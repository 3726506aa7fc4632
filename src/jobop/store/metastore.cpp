// What every backend shares: the engine's job writes and the status listing
// composed from the backend's primitives, and transactions.
#include <jobop/store/metastore.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/model/job_id.hpp>

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>
#include <unistd.h>

namespace jobop::store {

namespace {

[[noreturn]] void job_not_found(std::string_view id) {
  throw core::NotFoundError("job.not_found", "job not found: `" + std::string(id) + "`",
                            {{"id", std::string(id)}});
}

} // namespace

namespace {

// The audit entry of a change to `id`, or none without an audit context.
void audit_change(Metastore& store, const model::AuditContext* audit, std::string_view id,
                  model::AuditAction action, std::optional<model::JobSnapshot> before,
                  std::optional<model::JobSnapshot> after, core::UnixNanos now) {
  if (audit == nullptr) {
    return;
  }
  store.append_audit({model::make_audit_entry(audit->actor, std::string(id), action, audit->reason,
                                              std::move(before), std::move(after))},
                     now);
}

// Return the live job `id` with its op, read (and locked) in the caller's
// transaction.
std::optional<model::StatusRow> live_job(Metastore& store, std::string_view id) {
  auto rows = store.read_jobs({std::string(id)}, false);
  if (!rows.front() || !rows.front()->job) {
    return std::nullopt;
  }
  return std::move(rows.front());
}

} // namespace

bool Metastore::put_job(const model::JobSpec& spec, core::UnixNanos now, PutMode mode,
                        const model::AuditContext* audit) {
  model::validate_job_id(spec.id);
  bool inserted = false;
  run_transaction(*this, TxKind::write, [&] {
    const RowPresence presence = job_row_presence(spec.id);
    if (presence == RowPresence::live && mode == PutMode::create) {
      throw core::ConflictError("job.already_exists",
                                "job `" + spec.id + "` already exists (CreateJob inserts only)",
                                {{"id", spec.id}});
    }
    if (presence == RowPresence::deleted) {
      throw core::ConflictError(
        mode == PutMode::create ? "job.already_exists" : "job.deleted",
        "job `" + spec.id +
          "` was deleted, and its soft-deleted row still holds the id (the unique index "
          "uidx_mid covers deleted rows): the engine never revives it, so neither does jobop; "
          "use another id",
        {{"id", spec.id}});
    }
    std::optional<model::StatusRow> before;
    if (presence == RowPresence::live && audit != nullptr) {
      before = live_job(*this, spec.id);
    }
    upsert_job_row(spec, now);
    inserted = presence == RowPresence::none;
    const model::OpStatus op = before ? before->op_status() : model::OpStatus::none;
    audit_change(*this, audit, spec.id,
                 mode == PutMode::create ? model::AuditAction::create : model::AuditAction::put,
                 before ? model::snapshot_of(*before) : std::nullopt,
                 model::JobSnapshot{spec.state, op, spec.error_message}, as_stored(now));
  });
  return inserted;
}

model::StatusRow Metastore::set_job_state(std::string_view id, model::JobState state,
                                          const std::optional<std::string>& error_message,
                                          core::UnixNanos now, const model::AuditContext* audit) {
  model::validate_job_id(id);
  const std::vector<std::string> ids{std::string(id)};
  run_transaction(*this, TxKind::write, [&] {
    std::optional<model::StatusRow> before;
    if (audit != nullptr) {
      before = live_job(*this, id);
      if (!before) {
        job_not_found(id);
      }
    }
    if (write_job_states(ids, state, error_message, now) == 0) {
      job_not_found(id);
    }
    if (before) {
      model::JobSnapshot after = *model::snapshot_of(*before);
      after.state = state;
      if (error_message) {
        after.error_message = error_message;
      }
      audit_change(*this, audit, before->job->id, model::AuditAction::set_state,
                   model::snapshot_of(*before), after, as_stored(now));
    }
  });
  auto rows = find_jobs(ids);
  return std::move(*rows.front());
}

void Metastore::delete_job(std::string_view id, core::UnixNanos now,
                           const model::AuditContext* audit) {
  model::validate_job_id(id);
  run_transaction(*this, TxKind::write, [&] {
    const auto before = live_job(*this, id);
    if (!before) {
      job_not_found(id);
    }
    if (!model::is_terminated(before->job->state)) {
      throw core::ConflictError(
        "job.not_terminated",
        "job `" + std::string(id) + "` is " + std::string(model::user_state_name(before->state())) +
          ": only a terminated job (finished, canceled, failed) can be deleted, as in the "
          "engine; cancel it first",
        {{"id", std::string(id)}, {"state", std::string(model::user_state_name(before->state()))}});
    }
    if (soft_delete_job(before->job->id, now) == 0) {
      job_not_found(id);
    }
    audit_change(*this, audit, before->job->id, model::AuditAction::delete_job,
                 model::snapshot_of(*before), std::nullopt, as_stored(now));
  });
}

void Metastore::for_each_audit_entry(
  const model::AuditFilter& filter, const std::function<void(const model::AuditEntry&)>& on_entry) {
  if (!has_audit()) {
    return;
  }
  Transaction tx(*this, TxKind::read);
  stream_audit(filter.ids, [&](const model::AuditEntry& entry) {
    if (!filter.since || (entry.at && *entry.at >= *filter.since)) {
      on_entry(entry);
    }
  });
  tx.commit();
}

std::vector<std::optional<model::StatusRow>>
Metastore::find_jobs(const std::vector<std::string>& ids, bool include_config) {
  std::vector<std::optional<model::StatusRow>> rows;
  run_transaction(*this, TxKind::read, [&] { rows = read_jobs(ids, include_config); });
  return rows;
}

void Metastore::for_each_status_row(const model::StatusFilter& filter,
                                    const std::function<void(const model::StatusRow&)>& on_row) {
  if (!filter.ids.empty()) {
    for (const auto& row : find_jobs(filter.ids, filter.include_config)) {
      if (row && filter.passes(*row)) {
        on_row(*row);
      }
    }
    return;
  }
  // Not retried: rows already passed on cannot be taken back.
  Transaction tx(*this, TxKind::read);
  stream_status_rows(filter.include_config, filter.wants_orphans(),
                     [&](const model::StatusRow& row) {
                       if (filter.passes(row)) {
                         on_row(row);
                       }
                     });
  tx.commit();
}

bool Metastore::retryable(const std::exception& /*error*/) const {
  return false;
}

Transaction::Transaction(Metastore& store, TxKind kind) : m_store(store) {
  m_store.begin(kind);
}

Transaction::~Transaction() {
  if (m_open) {
    m_store.rollback();
  }
}

void Transaction::commit() {
  m_store.commit();
  m_open = false;
}

void run_transaction(Metastore& store, TxKind kind, const std::function<void()>& body,
                     int attempts) {
  for (int attempt = 1;; ++attempt) {
    try {
      Transaction tx(store, kind);
      body();
      tx.commit();
      return;
    } catch (const core::StoreError& e) {
      if (attempt >= attempts || !store.retryable(e)) {
        throw;
      }
    }
    // Back off for a random while, growing with each attempt (up to 320 ms),
    // so that writers that collided do not collide again in step.
    thread_local std::minstd_rand jitter(static_cast<unsigned>(::getpid()));
    const unsigned ceiling_ms = 5u << std::min(attempt, 6);
    std::this_thread::sleep_for(std::chrono::milliseconds(jitter() % (ceiling_ms + 1)));
  }
}

} // namespace jobop::store
