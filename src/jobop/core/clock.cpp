#include <jobop/core/clock.hpp>

#include <chrono>

namespace jobop::core {

UnixNanos SystemClock::now() const {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count();
}

} // namespace jobop::core
