#include <cli/tick_loop.hpp>

#include <cli/diagnostics.hpp>
#include <cli/stop_signal.hpp>
#include <jobop/status/records_json.hpp>

#include <algorithm>
#include <iostream>

namespace jobop::cli {

LoopEnd run_tick_loop(ops::JobOperator& op, const core::Clock& clock,
                      const ops::TickOptions& tick_options, const LoopOptions& loop,
                      const OnTick& on_tick) {
  const StopSignal stop;
  std::optional<core::UnixNanos> deadline;
  for (std::size_t tick = 1;; ++tick) {
    const core::UnixNanos now = clock.now();
    if (!deadline && loop.timeout) {
      deadline = now + *loop.timeout;
    }
    const auto result = op.tick(now, tick_options);
    if (on_tick(result, tick, now)) {
      return LoopEnd::done;
    }
    if (stop.requested()) {
      return LoopEnd::stopped;
    }
    core::Nanos pause = loop.interval;
    if (deadline) {
      if (now >= *deadline) {
        return LoopEnd::deadline;
      }
      // Tick once more right at the deadline: the last chance to be done.
      pause = std::min(pause, *deadline - now);
    }
    if (stop.sleep_for(pause)) {
      return LoopEnd::stopped;
    }
  }
}

nlohmann::json tick_document(const ops::TickResult& result, core::UnixNanos now,
                             std::string_view router) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : result.items) {
    items.push_back(status::tick_item(item));
  }
  return {{"at", status::timestamp_json(now)},
          {"router", std::string(router)},
          {"dry_run", result.dry_run},
          {"items", std::move(items)},
          {"counts", status::tick_counts(result.counts)},
          {"idle", result.idle()}};
}

void report_tick_problems(const ops::TickResult& result, Globals& globals) {
  for (const auto& item : result.items) {
    if (item.action == ops::TickAction::send_failed) {
      write_diagnostic(std::cerr, "warning", "tick.send_failed",
                       "the cancel message to the master of job " + item.id +
                         " failed: " + item.error + "; the next tick sends it again",
                       {{"id", item.id}});
    } else if (item.action == ops::TickAction::error) {
      write_diagnostic(std::cerr, "error",
                       item.error_code.empty() ? "store.error" : item.error_code,
                       "job " + item.id + ": " + item.error, {{"id", item.id}});
      globals.fail_with(core::ExitCode::store_unavailable);
    }
  }
}

} // namespace jobop::cli
