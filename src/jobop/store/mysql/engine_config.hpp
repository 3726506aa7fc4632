#pragma once

#include <jobop/store/mysql/connection_config.hpp>

#include <string>
#include <string_view>

// The engine's own server-master TOML as a way to reach its metastore
// (`--engine-config FILE`, SPEC §1b).
namespace jobop::store::mysql {

// Return the connection to the `[framework-meta]` store of the engine
// server-master config in `path`, with the engine's defaults (upstream
// engine/servermaster/config.go, engine/pkg/meta/model/config.go): endpoints
// ["127.0.0.1:3336"] (the first is used; "host[:port]", port 3306 when
// absent), user "root", password "" (kept as given: the caller decides
// between it and JOBOP_DB_PASSWORD), schema "test_framework", store-type
// "mysql" (trimmed, any case), dial-, read- and write-timeout "3s", and the
// TLS of `[framework-meta.security]` (see the .cpp for the mapping). Throw
// core::UsageError: config.unreadable, config.syntax (with the line),
// config.no_framework_meta, config.bad_store_type (etcd or anything but
// mysql), config.unknown_key (the engine refuses unknown keys too),
// config.invalid_value (a wrong type, an empty endpoints list or schema, a
// bad duration).
ConnectionConfig read_engine_config(const std::string& path);

// The same for the TOML `text` of a file called `name` in messages.
ConnectionConfig parse_engine_config(std::string_view text, const std::string& name);

} // namespace jobop::store::mysql
