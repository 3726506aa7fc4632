#include <jobop/operator/outbox_router.hpp>

#include <jobop/store/metastore.hpp>

namespace jobop::ops {

namespace {

model::OutboxRecord outbox_row(const CancelMessage& message) {
  model::OutboxRecord row;
  row.job_id = message.job_id;
  row.epoch = message.epoch;
  row.node_id = message.node_id;
  row.address = message.address;
  return row;
}

} // namespace

SendOutcome OutboxRouter::send(store::Metastore& store, const CancelMessage& message,
                               core::UnixNanos now) {
  store.record_outbox_sends({outbox_row(message)}, now);
  return {SendStatus::sent, {}};
}

std::vector<SendOutcome> OutboxRouter::send_all(store::Metastore& store,
                                                const std::vector<CancelMessage>& messages,
                                                core::UnixNanos now) {
  std::vector<model::OutboxRecord> rows;
  rows.reserve(messages.size());
  for (const CancelMessage& message : messages) {
    rows.push_back(outbox_row(message));
  }
  store.record_outbox_sends(rows, now);
  return std::vector<SendOutcome>(messages.size(), SendOutcome{SendStatus::sent, {}});
}

} // namespace jobop::ops
