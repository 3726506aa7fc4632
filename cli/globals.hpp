#pragma once

#include <jobop/core/clock.hpp>
#include <jobop/core/exit_code.hpp>

#include <string>
#include <vector>

namespace jobop::cli {

// Options and state every subcommand shares: parsed before any command runs.
struct Globals {
  // --db PATH|URL (env JOBOP_DB, read before parsing as the default).
  std::string db_path = "./jobop.db";
  // True when --db was given on the command line (it then conflicts with
  // --engine-config; JOBOP_DB yields to it).
  bool db_from_flag = false;
  // --engine-config FILE: the engine's server-master TOML.
  std::string engine_config;
  // --password-file FILE: the MySQL password.
  std::string password_file;
  // --busy-timeout: how long to wait for another writer, as a Go duration.
  std::string busy_timeout = "5s";
  // The command line without the program, for the audit trail.
  std::vector<std::string> args;
  // --color auto|always|never: ANSI colour of tables and text diagnostics.
  std::string colour = "auto";
  // --log-format auto|json|text: how diagnostics look on stderr.
  std::string log_format = "auto";
  // --quiet: no progress and no live lines on stderr.
  bool quiet = false;
  // The wall clock, read only here in the CLI.
  const core::Clock* clock = nullptr;
  // Commands that report many results set the first failure here.
  core::ExitCode exit_code = core::ExitCode::success;
  // Record `code` as the result unless an earlier failure already set one.
  void fail_with(core::ExitCode code) {
    if (exit_code == core::ExitCode::success) {
      exit_code = code;
    }
  }
};

} // namespace jobop::cli
