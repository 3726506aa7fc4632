#include <cli/value_names.hpp>

#include <jobop/model/codes.hpp>

#include <algorithm>
#include <cctype>

namespace jobop::cli {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

void add_unique(std::vector<std::string>& names, std::string name) {
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    names.push_back(std::move(name));
  }
}

} // namespace

std::vector<std::string> user_state_names() {
  using model::UserState;
  std::vector<std::string> names;
  for (auto state : {UserState::created, UserState::running, UserState::canceling,
                     UserState::finished, UserState::canceled, UserState::failed}) {
    add_unique(names, std::string(model::user_state_name(state)));
  }
  using model::JobState;
  for (auto state : {JobState::uninit, JobState::init, JobState::finished, JobState::stopped,
                     JobState::failed}) {
    add_unique(names, lower(model::engine_state_name(state)));
  }
  return names;
}

std::vector<std::string> job_state_names() {
  auto names = user_state_names();
  names.erase(std::remove(names.begin(), names.end(), "canceling"), names.end());
  return names;
}

std::vector<std::string> op_names() {
  using model::OpStatus;
  std::vector<std::string> names;
  for (auto op : {OpStatus::none, OpStatus::noop, OpStatus::canceling, OpStatus::canceled}) {
    names.emplace_back(model::op_status_name(op));
  }
  return names;
}

std::vector<std::string> job_type_names() {
  using model::JobType;
  std::vector<std::string> names;
  for (auto type :
       {JobType::job_manager, JobType::cvs_demo, JobType::fake_job, JobType::dm, JobType::cdc}) {
    names.emplace_back(model::job_type_name(type));
  }
  return names;
}

} // namespace jobop::cli
