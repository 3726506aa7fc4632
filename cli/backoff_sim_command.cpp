#include <cli/commands.hpp>
#include <cli/diagnostics.hpp>
#include <jobop/backoff/backoff_config.hpp>
#include <jobop/backoff/config_file.hpp>
#include <jobop/backoff/failure_model.hpp>
#include <jobop/backoff/report.hpp>
#include <jobop/backoff/schedule.hpp>
#include <jobop/backoff/trace_replay.hpp>
#include <jobop/core/exceptions.hpp>
#include <jobop/time/go_duration.hpp>

#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <random>

namespace jobop::cli {

namespace {

constexpr const char* k_footer = R"(Modes:
  (no mode flag)  the retry schedule of the policy: one row per retry and a summary
  --trace FILE|-  replay JSON Lines events {"at":"1m","job":"a","event":"fail"} (online,
                  fail, terminate, check); one JSON line out per line in
  --uptime D      Monte Carlo of jobs that run D per start and then fail

Durations are Go strings (5s, 1m30s, 250ms, 1.5h) or integers of nanoseconds.
Flags win over --config; the file is TOML or JSON, standalone or the engine's
server-master config with a [job-backoff] table.

Examples:
  jobop backoff-sim                                 # the default policy's schedule (JSON)
  jobop backoff-sim -o table --max-try-time 30      # the same for a person
  jobop backoff-sim --config server-master.toml --multiplier 2
  jobop backoff-sim --trace events.jsonl --seed 7   # replay a trace reproducibly
  jobop backoff-sim --uptime 9m --runs 10000        # a job crashing every 9 minutes
  jobop backoff-sim --uptime 0 --tick-interval 15s -o table)";

struct BackoffSimOptions {
  std::string config_path;
  std::string reset_interval;
  std::string initial_interval;
  std::string max_interval;
  std::string multiplier;
  std::string max_try_time;
  std::string randomization_factor;
  std::uint64_t seed = 0;
  std::string trace_path;
  std::string uptime;
  std::int64_t runs = 1000;
  std::string tick_interval = "0";
  std::string horizon;
  std::string output = "json";
  // The options whose presence matters, by key or mode.
  std::vector<std::pair<std::string, CLI::Option*>> config_flags;
  CLI::Option* seed_option = nullptr;
  CLI::Option* trace_option = nullptr;
  CLI::Option* uptime_option = nullptr;
  CLI::Option* horizon_option = nullptr;
};

core::Nanos flag_duration(const std::string& flag, const std::string& text) {
  try {
    return time::parse_duration_or_nanos(text);
  } catch (const core::UsageError& e) {
    throw core::UsageError(e.code(), flag + ": " + e.what(), {{"flag", flag}, {"value", text}});
  }
}

backoff::BackoffConfig effective_config(const BackoffSimOptions& opts) {
  backoff::BackoffConfigBuilder builder;
  if (!opts.config_path.empty()) {
    backoff::apply_backoff_config_file(builder, opts.config_path);
  }
  for (const auto& [key, option] : opts.config_flags) {
    if (option->count() > 0) {
      builder.set(key, option->as<std::string>(), backoff::SettingOrigin::flag, "--" + key);
    }
  }
  return builder.build();
}

// Pick a seed when none was given; it is printed so the run can be repeated.
std::uint64_t choose_seed(const BackoffSimOptions& opts) {
  if (opts.seed_option->count() > 0) {
    return opts.seed;
  }
  std::random_device device;
  // 53 bits: the seed is printed as a JSON number, and jq and JavaScript
  // read numbers as doubles; a larger seed would come back rounded.
  const auto wide = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  return wide & ((std::uint64_t{1} << 53) - 1);
}

void run_trace(const BackoffSimOptions& opts, const backoff::BackoffConfig& config,
               std::uint64_t seed) {
  if (opts.output != "json") {
    throw core::UsageError("usage", "--trace prints JSON Lines only; drop -o " + opts.output);
  }
  std::ifstream file;
  std::istream* in = &std::cin;
  if (opts.trace_path != "-") {
    file.open(opts.trace_path, std::ios::binary);
    if (!file) {
      throw core::UsageError("trace.unreadable", "cannot read trace file " + opts.trace_path,
                             {{"file", opts.trace_path}});
    }
    in = &file;
  }
  // Replay the whole trace first: a bad line prints nothing on stdout.
  const auto steps = backoff::replay_trace(*in, config, seed);
  if (opts.seed_option->count() == 0) {
    write_diagnostic(std::cerr, "info", "backoff_sim.seed",
                     "jitter seed " + std::to_string(seed) + "; pass --seed " +
                       std::to_string(seed) + " to replay identically",
                     {{"seed", seed}});
  }
  for (const auto& step : steps) {
    std::cout << dump_json(backoff::trace_step_to_json(step)) << '\n';
  }
}

void run_failure_model(const BackoffSimOptions& opts, const backoff::BackoffConfig& config,
                       std::uint64_t seed) {
  backoff::FailureModelParams params;
  params.uptime = flag_duration("--uptime", opts.uptime);
  params.runs = opts.runs;
  params.tick_interval = flag_duration("--tick-interval", opts.tick_interval);
  if (opts.horizon_option->count() > 0) {
    params.horizon = flag_duration("--horizon", opts.horizon);
  }
  params.seed = seed;
  const auto result = backoff::run_failure_model(config, params);
  if (opts.output == "table") {
    std::cout << backoff::failure_model_table(config, params, result);
  } else {
    std::cout << dump_json(backoff::failure_model_to_json(config, params, result), 2) << '\n';
  }
}

void run_backoff_sim(const BackoffSimOptions& opts) {
  const backoff::BackoffConfig config = effective_config(opts);
  if (opts.trace_option->count() > 0) {
    run_trace(opts, config, choose_seed(opts));
  } else if (opts.uptime_option->count() > 0) {
    run_failure_model(opts, config, choose_seed(opts));
  } else {
    const auto schedule = backoff::compute_schedule(config);
    if (opts.output == "table") {
      std::cout << backoff::schedule_table(config, schedule);
    } else {
      std::cout << dump_json(backoff::schedule_to_json(config, schedule), 2) << '\n';
    }
  }
}

} // namespace

