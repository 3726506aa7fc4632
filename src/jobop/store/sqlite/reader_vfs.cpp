#include <jobop/store/sqlite/reader_vfs.hpp>

#include <sqlite3.h>

#include <mutex>
#include <stdexcept>

namespace jobop::store::sqlite {

namespace {

sqlite3_vfs g_vfs{};
sqlite3_vfs* g_base = nullptr;

int v_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  if ((flags & (SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL)) != 0) {
    flags &= ~SQLITE_OPEN_CREATE;
  }
  return g_base->xOpen(g_base, name, file, flags, out_flags);
}
int v_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return g_base->xDelete(g_base, name, sync_dir);
}
int v_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_base->xAccess(g_base, name, flags, out);
}
int v_full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
  return g_base->xFullPathname(g_base, name, size, out);
}
void* v_dl_open(sqlite3_vfs*, const char* name) {
  return g_base->xDlOpen(g_base, name);
}
void v_dl_error(sqlite3_vfs*, int size, char* out) {
  g_base->xDlError(g_base, size, out);
}
void (*v_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return g_base->xDlSym(g_base, handle, symbol);
}
void v_dl_close(sqlite3_vfs*, void* handle) {
  g_base->xDlClose(g_base, handle);
}
int v_randomness(sqlite3_vfs*, int size, char* out) {
  return g_base->xRandomness(g_base, size, out);
}
int v_sleep(sqlite3_vfs*, int microseconds) {
  return g_base->xSleep(g_base, microseconds);
}
int v_current_time(sqlite3_vfs*, double* out) {
  return g_base->xCurrentTime(g_base, out);
}
int v_get_last_error(sqlite3_vfs*, int size, char* out) {
  return g_base->xGetLastError(g_base, size, out);
}
int v_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return g_base->xCurrentTimeInt64(g_base, out);
}

} // namespace

const char* reader_vfs_name() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_initialize();
    g_base = sqlite3_vfs_find(nullptr);
    if (g_base == nullptr || g_base->iVersion < 2) {
      throw std::runtime_error("no default SQLite VFS of version 2 or more to wrap");
    }
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = g_base->szOsFile;
    g_vfs.mxPathname = g_base->mxPathname;
    g_vfs.zName = "jobop-reader";
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
    if (sqlite3_vfs_register(&g_vfs, 0) != SQLITE_OK) {
      throw std::runtime_error("sqlite3_vfs_register failed");
    }
  });
  return g_vfs.zName;
}

} // namespace jobop::store::sqlite
