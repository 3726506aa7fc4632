#include <jobop/store/open.hpp>

#include <jobop/store/sqlite/sqlite_metastore.hpp>

namespace jobop::store {

std::unique_ptr<Metastore> open_metastore(const std::string& location, OpenMode mode,
                                          StoreOptions options) {
  return std::make_unique<sqlite::SqliteMetastore>(location, mode, options);
}

InitResult init_metastore(const std::string& location, StoreOptions options) {
  return sqlite::init_sqlite_metastore(location, options);
}

} // namespace jobop::store
