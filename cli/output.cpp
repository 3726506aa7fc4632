#include <cli/output.hpp>

#include <cli/diagnostics.hpp>
#include <cli/output_guard.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace jobop::cli {

namespace {

// Rows a table holds before it prints them: later rows widen columns when
// they must, so a long listing stays in bounded memory.
constexpr std::size_t k_table_chunk = 512;

// Return the length of the valid UTF-8 sequence at `text[i]`, or 0.
std::size_t utf8_sequence_length(const std::string& text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  unsigned min_code = 0;
  unsigned code = 0;
  if (lead < 0x80) {
    return 1;
  } else if ((lead & 0xE0U) == 0xC0U) {
    length = 2;
    min_code = 0x80;
    code = lead & 0x1FU;
  } else if ((lead & 0xF0U) == 0xE0U) {
    length = 3;
    min_code = 0x800;
    code = lead & 0x0FU;
  } else if ((lead & 0xF8U) == 0xF0U) {
    length = 4;
    min_code = 0x10000;
    code = lead & 0x07U;
  } else {
    return 0;
  }
  if (i + length > text.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0U) != 0x80U) {
      return 0;
    }
    code = (code << 6U) | (byte(i + k) & 0x3FU);
  }
  // Overlong forms, surrogates and C1 controls (0x9B is a terminal CSI) are refused.
  if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF) ||
      (code >= 0x80 && code <= 0x9F)) {
    return 0;
  }
  return length;
}

std::string cell_text(const nlohmann::json& record, const std::string& pointer) {
  const nlohmann::json::json_pointer where(pointer);
  if (!record.contains(where)) {
    return "-";
  }
  const auto& value = record.at(where);
  if (value.is_null()) {
    return "-";
  }
  if (value.is_string()) {
    return terminal_safe(value.get_ref<const std::string&>());
  }
  return terminal_safe(dump_json(value));
}

const char* state_colour(const std::string& state) {
  if (state == "canceling") {
    return "\033[33m";
  }
  if (state == "failed") {
    return "\033[31m";
  }
  if (state == "canceled") {
    return "\033[35m";
  }
  if (state == "finished") {
    return "\033[32m";
  }
  if (state == "running") {
    return "\033[36m";
  }
  return nullptr;
}

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

class TableWriter final : public RecordWriter {
public:
  TableWriter(std::ostream& out, std::vector<Column> columns, bool colour)
    : m_out(out), m_columns(std::move(columns)), m_colour(colour), m_widths(m_columns.size(), 0) {
    for (std::size_t c = 0; c < m_columns.size(); ++c) {
      m_widths[c] = display_width(m_columns[c].header);
      if (m_columns[c].pointer == "/state") {
        m_state_column = c;
      }
    }
  }

  void write(const nlohmann::json& record) override {
    std::vector<std::string> row;
    row.reserve(m_columns.size());
    for (const auto& column : m_columns) {
      row.push_back(cell_text(record, column.pointer));
    }
    m_rows.push_back(std::move(row));
    if (m_rows.size() >= k_table_chunk) {
      flush_rows();
    }
  }

  void finish(const nlohmann::json& /*summary*/) override {
    flush_rows();
    m_out << std::flush;
    ensure_written(m_out);
  }

private:
  void flush_rows() {
    for (const auto& row : m_rows) {
      for (std::size_t c = 0; c < row.size(); ++c) {
        m_widths[c] = std::max(m_widths[c], display_width(row[c]));
      }
    }
    if (!m_header_printed) {
      std::vector<std::string> header;
      for (const auto& column : m_columns) {
        header.push_back(column.header);
      }
      print_row(header, false);
      m_header_printed = true;
    }
    for (const auto& row : m_rows) {
      print_row(row, m_colour);
    }
    m_rows.clear();
    ensure_written(m_out);
  }

  void print_row(const std::vector<std::string>& row, bool colour) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool last = c + 1 == row.size();
      const char* start = colour && c == m_state_column ? state_colour(row[c]) : nullptr;
      if (start != nullptr) {
        m_out << start << row[c] << "\033[0m";
      } else {
        m_out << row[c];
      }
      if (!last) {
        m_out << std::string(m_widths[c] - display_width(row[c]) + 2, ' ');
      }
    }
    m_out << '\n';
  }

  std::ostream& m_out;
  std::vector<Column> m_columns;
  bool m_colour;
  std::vector<std::size_t> m_widths;
  std::size_t m_state_column = static_cast<std::size_t>(-1);
  std::vector<std::vector<std::string>> m_rows;
  bool m_header_printed = false;
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
  return OutputFormat::json;
}

bool stdout_wants_colour() {
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour != nullptr && *no_colour != '\0') {
    return false;
  }
  return isatty(STDOUT_FILENO) == 1;
}

std::string terminal_safe(const std::string& text) {
  std::string safe;
  safe.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0 || byte < 0x20 || byte == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", static_cast<unsigned>(byte));
      safe += escaped;
      ++i;
    } else {
      safe.append(text, i, length);
      i += length;
    }
  }
  return safe;
}

std::size_t display_width(const std::string& text) {
  std::size_t width = 0;
  for (const char ch : text) {
    if ((static_cast<unsigned char>(ch) & 0xC0U) != 0x80U) {
      ++width;
    }
  }
  return width;
}

std::unique_ptr<RecordWriter> make_record_writer(OutputFormat format, std::ostream& out,
                                                 std::string array_key, std::vector<Column> columns,
                                                 bool colour) {
  switch (format) {
  case OutputFormat::jsonl:
    return std::make_unique<JsonLinesWriter>(out);
  case OutputFormat::table:
    return std::make_unique<TableWriter>(out, std::move(columns), colour);
  case OutputFormat::json:
    break;
  }
  return std::make_unique<JsonDocumentWriter>(out, std::move(array_key));
}

void print_json_line(std::ostream& out, const nlohmann::json& document) {
  out << dump_json(document) << '\n' << std::flush;
  ensure_written(out);
}

} // namespace jobop::cli
