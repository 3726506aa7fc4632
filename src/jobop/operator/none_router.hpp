#pragma once

#include <jobop/operator/cancel_router.hpp>

namespace jobop::ops {

// A router that sends nothing: ticks only reconcile states (terminated jobs
// and orphans). A live job's send is `skipped`: it gets no result item and
// stays canceling (counted in TickResult::skipped).
class NoneRouter final : public CancelRouter {
public:
  std::string_view name() const override { return "none"; }
  bool delivers() const override { return false; }
  bool sends_in_transaction() const override { return true; }
  SendOutcome send(store::Metastore&, const CancelMessage&, core::UnixNanos) override {
    return {SendStatus::skipped, {}};
  }
};

} // namespace jobop::ops
