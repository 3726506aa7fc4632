#include <jobop/backoff/job_backoff.hpp>

#include <limits>

namespace jobop::backoff {

core::UnixNanos JobBackoff::retry_at(core::UnixNanos now) const {
  if (allow(now)) {
    return now;
  }
  // Not allowed means now - last < interval, so last + interval > now; only
  // the addition itself can overflow.
  if (m_last_offline_at > std::numeric_limits<core::UnixNanos>::max() - m_interval) {
    return std::numeric_limits<core::UnixNanos>::max();
  }
  return m_last_offline_at + m_interval;
}

} // namespace jobop::backoff