void setup_backoff_sim_command(CLI::App& app, Globals& /*globals*/) {
  auto opts = std::make_shared<BackoffSimOptions>();
  CLI::App* sub = app.add_subcommand(
    "backoff-sim", "Simulate the engine's job-backoff policy: schedule, trace replay or failure "
                   "model");
  sub->footer(k_footer);
  sub
    ->add_option("--config", opts->config_path,
                 "TOML or JSON file with the keys of the policy (standalone or [job-backoff])")
    ->check(CLI::ExistingFile);
  const std::pair<const char*, std::string*> flags[] = {
    {"reset-interval", &opts->reset_interval},
    {"initial-interval", &opts->initial_interval},
    {"max-interval", &opts->max_interval},
    {"multiplier", &opts->multiplier},
    {"max-try-time", &opts->max_try_time},
    {"randomization-factor", &opts->randomization_factor}};
  const char* help[] = {"A job online this long clears its failure history (default 10m)",
                        "First backoff interval (default 5s)",
                        "Cap of the un-randomised interval (default 5m)",
                        "Growth factor per failure, >= 1 (default 1.2)",
                        "Consecutive failures before the job is terminated (default 600)",
                        "Jitter in [0, 1] (default 0.5)"};
  for (std::size_t i = 0; i < std::size(flags); ++i) {
    auto* option = sub->add_option(std::string("--") + flags[i].first, *flags[i].second, help[i]);
    opts->config_flags.emplace_back(flags[i].first, option);
  }
  opts->seed_option =
    sub->add_option("--seed", opts->seed, "Seed of the jitter (default: random, and printed)");
  opts->trace_option = sub
                         ->add_option("--trace", opts->trace_path,
                                      "Replay a JSON Lines trace from FILE, or - for stdin")
                         ->type_name("FILE");
  opts->uptime_option = sub->add_option(
    "--uptime", opts->uptime, "Failure model: each start runs this long, then fails (0: at once)");
  auto* runs = sub->add_option("--runs", opts->runs, "Failure model: jobs to simulate")
                 ->capture_default_str()
                 ->check(CLI::PositiveNumber);
  auto* tick =
    sub->add_option("--tick-interval", opts->tick_interval,
                    "Failure model: restarts happen only on engine ticks this far apart");
  opts->horizon_option = sub->add_option("--horizon", opts->horizon,
                                         "Failure model: stop simulating a job after this long");
  sub->add_option("-o,--output", opts->output, "json or table (schedule and failure model)")
    ->check(CLI::IsMember({"json", "table"}))
    ->capture_default_str();
  opts->trace_option->excludes(opts->uptime_option);
  runs->needs(opts->uptime_option);
  tick->needs(opts->uptime_option);
  opts->horizon_option->needs(opts->uptime_option);
  sub->callback([opts]() { run_backoff_sim(*opts); });
}

} // namespace jobop::cli
