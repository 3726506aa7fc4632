#pragma once

#include <functional>
#include <string>
#include <vector>

// The columns of the engine's tables that jobop reads or writes, for both
// backends (SPEC §1): a metastore without any of them is refused before
// anything is written, the message naming the missing ones.
namespace jobop::store {

// Return "table.column" for each column jobop needs that `has(table,
// column)` says is not there, in the tables' order.
std::vector<std::string>
missing_engine_columns(const std::function<bool(const std::string&, const std::string&)>& has);

// Throw core::StoreError store.not_a_metastore (exit 5) for the metastore at
// `location`, which lacks the columns `missing`.
[[noreturn]] void refuse_missing_columns(const std::string& location,
                                         const std::vector<std::string>& missing);

} // namespace jobop::store
