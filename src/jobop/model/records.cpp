#include <jobop/model/records.hpp>

#include <algorithm>

namespace jobop::model {

UserState StatusRow::state() const {
  if (!job) {
    return UserState::unknown;
  }
  return user_state(job->state, op_status());
}

std::optional<time::Timestamp> StatusRow::canceling_since() const {
  if (state() != UserState::canceling || !op) {
    return std::nullopt;
  }
  return op->updated_at ? op->updated_at : op->created_at;
}

bool StatusRow::looks_stuck(core::UnixNanos now, core::Nanos stuck_after) const {
  const auto since = canceling_since();
  return since.has_value() && time::nanos_between(*since, now) >= stuck_after;
}

namespace {

template <typename T>
bool allowed(const std::vector<T>& wanted, const T& value) {
  return wanted.empty() || std::find(wanted.begin(), wanted.end(), value) != wanted.end();
}

} // namespace

bool StatusFilter::wants_orphans() const {
  return include_orphans && states.empty() && projects.empty() && types.empty();
}

bool StatusFilter::passes(const StatusRow& row) const {
  if (!allowed(ops, row.op_status())) {
    return false;
  }
  if (row.orphan()) {
    return wants_orphans();
  }
  // The engine's listing hides its own master; naming it (by id or type)
  // asks for it.
  if (row.job->type == JobType::job_manager && !include_job_manager && ids.empty() &&
      std::find(types.begin(), types.end(), JobType::job_manager) == types.end()) {
    return false;
  }
  return allowed(states, row.state()) && allowed(projects, row.job->project_id) &&
         allowed(types, row.job->type);
}

} // namespace jobop::model
