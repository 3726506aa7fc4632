#include <cli/commands.hpp>

#include <cli/command_support.hpp>
#include <cli/live_jobs.hpp>
#include <cli/output.hpp>
#include <cli/progress.hpp>
#include <cli/router_options.hpp>
#include <cli/stop_signal.hpp>
#include <cli/table_options.hpp>
#include <cli/terminal.hpp>
#include <cli/terminal_options.hpp>
#include <cli/tick_loop.hpp>
#include <jobop/core/exceptions.hpp>
#include <jobop/status/records_json.hpp>
#include <jobop/time/go_duration.hpp>

#include <iostream>
#include <memory>

namespace jobop::cli {

namespace {
constexpr const char* k_tick_examples = R"(Examples:
  jobop tick                                      # one tick, as the engine runs every 15 s
  jobop tick --dry-run                            # what a tick would do; writes nothing
  jobop tick --watch --interval 15s               # a JSON line per tick until Ctrl-C
  jobop tick -o table                             # the tick's items for a person
  jobop tick --until-idle --timeout 5m            # until nothing is canceling (exit 6 if not)
  jobop tick --router exec --exec /usr/local/bin/notify-master)";
} // namespace

namespace {

struct TickFlags {
  RouterFlags router;
  bool dry_run = false;
  bool watch = false;
  bool until_idle = false;
  std::string interval = "15s";
  std::string timeout;
  std::string stuck_after = "5m";
  RecordOutputFlags output;
};

const std::vector<Column>& tick_columns() {
  static const std::vector<Column> columns = {{"ID", "/id"},
                                              {"ACTION", "/action"},
                                              {"CODE", "/error_code", 2},
                                              {"ERROR", "/error", 1, CellKind::text, true}};
  return columns;
}

std::string tick_footer(const nlohmann::json& summary) {
  if (!summary.contains("counts")) {
    return "";
  }
  std::string line;
  for (const auto& [action, count] : summary.at("counts").items()) {
    line += (line.empty() ? "" : ", ") + std::to_string(count.get<std::size_t>()) + " " + action;
  }
  return line;
}

// Print one tick's document as JSON (one line) or its items as a table.
void print_tick(const TickFlags& flags, const Globals& globals, const nlohmann::json& document,
                std::optional<std::size_t> tick) {
  const auto format = parse_output_format(flags.output.output);
  if (format == OutputFormat::json || format == OutputFormat::jsonl) {
    print_json_line(std::cout, document);
    return;
  }
  if (tick && !flags.output.no_headers) {
    std::cout << "tick " << *tick << " at " << document.at("at").get<std::string>() << '\n';
  }
  auto writer = make_command_writer(
    flags.output, globals,
    {"items", tick_columns(), 0, document.at("dry_run").get<bool>(), tick_footer});
  for (const auto& item : document.at("items")) {
    writer->write(item);
  }
  writer->finish({{"counts", document.at("counts")}});
}

// The lines of every job still canceling after a tick, for the live block.
std::vector<std::string> pending_lines(store::Metastore& store, core::UnixNanos now,
                                       core::Nanos stuck_after, std::size_t tick) {
  model::StatusFilter filter;
  filter.ops = {model::OpStatus::canceling};
  filter.include_orphans = false;
  std::vector<model::StatusRow> pending;
  store.for_each_status_row(filter, [&](const model::StatusRow& row) {
    if (row.cancel_pending() && !row.orphan()) {
      pending.push_back(row);
    }
  });
  std::vector<std::string> lines = pending_job_lines(pending, now, stuck_after);
  lines.insert(lines.begin(), "tick " + std::to_string(tick) + ": " +
                                std::to_string(pending.size()) + " job(s) still canceling");
  return lines;
}

void run_tick(const TickFlags& flags, Globals& globals) {
  const bool loop_mode = flags.watch || flags.until_idle;
  if (!flags.output.sort_by.empty()) {
    sort_pointer(flags.output.sort_by, tick_columns());
  }
  if (!loop_mode && !flags.timeout.empty()) {
    throw core::UsageError("usage", "--timeout bounds a loop: use it with --watch or --until-idle");
  }
  auto router = make_router_from(flags.router);
  ops::TickOptions tick_options;
  tick_options.dry_run = flags.dry_run;
  const auto opened =
    open_store(globals, flags.dry_run ? store::OpenMode::read_only : store::OpenMode::read_write);
  store::Metastore& store = *opened;
  ops::JobOperator op(store, *router);
  // SIGINT/SIGTERM end even a single tick at the next job (SPEC §5).
  const StopSignal stop;

  if (!loop_mode) {
    const core::UnixNanos now = globals.clock->now();
    tick_options.stop_requested = [&stop] { return stop.requested(); };
    const auto result = op.tick(now, tick_options);
    report_tick_problems(result, globals);
    print_tick(flags, globals, tick_document(result, now, router->name()), std::nullopt);
    return;
  }

  LoopOptions loop;
  loop.interval = duration_flag(flags.interval);
  if (!flags.timeout.empty()) {
    loop.timeout = duration_flag(flags.timeout);
  }
  bool idle = false;
  const core::Nanos stuck_after = duration_flag(flags.stuck_after);
  // On a terminal: a line per job still canceling, kept below the output.
  std::unique_ptr<LiveBlock> live;
  if (progress_wanted(globals)) {
    live = std::make_unique<LiveBlock>(std::cerr);
  }
  const LoopEnd end =
    run_tick_loop(op, *globals.clock, tick_options, loop, stop,
                  [&](const ops::TickResult& result, std::size_t tick, core::UnixNanos now) {
                    if (live) {
                      live->clear();
                    }
                    report_tick_problems(result, globals);
                    auto line = tick_document(result, now, router->name());
                    line["tick"] = tick;
                    print_tick(flags, globals, line, tick);
                    idle = result.idle();
                    if (live) {
                      live->show(pending_lines(store, now, stuck_after, tick));
                    }
                    return flags.until_idle && idle;
                  });
  live.reset();
  if (end == LoopEnd::deadline && !idle) {
    throw core::DeadlineError("tick.timeout", "--timeout " + flags.timeout +
                                                " passed and jobs are still canceling");
  }
}

} // namespace

