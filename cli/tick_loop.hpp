#pragma once

#include <cli/globals.hpp>
#include <jobop/core/clock.hpp>
#include <jobop/operator/job_operator.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>

// Ticks in a loop, as the engine runs them every 15 s: `tick --watch`,
// `tick --until-idle` and `cancel --wait`. The clock is read once per tick.
namespace jobop::cli {

struct LoopOptions {
  // Pause between two ticks.
  core::Nanos interval = 15 * core::k_second;
  // Stop when this much time has passed since the first tick.
  std::optional<core::Nanos> timeout;
};

enum class LoopEnd {
  done,     // on_tick said so
  stopped,  // SIGINT/SIGTERM, after the tick in progress
  deadline, // the timeout passed before on_tick said done
};

// Called after each tick with the result, the tick's number (from 1) and its
// `now`; return true to stop.
using OnTick = std::function<bool(const ops::TickResult&, std::size_t, core::UnixNanos)>;

// Tick with `op` until `on_tick` returns true, a stop signal arrives or the
// timeout passes; a signal never interrupts a tick (its transactions end first).
LoopEnd run_tick_loop(ops::JobOperator& op, const core::Clock& clock,
                      const ops::TickOptions& tick_options, const LoopOptions& loop,
                      const OnTick& on_tick);

// Return the JSON document of one tick: at, router, dry_run, items, counts, idle.
nlohmann::json tick_document(const ops::TickResult& result, core::UnixNanos now,
                             std::string_view router);

// Write a warning line on stderr per failed send and an error line per store
// error item; a store error makes the command fail with exit 5.
void report_tick_problems(const ops::TickResult& result, Globals& globals);

} // namespace jobop::cli
