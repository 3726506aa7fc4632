#pragma once

#include <jobop/core/clock.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace jobop::store {
class Metastore;
}

// How Tick asks a job's master to stop (SPEC §2): pluggable routers. The
// namespace is `ops` because `operator` is a keyword.
namespace jobop::ops {

// The message: move job `job_id` to Stopped, addressed to its master.
struct CancelMessage {
  std::string job_id;
  std::int64_t epoch = 0;
  std::string node_id;
  std::string address;
};

// What became of one send. A failed send is a warning, not an error: the next
// tick tries again. `skipped` is the none router's answer: nothing was sent.
enum class SendStatus { sent, failed, skipped };

struct SendOutcome {
  SendStatus status = SendStatus::sent;
  // Why it failed, for the tick's result item.
  std::string error;
};

class CancelRouter {
public:
  virtual ~CancelRouter() = default;
  // Return the router's name ("outbox", "exec", "none").
  virtual std::string_view name() const = 0;
  // Return false if the router never sends anything (none): a dry run then
  // counts live canceling jobs as skipped, not as cancel_sent.
  virtual bool delivers() const { return true; }
  // Return true if send() writes to the metastore and so must run inside the
  // transaction of the tick's decision (outbox); false if it must run with no
  // transaction held, because it may take long (exec).
  virtual bool sends_in_transaction() const = 0;
  // Send `message` at `now`. Return a failed outcome for a failed send; throw
  // core::StoreError for a store failure (the tick reports it as `error`).
  virtual SendOutcome send(store::Metastore& store, const CancelMessage& message,
                           core::UnixNanos now) = 0;
  // Send every one of `messages` at `now`; return one outcome each, in order.
  // The default sends them one by one; a router that writes to the store
  // sends them in one batch.
  virtual std::vector<SendOutcome> send_all(store::Metastore& store,
                                            const std::vector<CancelMessage>& messages,
                                            core::UnixNanos now);
};

// The routers the CLI offers, by name.
struct RouterConfig {
  // "outbox" (default), "exec" or "none".
  std::string kind = "outbox";
  // The program `exec` runs (a path or a name looked up in PATH).
  std::string exec_program;
  // How long `exec` lets the program run before killing it (a failed send).
  core::Nanos exec_timeout = 10 * core::k_second;
  // Variables `exec` passes from jobop's environment beyond its clean set.
  std::vector<std::string> exec_env;
  // Polled by `exec` while its program runs; true stops the program (SIGINT/SIGTERM).
  std::function<bool()> stop_requested;
};

// Return the router `config` names. Throw core::UsageError for an unknown
// kind (router.unknown), `exec` without a program (router.exec_program) or
// a bad variable name in `exec_env` (router.exec_env).
std::unique_ptr<CancelRouter> make_router(const RouterConfig& config);

} // namespace jobop::ops
