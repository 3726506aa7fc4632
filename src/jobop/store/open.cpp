#include <jobop/store/open.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/store/mysql/connection.hpp>
#include <jobop/store/mysql/connection_config.hpp>
#include <jobop/store/mysql/engine_config.hpp>
#include <jobop/store/mysql/mysql_metastore.hpp>
#include <jobop/store/sqlite/sqlite_metastore.hpp>

#include <sqlite3.h>

namespace jobop::store {

namespace {

// Return the server `target` names, or nullopt for an SQLite file.
std::optional<mysql::ConnectionConfig> server_of(const StoreTarget& target) {
  if (!target.engine_config.empty() && target.db_from_flag) {
    throw core::UsageError("usage", "--db and --engine-config both name a metastore; give only one",
                           {{"db", target.db}, {"engine_config", target.engine_config}});
  }
  std::optional<mysql::ConnectionConfig> config;
  if (!target.engine_config.empty()) {
    // The engine's own config carries its password; a password given to
    // jobop explicitly overrides it.
    config = mysql::read_engine_config(target.engine_config);
  } else if (mysql::is_mysql_url(target.db)) {
    config = mysql::parse_mysql_url(target.db);
  }
  if (!config) {
    if (!target.password_file.empty()) {
      throw core::UsageError("usage",
                             "--password-file is for a MySQL metastore (--db mysql://... or "
                             "--engine-config); " +
                               target.db + " is an SQLite file",
                             {{"db", target.db}});
    }
    return std::nullopt;
  }
  if (!target.password_file.empty()) {
    config->password = mysql::read_password_file(target.password_file);
  } else if (target.env_password) {
    config->password = target.env_password;
  }
  return config;
}

} // namespace

std::unique_ptr<Metastore> open_metastore(const StoreTarget& target, OpenMode mode,
                                          StoreOptions options) {
  if (auto server = server_of(target)) {
    return std::make_unique<mysql::MysqlMetastore>(std::move(*server), mode, options);
  }
  return std::make_unique<sqlite::SqliteMetastore>(target.db, mode, options);
}

InitResult init_metastore(const StoreTarget& target, StoreOptions options) {
  if (auto server = server_of(target)) {
    return mysql::init_mysql_metastore(*server, options);
  }
  return sqlite::init_sqlite_metastore(target.db, options);
}

std::unique_ptr<Metastore> open_metastore(const std::string& db, OpenMode mode,
                                          StoreOptions options) {
  StoreTarget target;
  target.db = db;
  return open_metastore(target, mode, options);
}

InitResult init_metastore(const std::string& db, StoreOptions options) {
  StoreTarget target;
  target.db = db;
  return init_metastore(target, options);
}

std::string backend_library_versions() {
  return std::string("SQLite: ") + sqlite3_libversion() +
         "\nMySQL client: " + mysql::client_library_version();
}

} // namespace jobop::store
