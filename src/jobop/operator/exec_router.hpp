#pragma once

#include <jobop/operator/cancel_router.hpp>

#include <string>

namespace jobop::ops {

// Run a program once per message, never through a shell: posix_spawnp with
// arguments `job_id epoch node_id address` and the environment plus
// JOBOP_JOB_ID, JOBOP_EPOCH, JOBOP_NODE_ID and JOBOP_ADDRESS. Its stdin and
// stdout are /dev/null (stdout is jobop's JSON); its stderr is captured for
// the error text. A non-zero exit, a signal, a failure to start or running
// past the timeout (then its process group is killed) is a failed send.
class ExecRouter final : public CancelRouter {
public:
  ExecRouter(std::string program, core::Nanos timeout);
  std::string_view name() const override { return "exec"; }
  bool sends_in_transaction() const override { return false; }
  SendOutcome send(store::Metastore& store, const CancelMessage& message,
                   core::UnixNanos now) override;

private:
  std::string m_program;
  core::Nanos m_timeout;
};

} // namespace jobop::ops
