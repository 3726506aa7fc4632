#include <jobop/core/clock.hpp>

#include <chrono>

namespace jobop::core {

UnixNanos SystemClock::now() const {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count();
}

Nanos SystemClock::monotonic() const {
  const auto since_origin = std::chrono::steady_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(since_origin).count();
}

} // namespace jobop::core
