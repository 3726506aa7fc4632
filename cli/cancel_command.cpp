#include <cli/commands.hpp>

#include <cli/audit_actor.hpp>
#include <cli/command_support.hpp>
#include <cli/confirm.hpp>
#include <cli/diagnostics.hpp>
#include <cli/human_time.hpp>
#include <cli/live_jobs.hpp>
#include <cli/output.hpp>
#include <cli/progress.hpp>
#include <cli/router_options.hpp>
#include <cli/stop_signal.hpp>
#include <cli/table_options.hpp>
#include <cli/terminal_options.hpp>
#include <cli/tick_loop.hpp>
#include <jobop/core/exceptions.hpp>
#include <jobop/model/codes.hpp>
#include <jobop/operator/cancel.hpp>
#include <jobop/status/records_json.hpp>
#include <jobop/text/utf8.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <unistd.h>

namespace jobop::cli {

namespace {
constexpr const char* k_cancel_examples = R"(Examples:
  jobop cancel payments-cdc-orders               # request it; a tick sends the cancel
  jobop cancel --wait=2m payments-cdc-orders      # ...and tick until the master stopped (exit 6 if not)
  jobop cancel --dry-run a b c                    # what would change; writes nothing
  jobop status --state running -o jsonl | jq -r .id | jobop cancel -
  jobop cancel --reason "INC-123: runaway" orders # the reason goes to `jobop history`
  jobop cancel --force --reason "master lost, INC-123" stuck-job   # last resort

On a terminal, --force and a cancel of more than 20 jobs list what will change
and ask [y/N] first (--yes skips it); without a terminal nothing is asked.)";
// Throw core::DeadlineError cancel.interrupted (exit 6, as an interrupted
// --wait) when a signal stopped the cancel after `processed` of `total` ids.
void throw_if_interrupted(std::size_t processed, std::size_t total) {
  if (processed == total) {
    return;
  }
  throw core::DeadlineError(
    "cancel.interrupted",
    "stopped by a signal after " + std::to_string(processed) + " of " + std::to_string(total) +
      " ids: those are done and reported, the other " + std::to_string(total - processed) +
      " were not touched (run the cancel again for them: it is idempotent)",
    {{"processed", processed}, {"total", total}});
}

} // namespace

namespace {

// How long `--wait` alone waits.
constexpr const char* k_default_wait = "5m";
// A cancel of more ids than this asks first on a terminal and shows progress.
constexpr std::size_t k_many_jobs = 20;

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
  RecordOutputFlags output;
  bool yes = false;
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
  static const std::vector<Column> columns = {
    {"ID", "/id"},
    {"STATE", "/state"},
    {"OP", "/op", 4},
    {"CHANGED", "/changed", 2},
    {"FORCED", "/forced", 3},
    {"CANCELING", "/canceling_since", 5, CellKind::age},
    {"SENDS", "/cancel_sends", 6},
    {"STUCK", "/stuck", 7},
    {"PROJECT", "/project", 8},
    {"TYPE", "/type", 9},
    {"FAILURE", "/failure/code", 1},
    {"MESSAGE", "/failure/message", 10, CellKind::text, true}};
  return columns;
}

std::string cancel_footer(const nlohmann::json& summary) {
  if (!summary.contains("counts")) {
    return "";
  }
  const auto& counts = summary.at("counts");
  std::string line = std::to_string(counts.value("requested", 0)) +
                     " requested: " + std::to_string(counts.value("changed", 0)) + " changed, " +
                     std::to_string(counts.value("unchanged", 0)) + " unchanged, " +
                     std::to_string(counts.value("failed", 0)) + " failed";
  if (counts.value("forced", 0) > 0) {
    line += ", " + std::to_string(counts.value("forced", 0)) + " FORCED";
  }
  return line;
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
  const core::Nanos stuck_after = duration_flag(flags.stuck_after);
  // On a terminal: a line per job still canceling, redrawn after each tick.
  std::unique_ptr<LiveBlock> live;
  if (progress_wanted(globals)) {
    live = std::make_unique<LiveBlock>(std::cerr);
  }
  std::optional<core::UnixNanos> started;
  const LoopEnd end = run_tick_loop(
    op, *globals.clock, {}, loop, stop,
    [&](const ops::TickResult& result, std::size_t tick, core::UnixNanos now) {
      report_tick_problems(result, globals);
      ticks = tick;
      started = started.value_or(now);
      pending.clear();
      std::vector<model::StatusRow> pending_rows;
      const auto rows = store.find_jobs(ids);
      for (std::size_t i = 0; i < ids.size(); ++i) {
        if (rows[i] && rows[i]->cancel_pending()) {
          pending.push_back(ids[i]);
          if (live) {
            pending_rows.push_back(*rows[i]);
          }
        }
      }
      if (live && !pending.empty()) {
        std::vector<std::string> lines = pending_job_lines(pending_rows, now, stuck_after);
        const core::Nanos left = *started + *loop.timeout - now;
        lines.insert(lines.begin(), "waiting for " + std::to_string(pending.size()) + " of " +
                                      std::to_string(ids.size()) + " job(s) to stop: tick " +
                                      std::to_string(tick) + ", " + human_age(now - *started) +
                                      " elapsed, gives up in " +
                                      human_age(std::max<core::Nanos>(left, 0)));
        live->show(std::move(lines));
      }
      return pending.empty();
    });
  live.reset();
  return {{"done", end == LoopEnd::done},
          {"interrupted", end == LoopEnd::stopped},
          {"ticks", ticks},
          {"timeout", timeout_text},
          {"pending", pending}};
}

