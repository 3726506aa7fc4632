#pragma once

#include <jobop/core/clock.hpp>
#include <jobop/model/codes.hpp>
#include <jobop/model/records.hpp>
#include <jobop/time/timestamp.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The audit trail (SPEC §2): who changed which job, when, from where, why,
// and what it was before and after. Every write a person asks for (cancel,
// forced cancel, job put/set-state/delete) appends one entry per job it
// changed, in the transaction of the change itself.
namespace jobop::model {

// Who asked for a write and from where, gathered once by the CLI.
struct Actor {
  // Who is accountable: JOBOP_ACTOR (a bot names itself), else SUDO_USER,
  // else `login`.
  std::string name;
  // The login of the real uid, kept even when JOBOP_ACTOR names someone else.
  std::string login;
  std::optional<std::string> sudo_user;
  std::string host;
  // The terminal the command ran on, if any.
  std::optional<std::string> tty;
  // The command's arguments (argv without the program) as a JSON array,
  // secrets redacted (see redact.hpp).
  std::string args;
};

// What the audit entries of one write say besides the change: who, and why.
struct AuditContext {
  Actor actor;
  // Optional, but never blank (is_blank) when given.
  std::optional<std::string> reason;
};

// What a write did to a job.
enum class AuditAction { cancel, force_cancel, put, create, set_state, delete_job };

// Return "cancel", "force_cancel", "put", "create", "set_state" or "delete".
std::string_view audit_action_name(AuditAction action);
// Return the action named `name` (as audit_action_name writes it); nullopt
// for a name this version does not know.
std::optional<AuditAction> parse_audit_action(std::string_view name);

// A job as an audit entry remembers it on either side of a change.
struct JobSnapshot {
  JobState state = JobState::uninit;
  OpStatus op = OpStatus::none;
  std::optional<std::string> error_message;
};

// Return the snapshot of a live job's row; nullopt for an orphan op.
std::optional<JobSnapshot> snapshot_of(const StatusRow& row);

// One row of the audit table.
struct AuditEntry {
  // Assigned by the store, in commit order.
  std::int64_t seq_id = 0;
  std::optional<time::Timestamp> at;
  Actor actor;
  std::string job_id;
  // The action as stored: an entry written by a newer jobop may name an
  // action this one does not know.
  std::string action;
  std::optional<std::string> reason;
  // nullopt: no live job (before a put that inserted one).
  std::optional<JobSnapshot> before;
  std::optional<JobSnapshot> after;
};

// Return a new entry of `action` on `job_id` by `actor`.
AuditEntry make_audit_entry(const Actor& actor, std::string job_id, AuditAction action,
                            const std::optional<std::string>& reason,
                            std::optional<JobSnapshot> before, std::optional<JobSnapshot> after);

// Which entries `history` reads. Empty `ids`: every job.
struct AuditFilter {
  std::vector<std::string> ids;
  // Only entries at or after this instant.
  std::optional<time::Timestamp> since;
};

// Return true if `text` is blank: empty or only whitespace (a reason must
// say something).
bool is_blank(std::string_view text);

} // namespace jobop::model
