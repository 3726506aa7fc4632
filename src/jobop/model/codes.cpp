#include <jobop/model/codes.hpp>

#include <jobop/core/exceptions.hpp>

#include <array>
#include <charconv>
#include <string>

namespace jobop::model {

namespace {

// Lower-case `text` and drop `-` and `_`, so "Fake_Job" matches "fakejob".
std::string normalise(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '-' || c == '_') {
      continue;
    }
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

// Return the integer `text` holds entirely, if it does.
std::optional<std::int64_t> parse_number(std::string_view text) {
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) {
    return std::nullopt;
  }
  return value;
}

struct Name {
  std::string_view name;
  std::int64_t code;
};

constexpr std::array k_state_names{
  Name{"created", 1},  Name{"uninit", 1},   Name{"running", 2}, Name{"init", 2},
  Name{"finished", 3}, Name{"canceled", 4}, Name{"stopped", 4}, Name{"failed", 5},
};

constexpr std::array k_type_names{
  Name{"jobmanager", 1}, Name{"cvsdemo", 2}, Name{"fakejob", 3}, Name{"dm", 4}, Name{"cdc", 5},
};

constexpr std::array k_op_names{
  Name{"none", 0},
  Name{"noop", 1},
  Name{"canceling", 2},
  Name{"canceled", 3},
};

template <std::size_t N>
std::optional<std::int64_t> lookup(const std::array<Name, N>& names, std::string_view text,
                                   std::int64_t lo, std::int64_t hi) {
  if (const auto number = parse_number(text)) {
    if (*number >= lo && *number <= hi) {
      return number;
    }
    return std::nullopt;
  }
  const std::string key = normalise(text);
  for (const auto& entry : names) {
    if (entry.name == key) {
      return entry.code;
    }
  }
  return std::nullopt;
}

[[noreturn]] void bad_input(const char* code, std::string_view what, std::string_view text,
                            std::string_view accepted) {
  throw core::UsageError(code,
                         "unknown " + std::string(what) + " `" + std::string(text) +
                           "`: use one of " + std::string(accepted) + " (case-insensitive)",
                         {{"value", std::string(text)}});
}

constexpr const char* k_states_accepted =
  "created, running, finished, canceled, failed, uninit, init, stopped or 1..5";

} // namespace

bool is_terminated(JobState state) {
  return state == JobState::finished || state == JobState::stopped || state == JobState::failed;
}

UserState user_state(JobState state, OpStatus op) {
  switch (state) {
  case JobState::uninit:
    return op == OpStatus::canceling ? UserState::canceling : UserState::created;
  case JobState::init:
    return op == OpStatus::canceling ? UserState::canceling : UserState::running;
  case JobState::finished:
    return UserState::finished;
  case JobState::stopped:
    return UserState::canceled;
  case JobState::failed:
    return UserState::failed;
  }
  return op == OpStatus::canceling ? UserState::canceling : UserState::unknown;
}

std::string_view engine_state_name(JobState state) {
  switch (state) {
  case JobState::uninit:
    return "Uninit";
  case JobState::init:
    return "Init";
  case JobState::finished:
    return "Finished";
  case JobState::stopped:
    return "Stopped";
  case JobState::failed:
    return "Failed";
  }
  return "unknown";
}

std::string_view user_state_name(UserState state) {
  switch (state) {
  case UserState::created:
    return "created";
  case UserState::running:
    return "running";
  case UserState::canceling:
    return "canceling";
  case UserState::finished:
    return "finished";
  case UserState::canceled:
    return "canceled";
  case UserState::failed:
    return "failed";
  case UserState::unknown:
    break;
  }
  return "unknown";
}

std::string_view job_type_name(JobType type) {
  switch (type) {
  case JobType::job_manager:
    return "JobManager";
  case JobType::cvs_demo:
    return "CVSDemo";
  case JobType::fake_job:
    return "FakeJob";
  case JobType::dm:
    return "DM";
  case JobType::cdc:
    return "CDC";
  }
  return "unknown";
}

std::string_view op_status_name(OpStatus op) {
  switch (op) {
  case OpStatus::none:
    return "none";
  case OpStatus::noop:
    return "noop";
  case OpStatus::canceling:
    return "canceling";
  case OpStatus::canceled:
    return "canceled";
  }
  return "unknown";
}

JobState parse_job_state(std::string_view text) {
  if (const auto code = lookup(k_state_names, text, 1, 5)) {
    return static_cast<JobState>(*code);
  }
  if (normalise(text) == "canceling") {
    throw core::UsageError("input.bad_state",
                           "`canceling` is not a state a job row holds: a job is canceling "
                           "while its op is; use `jobop cancel`",
                           {{"value", std::string(text)}});
  }
  bad_input("input.bad_state", "job state", text, k_states_accepted);
}

JobType parse_job_type(std::string_view text) {
  if (const auto code = lookup(k_type_names, text, 1, 5)) {
    return static_cast<JobType>(*code);
  }
  bad_input("input.bad_type", "job type", text, "JobManager, CVSDemo, FakeJob, DM, CDC or 1..5");
}

std::int64_t parse_epoch(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec == std::errc::invalid_argument || end != text.data() + text.size()) {
    throw core::UsageError("input.bad_epoch",
                           "invalid epoch `" + std::string(text) + "`: not a whole number",
                           {{"value", std::string(text)}});
  }
  if (ec == std::errc::result_out_of_range || value < 0) {
    throw core::UsageError("input.bad_epoch",
                           "invalid epoch `" + std::string(text) +
                             "`: out of range 0 to 9223372036854775807 (a bigint column)",
                           {{"value", std::string(text)}});
  }
  return value;
}

OpStatus parse_op_status(std::string_view text) {
  if (const auto code = lookup(k_op_names, text, 0, 3)) {
    return static_cast<OpStatus>(*code);
  }
  bad_input("input.bad_op", "op", text, "none, noop, canceling, canceled or 0..3");
}

UserState parse_user_state(std::string_view text) {
  if (normalise(text) == "canceling") {
    return UserState::canceling;
  }
  if (const auto code = lookup(k_state_names, text, 1, 5)) {
    return user_state(static_cast<JobState>(*code), OpStatus::none);
  }
  bad_input("input.bad_state", "job state", text,
            "created, running, canceling, finished, canceled, failed, uninit, init, stopped or "
            "1..5");
}

} // namespace jobop::model
