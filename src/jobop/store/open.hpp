#pragma once

#include <jobop/store/metastore.hpp>

#include <memory>
#include <string>

// Where a command finds its metastore, and the one place that picks the
// backend for it.
namespace jobop::store {

// Open the metastore at `location` (a file path: SQLite) in `mode`.
std::unique_ptr<Metastore> open_metastore(const std::string& location, OpenMode mode,
                                          StoreOptions options = {});

// Create or adopt the metastore at `location` (see OpenMode::create_or_adopt).
InitResult init_metastore(const std::string& location, StoreOptions options = {});

} // namespace jobop::store
