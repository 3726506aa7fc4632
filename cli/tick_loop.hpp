#pragma once

#include <cli/globals.hpp>
#include <jobop/core/clock.hpp>
#include <jobop/operator/job_operator.hpp>
#include <jobop/operator/tick_loop.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>

// What `tick` and `cancel --wait` print of their ticks; the loop itself is
// core logic (jobop/operator/tick_loop.hpp).
namespace jobop::cli {

using ops::LoopEnd;
using ops::LoopOptions;
using ops::run_tick_loop;

// Return the JSON document of one tick: at, router, dry_run, items, counts,
// idle, and `interrupted: true` when a signal ended it early.
nlohmann::json tick_document(const ops::TickResult& result, core::UnixNanos now,
                             std::string_view router);

// Write a warning line on stderr per failed send and an error line per store
// error item; a store error makes the command fail with exit 5.
void report_tick_problems(const ops::TickResult& result, Globals& globals);

} // namespace jobop::cli
