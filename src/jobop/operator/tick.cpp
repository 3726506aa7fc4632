// JobOperator::tick: drive every Canceling op one step towards its end.
#include <jobop/operator/job_operator.hpp>

#include <jobop/core/exceptions.hpp>

#include <algorithm>

namespace jobop::ops {

using model::OpStatus;
using store::Metastore;
using store::TxKind;

namespace {

// One op's decision within a chunk; `send` is set when the router must run
// after the chunk's transaction committed.
struct Decision {
  TickItem item;
  bool skipped = false;
  std::optional<CancelMessage> send;
};

CancelMessage message_for(const model::JobRecord& job) {
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

// Decide what becomes of each op of `page` at `now` and, unless `dry_run`,
// write it: orphans become Noop and ops of terminated jobs Canceled, in one
// batch each; a router that sends in the transaction (outbox) sends to every
// live job at once, the others are left in `send` for after the commit.
std::vector<Decision> decide_page(Metastore& store, CancelRouter& router,
                                  const std::vector<Metastore::CancelingOp>& page,
                                  core::UnixNanos now, bool dry_run) {
  std::vector<Decision> decisions(page.size());
  std::vector<std::string> orphans;
  std::vector<std::string> terminated;
  std::vector<CancelMessage> in_tx;
  std::vector<std::size_t> in_tx_at;
  for (std::size_t i = 0; i < page.size(); ++i) {
    const Metastore::CancelingOp& op = page[i];
    Decision& d = decisions[i];
    d.item.id = op.job_id;
    if (!op.job) {
      d.item.action = TickAction::noop;
      orphans.push_back(op.job_id);
    } else if (model::is_terminated(op.job->state)) {
      d.item.action = TickAction::canceled;
      terminated.push_back(op.job_id);
    } else if (dry_run) {
      d.item.action = TickAction::cancel_sent;
      d.skipped = !router.delivers();
    } else if (router.sends_in_transaction()) {
      in_tx.push_back(message_for(*op.job));
      in_tx_at.push_back(i);
    } else {
      d.item.action = TickAction::cancel_sent;
      d.send = message_for(*op.job);
    }
  }
  if (!dry_run) {
    store.change_ops(orphans, OpStatus::canceling, OpStatus::noop, now);
    store.change_ops(terminated, OpStatus::canceling, OpStatus::canceled, now);
    if (!in_tx.empty()) {
      const std::vector<SendOutcome> outcomes = router.send_all(store, in_tx, now);
      for (std::size_t k = 0; k < in_tx_at.size(); ++k) {
        apply_outcome(decisions[in_tx_at[k]], outcomes.at(k));
      }
    }
  }
  return decisions;
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
      std::optional<Decision> d;
      store::run_transaction(store, TxKind::write, [&] {
        d.reset();
        const auto op = store.get_op(listed.job_id);
        if (!op || op->op != OpStatus::canceling) {
          return; // another process finished it meanwhile
        }
        const std::vector<Metastore::CancelingOp> fresh{
          {listed.seq_id, listed.job_id, store.get_job(listed.job_id)}};
        d = std::move(decide_page(store, router, fresh, now, false).front());
      });
      if (d) {
        decisions.push_back(std::move(*d));
      }
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
    bool page_read = false;
    try {
      store::run_transaction(m_store, options.dry_run ? TxKind::read : TxKind::write, [&] {
        page_read = false;
        decisions.clear();
        page = m_store.canceling_ops_page(after, chunk);
        page_read = true;
        decisions = decide_page(m_store, m_router, page, now, options.dry_run);
      });
    } catch (const core::StoreError&) {
      // A failure to begin or to read the page (locked past the timeout)
      // stops the tick: no op can be visited.
      if (!page_read) {
        throw;
      }
      decisions.clear();
    }
    if (page.empty()) {
      break;
    }
    if (decisions.empty()) {
      decisions = redo_one_by_one(m_store, m_router, page, now);
    }
    after = page.back().seq_id;
    const auto stopping = [&options] { return options.stop_requested && options.stop_requested(); };
    // No transaction is held here: a slow router (exec) runs now.
    for (Decision& d : decisions) {
      if (d.send && stopping()) {
        // Not sent, so not reported: the op stays Canceling for the next tick.
        result.interrupted = true;
        continue;
      }
      if (d.send) {
        try {
          apply_outcome(d, m_router.send(m_store, *d.send, now));
        } catch (const core::StoreError& e) {
          d = store_error(d.item.id, e);
        }
      }
      count(result, d);
    }
    if (stopping()) {
      result.interrupted = true;
      break;
    }
  }
  return result;
}

} // namespace jobop::ops
