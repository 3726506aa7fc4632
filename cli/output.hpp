#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

// How commands print records: one JSON document, JSON Lines or an aligned
// table for people. Writers stream: a record is printed as it arrives, so a
// listing of a million jobs needs constant memory.
namespace jobop::cli {

enum class OutputFormat { json, jsonl, table };

// Add `-o,--output FORMAT` to `command`, restricted (case-insensitive) to
// `allowed`; the value lands in `format` (default: its current value).
CLI::Option* add_output_option(CLI::App& command, std::string& format,
                               const std::vector<std::string>& allowed = {"json", "jsonl",
                                                                          "table"});

// Return the format named by `name` (already validated by CLI11).
OutputFormat parse_output_format(const std::string& name);

// Return true when a table may use colour: stdout is a terminal and NO_COLOR
// is unset or empty (https://no-color.org).
bool stdout_wants_colour();

// Return `text` safe to show on a terminal: control bytes and invalid UTF-8
// become `\xNN`, so metastore bytes can never move the cursor or change colour.
std::string terminal_safe(const std::string& text);

// Return how many columns `text` (valid UTF-8) takes: one per code point.
std::size_t display_width(const std::string& text);

// One column of a table: its header and where its cell lives in a record
// (a JSON pointer such as "/id" or "/cancel/sends").
struct Column {
  std::string header;
  std::string pointer;
};

// Receives the records of one command result.
class RecordWriter {
public:
  virtual ~RecordWriter() = default;
  // Print `record` (or, for a table, queue it for alignment).
  virtual void write(const nlohmann::json& record) = 0;
  // End the output. `summary` holds the fields that follow the record array
  // in a JSON document (e.g. counts); JSON Lines and tables omit them.
  virtual void finish(const nlohmann::json& summary = nlohmann::json::object()) = 0;
};

// Return a writer for `format` on `out`. In a JSON document the records are the
// array `array_key`; `columns` shape a table; `colour` enables ANSI colours of
// the `state` column.
std::unique_ptr<RecordWriter> make_record_writer(OutputFormat format, std::ostream& out,
                                                 std::string array_key, std::vector<Column> columns,
                                                 bool colour);

// Print `document` on `out` as one compact JSON line and flush it.
void print_json_line(std::ostream& out, const nlohmann::json& document);

} // namespace jobop::cli
