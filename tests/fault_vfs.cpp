// The fault-injecting VFS of fault_vfs.hpp: each sqlite3_file we hand out is
// our header followed by the real file of the wrapped VFS (szOsFile covers
// both), and every method forwards to the real one.
#include "fault_vfs.hpp"

#include <sqlite3.h>

#include <array>
#include <cstring>
#include <stdexcept>

namespace jobop::testing {

namespace {

struct FaultState {
  sqlite3_vfs* real_vfs = nullptr;
  bool armed = false;
  FaultPlan plan;
  std::array<std::int64_t, 5> calls{};
  std::int64_t injected = 0;
  bool skip_real_sync = false;
};

FaultState g_state;
sqlite3_vfs g_vfs{};
bool g_installed = false;

struct FaultFile {
  sqlite3_file base;
  sqlite3_file* real;
};

sqlite3_file* real_of(sqlite3_file* file) {
  return reinterpret_cast<FaultFile*>(file)->real;
}

// Count a call of `point`; return the error to inject, or SQLITE_OK.
int fault_for(FaultPoint point) {
  const std::int64_t n = ++g_state.calls[static_cast<std::size_t>(point)];
  if (!g_state.armed || g_state.plan.point != point) {
    return SQLITE_OK;
  }
  const bool hit = g_state.plan.persistent ? n >= g_state.plan.nth : n == g_state.plan.nth;
  if (!hit) {
    return SQLITE_OK;
  }
  ++g_state.injected;
  return g_state.plan.error;
}

int f_close(sqlite3_file* file) {
  sqlite3_file* real = real_of(file);
  return real->pMethods != nullptr ? real->pMethods->xClose(real) : SQLITE_OK;
}
int f_read(sqlite3_file* file, void* buf, int amount, sqlite3_int64 offset) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xRead(real, buf, amount, offset);
}
int f_write(sqlite3_file* file, const void* buf, int amount, sqlite3_int64 offset) {
  if (const int rc = fault_for(FaultPoint::write); rc != SQLITE_OK) {
    return rc;
  }
  sqlite3_file* real = real_of(file);
  return real->pMethods->xWrite(real, buf, amount, offset);
}
int f_truncate(sqlite3_file* file, sqlite3_int64 size) {
  if (const int rc = fault_for(FaultPoint::truncate); rc != SQLITE_OK) {
    return rc;
  }
  sqlite3_file* real = real_of(file);
  return real->pMethods->xTruncate(real, size);
}
int f_sync(sqlite3_file* file, int flags) {
  if (const int rc = fault_for(FaultPoint::sync); rc != SQLITE_OK) {
    return rc;
  }
  if (g_state.skip_real_sync) {
    return SQLITE_OK;
  }
  sqlite3_file* real = real_of(file);
  return real->pMethods->xSync(real, flags);
}
int f_file_size(sqlite3_file* file, sqlite3_int64* size) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xFileSize(real, size);
}
int f_lock(sqlite3_file* file, int level) {
  if (const int rc = fault_for(FaultPoint::lock); rc != SQLITE_OK) {
    return rc;
  }
  sqlite3_file* real = real_of(file);
  return real->pMethods->xLock(real, level);
}
int f_unlock(sqlite3_file* file, int level) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xUnlock(real, level);
}
int f_check_reserved_lock(sqlite3_file* file, int* out) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xCheckReservedLock(real, out);
}
int f_file_control(sqlite3_file* file, int op, void* arg) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xFileControl(real, op, arg);
}
int f_sector_size(sqlite3_file* file) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xSectorSize(real);
}
int f_device_characteristics(sqlite3_file* file) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xDeviceCharacteristics(real);
}
int f_shm_map(sqlite3_file* file, int page, int page_size, int extend, void volatile** out) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xShmMap(real, page, page_size, extend, out);
}
int f_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  // Only taking a lock can fail; releasing one always succeeds.
  if ((flags & SQLITE_SHM_LOCK) != 0) {
    if (const int rc = fault_for(FaultPoint::shm_lock); rc != SQLITE_OK) {
      return rc;
    }
  }
  sqlite3_file* real = real_of(file);
  return real->pMethods->xShmLock(real, offset, n, flags);
}
void f_shm_barrier(sqlite3_file* file) {
  sqlite3_file* real = real_of(file);
  real->pMethods->xShmBarrier(real);
}
int f_shm_unmap(sqlite3_file* file, int delete_flag) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xShmUnmap(real, delete_flag);
}
int f_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xFetch(real, offset, amount, out);
}
int f_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  sqlite3_file* real = real_of(file);
  return real->pMethods->xUnfetch(real, offset, page);
}

// Our methods mirror the real file's version: SQLite only calls the WAL and
// mmap methods of a file whose methods are at least version 2 / 3.
sqlite3_io_methods make_methods(int version) {
  sqlite3_io_methods m{};
  m.iVersion = version;
  m.xClose = f_close;
  m.xRead = f_read;
  m.xWrite = f_write;
  m.xTruncate = f_truncate;
  m.xSync = f_sync;
  m.xFileSize = f_file_size;
  m.xLock = f_lock;
  m.xUnlock = f_unlock;
  m.xCheckReservedLock = f_check_reserved_lock;
  m.xFileControl = f_file_control;
  m.xSectorSize = f_sector_size;
  m.xDeviceCharacteristics = f_device_characteristics;
  if (version >= 2) {
    m.xShmMap = f_shm_map;
    m.xShmLock = f_shm_lock;
    m.xShmBarrier = f_shm_barrier;
    m.xShmUnmap = f_shm_unmap;
  }
  if (version >= 3) {
    m.xFetch = f_fetch;
    m.xUnfetch = f_unfetch;
  }
  return m;
}

