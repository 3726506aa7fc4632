#include <cli/output.hpp>

#include <cli/diagnostics.hpp>
#include <cli/output_guard.hpp>
#include <cli/terminal.hpp>

#include <unistd.h>

namespace jobop::cli {

namespace {

class JsonDocumentWriter final : public RecordWriter {
public:
  JsonDocumentWriter(std::ostream& out, std::string array_key)
    : m_out(out), m_array_key(std::move(array_key)) {}

  void write(const nlohmann::json& record) override { write_text(dump_json(record)); }
  bool takes_text() const override { return true; }
  void write_text(std::string_view record) override {
    open();
    m_out << (m_first ? "\n" : ",\n") << record;
    m_first = false;
    ensure_written(m_out);
  }

  void finish(const nlohmann::json& summary) override {
    open();
    m_out << (m_first ? "]" : "\n]");
    for (const auto& [key, value] : summary.items()) {
      m_out << ',' << dump_json(key) << ':' << dump_json(value);
    }
    m_out << "}\n" << std::flush;
    ensure_written(m_out);
  }

private:
  // The array is written by hand so that records stream out one by one.
  void open() {
    if (!m_opened) {
      m_out << '{' << dump_json(m_array_key) << ":[";
      m_opened = true;
    }
  }

  std::ostream& m_out;
  std::string m_array_key;
  bool m_opened = false;
  bool m_first = true;
};

class JsonLinesWriter final : public RecordWriter {
public:
  explicit JsonLinesWriter(std::ostream& out) : m_out(out) {}
  void write(const nlohmann::json& record) override { write_text(dump_json(record)); }
  bool takes_text() const override { return true; }
  void write_text(std::string_view record) override {
    m_out << record << '\n';
    ensure_written(m_out);
  }
  void finish(const nlohmann::json& /*summary*/) override {
    m_out << std::flush;
    ensure_written(m_out);
  }

private:
  std::ostream& m_out;
};

} // namespace

CLI::Option* add_output_option(CLI::App& command, std::string& format,
                               const std::vector<std::string>& allowed) {
  std::string names;
  for (const auto& name : allowed) {
    names += (names.empty() ? "" : "|") + name;
  }
  return command.add_option("-o,--output", format, "Output format: " + names)
    ->check(CLI::IsMember(allowed, CLI::ignore_case))
    ->capture_default_str();
}

OutputFormat parse_output_format(const std::string& name) {
  if (name == "jsonl") {
    return OutputFormat::jsonl;
  }
  if (name == "table") {
    return OutputFormat::table;
  }
  if (name == "wide") {
    return OutputFormat::wide;
  }
  return OutputFormat::json;
}

bool stdout_wants_colour() {
  return colour_enabled(ColourMode::automatic, STDOUT_FILENO);
}

std::unique_ptr<RecordWriter> make_record_writer(OutputFormat format, std::ostream& out,
                                                 std::string array_key, std::vector<Column> columns,
                                                 TableOptions table) {
  switch (format) {
  case OutputFormat::jsonl:
    return std::make_unique<JsonLinesWriter>(out);
  case OutputFormat::wide:
    table.wide = true;
    return make_table_writer(out, std::move(columns), std::move(table));
  case OutputFormat::table:
    return make_table_writer(out, std::move(columns), std::move(table));
  case OutputFormat::json:
    break;
  }
  return std::make_unique<JsonDocumentWriter>(out, std::move(array_key));
}

std::unique_ptr<RecordWriter> make_record_writer(OutputFormat format, std::ostream& out,
                                                 std::string array_key, std::vector<Column> columns,
                                                 bool colour) {
  TableOptions table;
  table.width = terminal_width(STDOUT_FILENO);
  table.colour = colour;
  return make_record_writer(format, out, std::move(array_key), std::move(columns),
                            std::move(table));
}

void print_json_line(std::ostream& out, const nlohmann::json& document) {
  out << dump_json(document) << '\n' << std::flush;
  ensure_written(out);
}

} // namespace jobop::cli
