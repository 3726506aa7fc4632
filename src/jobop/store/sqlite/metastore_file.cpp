#include <jobop/store/sqlite/metastore_file.hpp>

#include <jobop/core/exceptions.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace jobop::store::sqlite {

namespace {

// The first 16 bytes of every SQLite 3 database file.
constexpr std::array<char, 16> k_sqlite_header{'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f',
                                               'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};

std::string octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

} // namespace

void refuse_metastore(const char* code, const std::string& path, const std::string& why) {
  throw core::StoreError(code, "metastore " + path + " " + why, {{"path", path}});
}

void refuse_non_file_path(const std::string& path) {
  const char* why = nullptr;
  if (path.empty()) {
    why = "an empty --db is a temporary database SQLite deletes on close";
  } else if (path == ":memory:") {
    why = "`:memory:` is an in-memory database: nothing would be saved";
  } else if (path.rfind("file:", 0) == 0) {
    why = "a `file:` URI is not taken (it could name an in-memory or read-only database); "
          "give a plain path (write ./file:... for a file whose name starts with `file:`)";
  }
  if (why != nullptr) {
    throw core::UsageError("store.bad_path",
                           "--db " + (path.empty() ? "\"\"" : path) +
                             " is not a metastore file: " + why,
                           {{"path", path}});
  }
}

std::optional<FileFacts> inspect_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return std::nullopt;
    }
    refuse_metastore("store.unreadable", path,
                     std::string("cannot be read: ") + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    refuse_metastore("store.not_sqlite", path, "is a directory, not an SQLite database");
  }
  if (st.st_size == 0) {
    refuse_metastore(
      "store.empty_file", path,
      "is an empty file, not a metastore; refusing to use it (remove it and run `jobop "
      "init` to create one)");
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    refuse_metastore("store.unreadable", path,
                     std::string("cannot be read: ") + std::strerror(errno));
  }
  std::array<char, 20> header{};
  const ssize_t n = ::read(fd, header.data(), header.size());
  ::close(fd);
  if (n < static_cast<ssize_t>(k_sqlite_header.size()) ||
      !std::equal(k_sqlite_header.begin(), k_sqlite_header.end(), header.begin())) {
    refuse_metastore("store.not_sqlite", path, "is not an SQLite database; refusing to use it");
  }
  FileFacts facts;
  facts.uid = st.st_uid;
  facts.gid = st.st_gid;
  facts.mode = st.st_mode & 0777;
  facts.wal_mode = n == static_cast<ssize_t>(header.size()) && header[18] == 2 && header[19] == 2;
  return facts;
}

void check_sidecars(const std::string& path, const FileFacts& facts) {
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    const std::string side = path + suffix;
    struct stat st {};
    if (::lstat(side.c_str(), &st) != 0) {
      if (errno == ENOENT) {
        continue;
      }
      refuse_metastore("store.unreadable", path,
                       "cannot be checked: " + side + ": " + std::string(std::strerror(errno)));
    }
    std::string why;
    if (!S_ISREG(st.st_mode)) {
      why = "is not a regular file (a symbolic link, a device or a pipe)";
    } else if (st.st_uid != facts.uid && st.st_uid != ::geteuid()) {
      why = "belongs to uid " + std::to_string(st.st_uid) + ", the metastore to uid " +
            std::to_string(facts.uid);
    } else if ((st.st_mode & 077 & ~facts.mode) != 0) {
      why = "has mode " + octal(st.st_mode) + ", which lets in users the metastore (mode " +
            octal(facts.mode) + ") keeps out";
    } else if ((st.st_mode & 070) != 0 && st.st_gid != facts.gid) {
      why = "lets group " + std::to_string(st.st_gid) + " in, the metastore only group " +
            std::to_string(facts.gid);
    }
    if (why.empty()) {
      continue;
    }
    throw core::StoreError(
      "store.unsafe_file",
      "metastore " + path + ": " + side + " " + why +
        "; another user could read job configs from it or inject pages, so jobop does not use "
        "the metastore. Find out who made it: if no process has the metastore open, remove "
        "it; if it is the engine's, give it the metastore's owner and mode (chown, chmod). "
        "Keep metastores in a directory only their owner can write",
      {{"path", path},
       {"file", side},
       {"file_uid", st.st_uid},
       {"file_mode", octal(st.st_mode)},
       {"metastore_uid", facts.uid},
       {"metastore_mode", octal(facts.mode)}});
  }
}

bool sidecars_would_be_owned(const FileFacts& facts) {
  const uid_t me = ::geteuid();
  return me == 0 || me == facts.uid;
}

WalFiles look_for_wal_files(const std::string& path) {
  WalFiles files;
  struct stat st {};
  if (::stat((path + "-wal").c_str(), &st) == 0) {
    files.wal = true;
    files.wal_empty = st.st_size == 0;
  }
  files.shm = ::stat((path + "-shm").c_str(), &st) == 0;
  return files;
}

FileIdentity identity_of(const std::string& path) {
  struct stat st {};
  FileIdentity id;
  if (::stat(path.c_str(), &st) == 0) {
    id.dev = st.st_dev;
    id.ino = st.st_ino;
    id.size = st.st_size;
    id.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  }
  return id;
}

std::string file_uri(const std::string& path, const std::string& query) {
  std::string absolute = path;
  if (absolute.empty() || absolute[0] != '/') {
    std::array<char, 4096> cwd{};
    if (::getcwd(cwd.data(), cwd.size()) == nullptr) {
      refuse_metastore("store.unreadable", path,
                       std::string("cannot be named: getcwd: ") + std::strerror(errno));
    }
    absolute = std::string(cwd.data()) + "/" + path;
  }
  // "file://" and an empty authority, so that a path starting with "//" is
  // not read as a host.
  std::string uri = "file://";
  for (const unsigned char c : absolute) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '/' || c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      uri += static_cast<char>(c);
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", c);
      uri += escaped;
    }
  }
  return uri + "?" + query;
}

} // namespace jobop::store::sqlite
