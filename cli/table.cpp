#include <cli/table.hpp>

#include <cli/output_guard.hpp>

#include <cli/diagnostics.hpp>
#include <cli/human_time.hpp>
#include <cli/output.hpp>
#include <jobop/core/exceptions.hpp>
#include <jobop/text/display_width.hpp>
#include <jobop/text/utf8.hpp>

#include <algorithm>
#include <numeric>
#include <optional>

namespace jobop::cli {

namespace {

// Rows a table holds before it prints them: the first chunk decides the
// columns and widths, so a long listing stays in bounded memory.
constexpr std::size_t k_table_chunk = 512;
// A truncatable column keeps at least this many columns before others go.
constexpr std::size_t k_min_truncated_width = 24;
constexpr std::size_t k_gap = 2;

const char* value_colour(const std::string& value) {
  if (value == "canceling" || value == "send_failed") {
    return "\033[33m";
  }
  if (value == "failed" || value == "error") {
    return "\033[31m";
  }
  if (value == "canceled" || value == "noop") {
    return "\033[35m";
  }
  if (value == "finished") {
    return "\033[32m";
  }
  if (value == "running" || value == "cancel_sent") {
    return "\033[36m";
  }
  return nullptr;
}

std::size_t total_width(const std::vector<std::size_t>& widths,
                        const std::vector<std::size_t>& shown) {
  std::size_t total = 0;
  for (const auto c : shown) {
    total += widths[c];
  }
  return total + (shown.empty() ? 0 : k_gap * (shown.size() - 1));
}

class TableWriter final : public RecordWriter {
public:
  TableWriter(std::ostream& out, std::vector<Column> columns, TableOptions options)
    : m_out(out), m_columns(std::move(columns)), m_options(std::move(options)) {}

  void write(const nlohmann::json& record) override {
    std::vector<std::string> row;
    row.reserve(m_columns.size());
    for (const auto& column : m_columns) {
      row.push_back(cell_text(record, column, m_options.now));
    }
    m_rows.push_back(std::move(row));
    if (m_rows.size() >= k_table_chunk) {
      flush_rows();
    }
  }

  void finish(const nlohmann::json& summary) override {
    flush_rows();
    if (m_options.headers && m_options.footer) {
      const std::string footer = m_options.footer(summary);
      if (!footer.empty()) {
        m_out << footer << '\n';
      }
    }
    m_out << std::flush;
    ensure_written(m_out);
  }

private:
  void flush_rows() {
    if (!m_layout) {
      m_layout.emplace(m_columns, m_rows, m_options);
      if (!m_options.banner.empty() && m_options.headers) {
        m_out << m_options.banner << '\n';
      }
      if (m_options.headers) {
        m_out << m_layout->header_line() << '\n';
      }
    }
    for (const auto& row : m_rows) {
      m_out << m_layout->row_line(row, m_options.colour) << '\n';
    }
    m_rows.clear();
    ensure_written(m_out);
  }

  std::ostream& m_out;
  std::vector<Column> m_columns;
  TableOptions m_options;
  std::vector<std::vector<std::string>> m_rows;
  // Decided by the first chunk.
  std::optional<TableLayout> m_layout;
};

} // namespace

std::vector<std::size_t> fit_columns(const std::vector<Column>& columns,
                                     const std::vector<std::size_t>& natural,
                                     const TableOptions& options) {
  std::vector<std::size_t> shown(columns.size());
  std::iota(shown.begin(), shown.end(), 0);
  if (options.wide) {
    return shown;
  }
  std::vector<std::size_t> widths = natural;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].truncatable) {
      widths[c] = std::min(natural[c], k_min_truncated_width);
    }
  }
  while (total_width(widths, shown) > options.width) {
    auto drop = shown.end();
    for (auto it = shown.begin(); it != shown.end(); ++it) {
      const int priority = columns[*it].priority;
      if (priority > 0 && (drop == shown.end() || priority >= columns[*drop].priority)) {
        drop = it;
      }
    }
    if (drop == shown.end()) {
      break; // only columns that are always shown are left
    }
    shown.erase(drop);
  }
  return shown;
}

TableLayout::TableLayout(const std::vector<Column>& columns,
                         const std::vector<std::vector<std::string>>& rows,
                         const TableOptions& options)
  : m_columns(columns), m_wide(options.wide) {
  std::vector<std::size_t> natural(columns.size(), 0);
  for (std::size_t c = 0; c < columns.size(); ++c) {
    natural[c] = options.headers ? text::display_width(columns[c].header) : 1;
    for (const auto& row : rows) {
      natural[c] = std::max(natural[c], text::display_width(row[c]));
    }
  }
  m_shown = fit_columns(columns, natural, options);
  m_widths = natural;
  if (options.wide) {
    return;
  }
  // Give the truncatable columns what room is left, up to their natural width.
  std::vector<std::size_t> truncatable;
  for (const auto c : m_shown) {
    if (columns[c].truncatable) {
      m_widths[c] = std::min(natural[c], k_min_truncated_width);
      truncatable.push_back(c);
    }
  }
  std::size_t used = total_width(m_widths, m_shown);
  for (const auto c : truncatable) {
    const std::size_t room = options.width > used ? options.width - used : 0;
    const std::size_t grow = std::min(room, natural[c] - m_widths[c]);
    m_widths[c] += grow;
    used += grow;
  }
}

std::string TableLayout::header_line() {
  std::vector<std::string> header;
  for (const auto& column : m_columns) {
    header.push_back(column.header);
  }
  return row_line(header, false);
}

std::string TableLayout::row_line(const std::vector<std::string>& row, bool colour) {
  std::string line;
  for (std::size_t k = 0; k < m_shown.size(); ++k) {
    const std::size_t c = m_shown[k];
    const bool last = k + 1 == m_shown.size();
    std::string cell = row[c];
    if (m_columns[c].truncatable && !m_wide) {
      cell = text::truncate_to_width(cell, m_widths[c]);
    }
    const std::size_t width = text::display_width(cell);
    m_widths[c] = std::max(m_widths[c], width);
    const std::size_t padding = m_widths[c] - width;
    const bool right = m_columns[c].align == Align::right;
    if (right) {
      line.append(padding, ' ');
    }
    const bool coloured = m_columns[c].pointer == "/state" || m_columns[c].pointer == "/action";
    const char* start = colour && coloured ? value_colour(cell) : nullptr;
    if (start != nullptr) {
      line += start + cell + "\033[0m";
    } else {
      line += cell;
    }
    if (!last) {
      line.append((right ? 0 : padding) + k_gap, ' ');
    }
  }
  return line;
}

std::string cell_text(const nlohmann::json& record, const Column& column, core::UnixNanos now) {
  const nlohmann::json::json_pointer where(column.pointer);
  if (!record.contains(where)) {
    return "-";
  }
  const auto& value = record.at(where);
  if (value.is_null()) {
    return "-";
  }
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (column.kind == CellKind::age) {
      if (auto age = age_of_timestamp(s, now)) {
        return *age;
      }
    }
    return text::terminal_safe(s);
  }
  if (value.is_boolean()) {
    return value.get<bool>() ? "yes" : "no";
  }
  return text::terminal_safe(dump_json(value));
}

std::unique_ptr<RecordWriter> make_table_writer(std::ostream& out, std::vector<Column> columns,
                                                TableOptions options) {
  return std::make_unique<TableWriter>(out, std::move(columns), std::move(options));
}

} // namespace jobop::cli
