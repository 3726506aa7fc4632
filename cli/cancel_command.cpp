#include <cli/commands.hpp>

#include <cli/audit_actor.hpp>
#include <cli/command_support.hpp>
#include <cli/diagnostics.hpp>
#include <cli/output.hpp>
#include <cli/router_options.hpp>
#include <cli/stop_signal.hpp>
#include <cli/tick_loop.hpp>
#include <jobop/core/exceptions.hpp>
#include <jobop/operator/cancel.hpp>
#include <jobop/status/records_json.hpp>

#include <iostream>
#include <memory>

namespace jobop::cli {

namespace {
constexpr const char* k_cancel_examples = R"(Examples:
  jobop cancel payments-cdc-orders               # request it; a tick sends the cancel
  jobop cancel --wait=2m payments-cdc-orders      # ...and tick until the master stopped (exit 6 if not)
  jobop cancel --dry-run a b c                    # what would change; writes nothing
  jobop status --state running -o jsonl | jq -r .id | jobop cancel -
  jobop cancel --reason "INC-123: runaway" orders # the reason goes to `jobop history`
  jobop cancel --force --reason "master lost, INC-123" stuck-job   # last resort)";
} // namespace

namespace {

// How long `--wait` alone waits.
constexpr const char* k_default_wait = "5m";

struct CancelFlags {
  std::vector<std::string> ids;
  bool dry_run = false;
  bool force = false;
  std::optional<std::string> reason;
  std::string wait;
  CLI::Option* wait_option = nullptr;
  std::string interval = "1s";
  std::string stuck_after = "5m";
  RouterFlags router;
  std::string output = "json";
};

struct CancelCounts {
  std::size_t requested = 0;
  std::size_t changed = 0;
  std::size_t unchanged = 0;
  std::size_t failed = 0;
  std::size_t forced = 0;

