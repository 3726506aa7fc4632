#pragma once

#include <jobop/operator/cancel_router.hpp>

namespace jobop::ops {

// The default router: a durable row per job in the tool's table
// `jobop_outbox`, which a job master (or a sidecar) polls. Sending again
// updates the row (send count, last sent, epoch, node, address) in the same
// transaction as the tick's decision, so a kill never loses or doubles one.
class OutboxRouter final : public CancelRouter {
public:
  std::string_view name() const override { return "outbox"; }
  bool sends_in_transaction() const override { return true; }
  SendOutcome send(store::Metastore& store, const CancelMessage& message,
                   core::UnixNanos now) override;
  std::vector<SendOutcome> send_all(store::Metastore& store,
                                    const std::vector<CancelMessage>& messages,
                                    core::UnixNanos now) override;
};

} // namespace jobop::ops
