#pragma once

#include <cstddef>
#include <string>
#include <vector>

// What the audit trail keeps of a command line: everything but its secrets.
namespace jobop::model {

// The most bytes of arguments one audit entry keeps: a cancel of 50,000 ids
// on the command line writes one entry per job, and each names its own job.
constexpr std::size_t k_max_audit_args_bytes = 2048;

// Return `arg` with its secrets replaced by `***`: the password of a URL's
// user info (`mysql://u:pw@h` -> `mysql://u:***@h`) and the value of a
// `password=`, `passwd=`, `pwd=`, `token=` or `secret=` parameter.
std::string redact_argument(const std::string& arg);

// Return `args` (argv without the program) as a compact JSON array, each
// redacted with redact_argument, and the value of `--config` (a job's config
// may hold credentials) replaced by `<redacted N bytes>`. Past
// k_max_audit_args_bytes the rest is dropped and a last element says how
// many arguments were left out.
std::string redacted_args_json(const std::vector<std::string>& args);

} // namespace jobop::model
