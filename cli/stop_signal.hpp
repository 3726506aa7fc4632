#pragma once

#include <jobop/core/clock.hpp>

// Graceful stop of a loop (`tick --watch`, `cancel --wait`) on SIGINT/SIGTERM.
// The handler only records the request, so a tick in progress (and its
// transaction) always runs to its end; the loop checks between ticks.
namespace jobop::cli {

class StopSignal {
public:
  // Install handlers for SIGINT and SIGTERM; only one StopSignal may live at a time.
  StopSignal();
  // Restore the handlers that were there before.
  ~StopSignal();
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  // Return true once SIGINT or SIGTERM arrived.
  bool requested() const;

  // Sleep for `duration`, waking at once when a stop is requested; return
  // requested().
  bool sleep_for(core::Nanos duration) const;
};

} // namespace jobop::cli
