#pragma once

#include <jobop/core/clock.hpp>
#include <jobop/operator/job_operator.hpp>

#include <cstddef>
#include <functional>
#include <optional>

// Ticks in a loop, as the engine runs them every 15 s: `tick --watch`,
// `tick --until-idle` and `cancel --wait`. Each tick is stamped with the wall
// clock; the pause and the timeout run on the monotonic clock (SPEC §5), so a
// stepped wall clock changes neither.
namespace jobop::ops {

struct LoopOptions {
  // Pause between two ticks.
  core::Nanos interval = 15 * core::k_second;
  // Stop when this much time has passed since the first tick began.
  std::optional<core::Nanos> timeout;
};

enum class LoopEnd {
  done,     // on_tick said so
  stopped,  // SIGINT/SIGTERM, after the tick in progress
  deadline, // the timeout passed before on_tick said done
};

// How a loop waits between ticks and learns that it must stop: the CLI's
// signal-aware sleep (cli::StopSignal), or a test's fake that moves a FakeClock.
class LoopPause {
public:
  virtual ~LoopPause() = default;
  // Return true once a stop was requested.
  virtual bool requested() const = 0;
  // Wait for `duration` on the monotonic clock, waking at once when a stop is
  // requested; return requested().
  virtual bool sleep_for(core::Nanos duration) const = 0;
};

// Called after each tick with the result, the tick's number (from 1) and its
// `now`; return true to stop.
using OnTick = std::function<bool(const TickResult&, std::size_t, core::UnixNanos)>;

// Tick with `op` until `on_tick` returns true, `pause` reports a stop or the
// timeout passes on `clock`'s monotonic reading; the last tick runs right at
// the deadline. A stop is seen between jobs within a tick (tick_options gets
// `pause` as its stop_requested unless it has one), never inside a
// transaction.
LoopEnd run_tick_loop(JobOperator& op, const core::Clock& clock, const TickOptions& tick_options,
                      const LoopOptions& loop, const LoopPause& pause, const OnTick& on_tick);

} // namespace jobop::ops
