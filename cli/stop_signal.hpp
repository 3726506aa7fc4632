#pragma once

#include <jobop/core/clock.hpp>
#include <jobop/operator/tick_loop.hpp>

// Graceful stop of a tick or a loop (`tick`, `tick --watch`, `cancel --wait`)
// on SIGINT/SIGTERM (SPEC §5). The handler only records the request, so a
// transaction in progress always runs to its end; the tick checks between
// jobs, the exec router while its program runs (and stops it), the loop
// between ticks.
namespace jobop::cli {

class StopSignal final : public ops::LoopPause {
public:
  // Install handlers for SIGINT and SIGTERM; only one StopSignal may live at a time.
  StopSignal();
  // Restore the handlers that were there before.
  ~StopSignal() override;
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  // Return true once SIGINT or SIGTERM arrived.
  bool requested() const override;

  // Sleep for `duration`, waking at once when a stop is requested; return
  // requested().
  bool sleep_for(core::Nanos duration) const override;
};

// Return true once SIGINT or SIGTERM arrived while a StopSignal lives; false
// when none does (the signals then keep their default action).
bool stop_requested();

} // namespace jobop::cli
