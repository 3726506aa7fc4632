#pragma once

#include <cstdint>

// Time in jobop is an input: core logic takes `now` or a Clock&, and only the
// CLI reads the wall clock, once, through SystemClock.
namespace jobop::core {

// Nanoseconds, the unit of Go's time.Duration and of every duration here.
using Nanos = std::int64_t;

// Nanoseconds since the Unix epoch, UTC.
using UnixNanos = std::int64_t;

constexpr Nanos k_nanosecond = 1;
constexpr Nanos k_microsecond = 1000 * k_nanosecond;
constexpr Nanos k_millisecond = 1000 * k_microsecond;
constexpr Nanos k_second = 1000 * k_millisecond;
constexpr Nanos k_minute = 60 * k_second;
constexpr Nanos k_hour = 60 * k_minute;

// A source of the current time; tests pass a FakeClock.
class Clock {
public:
  virtual ~Clock() = default;
  // Return the current time.
  virtual UnixNanos now() const = 0;
};

// The wall clock. The only place in src/ that reads it.
class SystemClock final : public Clock {
public:
  UnixNanos now() const override;
};

// A clock that stands still until told to move.
class FakeClock final : public Clock {
public:
  explicit FakeClock(UnixNanos start = 0) : m_now(start) {}
  UnixNanos now() const override { return m_now; }
  // Move the clock forward by `delta`.
  void advance(Nanos delta) { m_now += delta; }
  // Set the clock to `t`.
  void set(UnixNanos t) { m_now = t; }

private:
  UnixNanos m_now;
};

} // namespace jobop::core
