#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>

// What jobop checks about an SQLite metastore's file and the files SQLite
// keeps beside it (`-wal`, `-shm`, `-journal`) before SQLite opens it, and
// how `init` makes a new one appear whole (SPEC §5). Nothing here changes an
// existing file.
namespace jobop::store::sqlite {

// Refuse (core::UsageError store.bad_path, exit 2) a `path` SQLite would not
// keep in a file of that name: empty, `:memory:`, or a `file:` URI.
void refuse_non_file_path(const std::string& path);

// Throw core::StoreError `code` (exit 5): "metastore PATH WHY", the path in
// its details.
[[noreturn]] void refuse_metastore(const char* code, const std::string& path,
                                   const std::string& why);

// The metastore file as it was looked at: who owns it and how it journals.
struct FileFacts {
  uid_t uid = 0;
  gid_t gid = 0;
  mode_t mode = 0; // permission bits
  // Bytes 18 and 19 of the header are both 2: the file is in WAL mode.
  bool wal_mode = false;
};

// Look at `path` without changing it: return nullopt if it does not exist;
// refuse a directory (store.not_sqlite), an unreadable file
// (store.unreadable), an empty one (store.empty_file) and one whose 16-byte
// header is not SQLite's (store.not_sqlite).
std::optional<FileFacts> inspect_file(const std::string& path);

// Refuse (core::StoreError store.unsafe_file, exit 5) the metastore at `path`
// if its `-wal`, `-shm` or `-journal` file is not a regular file, is owned by
// another user than the metastore's owner (or this process's user, whose
// SQLite made it), or may be read or written by users the metastore itself
// does not let in (a group or others it denies): another user could read
// job configs from it or inject pages. Missing ones are fine.
void check_sidecars(const std::string& path, const FileFacts& facts);

// Return true if files SQLite creates beside the metastore would belong to
// its owner: this process runs as the owner, or as root (SQLite then gives
// them to the owner).
bool sidecars_would_be_owned(const FileFacts& facts);

// What is beside a WAL-mode metastore.
struct WalFiles {
  bool wal = false;      // `-wal` exists
  bool wal_empty = true; // and holds nothing (or does not exist)
  bool shm = false;      // `-shm` exists
};
WalFiles look_for_wal_files(const std::string& path);

// The identity of a file's content as stat() shows it, to notice a change.
struct FileIdentity {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};
FileIdentity identity_of(const std::string& path);

// Return `path` as an SQLite `file:` URI (percent-encoded) with `query`
// (e.g. "immutable=1") appended.
std::string file_uri(const std::string& path, const std::string& query);

} // namespace jobop::store::sqlite
