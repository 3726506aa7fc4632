#pragma once

#include <jobop/backoff/backoff_config.hpp>
#include <jobop/backoff/exponential_backoff.hpp>
#include <jobop/backoff/rng.hpp>
#include <jobop/core/clock.hpp>

#include <cstdint>
#include <optional>

// One job's backoff, the engine's JobBackoff (SPEC §3), in O(1) state.
namespace jobop::backoff {

// The engine keeps the list of online/offline events since the last reset;
// every decision reads only: the kind and time of the last event, the time of
// the last offline event, how many events and how many offline events there
// are. This class keeps exactly those, so its decisions are the same.
// Times are nanoseconds on any monotonic scale (a trace's start is 0).
class JobBackoff {
public:
  // `config` must be validated and outlive this object; jitter comes from `rng`.
  JobBackoff(const BackoffConfig& config, Rng rng)
    : m_config(&config), m_backoff(config), m_rng(rng) {}

  // The job came online at `now` (JobOnline).
  void success(core::UnixNanos now) {
    add_event(now);
    m_last_is_online = true;
  }

  // The job failed at `now` (JobFail): record it, then draw the next interval.
  void fail(core::UnixNanos now) {
    add_event(now);
    m_last_is_online = false;
    m_last_offline_at = now;
    ++m_offline_events;
    m_interval = m_backoff.next_backoff(m_rng);
  }

  // True iff the job may be started at `now`: at least the current interval
  // passed since the last failure (always, with no failure in the history).
  bool allow(core::UnixNanos now) const {
    return m_offline_events == 0 || now - m_last_offline_at >= m_interval;
  }

  // True iff the history holds at least max-try-time events and at least
  // max-try-time of them are failures: the engine then gives up on the job.
  bool terminate() const {
    return m_events >= m_config->max_try_time && m_offline_events >= m_config->max_try_time;
  }

  // The current backoff interval (randomised), 0 after a reset.
  core::Nanos interval() const { return m_interval; }
  // Offline events in the current history.
  std::int64_t failures() const { return m_offline_events; }
  // All events in the current history.
  std::int64_t events() const { return m_events; }
  // The time of the last failure in the current history, if any.
  std::optional<core::UnixNanos> last_failure_at() const {
    return m_offline_events == 0 ? std::nullopt : std::optional(m_last_offline_at);
  }
  // The earliest time >= `now` at which allow() holds (saturating).
  core::UnixNanos retry_at(core::UnixNanos now) const;

private:
  // The engine's addEvent: a job online for reset-interval clears its history.
  void add_event(core::UnixNanos now) {
    if (m_events > 0 && m_last_is_online && now - m_last_event_at >= m_config->reset_interval) {
      m_events = 0;
      m_offline_events = 0;
      m_backoff.reset();
      m_interval = 0;
    }
    ++m_events;
    m_last_event_at = now;
  }

  const BackoffConfig* m_config;
  ExponentialBackoff m_backoff;
  Rng m_rng;
  core::Nanos m_interval = 0;
  std::int64_t m_events = 0;
  std::int64_t m_offline_events = 0;
  core::UnixNanos m_last_event_at = 0;
  core::UnixNanos m_last_offline_at = 0;
  bool m_last_is_online = false;
};

} // namespace jobop::backoff
