#pragma once

#include <cli/globals.hpp>
#include <jobop/core/clock.hpp>
#include <jobop/store/metastore.hpp>
#include <jobop/store/open.hpp>

#include <CLI/CLI.hpp>

#include <istream>
#include <memory>
#include <string>
#include <vector>

// Small pieces every metastore subcommand shares: opening the store with the
// global options, duration flags, and job ids from arguments or stdin.
namespace jobop::cli {

// Return a CLI11 validator that accepts a Go duration ("15s", "1m30s");
// with `positive`, zero and negative durations are refused too.
CLI::Validator go_duration_validator(bool positive = true);

// Name the values of the options of `app` and its subcommands for help, the
// man page and completion, where CLI11 would say TEXT: DURATION for a Go
// duration, the option's name for one of a set (ROUTER, FORMAT for -o).
void name_value_kinds(CLI::App& app);

// Return the Go duration `text` of a flag already checked by
// go_duration_validator.
core::Nanos duration_flag(const std::string& text);

// Return the store options of the global flags (--busy-timeout parsed).
store::StoreOptions store_options(const Globals& globals);

// Return where the global flags and the environment (JOBOP_DB_PASSWORD) say
// the metastore is.
store::StoreTarget store_target(const Globals& globals);

// Open the metastore at --db in `mode` with --busy-timeout. Every mode but
// create_or_adopt refuses a missing file (exit 5) and creates nothing.
std::unique_ptr<store::Metastore> open_store(const Globals& globals, store::OpenMode mode);

// Return the job ids a command was given: `args` as they are, or, when
// `args` is exactly "-", one id per line of `in` with blank lines skipped
// (and a trailing CR dropped). Empty stdin is an empty list (SPEC §4: a
// pipeline that selected nothing succeeds). Throw core::UsageError
// (input.no_ids) when `args` is empty, and (input.stdin_mixed) when "-" comes
// with other ids.
std::vector<std::string> job_ids_from(const std::vector<std::string>& args, std::istream& in);

} // namespace jobop::cli