  nlohmann::json to_json() const {
    return {{"requested", requested},
            {"changed", changed},
            {"unchanged", unchanged},
            {"failed", failed},
            {"forced", forced}};
  }
};

const std::vector<Column>& cancel_columns() {
  static const std::vector<Column> columns = {{"ID", "/id"},         {"STATE", "/state"},
                                              {"OP", "/op"},         {"CHANGED", "/changed"},
                                              {"FORCED", "/forced"}, {"FAILURE", "/failure/code"}};
  return columns;
}

// Count `result`, say on stderr what failed or was forced, and keep the first
// failure's exit code.
void account(const ops::CancelResult& result, const CancelFlags& flags, CancelCounts& counts,
             Globals& globals) {
  ++counts.requested;
  if (result.failure) {
    ++counts.failed;
    write_diagnostic(std::cerr, "error", result.failure->code, result.failure->message,
                     {{"id", result.id}});
    globals.fail_with(result.failure->exit_code);
    return;
  }
  ++(result.changed ? counts.changed : counts.unchanged);
  if (result.forced) {
    ++counts.forced;
    write_diagnostic(std::cerr, "warning", "cancel.forced",
                     std::string(flags.dry_run ? "would FORCE" : "FORCED") + " job " + result.id +
                       " to stopped and its op to canceled without its master's acknowledgement"
                       " (reason: " +
                       flags.reason.value_or("") + "); make sure the job's workers are really gone",
                     {{"id", result.id}, {"reason", flags.reason.value_or("")}});
  }
}

// Tick until no named job waits for its cancellation; return the wait report.
nlohmann::json wait_for(store::Metastore& store, const std::vector<std::string>& ids,
                        const CancelFlags& flags, Globals& globals) {
  const std::string timeout_text = flags.wait.empty() ? k_default_wait : flags.wait;
  if (ids.empty()) {
    // Nothing to wait for (an empty id list, or every id failed): no tick.
    return {{"done", true},
            {"interrupted", false},
            {"ticks", 0},
            {"timeout", timeout_text},
            {"pending", nlohmann::json::array()}};
  }
  const StopSignal stop;
  auto router = make_router_from(flags.router);
  ops::JobOperator op(store, *router);
  LoopOptions loop;
  loop.interval = duration_flag(flags.interval);
  loop.timeout = duration_flag(timeout_text);
  std::vector<std::string> pending;
  std::size_t ticks = 0;
  const LoopEnd end =
    run_tick_loop(op, *globals.clock, {}, loop, stop,
                  [&](const ops::TickResult& result, std::size_t tick, core::UnixNanos) {
                    report_tick_problems(result, globals);
                    ticks = tick;
                    pending.clear();
                    const auto rows = store.find_jobs(ids);
                    for (std::size_t i = 0; i < ids.size(); ++i) {
                      if (rows[i] && rows[i]->cancel_pending()) {
                        pending.push_back(ids[i]);
                      }
                    }
                    return pending.empty();
                  });
  return {{"done", end == LoopEnd::done},
          {"interrupted", end == LoopEnd::stopped},
          {"ticks", ticks},
          {"timeout", timeout_text},
          {"pending", pending}};
}

void run_cancel(CancelFlags& flags, Globals& globals) {
  // The reason rules come first, whatever else is wrong: --force without a
  // reason is always cancel.reason_required.
  ops::CancelOptions options;
  options.dry_run = flags.dry_run;
  options.force = flags.force;
  options.reason = flags.reason;
  ops::check_cancel_options(options);
  const auto ids = job_ids_from(flags.ids, std::cin);
  const bool wait = flags.wait_option->count() > 0;
  if (wait) {
    duration_flag(flags.wait.empty() ? k_default_wait : flags.wait);
    make_router_from(flags.router);
  }
  options.actor = audit_context(globals, options.reason).actor;
  status::ViewOptions view;
  view.stuck_after = duration_flag(flags.stuck_after);
  const auto opened =
    open_store(globals, flags.dry_run ? store::OpenMode::read_only : store::OpenMode::read_write);
  store::Metastore& store = *opened;
  view.now = globals.clock->now();

  const auto format = parse_output_format(flags.output);
  auto writer = make_record_writer(format, std::cout, "jobs", cancel_columns(),
                                   format == OutputFormat::table && stdout_wants_colour());
  CancelCounts counts;
  if (!wait) {
    // Stream: a bulk cancel of many ids prints each result as its chunk commits.
    std::string text;
    ops::cancel_jobs(store, ids, options, view.now, [&](const ops::CancelResult& result) {
      account(result, flags, counts, globals);
      if (writer->takes_text()) {
        text.clear();
        status::append_cancel_record(text, result, view);
        writer->write_text(text);
      } else {
        writer->write(status::cancel_record(result, view));
      }
    });
    writer->finish({{"counts", counts.to_json()}, {"dry_run", flags.dry_run}});
    return;
  }

  auto results = ops::cancel_jobs(store, ids, options, view.now);
  std::vector<std::string> waiting;
  for (const auto& result : results) {
    account(result, flags, counts, globals);
    if (!result.failure) {
      waiting.push_back(result.id);
    }
  }
  const auto report = wait_for(store, waiting, flags, globals);
  // Show each job as the wait left it, with what the cancel itself did.
  view.now = globals.clock->now();
  const auto rows = store.find_jobs(waiting);
  std::size_t next = 0;
  for (auto& result : results) {
    if (!result.failure) {
      result.row = rows[next++];
    }
    writer->write(status::cancel_record(result, view));
  }
  writer->finish({{"counts", counts.to_json()}, {"dry_run", false}, {"wait", report}});
  if (report["interrupted"].get<bool>()) {
    throw core::DeadlineError("cancel.wait_interrupted",
                              "the wait was interrupted before every cancellation was done");
  }
  if (!report["done"].get<bool>()) {
    throw core::DeadlineError("cancel.wait_timeout",
                              "--wait " + report["timeout"].get<std::string>() + " passed and " +
                                std::to_string(report["pending"].size()) +
                                " job(s) are still canceling; their masters have not stopped",
                              {{"pending", report["pending"]}});
  }
}

} // namespace

void setup_cancel_command(CLI::App& app, Globals& globals) {
  auto flags = std::make_shared<CancelFlags>();
  auto* command = app.add_subcommand(
    "cancel", "Cancel jobs as the engine's CancelJob does: a live job becomes canceling until "
              "a tick sees its master stop; a terminated job is left as it is");
  // Not required here: an empty list is input.no_ids, after the reason rules.
  command->add_option("ID", flags->ids, "Job ids, or - to read them from stdin (one a line)");
  command->footer(k_cancel_examples);
  auto* dry_run =
    command->add_flag("--dry-run", flags->dry_run, "Say what would change; write nothing");
  auto* force = command->add_flag(
    "--force", flags->force,
    "Escape hatch for a master that never acknowledges: mark the job stopped and its op "
    "canceled at once (needs --reason)");
  command->add_option("--reason", flags->reason,
                      "Why (never blank): kept in the audit trail (`jobop history`); with "
                      "--force, required and recorded as the job's error message");
  (void)force;
  flags->wait_option =
    command
      ->add_option("--wait", flags->wait,
                   std::string("Tick until every job's cancellation is done, at most this long "
                               "(default ") +
                     k_default_wait + "); exit 6 if it is not. Write --wait=10m")
      ->expected(0, 1)
      ->check(go_duration_validator());
  flags->wait_option->excludes(dry_run);
  command->add_option("--interval", flags->interval, "Pause between the ticks of --wait")
    ->check(go_duration_validator())
    ->capture_default_str();
  command
    ->add_option("--stuck-after", flags->stuck_after,
                 "A job canceling for this long looks stuck (field `stuck`)")
    ->check(go_duration_validator())
    ->capture_default_str();
  add_router_options(*command, flags->router);
  add_output_option(*command, flags->output);
  command->callback([flags, &globals] { run_cancel(*flags, globals); });
}

} // namespace jobop::cli
