#include <jobop/store/records.hpp>

namespace jobop::store {

UserState StatusRow::state() const {
  if (!job) {
    return UserState::unknown;
  }
  return user_state(job->state, op_status());
}

std::optional<core::UnixNanos> StatusRow::canceling_since() const {
  if (state() != UserState::canceling || !op) {
    return std::nullopt;
  }
  return op->updated_at ? op->updated_at : op->created_at;
}

bool StatusRow::looks_stuck(core::UnixNanos now, core::Nanos stuck_after) const {
  const auto since = canceling_since();
  return since.has_value() && now - *since >= stuck_after;
}

} // namespace jobop::store
