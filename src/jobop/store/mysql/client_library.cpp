#include <jobop/store/mysql/client_library.hpp>

#include <jobop/core/exceptions.hpp>

#include <dlfcn.h>

#include <mutex>
#include <string>

namespace jobop::store::mysql {

namespace {

// The soname of Connector/C 3 (Debian: libmariadb3).
constexpr const char* k_soname = "libmariadb.so.3";

[[noreturn]] void cannot_load(const std::string& why) {
  throw core::StoreError("store.client_library",
                         std::string("cannot load the MySQL client library ") + k_soname + ": " +
                           why + " (install the Debian package libmariadb3)",
                         {{"library", k_soname}});
}

ClientLibrary load() {
  void* handle = ::dlopen(k_soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* error = ::dlerror();
    cannot_load(error != nullptr ? error : "dlopen failed");
  }
  ClientLibrary library;
#define JOBOP_MYSQL_LOOKUP(name)                                                                   \
  library.name = reinterpret_cast<decltype(library.name)>(::dlsym(handle, #name));                 \
  if (library.name == nullptr) {                                                                   \
    cannot_load("it has no " #name);                                                               \
  }
  JOBOP_MYSQL_FUNCTIONS(JOBOP_MYSQL_LOOKUP)
#undef JOBOP_MYSQL_LOOKUP
  // Kept loaded for the life of the process.
  return library;
}

} // namespace

const ClientLibrary& client_library() {
  static std::once_flag once;
  static ClientLibrary library;
  std::call_once(once, [] { library = load(); });
  return library;
}

} // namespace jobop::store::mysql
