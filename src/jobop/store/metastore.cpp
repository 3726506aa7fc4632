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

bool Metastore::put_job(const model::JobSpec& spec, core::UnixNanos now) {
  model::validate_job_id(spec.id);
  bool inserted = false;
  run_transaction(*this, TxKind::write, [&] { inserted = upsert_job_row(spec, now); });
  return inserted;
}

model::StatusRow Metastore::set_job_state(std::string_view id, model::JobState state,
                                          const std::optional<std::string>& error_message,
                                          core::UnixNanos now) {
  model::validate_job_id(id);
  const std::vector<std::string> ids{std::string(id)};
  run_transaction(*this, TxKind::write, [&] {
    if (write_job_states(ids, state, error_message, now) == 0) {
      job_not_found(id);
    }
  });
  auto rows = find_jobs(ids);
  return std::move(*rows.front());
}

void Metastore::delete_job(std::string_view id, core::UnixNanos now) {
  model::validate_job_id(id);
  run_transaction(*this, TxKind::write, [&] {
    if (soft_delete_job(id, now) == 0) {
      job_not_found(id);
    }
  });
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