const std::array<sqlite3_io_methods, 3> k_methods{make_methods(1), make_methods(2),
                                                  make_methods(3)};

int v_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* wrapper = reinterpret_cast<FaultFile*>(file);
  wrapper->real = reinterpret_cast<sqlite3_file*>(wrapper + 1);
  wrapper->base.pMethods = nullptr;
  const int rc = g_state.real_vfs->xOpen(g_state.real_vfs, name, wrapper->real, flags, out_flags);
  const sqlite3_io_methods* real_methods = wrapper->real->pMethods;
  if (real_methods != nullptr) {
    const int version = real_methods->iVersion < 1   ? 1
                        : real_methods->iVersion > 3 ? 3
                                                     : real_methods->iVersion;
    wrapper->base.pMethods = &k_methods[static_cast<std::size_t>(version - 1)];
  }
  return rc;
}
int v_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return g_state.real_vfs->xDelete(g_state.real_vfs, name, sync_dir);
}
int v_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_state.real_vfs->xAccess(g_state.real_vfs, name, flags, out);
}
int v_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_state.real_vfs->xFullPathname(g_state.real_vfs, name, n, out);
}
void* v_dl_open(sqlite3_vfs*, const char* name) {
  return g_state.real_vfs->xDlOpen(g_state.real_vfs, name);
}
void v_dl_error(sqlite3_vfs*, int n, char* out) {
  g_state.real_vfs->xDlError(g_state.real_vfs, n, out);
}
void (*v_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return g_state.real_vfs->xDlSym(g_state.real_vfs, handle, symbol);
}
void v_dl_close(sqlite3_vfs*, void* handle) {
  g_state.real_vfs->xDlClose(g_state.real_vfs, handle);
}
int v_randomness(sqlite3_vfs*, int n, char* out) {
  return g_state.real_vfs->xRandomness(g_state.real_vfs, n, out);
}
int v_sleep(sqlite3_vfs*, int micros) {
  return g_state.real_vfs->xSleep(g_state.real_vfs, micros);
}
int v_current_time(sqlite3_vfs*, double* out) {
  return g_state.real_vfs->xCurrentTime(g_state.real_vfs, out);
}
int v_get_last_error(sqlite3_vfs*, int n, char* out) {
  return g_state.real_vfs->xGetLastError(g_state.real_vfs, n, out);
}
int v_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return g_state.real_vfs->xCurrentTimeInt64(g_state.real_vfs, out);
}

} // namespace

const char* fault_point_name(FaultPoint point) {
  switch (point) {
  case FaultPoint::write:
    return "write";
  case FaultPoint::sync:
    return "sync";
  case FaultPoint::lock:
    return "lock";
  case FaultPoint::truncate:
    return "truncate";
  case FaultPoint::shm_lock:
    break;
  }
  return "shm_lock";
}

FaultVfs::FaultVfs() {
  if (g_installed) {
    throw std::logic_error("only one FaultVfs at a time");
  }
  sqlite3_initialize();
  sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
  if (real == nullptr || real->iVersion < 2) {
    throw std::runtime_error("no default SQLite VFS of version 2 or more to wrap");
  }
  g_state = FaultState{};
  g_state.real_vfs = real;
  g_vfs = sqlite3_vfs{};
  g_vfs.iVersion = 2;
  g_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + real->szOsFile;
  g_vfs.mxPathname = real->mxPathname;
  g_vfs.zName = "jobop-fault";
  g_vfs.xOpen = v_open;
  g_vfs.xDelete = v_delete;
  g_vfs.xAccess = v_access;
  g_vfs.xFullPathname = v_full_pathname;
  g_vfs.xDlOpen = v_dl_open;
  g_vfs.xDlError = v_dl_error;
  g_vfs.xDlSym = v_dl_sym;
  g_vfs.xDlClose = v_dl_close;
  g_vfs.xRandomness = v_randomness;
  g_vfs.xSleep = v_sleep;
  g_vfs.xCurrentTime = v_current_time;
  g_vfs.xGetLastError = v_get_last_error;
  g_vfs.xCurrentTimeInt64 = v_current_time_int64;
  if (sqlite3_vfs_register(&g_vfs, 1) != SQLITE_OK) {
    throw std::runtime_error("sqlite3_vfs_register failed");
  }
  g_installed = true;
}

FaultVfs::~FaultVfs() {
  sqlite3_vfs_unregister(&g_vfs);
  g_installed = false;
}

void FaultVfs::arm(const FaultPlan& plan) {
  g_state.plan = plan;
  g_state.calls = {};
  g_state.injected = 0;
  g_state.armed = true;
}

void FaultVfs::disarm() {
  g_state.armed = false;
}

std::int64_t FaultVfs::injected() const {
  return g_state.injected;
}

void FaultVfs::skip_real_sync(bool skip) {
  g_state.skip_real_sync = skip;
}

std::int64_t FaultVfs::calls(FaultPoint point) const {
  return g_state.calls[static_cast<std::size_t>(point)];
}

} // namespace jobop::testing
