#pragma once

// The VFS of a reader who does not own the metastore (SPEC §5). SQLite's
// own creates a missing `-wal` (and `-shm`) even on a read-only connection,
// owned by whoever reads, and a read-only connection never removes them:
// the owner then cannot write its own metastore. This VFS is the default one
// with one change: it opens a `-wal` or `-journal` file only if it exists,
// never creating it. (The `-shm` file is kept from being created by the
// `readonly_shm=1` URI parameter.)
namespace jobop::store::sqlite {

// Register the VFS once (it wraps the default VFS of that moment) and return
// its name, for sqlite3_open_v2.
const char* reader_vfs_name();

} // namespace jobop::store::sqlite
