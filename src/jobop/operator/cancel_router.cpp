#include <jobop/operator/cancel_router.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/operator/exec_router.hpp>
#include <jobop/operator/none_router.hpp>
#include <jobop/operator/outbox_router.hpp>

namespace jobop::ops {

std::vector<SendOutcome> CancelRouter::send_all(store::Metastore& store,
                                                const std::vector<CancelMessage>& messages,
                                                core::UnixNanos now) {
  std::vector<SendOutcome> outcomes;
  outcomes.reserve(messages.size());
  for (const CancelMessage& message : messages) {
    outcomes.push_back(send(store, message, now));
  }
  return outcomes;
}

std::unique_ptr<CancelRouter> make_router(const RouterConfig& config) {
  if (config.kind == "exec") {
    if (config.exec_program.empty()) {
      throw core::UsageError("router.exec_program",
                             "--router exec needs --exec PROGRAM: the program run per job");
    }
    if (const auto problem = exec_program_problem(config.exec_program); !problem.empty()) {
      throw core::UsageError("router.exec_program",
                             "--exec program `" + config.exec_program +
                               "` cannot be run: " + problem,
                             {{"program", config.exec_program}});
    }
    if (config.exec_timeout <= 0) {
      throw core::UsageError("router.exec_timeout", "--exec-timeout must be positive");
    }
    for (const std::string& name : config.exec_env) {
      if (name.empty() || name.find('=') != std::string::npos) {
        throw core::UsageError("router.exec_env",
                               "--exec-env takes the NAME of a variable to pass on, not `" + name +
                                 "`",
                               {{"name", name}});
      }
    }
    return std::make_unique<ExecRouter>(
      config.exec_program,
      ExecOptions{config.exec_timeout, config.exec_env, config.stop_requested});
  }
  if (!config.exec_env.empty()) {
    throw core::UsageError("router.exec_env",
                           "--exec-env is only used with --router exec, not `" + config.kind + "`");
  }
  if (!config.exec_program.empty()) {
    throw core::UsageError("router.exec_program",
                           "--exec PROGRAM is only used with --router exec, not `" + config.kind +
                             "`");
  }
  if (config.kind == "outbox") {
    return std::make_unique<OutboxRouter>();
  }
  if (config.kind == "none") {
    return std::make_unique<NoneRouter>();
  }
  throw core::UsageError("router.unknown",
                         "unknown router `" + config.kind + "`: use outbox, exec or none",
                         {{"router", config.kind}});
}

} // namespace jobop::ops
