#pragma once

#include <jobop/core/clock.hpp>
#include <jobop/operator/cancel_router.hpp>
#include <jobop/store/metastore.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

// The engine's JobOperator (SPEC §2): marks ops and drives every Canceling op
// to its end with Tick.
namespace jobop::ops {

// What a tick did (or, in a dry run, would do) with one Canceling op.
enum class TickAction {
  canceled,    // its job is terminated: op set to Canceled
  noop,        // an orphan (job missing or soft-deleted): op set to Noop
  cancel_sent, // its job is live: a cancel message went out
  send_failed, // its job is live and the send failed (retried next tick)
  error,       // a store error for this op; the others were still visited
};

// Return "canceled", "noop", "cancel_sent", "send_failed" or "error".
std::string_view tick_action_name(TickAction action);

struct TickItem {
  std::string id;
  TickAction action = TickAction::canceled;
  // Why a send failed or the store error's message; empty otherwise.
  std::string error;
  // The StoreError's code for `error` items ("store.disk_full"), else empty.
  std::string error_code;
};

struct TickCounts {
  std::size_t canceled = 0;
  std::size_t noop = 0;
  std::size_t cancel_sent = 0;
  std::size_t send_failed = 0;
  std::size_t error = 0;
  // Live canceling jobs the none router sent nothing for (no item).
  std::size_t skipped = 0;
};

struct TickResult {
  // One per visited Canceling op, by op seq_id; not for `skipped` ones.
  std::vector<TickItem> items;
  TickCounts counts;
  bool dry_run = false;
  // A stop request ended the tick early: ops it did not reach (or did not
  // send to) are left Canceling for the next tick, with no item.
  bool interrupted = false;
  // Return true if no op is canceling any more after this tick (every op was
  // canceled or made noop): `tick --until-idle` stops then.
  bool idle() const {
    return !interrupted && counts.cancel_sent == 0 && counts.send_failed == 0 &&
           counts.error == 0 && counts.skipped == 0;
  }
};

struct TickOptions {
  // Compute the actions without writing or sending.
  bool dry_run = false;
  // Ops decided per BEGIN IMMEDIATE ... COMMIT: each op is atomic, a chunk
  // shares one fsync. On a store error the chunk is redone one op per
  // transaction so that the error is pinned to its op.
  std::size_t chunk_size = 4096;
  // Polled between jobs: when it returns true (SIGINT/SIGTERM) the tick sends
  // nothing more and ends after the chunk in progress. Empty: never.
  std::function<bool()> stop_requested;
};

class JobOperator {
public:
  // Operate on `store` sending through `router`; both must outlive this.
  JobOperator(store::Metastore& store, CancelRouter& router);

  // In one transaction: nothing if the op is Canceling; core::ConflictError
  // (job.already_canceled) if Canceled; else insert or update it to
  // Canceling (and forget the job's old outbox row).
  void mark_job_canceling(std::string_view id, core::UnixNanos now);
  // Set the op to Canceled if it is Canceling; zero rows is not an error.
  void mark_job_canceled(std::string_view id, core::UnixNanos now);
  // Set the op to Noop if it is Canceling; zero rows is not an error.
  void mark_job_noop(std::string_view id, core::UnixNanos now);
  // Return true iff the op exists and is Canceling; a store error gives
  // false (as the engine, which logs it as a warning).
  bool is_job_canceling(std::string_view id);

  // Visit every Canceling op at `now`: an orphan becomes Noop, an op of a
  // terminated job Canceled, else the router sends. Store errors of one op
  // are collected in its item, not thrown; a write transaction is never held
  // while a router that does not send in a transaction (exec) runs.
  TickResult tick(core::UnixNanos now, const TickOptions& options = {});

private:
  store::Metastore& m_store;
  CancelRouter& m_router;
};

} // namespace jobop::ops
