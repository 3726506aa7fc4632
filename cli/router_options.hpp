#pragma once

#include <jobop/operator/cancel_router.hpp>

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

// The router flags `tick` and `cancel --wait` share.
namespace jobop::cli {

struct RouterFlags {
  std::string router = "outbox";
  std::string exec_program;
  std::string exec_timeout = "10s";
  std::vector<std::string> exec_env;
  CLI::Option* router_option = nullptr;
};

// Add --router outbox|exec|none, --exec PROGRAM and --exec-timeout D to `command`.
void add_router_options(CLI::App& command, RouterFlags& flags);

// Return the router the flags name; `--exec` alone implies `--router exec`.
// An exec program is stopped when SIGINT/SIGTERM arrive (cli::stop_requested).
std::unique_ptr<ops::CancelRouter> make_router_from(const RouterFlags& flags);

} // namespace jobop::cli
