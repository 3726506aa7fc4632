#pragma once

#include <cstdint>
#include <limits>

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
// The longest duration: "never" in a schedule or a wait.
constexpr Nanos k_nanos_max = std::numeric_limits<Nanos>::max();

// Return a + b, or k_nanos_max where it would overflow (durations are >= 0).
constexpr Nanos saturating_add(Nanos a, Nanos b) {
  Nanos sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? k_nanos_max : sum;
}

// Return count * value, or k_nanos_max where it would overflow.
constexpr Nanos saturating_mul(std::int64_t count, Nanos value) {
  Nanos product = 0;
  return __builtin_mul_overflow(count, value, &product) ? k_nanos_max : product;
}

// A source of the current time; tests pass a FakeClock. Two readings: the
// wall clock, for the timestamps written to the store, and a monotonic
// clock, for every deadline and pause (SPEC §5): a wall clock stepped back
// must not make `--timeout 5s` last for minutes, nor one stepped forward end
// `--wait=10m` at once.
class Clock {
public:
  virtual ~Clock() = default;
  // Return the current wall-clock time.
  virtual UnixNanos now() const = 0;
  // Return the time on a clock that only moves forward at a steady rate from
  // an arbitrary origin: compare two readings, never show one.
  virtual Nanos monotonic() const = 0;
};

// The system's clocks (std::chrono::system_clock and steady_clock). The only
// place in src/ that reads them for core logic.
class SystemClock final : public Clock {
public:
  UnixNanos now() const override;
  Nanos monotonic() const override;
};

// A clock that stands still until told to move.
class FakeClock final : public Clock {
public:
  explicit FakeClock(UnixNanos start = 0) : m_now(start) {}
  UnixNanos now() const override { return m_now; }
  Nanos monotonic() const override { return m_monotonic; }
  // Let `delta` pass: both clocks move forward by it.
  void advance(Nanos delta) {
    m_now += delta;
    m_monotonic += delta;
  }
  // Set the wall clock to `t`, as an administrator or NTP steps it; the
  // monotonic clock does not move.
  void set(UnixNanos t) { m_now = t; }

private:
  UnixNanos m_now;
  Nanos m_monotonic = 0;
};

} // namespace jobop::core
