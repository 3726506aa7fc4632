#pragma once

#include <jobop/core/clock.hpp>
#include <jobop/store/sqlite/sqlite.hpp>

#include <string>

// Making a new SQLite metastore (`init` on a missing path).
namespace jobop::store::sqlite {

// Make a new metastore at `path`: the engine's schema, the tool's tables, WAL
// mode (the only file whose journal mode jobop sets), mode 0600 (configs
// hold credentials). It is built in a temporary file beside `path` and
// linked into place whole, so no other process ever sees it half-made (a
// concurrent `init` adopts it) and a failure or a kill leaves no `path`.
// Return false, leaving `path` alone, if another process made `path` first.
// Throw core::StoreError on failure, removing the temporary file.
bool create_metastore_file(const std::string& path, core::Nanos busy_timeout);

// Create the tool's own tables if missing and record their version, inside
// the caller's transaction.
void create_tool_tables(Database& db);

} // namespace jobop::store::sqlite
