#include <jobop/operator/tick_loop.hpp>

#include <algorithm>

namespace jobop::ops {

LoopEnd run_tick_loop(JobOperator& op, const core::Clock& clock, const TickOptions& tick_options,
                      const LoopOptions& loop, const LoopPause& pause, const OnTick& on_tick) {
  TickOptions options = tick_options;
  if (!options.stop_requested) {
    options.stop_requested = [&pause] { return pause.requested(); };
  }
  const core::Nanos started = clock.monotonic();
  for (std::size_t tick = 1;; ++tick) {
    const core::UnixNanos now = clock.now();
    const auto result = op.tick(now, options);
    if (on_tick(result, tick, now)) {
      return LoopEnd::done;
    }
    if (pause.requested()) {
      return LoopEnd::stopped;
    }
    core::Nanos wait = loop.interval;
    if (loop.timeout) {
      const core::Nanos elapsed = clock.monotonic() - started;
      if (elapsed >= *loop.timeout) {
        return LoopEnd::deadline;
      }
      // Tick once more right at the deadline: the last chance to be done.
      wait = std::min(wait, *loop.timeout - elapsed);
    }
    if (pause.sleep_for(wait)) {
      return LoopEnd::stopped;
    }
  }
}

} // namespace jobop::ops
