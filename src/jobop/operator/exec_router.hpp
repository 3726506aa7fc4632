#pragma once

#include <jobop/operator/cancel_router.hpp>

#include <functional>
#include <string>
#include <vector>

namespace jobop::ops {

// Why `program` cannot be run as the exec router would run it (a path, or a
// name looked up in PATH as posix_spawnp does), or "" if it can. A typo is
// then a usage error up front, not a failed send per job per tick.
std::string exec_program_problem(const std::string& program);

// Return the environment the program gets (SPEC §5): from `parent` only
// PATH, HOME, LANG, LC_*, TZ, USER and the variables named in `pass`, then
// JOBOP_JOB_ID, JOBOP_EPOCH, JOBOP_NODE_ID and JOBOP_ADDRESS of `message`.
// Nothing else is inherited: jobop's own environment may hold secrets
// (JOBOP_DB_PASSWORD, cloud credentials) the program has no business with.
std::vector<std::string> exec_environment(const char* const* parent,
                                          const std::vector<std::string>& pass,
                                          const CancelMessage& message);

struct ExecOptions {
  // Kill the program after this long (a failed send).
  core::Nanos timeout = 10 * core::k_second;
  // More variables to pass from jobop's environment (--exec-env NAME).
  std::vector<std::string> pass_env;
  // Polled while the program runs: when it returns true (SIGINT/SIGTERM),
  // the program's process group gets SIGTERM, SIGKILL k_exec_stop_grace
  // later, and the send fails. Empty: never.
  std::function<bool()> stop_requested;
};

// How long a program stopped by a signal gets to exit before SIGKILL.
constexpr core::Nanos k_exec_stop_grace = 500 * core::k_millisecond;

// Run a program once per message, never through a shell: posix_spawnp of
// `PROGRAM -- ID EPOCH NODE ADDRESS` (the `--` ends the options, so an id
// such as `--help` is never read as one) in the environment
// exec_environment() gives. Its stdin and stdout are /dev/null (stdout is
// jobop's JSON); its stderr is captured for the error text. A non-zero exit,
// a signal, a failure to start, running past the timeout (then its process
// group is killed) or a stop request is a failed send.
class ExecRouter final : public CancelRouter {
public:
  ExecRouter(std::string program, core::Nanos timeout);
  ExecRouter(std::string program, ExecOptions options);
  std::string_view name() const override { return "exec"; }
  bool sends_in_transaction() const override { return false; }
  SendOutcome send(store::Metastore& store, const CancelMessage& message,
                   core::UnixNanos now) override;

private:
  std::string m_program;
  ExecOptions m_options;
};

} // namespace jobop::ops
