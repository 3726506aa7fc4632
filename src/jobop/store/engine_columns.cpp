#include <jobop/store/engine_columns.hpp>

#include <jobop/core/exceptions.hpp>

namespace jobop::store {

namespace {

struct TableColumns {
  const char* table;
  std::vector<const char*> columns;
};

// Every column jobop reads or writes (`job put` writes `detail` and `ext`, as
// the engine's UpsertJob does).
const TableColumns k_needed[] = {
  {"master_meta",
   {"seq_id", "created_at", "updated_at", "project_id", "id", "type", "state", "node_id", "address",
    "epoch", "config", "error_message", "detail", "ext", "deleted"}},
  {"job_ops", {"seq_id", "created_at", "updated_at", "op", "job_id"}},
};

} // namespace

std::vector<std::string>
missing_engine_columns(const std::function<bool(const std::string&, const std::string&)>& has) {
  std::vector<std::string> missing;
  for (const TableColumns& table : k_needed) {
    for (const char* column : table.columns) {
      if (!has(table.table, column)) {
        missing.push_back(std::string(table.table) + "." + column);
      }
    }
  }
  return missing;
}

void refuse_missing_columns(const std::string& location, const std::vector<std::string>& missing) {
  std::string list;
  for (const auto& column : missing) {
    list += (list.empty() ? "" : ", ") + column;
  }
  throw core::StoreError("store.not_a_metastore",
                         "metastore " + location + " lacks the column(s) " + list +
                           " that jobop reads; refusing to use it (nothing was written)",
                         {{"path", location}, {"missing_columns", missing}});
}

} // namespace jobop::store