// On a terminal, list what --force or a cancel of many jobs would change and
// ask first; a "no" changes nothing (exit 2, cancel.declined). Scripts are
// never asked.
void confirm_cancel(store::Metastore& store, const std::vector<std::string>& ids,
                    const ops::CancelOptions& options, const status::ViewOptions& view,
                    const CancelFlags& flags) {
  const bool stdin_is_data = flags.ids.size() == 1 && flags.ids[0] == "-";
  if (flags.yes || flags.dry_run || !(flags.force || ids.size() > k_many_jobs) ||
      !can_ask(stdin_is_data)) {
    return;
  }
  ops::CancelOptions preview = options;
  preview.dry_run = true;
  std::vector<std::string> changing;
  std::vector<std::string> lines;
  for (const auto& result : ops::cancel_jobs(store, ids, preview, view.now)) {
    if (result.changed) {
      changing.push_back(result.id);
    }
  }
  if (changing.empty()) {
    return; // nothing would change: nothing to regret
  }
  const auto before = store.find_jobs(changing);
  for (std::size_t i = 0; i < changing.size(); ++i) {
    const std::string state =
      before[i] ? std::string(model::user_state_name(before[i]->state())) : std::string("?");
    lines.push_back("  " + text::terminal_safe(changing[i]) + "  " + state + " -> " +
                    (flags.force ? "canceled (FORCED: stopped without its master)" : "canceling"));
  }
  const std::string question =
    (flags.force ? "Force-stop " : "Cancel ") + std::to_string(changing.size()) + " job(s)?";
  if (!ask_yes_no(question, lines, stdin_is_data)) {
    throw core::UsageError("cancel.declined", "not confirmed: nothing was changed",
                           {{"jobs", changing.size()}});
  }
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

  auto writer = make_command_writer(
    flags.output, globals, {"jobs", cancel_columns(), view.now, flags.dry_run, cancel_footer});
  confirm_cancel(store, ids, options, view, flags);
  CancelCounts counts;
  // A bulk cancel shows done/total on a terminal; not while stdout prints
  // its records between the meter's redraws on the same terminal.
  const bool meter = progress_wanted(globals) && ids.size() > k_many_jobs &&
                     (wait || !same_terminal(STDOUT_FILENO, STDERR_FILENO));
  ProgressMeter progress(flags.dry_run ? "cancel (dry run)" : "cancel",
                         static_cast<std::int64_t>(ids.size()), meter);
  std::int64_t done = 0;
  // SIGINT/SIGTERM end the cancel between chunks: what committed is
  // reported, the rest is not touched (SPEC §5).
  std::optional<StopSignal> stop(std::in_place);
  options.stop_requested = [&stop] { return stop->requested(); };
  if (!wait) {
    // Stream: a bulk cancel of many ids prints each result as its chunk commits.
    std::string text;
    const std::size_t processed =
      ops::cancel_jobs(store, ids, options, view.now, [&](const ops::CancelResult& result) {
        progress.update(++done);
        account(result, flags, counts, globals);
        if (writer->takes_text()) {
          text.clear();
          status::append_cancel_record(text, result, view);
          writer->write_text(text);
        } else {
          writer->write(status::cancel_record(result, view));
        }
      });
    progress.finish();
    nlohmann::json summary{{"counts", counts.to_json()}, {"dry_run", flags.dry_run}};
    if (processed < ids.size()) {
      summary["interrupted"] = true;
    }
    writer->finish(summary);
    throw_if_interrupted(processed, ids.size());
    return;
  }

  std::vector<ops::CancelResult> results;
  const std::size_t processed =
    ops::cancel_jobs(store, ids, options, view.now, [&](const ops::CancelResult& result) {
      progress.update(++done);
      results.push_back(result);
    });
  progress.finish();
  // A signal during the cancel, even in its last chunk, means no wait: the
  // wait's own handler would start afresh and lose it.
  if (processed < ids.size() || stop->requested()) {
    // Report what was done, as without --wait.
    for (const auto& result : results) {
      account(result, flags, counts, globals);
      writer->write(status::cancel_record(result, view));
    }
    writer->finish({{"counts", counts.to_json()}, {"dry_run", false}, {"interrupted", true}});
    throw_if_interrupted(processed, ids.size());
    throw core::DeadlineError("cancel.wait_interrupted",
                              "a signal came before the wait began: every cancel is done and "
                              "reported, nothing was waited for");
  }
  // The wait installs its own handler.
  stop.reset();
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
  command->add_flag("-y,--yes", flags->yes,
                    "Do not ask before --force or a cancel of more than 20 jobs (only a terminal "
                    "is ever asked)");
  add_record_output_options(*command, flags->output);
  command->callback([flags, &globals] { run_cancel(*flags, globals); });
}

} // namespace jobop::cli