void setup_tick_command(CLI::App& app, Globals& globals) {
  auto flags = std::make_shared<TickFlags>();
  auto* command = app.add_subcommand(
    "tick", "Drive every canceling op one step, as the engine's Tick does: an orphan becomes "
            "noop, a terminated job's op canceled, a live job's master is sent a cancel");
  add_router_options(*command, flags->router);
  command->footer(k_tick_examples);
  auto* dry_run = command->add_flag("--dry-run", flags->dry_run,
                                    "Say what a tick would do; write and send nothing");
  command->add_flag(
    "--watch", flags->watch,
    "Tick every --interval until SIGINT/SIGTERM (after the tick in progress); one JSON line "
    "per tick");
  auto* until_idle = command->add_flag(
    "--until-idle", flags->until_idle,
    "Tick every --interval until no op is canceling any more; one JSON line per tick");
  command->add_option("--interval", flags->interval, "Pause between two ticks of a loop")
    ->check(go_duration_validator())
    ->capture_default_str();
  command
    ->add_option("--timeout", flags->timeout,
                 "Give up a loop after this long: exit 6 if jobs are still canceling")
    ->check(go_duration_validator());
  command
    ->add_option("--stuck-after", flags->stuck_after,
                 "Live lines on a terminal: a job canceling for this long is marked STUCK")
    ->check(go_duration_validator())
    ->capture_default_str();
  add_record_output_options(*command, flags->output);
  dry_run->excludes(until_idle);
  command->callback([flags, &globals] { run_tick(*flags, globals); });
}

} // namespace jobop::cli
