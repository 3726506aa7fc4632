#include <jobop/model/audit.hpp>

#include <array>
#include <utility>

namespace jobop::model {

namespace {

constexpr std::array<std::pair<AuditAction, std::string_view>, 6> k_action_names{{
  {AuditAction::cancel, "cancel"},
  {AuditAction::force_cancel, "force_cancel"},
  {AuditAction::put, "put"},
  {AuditAction::create, "create"},
  {AuditAction::set_state, "set_state"},
  {AuditAction::delete_job, "delete"},
}};

} // namespace

std::string_view audit_action_name(AuditAction action) {
  for (const auto& [value, name] : k_action_names) {
    if (value == action) {
      return name;
    }
  }
  return "unknown";
}

std::optional<AuditAction> parse_audit_action(std::string_view name) {
  for (const auto& [value, text] : k_action_names) {
    if (text == name) {
      return value;
    }
  }
  return std::nullopt;
}

std::optional<JobSnapshot> snapshot_of(const StatusRow& row) {
  if (!row.job) {
    return std::nullopt;
  }
  return JobSnapshot{row.job->state, row.op_status(), row.job->error_message};
}

AuditEntry make_audit_entry(const Actor& actor, std::string job_id, AuditAction action,
                            const std::optional<std::string>& reason,
                            std::optional<JobSnapshot> before, std::optional<JobSnapshot> after) {
  AuditEntry entry;
  entry.actor = actor;
  entry.job_id = std::move(job_id);
  entry.action = std::string(audit_action_name(action));
  entry.reason = reason;
  entry.before = std::move(before);
  entry.after = std::move(after);
  return entry;
}

bool is_blank(std::string_view text) {
  // ASCII whitespace, and the Unicode spaces a paste brings along: NBSP,
  // U+2000..U+200B, U+3000 and a byte order mark.
  static constexpr std::string_view k_wide_spaces[] = {
    "\xc2\xa0",     "\xe2\x80\x80", "\xe2\x80\x81", "\xe2\x80\x82", "\xe2\x80\x83",
    "\xe2\x80\x84", "\xe2\x80\x85", "\xe2\x80\x86", "\xe2\x80\x87", "\xe2\x80\x88",
    "\xe2\x80\x89", "\xe2\x80\x8a", "\xe2\x80\x8b", "\xe3\x80\x80", "\xef\xbb\xbf"};
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      ++i;
      continue;
    }
    bool wide = false;
    for (const std::string_view space : k_wide_spaces) {
      if (text.substr(i, space.size()) == space) {
        i += space.size();
        wide = true;
        break;
      }
    }
    if (!wide) {
      return false;
    }
  }
  return true;
}

} // namespace jobop::model
