#pragma once

#include <cli/table.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

// How commands print records: one JSON document, JSON Lines or an aligned
// table for people. Writers stream: a record is printed as it arrives, so a
// listing of a million jobs needs constant memory.
namespace jobop::cli {

// `wide` is a table with every column, however wide.
enum class OutputFormat { json, jsonl, table, wide };

// Add `-o,--output FORMAT` to `command`, restricted (case-insensitive) to
// `allowed`; the value lands in `format` (default: its current value).
CLI::Option* add_output_option(CLI::App& command, std::string& format,
                               const std::vector<std::string>& allowed = {"json", "jsonl",
                                                                          "table"});

// Return the format named by `name` (already validated by CLI11).
OutputFormat parse_output_format(const std::string& name);

// Return true when a table may use colour: stdout is a terminal, NO_COLOR
// is unset or empty (https://no-color.org) and TERM is not dumb.
bool stdout_wants_colour();

// Receives the records of one command result.
class RecordWriter {
public:
  virtual ~RecordWriter() = default;
  // Print `record` (or, for a table, queue it for alignment).
  virtual void write(const nlohmann::json& record) = 0;
  // Return true if records may come as JSON text (write_text) here: a JSON
  // output prints them as they are, a table needs the object.
  virtual bool takes_text() const { return false; }
  // Print a record already serialized as compact JSON (status at a million
  // jobs cannot afford building each object).
  virtual void write_text(std::string_view record) { write(nlohmann::json::parse(record)); }
  // End the output. `summary` holds the fields that follow the record array
  // in a JSON document (e.g. counts); JSON Lines and tables omit them.
  virtual void finish(const nlohmann::json& summary = nlohmann::json::object()) = 0;
};

// Return a writer for `format` on `out`. In a JSON document the records are the
// array `array_key`; `columns` and `table` shape a table (`wide` is forced
// for OutputFormat::wide).
std::unique_ptr<RecordWriter> make_record_writer(OutputFormat format, std::ostream& out,
                                                 std::string array_key, std::vector<Column> columns,
                                                 TableOptions table);

// The same with the table fitted to stdout's terminal and `colour` for its
// `state` column.
std::unique_ptr<RecordWriter> make_record_writer(OutputFormat format, std::ostream& out,
                                                 std::string array_key, std::vector<Column> columns,
                                                 bool colour);

// Print `document` on `out` as one compact JSON line and flush it.
void print_json_line(std::ostream& out, const nlohmann::json& document);

} // namespace jobop::cli
