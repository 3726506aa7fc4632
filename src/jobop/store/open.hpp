#pragma once

#include <jobop/store/metastore.hpp>

#include <memory>
#include <optional>
#include <string>

// Where a command finds its metastore, and the one place that picks the
// backend for it (SPEC §1b).
namespace jobop::store {

// The metastore as the global flags and the environment name it. The CLI
// fills it; nothing here reads the environment.
struct StoreTarget {
  // --db or JOBOP_DB: a file path (SQLite) or `mysql://USER@HOST[:PORT]/SCHEMA[?PARAMS]`.
  std::string db = "./jobop.db";
  // True when `db` came from the --db flag (not from JOBOP_DB or the default).
  bool db_from_flag = false;
  // --engine-config FILE: the engine's server-master TOML, whose
  // [framework-meta] store is used.
  std::string engine_config;
  // --password-file FILE (a MySQL password; refused if others may read it).
  std::string password_file;
  // JOBOP_DB_PASSWORD.
  std::optional<std::string> env_password;
};

// Open the metastore `target` names in `mode`. Throw core::UsageError (exit
// 2) for --db together with --engine-config, a password in a URL, a bad
// URL or engine config, or a password file others may read.
std::unique_ptr<Metastore> open_metastore(const StoreTarget& target, OpenMode mode,
                                          StoreOptions options = {});

// Create or adopt the metastore `target` names (see OpenMode::create_or_adopt).
InitResult init_metastore(const StoreTarget& target, StoreOptions options = {});

// The same for a plain `--db` value (a path or a URL without a password).
std::unique_ptr<Metastore> open_metastore(const std::string& db, OpenMode mode,
                                          StoreOptions options = {});
InitResult init_metastore(const std::string& db, StoreOptions options = {});

// Return the client libraries of the backends and their versions, one a
// line, for --version ("SQLite: 3.40.1\nMySQL client: MariaDB Connector/C
// 3.3.8 (libmariadb.so.3)", or why the MySQL client cannot be loaded).
std::string backend_library_versions();

} // namespace jobop::store
