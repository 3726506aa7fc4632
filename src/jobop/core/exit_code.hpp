#pragma once

// The documented exit codes of every jobop command (SPEC §4). Scripts branch
// on these numbers, so they never change.
namespace jobop::core {

enum class ExitCode : int {
  success = 0,           // including an idempotent no-op
  internal = 1,          // unexpected internal error
  usage = 2,             // bad flags, arguments, configuration or input file
  not_found = 3,         // a named job does not exist
  conflict = 4,          // the change is not allowed in the job's current state
  store_unavailable = 5, // missing, unreadable, corrupt, locked, read-only, disk full
  deadline = 6,          // a --wait/--timeout deadline passed
  output_failed = 7,     // stdout could not be written: the work reported was done
};

// Return the exit code as the integer a process returns.
constexpr int to_int(ExitCode code) {
  return static_cast<int>(code);
}

} // namespace jobop::core
