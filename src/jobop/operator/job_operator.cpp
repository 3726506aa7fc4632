#include <jobop/operator/job_operator.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/operator/op_marks.hpp>
#include <jobop/store/job_id.hpp>

namespace jobop::ops {

using store::Metastore;
using store::OpStatus;
using store::Transaction;

std::string_view tick_action_name(TickAction action) {
  switch (action) {
  case TickAction::canceled:
    return "canceled";
  case TickAction::noop:
    return "noop";
  case TickAction::cancel_sent:
    return "cancel_sent";
  case TickAction::send_failed:
    return "send_failed";
  case TickAction::error:
    break;
  }
  return "error";
}

JobOperator::JobOperator(Metastore& store, CancelRouter& router)
  : m_store(store), m_router(router) {}

void JobOperator::mark_job_canceling(std::string_view id, core::UnixNanos now) {
  store::validate_job_id(id);
  Transaction tx(m_store.db());
  detail::mark_canceling_locked(m_store, id, m_store.get_op(id), now);
  tx.commit();
}

void JobOperator::mark_job_canceled(std::string_view id, core::UnixNanos now) {
  Transaction tx(m_store.db());
  m_store.change_op(id, OpStatus::canceling, OpStatus::canceled, now);
  tx.commit();
}

void JobOperator::mark_job_noop(std::string_view id, core::UnixNanos now) {
  Transaction tx(m_store.db());
  m_store.change_op(id, OpStatus::canceling, OpStatus::noop, now);
  tx.commit();
}

bool JobOperator::is_job_canceling(std::string_view id) {
  try {
    const auto op = m_store.get_op(id);
    return op && op->op == OpStatus::canceling;
  } catch (const core::StoreError&) {
    // As the engine: a store error reads as "not canceling".
    return false;
  }
}

} // namespace jobop::ops
