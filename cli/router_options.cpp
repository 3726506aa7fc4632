#include <cli/router_options.hpp>

#include <cli/command_support.hpp>
#include <cli/stop_signal.hpp>
#include <jobop/core/exceptions.hpp>

namespace jobop::cli {

void add_router_options(CLI::App& command, RouterFlags& flags) {
  flags.router_option =
    command
      .add_option("--router", flags.router,
                  "How a cancel message reaches a job's master: outbox (a durable row the "
                  "master polls), exec (run --exec per job) or none (only reconcile states)")
      ->check(CLI::IsMember({"outbox", "exec", "none"}, CLI::ignore_case))
      ->capture_default_str();
  command.add_option("--exec", flags.exec_program,
                     "Program the exec router runs per job, never through a shell, as "
                     "PROGRAM -- ID EPOCH NODE ADDRESS, in a clean environment (PATH, HOME, "
                     "LANG, LC_*, TZ, USER, JOBOP_JOB_ID, JOBOP_EPOCH, JOBOP_NODE_ID, "
                     "JOBOP_ADDRESS)");
  command
    .add_option("--exec-env", flags.exec_env,
                "Also pass this variable of jobop's environment to the exec program (repeat "
                "for more)")
    ->type_name("NAME")
    ->expected(1)
    ->take_all();
  command
    .add_option("--exec-timeout", flags.exec_timeout,
                "Kill the exec program after this long (a failed send)")
    ->check(go_duration_validator())
    ->capture_default_str();
}

std::unique_ptr<ops::CancelRouter> make_router_from(const RouterFlags& flags) {
  ops::RouterConfig config;
  config.kind = flags.router;
  const bool router_given = flags.router_option != nullptr && flags.router_option->count() > 0;
  if (!flags.exec_program.empty() && !router_given) {
    config.kind = "exec";
  }
  if (!flags.exec_program.empty() && config.kind != "exec") {
    throw core::UsageError("usage", "--exec runs a program only with --router exec, not --router " +
                                      config.kind);
  }
  config.exec_program = flags.exec_program;
  config.exec_timeout = duration_flag(flags.exec_timeout);
  config.exec_env = flags.exec_env;
  config.stop_requested = [] { return stop_requested(); };
  return ops::make_router(config);
}

} // namespace jobop::cli
