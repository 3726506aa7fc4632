#include <cli/backoff_sim_options.hpp>
#include <cli/commands.hpp>
#include <cli/terminal_options.hpp>
#include <jobop/core/exceptions.hpp>
#include <jobop/core/exit_code.hpp>

#include <charconv>
#include <memory>

namespace jobop::cli {

namespace {

constexpr const char* k_footer = R"(Modes:
  (no mode flag)  the retry schedule of the policy: one row per retry and a summary
  --trace FILE|-  replay JSON Lines events {"at":"1m","job":"a","event":"fail"} (online,
                  fail, terminate, check); one JSON line out per line in
  --uptime D,...  Monte Carlo of jobs that run D per start and then fail; one result per D
  --vs FILE       the same failure models for a second policy, paired by seed
  --solve KEY     the value of KEY whose percentile of time to terminate is the largest
                  not above --give-up-after

Durations are Go strings (5s, 1m30s, 250ms, 1.5h); a bare number other than 0 is
refused. Flags win over --config; the file is TOML or JSON, standalone or the engine's
server-master config with a [job-backoff] table. Time to terminate counts from the
first failure. Warnings (probable mistakes) never change what is simulated.

Examples:
  jobop backoff-sim                                 # the default policy's schedule (JSON)
  jobop backoff-sim -o table --max-try-time 30      # the same for a person
  jobop backoff-sim -o wide --max-try-time 30       # with every column, however wide
  jobop backoff-sim -o svg > schedule.svg           # the same as a chart
  jobop backoff-sim --config server-master.toml --multiplier 2
  jobop backoff-sim --trace events.jsonl --seed 7   # replay a trace reproducibly
  jobop backoff-sim --uptime 9m --runs 10000        # a job crashing every 9 minutes
  jobop backoff-sim --uptime 0,30s,1m,9m --runs 10000 -o table
  jobop backoff-sim --uptime 1m --vs candidate.toml -o table
  jobop backoff-sim --uptime 1m --solve max-try-time --give-up-after 6h --max-wait 10m)";

CLI::Validator seed_validator() {
  return CLI::Validator(
    [](std::string& text) -> std::string {
      std::uint64_t value = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        return "--seed takes an unsigned integer from 0 to 18446744073709551615, got " +
               text.substr(0, 40);
      }
      return {};
    },
    "N");
}

CLI::Validator at_least_one() {
  return CLI::Validator(
    [](std::string& text) -> std::string {
      std::int64_t value = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 1) {
        return "--runs must be an integer of at least 1, got " + text.substr(0, 40);
      }
      return {};
    },
    "N");
}

void run_backoff_sim(const BackoffSimOptions& opts, Globals& globals) {
  if (!opts.sort_by.empty() && !wants_report(opts)) {
    // The JSON keeps the report's order, which its fields name.
    throw core::UsageError("input.sort_without_table",
                           "--sort-by sorts the rows of a table: add -o table or -o wide",
                           {{"field", opts.sort_by}});
  }
  const LoadedPolicy policy = load_policy(opts);
  if (opts.trace_option->count() > 0) {
    run_trace(opts, policy);
  } else if (!opts.solve_key.empty()) {
    if (!run_solve(opts, policy)) {
      globals.fail_with(core::ExitCode::conflict);
    }
  } else if (!opts.vs_path.empty()) {
    run_compare(opts, policy);
  } else if (opts.uptime_option->count() > 0) {
    run_sweep(opts, policy);
  } else {
    run_schedule(opts, policy);
  }
}

} // namespace

