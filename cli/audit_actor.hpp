#pragma once

#include <cli/globals.hpp>
#include <jobop/model/audit.hpp>

#include <optional>
#include <string>

// Who runs this command and from where, for the audit trail: read here, once,
// from the process (its real uid, environment, host and terminal).
namespace jobop::cli {

// Return the actor of this process: `name` is JOBOP_ACTOR if set, else
// SUDO_USER, else the login of the real uid; the arguments come redacted.
model::Actor current_actor(const Globals& globals);

// Return the audit context of a write with `reason` (nullopt when not given).
// Throw core::UsageError (input.blank_reason) for a blank reason.
model::AuditContext audit_context(const Globals& globals, const std::optional<std::string>& reason);

} // namespace jobop::cli
