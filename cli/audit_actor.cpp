#include <cli/audit_actor.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/model/redact.hpp>

#include <nlohmann/json.hpp>

#include <climits>
#include <cstdlib>
#include <pwd.h>
#include <unistd.h>

namespace jobop::cli {

namespace {

// The audit columns hold 256 characters; keep names short and valid UTF-8
// (MySQL refuses anything else in a text column).
std::string column_text(const std::string& text) {
  std::string valid =
    nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  valid = nlohmann::json::parse(valid).get<std::string>();
  if (valid.size() <= 200) {
    return valid;
  }
  std::size_t cut = 200;
  while (cut > 0 && (static_cast<unsigned char>(valid[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return valid.substr(0, cut);
}

std::optional<std::string> env_value(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  return column_text(value);
}

std::string login_of_real_uid() {
  const uid_t uid = ::getuid();
  if (const passwd* entry = ::getpwuid(uid); entry != nullptr && entry->pw_name != nullptr) {
    return column_text(entry->pw_name);
  }
  return "uid:" + std::to_string(uid);
}

std::string host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (::gethostname(name, sizeof name - 1) != 0) {
    return "unknown";
  }
  return column_text(name);
}

std::optional<std::string> terminal() {
  for (const int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
    if (::isatty(fd) != 0) {
      if (const char* name = ::ttyname(fd); name != nullptr) {
        return column_text(name);
      }
    }
  }
  return std::nullopt;
}

} // namespace

model::Actor current_actor(const Globals& globals) {
  model::Actor actor;
  actor.login = login_of_real_uid();
  actor.sudo_user = env_value("SUDO_USER");
  const auto named = env_value("JOBOP_ACTOR");
  actor.name = named ? *named : actor.sudo_user ? *actor.sudo_user : actor.login;
  actor.host = host_name();
  actor.tty = terminal();
  actor.args = model::redacted_args_json(globals.args);
  return actor;
}

model::AuditContext audit_context(const Globals& globals,
                                  const std::optional<std::string>& reason) {
  if (reason && model::is_blank(*reason)) {
    throw core::UsageError("input.blank_reason",
                           "--reason is blank: say why, or leave --reason out");
  }
  return {current_actor(globals), reason};
}

} // namespace jobop::cli