void setup_backoff_sim_command(CLI::App& app, Globals& globals) {
  auto opts = std::make_shared<BackoffSimOptions>();
  CLI::App* sub = app.add_subcommand(
    "backoff-sim", "Simulate the engine's job-backoff policy: schedule, trace replay, failure "
                   "model, comparison and solve");
  sub->footer(k_footer);
  sub
    ->add_option("--config", opts->config_path,
                 "TOML or JSON file with the keys of the policy (standalone or [job-backoff])")
    ->check(CLI::ExistingFile)
    ->type_name("FILE");
  const char* keys[] = {"reset-interval", "initial-interval", "max-interval",
                        "multiplier",     "max-try-time",     "randomization-factor"};
  const char* help[] = {"A job online this long clears its failure history (default 10m)",
                        "First backoff interval (default 5s)",
                        "Cap of the un-randomised interval (default 5m)",
                        "Growth factor per failure (default 1.2; below 1 warns)",
                        "Consecutive failures before the job is terminated (default 600)",
                        "Jitter in [0, 1] (default 0.5; the engine fixes it at 0.5)"};
  const char* types[] = {"DURATION", "DURATION", "DURATION", "FLOAT", "N", "FLOAT"};
  for (std::size_t i = 0; i < std::size(keys); ++i) {
    auto* option = sub->add_option(std::string("--") + keys[i], opts->config_values[i], help[i])
                     ->type_name(types[i]);
    opts->config_flags.emplace_back(keys[i], option);
  }
  opts->seed_option =
    sub->add_option("--seed", opts->seed_text, "Seed of the jitter (default: random, and printed)")
      ->check(seed_validator())
      ->type_name("N");
  opts->trace_option = sub
                         ->add_option("--trace", opts->trace_path,
                                      "Replay a JSON Lines trace from FILE, or - for stdin")
                         ->type_name("FILE");
  opts->uptime_option =
    sub
      ->add_option("--uptime", opts->uptime,
                   "Failure model: each start runs this long, then fails (0: at once); a "
                   "comma-separated list gives one result per uptime")
      ->type_name("DURATION[,...]");
  auto* runs = sub->add_option("--runs", opts->runs, "Failure model: jobs to simulate per uptime")
                 ->capture_default_str()
                 ->check(at_least_one())
                 ->type_name("N");
  auto* tick = sub
                 ->add_option("--tick-interval", opts->tick_interval,
                              "Failure model: restarts happen only on engine ticks this far "
                              "apart (the engine's is 15s; 0s: at once)")
                 ->capture_default_str()
                 ->type_name("DURATION");
  opts->horizon_option =
    sub
      ->add_option("--horizon", opts->horizon,
                   "Failure model: stop simulating a job after this long (default: no limit)")
      ->type_name("DURATION");
  sub
    ->add_option("--vs", opts->vs_path,
                 "Compare with the policy of FILE (over the defaults), same seed and runs")
    ->check(CLI::ExistingFile)
    ->type_name("FILE");
  auto* solve =
    sub
      ->add_option("--solve", opts->solve_key,
                   "Find the value of KEY for --give-up-after, holding the rest")
      ->check(CLI::IsMember({"max-try-time", "max-interval", "multiplier", "initial-interval"}))
      ->type_name("KEY");
  auto* give_up = sub
                    ->add_option("--give-up-after", opts->give_up_after,
                                 "Solve: the time to terminate the percentile must not exceed")
                    ->type_name("DURATION");
  auto* percentile = sub->add_option("--percentile", opts->percentile, "Solve: which percentile")
                       ->check(CLI::IsMember({"p50", "p90", "p99"}))
                       ->capture_default_str()
                       ->type_name("p50|p90|p99");
  opts->max_wait_option =
    sub
      ->add_option("--max-wait", opts->max_wait,
                   "Solve: the longest single wait allowed, max-interval x (1 + jitter)")
      ->type_name("DURATION");
  sub
    ->add_option("-o,--output", opts->output,
                 "json, table, wide (a table with every column, however wide) or svg "
                 "(schedule, failure model, solve); a table fits the terminal, and on one the "
                 "schedule's adds a sparkline")
    ->check(CLI::IsMember({"json", "table", "wide", "svg"}))
    ->capture_default_str()
    ->type_name("json|table|wide|svg");
  sub->add_flag("--no-headers", opts->no_headers,
                "Tables: their rows only, no header line nor text around them (warnings go to "
                "stderr, as with json)");
  sub
    ->add_option("--sort-by", opts->sort_by,
                 "Tables: sort the rows of the failure model, --vs and --solve tables by a "
                 "column (uptime, p50, p99, p50_diff, ...), durations by value")
    ->type_name("FIELD");
  opts->trace_option->excludes(opts->uptime_option);
  opts->trace_option->excludes(solve);
  solve->needs(give_up);
  give_up->needs(solve);
  percentile->needs(solve);
  opts->max_wait_option->needs(solve);
  auto* vs = sub->get_option("--vs");
  vs->excludes(solve);
  vs->excludes(opts->trace_option);
  sub->callback([opts, sub, &globals]() {
    // --vs and --solve run failure models; without --uptime they fail at once.
    if (opts->uptime.empty()) {
      opts->uptime = "0s";
    }
    const bool model =
      opts->uptime_option->count() > 0 || !opts->vs_path.empty() || !opts->solve_key.empty();
    if (!model) {
      for (const auto* flag : {"--runs", "--tick-interval", "--horizon"}) {
        if (sub->get_option(flag)->count() > 0) {
          throw CLI::RequiresError(flag, "--uptime");
        }
      }
    }
    opts->progress = progress_wanted(globals);
    run_backoff_sim(*opts, globals);
  });
  (void)runs;
  (void)tick;
}

} // namespace jobop::cli
