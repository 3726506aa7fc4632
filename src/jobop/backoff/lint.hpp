#pragma once

#include <jobop/backoff/backoff_config.hpp>
#include <jobop/backoff/config_issue.hpp>

#include <vector>

// Warnings on a policy that is probably a mistake (SPEC §4, every mode of
// `backoff-sim`). The engine runs every one of them as written, and so does
// the simulation: these are warnings, never refusals.
namespace jobop::backoff {

// Return the warnings on `config`, each naming its key and, when `builder`
// knows it, the file and line the value came from, followed by the
// builder's own warnings (a misspelt table):
// - "config.suspicious": initial-interval above max-interval; a duration
//   under a millisecond (a bare integer in a file is nanoseconds);
// - "config.degenerate": multiplier below 1 or not finite, max-try-time 0 or
//   below, a negative duration.
std::vector<ConfigIssue> lint_policy(const BackoffConfig& config,
                                     const BackoffConfigBuilder* builder = nullptr);

} // namespace jobop::backoff
