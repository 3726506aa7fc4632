#pragma once

#include <cstdint>
#include <string>

// A fault-injecting SQLite VFS for tests: a thin wrapper over the default VFS
// that passes every call through, except that it can fail the Nth xWrite,
// xSync, xLock, xTruncate or xShmLock (counted over every file SQLite opens: database,
// WAL, journal) with the error a real disk gives, once or from then on.
namespace jobop::testing {

// `lock` is xLock on a file; `shm_lock` is xShmLock, WAL mode's locks.
enum class FaultPoint { write, sync, lock, truncate, shm_lock };

// Return "write", "sync", "lock", "truncate" or "shm_lock".
const char* fault_point_name(FaultPoint point);

struct FaultPlan {
  FaultPoint point = FaultPoint::write;
  // Fail the `nth` call (1-based) of `point` counted from arm().
  std::int64_t nth = 1;
  // Fail every call from the `nth` on, not only the `nth` (a full disk stays full).
  bool persistent = false;
  // An SQLite result code: SQLITE_FULL, SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC, ...
  int error = 0;
};

// Registers the wrapper as SQLite's default VFS for its lifetime (connections
// opened meanwhile use it; close them before it goes) and unregisters it
// after. Disarmed, it only counts calls. One at a time.
class FaultVfs {
public:
  FaultVfs();
  ~FaultVfs();
  FaultVfs(const FaultVfs&) = delete;
  FaultVfs& operator=(const FaultVfs&) = delete;

  // Start injecting `plan`; the call counts restart at zero.
  void arm(const FaultPlan& plan);
  // Stop injecting (the counts keep running).
  void disarm();
  // Faults injected since the last arm().
  std::int64_t injected() const;
  // Calls of `point` since the last arm().
  std::int64_t calls(FaultPoint point) const;
  // Skip the real fsync of xSync calls that are not failed (they are still
  // counted). For speed only: these tests never lose power, so durability
  // is not what they check; SQLite's answer to a failing call is.
  void skip_real_sync(bool skip);
};

} // namespace jobop::testing
