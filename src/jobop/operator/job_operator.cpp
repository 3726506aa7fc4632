#include <jobop/operator/job_operator.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/model/job_id.hpp>
#include <jobop/operator/op_marks.hpp>

namespace jobop::ops {

using model::OpStatus;
using store::Metastore;
using store::TxKind;

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
  model::validate_job_id(id);
  store::run_transaction(m_store, TxKind::write, [&] {
    detail::mark_canceling_locked(m_store, id, m_store.get_op(id), now);
  });
}

void JobOperator::mark_job_canceled(std::string_view id, core::UnixNanos now) {
  store::run_transaction(m_store, TxKind::write, [&] {
    m_store.change_op(id, OpStatus::canceling, OpStatus::canceled, now);
  });
}

void JobOperator::mark_job_noop(std::string_view id, core::UnixNanos now) {
  store::run_transaction(m_store, TxKind::write,
                         [&] { m_store.change_op(id, OpStatus::canceling, OpStatus::noop, now); });
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
