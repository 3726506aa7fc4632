#include <jobop/operator/outbox_router.hpp>

#include <jobop/store/metastore.hpp>

namespace jobop::ops {

SendOutcome OutboxRouter::send(store::Metastore& store, const CancelMessage& message,
                               core::UnixNanos now) {
  store::OutboxRecord row;
  row.job_id = message.job_id;
  row.epoch = message.epoch;
  row.node_id = message.node_id;
  row.address = message.address;
  store.record_outbox_send(row, now);
  return {SendStatus::sent, {}};
}

} // namespace jobop::ops
