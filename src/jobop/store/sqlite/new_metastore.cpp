#include <jobop/store/sqlite/new_metastore.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/store/sqlite/schema.hpp>

#include <sqlite3.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace jobop::store::sqlite {

namespace {

[[noreturn]] void cannot_create(const std::string& path, int error) {
  throw core::StoreError("store.unreadable",
                         "metastore " + path + " cannot be created: " + std::strerror(error),
                         {{"path", path}});
}

// Make the new name in the directory durable; a failure only weakens that.
void sync_directory_of(const std::string& path) {
  const std::string::size_type slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Give `from` the name `to` unless `to` exists: link(2), or rename without
// replacing where the file system has no hard links. Return false if `to`
// exists.
bool publish(const std::string& from, const std::string& to) {
  if (::link(from.c_str(), to.c_str()) == 0) {
    ::unlink(from.c_str());
    return true;
  }
  if (errno == EEXIST) {
    return false;
  }
  if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS) {
    cannot_create(to, errno);
  }
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
    return true;
  }
  if (errno == EEXIST) {
    return false;
  }
  cannot_create(to, errno);
}

} // namespace

void create_tool_tables(Database& db) {
  for (int i = 0; i < k_tool_ddl_count; ++i) {
    db.exec(k_tool_ddl[i]);
  }
  Statement& stmt = db.cached("INSERT OR IGNORE INTO jobop_meta (key, value) "
                              "VALUES ('schema_version', ?1)");
  stmt.bind(1, std::string_view(std::to_string(k_schema_version))).run();
  stmt.reset();
  // A metastore of an older jobop gains the tables above: say so.
  Statement& upgrade = db.cached("UPDATE jobop_meta SET value = ?1 WHERE key = 'schema_version' "
                                 "AND CAST(value AS INTEGER) < ?1");
  upgrade.bind(1, static_cast<std::int64_t>(k_schema_version)).run();
  upgrade.reset();
}

bool create_metastore_file(const std::string& path, core::Nanos busy_timeout) {
  std::string temp = path + ".jobop-init-XXXXXX";
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC); // mode 0600
  if (fd < 0) {
    cannot_create(path, errno);
  }
  ::close(fd);
  const auto remove_temp = [&temp] {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      ::unlink((temp + suffix).c_str());
    }
  };
  try {
    {
      Database db(path, SQLITE_OPEN_READWRITE, busy_timeout, {temp});
      db.exec("PRAGMA synchronous=FULL");
      Transaction tx(db);
      for (int i = 0; i < k_engine_ddl_count; ++i) {
        db.exec(k_engine_ddl[i]);
      }
      create_tool_tables(db);
      tx.commit();
      // Every row is in the file itself (committed through a rollback
      // journal); from now on the header says WAL, and the WAL is empty.
      Statement mode = db.prepare("PRAGMA journal_mode=WAL");
      if (!mode.step() || mode.column_text(0) != "wal") {
        throw core::StoreError("store.error", "metastore " + path + " could not be put in WAL mode",
                               {{"path", path}});
      }
    }
    ::unlink((temp + "-wal").c_str());
    ::unlink((temp + "-shm").c_str());
    const bool created = publish(temp, path);
    remove_temp();
    if (created) {
      sync_directory_of(path);
    }
    return created;
  } catch (...) {
    remove_temp();
    throw;
  }
}

} // namespace jobop::store::sqlite
