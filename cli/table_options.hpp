#pragma once

#include <cli/globals.hpp>
#include <cli/output.hpp>
#include <cli/table.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

// The output flags of every command that prints records: -o, --no-headers,
// --sort-by, and the writer they ask for.
namespace jobop::cli {

struct RecordOutputFlags {
  std::string output = "json";
  bool no_headers = false;
  std::string sort_by;
};

// Add `-o,--output` (json, jsonl, table, wide), `--no-headers` and
// `--sort-by FIELD` to `command`.
void add_record_output_options(CLI::App& command, RecordOutputFlags& flags);

// Return the names --sort-by takes for `columns`: each header in lower case
// ("canceling") and each record field the column shows ("canceling_since").
std::vector<std::string> sort_field_names(const std::vector<Column>& columns);

// Return the JSON pointer --sort-by `name` sorts on (a leading "." as in
// kubectl is accepted); throw core::UsageError (input.bad_sort_field)
// naming every valid field when `name` is none of them.
std::string sort_pointer(const std::string& name, const std::vector<Column>& columns);

// What a command tells the writer besides the flags.
struct RecordOutputContext {
  // The JSON document's array of records ("jobs", "items").
  std::string array_key;
  std::vector<Column> columns;
  // Ages are measured at this time.
  core::UnixNanos now = 0;
  // A dry run: the table says "DRY RUN" above its header.
  bool dry_run = false;
  // Lines after a table's rows, from the summary (counts).
  std::function<std::string(const nlohmann::json&)> footer;
};

// Return the writer `flags` ask for on stdout: a table fitted to the
// terminal with colour per --color, sorted per --sort-by (every format:
// the records are then held until the end).
std::unique_ptr<RecordWriter> make_command_writer(const RecordOutputFlags& flags,
                                                  const Globals& globals,
                                                  RecordOutputContext context);

// Return `a` < `b` as --sort-by orders values: numbers by value, strings by
// bytes, false before true; null and missing values last.
bool sort_before(const nlohmann::json* a, const nlohmann::json* b);

} // namespace jobop::cli
