#include <cli/run.hpp>

#include <cli/build_info.hpp>
#include <cli/command_support.hpp>
#include <cli/commands.hpp>
#include <cli/diagnostics.hpp>
#include <cli/help.hpp>
#include <cli/suggest.hpp>
#include <cli/terminal_options.hpp>
#include <jobop/core/exceptions.hpp>
#include <jobop/store/open.hpp>

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>

namespace jobop::cli {

namespace {

constexpr const char* k_description =
  "jobop administers the job metastore of a distributed job engine: cancel jobs and drive\n"
  "the cancellation to its end, see where every job stands, and simulate the retry-backoff\n"
  "policy. Results are JSON on stdout; diagnostics go to stderr, as JSON lines (readable\n"
  "lines when stderr is a terminal; --log-format). Tables: -o table|wide.\n\n"
  "Exit codes: 0 success, 1 internal error, 2 usage, 3 job not found, 4 conflict,\n"
  "5 metastore unavailable, 6 deadline passed, 7 output lost (stdout full or closed).";

// CLI11 reports its own parse errors as text; jobop speaks JSON on stderr,
// with the nearest name for a mistyped command or flag.
int report_parse_error(const CLI::App& app, const CLI::ParseError& e) {
  if (const auto suggestion = suggest_for(app)) {
    write_diagnostic(std::cerr, "error", "usage", suggestion->message,
                     {{"argument", suggestion->argument}, {"suggestion", suggestion->suggestion}});
  } else {
    write_diagnostic(std::cerr, "error", "usage", e.what());
  }
  return core::to_int(core::ExitCode::usage);
}

} // namespace

int run(int argc, char** argv) {
  // jobop never mixes C stdio with iostreams; unsynced streams print a
  // million status lines much faster.
  std::ios::sync_with_stdio(false);
  core::SystemClock clock;
  Globals globals;
  globals.clock = &clock;
  globals.args.assign(argv + (argc > 0 ? 1 : 0), argv + argc);

  CLI::App app{k_description, "jobop"};
  install_help_formatter(app);
  // A function, so that only --version loads the MySQL client library (its
  // version is part of the text): every other run starts without it.
  app.set_version_flag("--version", [] {
    return std::string("jobop ") + JOBOP_VERSION + " (commit " + k_build_commit + ", " +
           k_build_type + ")\n" + "commit: " + k_build_commit + "\nbuild type: " + k_build_type +
           "\n" + store::backend_library_versions();
  });
  app.require_subcommand(0, 1);
  // Subcommands pass options they do not know (like --db) up to here, so
  // global options are accepted before or after the subcommand.
  app.fallthrough();
  if (const char* env_db = std::getenv("JOBOP_DB"); env_db != nullptr && *env_db != '\0') {
    globals.db_path = env_db;
  }
  app
    .add_option("--db", globals.db_path,
                "The metastore: an SQLite file, or mysql://USER@HOST[:PORT]/SCHEMA[?PARAMS] "
                "for MySQL, MariaDB or TiDB (env JOBOP_DB; password from JOBOP_DB_PASSWORD or "
                "--password-file)")
    ->type_name("PATH|URL")
    ->each([&globals](const std::string&) { globals.db_from_flag = true; })
    ->capture_default_str();
  app
    .add_option("--engine-config", globals.engine_config,
                "The engine's server-master TOML: use its [framework-meta] metastore (not "
                "with --db)")
    ->type_name("FILE");
  app
    .add_option("--password-file", globals.password_file,
                "File holding the MySQL password (must not be readable by group or others)")
    ->type_name("FILE");
  app
    .add_option("--busy-timeout", globals.busy_timeout,
                "How long to wait for another writer of the metastore (Go duration)")
    ->capture_default_str()
    ->type_name("DURATION");
  add_terminal_options(app, globals);

  setup_init_command(app, globals);
  setup_job_command(app, globals);
  setup_cancel_command(app, globals);
  setup_status_command(app, globals);
  setup_tick_command(app, globals);
  setup_history_command(app, globals);
  setup_backoff_sim_command(app, globals);
  setup_completion_command(app, globals);
  name_value_kinds(app);
  setup_help_command(app); // last: it completes the commands above

  try {
    app.parse(argc, argv);
    if (app.get_subcommands().empty()) {
      std::cout << help_text(app) << std::flush; // a bare `jobop` is asking for help
    }
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return report_parse_error(app, e);
  } catch (const core::Error& e) {
    write_diagnostic(std::cerr, "error", e.code(), e.what(), e.details());
    // With several jobs the exit code is the first failure's: a job that
    // failed before this error (e.g. a --wait deadline) keeps its code.
    globals.fail_with(e.exit_code());
    return core::to_int(globals.exit_code);
  } catch (const std::exception& e) {
    write_diagnostic(std::cerr, "error", "internal", e.what());
    return core::to_int(core::ExitCode::internal);
  }
  return core::to_int(globals.exit_code);
}

} // namespace jobop::cli
