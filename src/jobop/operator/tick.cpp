// JobOperator::tick: drive every Canceling op one step towards its end.
#include <jobop/operator/job_operator.hpp>

#include <jobop/core/exceptions.hpp>

#include <algorithm>

namespace jobop::ops {

using store::Metastore;
using store::OpStatus;
using store::Transaction;

namespace {

// One op's decision within a chunk; `send` is set when the router must run
// after the chunk's transaction committed.
struct Decision {
  TickItem item;
  bool skipped = false;
  std::optional<CancelMessage> send;
};

CancelMessage message_for(const store::JobRecord& job) {
  return {job.id, job.epoch, job.node_id, job.address};
}

void apply_outcome(Decision& d, const SendOutcome& outcome) {
  switch (outcome.status) {
  case SendStatus::sent:
    d.item.action = TickAction::cancel_sent;
    break;
  case SendStatus::failed:
    d.item.action = TickAction::send_failed;
    d.item.error = outcome.error;
    break;
  case SendStatus::skipped:
    d.skipped = true;
    break;
  }
}

// Decide (and unless `dry_run`, write) what becomes of `op` at `now`.
Decision decide(Metastore& store, CancelRouter& router, const Metastore::CancelingOp& op,
                core::UnixNanos now, bool dry_run) {
  Decision d;
  d.item.id = op.job_id;
  if (!op.job) {
    d.item.action = TickAction::noop;
    if (!dry_run) {
      store.change_op(op.job_id, OpStatus::canceling, OpStatus::noop, now);
    }
  } else if (store::is_terminated(op.job->state)) {
    d.item.action = TickAction::canceled;
    if (!dry_run) {
      store.change_op(op.job_id, OpStatus::canceling, OpStatus::canceled, now);
    }
  } else if (dry_run) {
    d.item.action = TickAction::cancel_sent;
    d.skipped = router.name() == "none";
  } else if (router.sends_in_transaction()) {
    apply_outcome(d, router.send(store, message_for(*op.job), now));
  } else {
    d.item.action = TickAction::cancel_sent;
    d.send = message_for(*op.job);
  }
  return d;
}

Decision store_error(const std::string& id, const core::StoreError& e) {
  Decision d;
  d.item = {id, TickAction::error, e.what(), e.code()};
  return d;
}

void count(TickResult& result, Decision& d) {
  if (d.skipped) {
    ++result.counts.skipped;
    return;
  }
  switch (d.item.action) {
  case TickAction::canceled:
    ++result.counts.canceled;
    break;
  case TickAction::noop:
    ++result.counts.noop;
    break;
  case TickAction::cancel_sent:
    ++result.counts.cancel_sent;
    break;
  case TickAction::send_failed:
    ++result.counts.send_failed;
    break;
  case TickAction::error:
    ++result.counts.error;
    break;
  }
  result.items.push_back(std::move(d.item));
}

// Redo a chunk whose shared transaction failed, one op per transaction, so
// that a store error is pinned to its op and the others still go through.
std::vector<Decision> redo_one_by_one(Metastore& store, CancelRouter& router,
                                      const std::vector<Metastore::CancelingOp>& page,
                                      core::UnixNanos now) {
  std::vector<Decision> decisions;
  for (const auto& listed : page) {
    try {
      Transaction tx(store.db());
      const auto op = store.get_op(listed.job_id);
      if (!op || op->op != OpStatus::canceling) {
        continue; // another process finished it meanwhile
      }
      Metastore::CancelingOp fresh{listed.seq_id, listed.job_id, store.get_job(listed.job_id)};
      Decision d = decide(store, router, fresh, now, false);
      tx.commit();
      decisions.push_back(std::move(d));
    } catch (const core::StoreError& e) {
      decisions.push_back(store_error(listed.job_id, e));
    }
  }
  return decisions;
}

} // namespace

TickResult JobOperator::tick(core::UnixNanos now, const TickOptions& options) {
  TickResult result;
  result.dry_run = options.dry_run;
  const std::size_t chunk = std::max<std::size_t>(options.chunk_size, 1);
  std::int64_t after = 0;
  for (;;) {
    std::vector<Metastore::CancelingOp> page;
    std::vector<Decision> decisions;
    {
      // A failure to begin or to read the page (locked past the timeout)
      // stops the tick: no op can be visited.
      Transaction tx(m_store.db(),
                     options.dry_run ? Transaction::Kind::read : Transaction::Kind::immediate);
      page = m_store.canceling_ops_page(after, chunk);
      if (page.empty()) {
        tx.commit();
        break;
      }
      try {
        decisions.reserve(page.size());
        for (const auto& op : page) {
          decisions.push_back(decide(m_store, m_router, op, now, options.dry_run));
        }
        tx.commit();
      } catch (const core::StoreError&) {
        decisions.clear();
      }
    }
    if (decisions.empty()) {
      decisions = redo_one_by_one(m_store, m_router, page, now);
    }
    after = page.back().seq_id;
    // No transaction is held here: a slow router (exec) runs now.
    for (Decision& d : decisions) {
      if (d.send) {
        try {
          apply_outcome(d, m_router.send(m_store, *d.send, now));
        } catch (const core::StoreError& e) {
          d = store_error(d.item.id, e);
        }
      }
      count(result, d);
    }
  }
  return result;
}

} // namespace jobop::ops
