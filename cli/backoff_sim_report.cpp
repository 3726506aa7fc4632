#include <cli/backoff_sim_report.hpp>

#include <cli/output_guard.hpp>
#include <jobop/backoff/chart.hpp>
#include <jobop/backoff/report.hpp>
#include <jobop/core/exceptions.hpp>
#include <jobop/text/display_width.hpp>
#include <jobop/text/utf8.hpp>
#include <jobop/text/wrap.hpp>

#include <algorithm>
#include <cctype>
#include <optional>

namespace jobop::cli {

namespace {

// The sparkline keeps this many blocks however narrow the terminal; the
// words after it wrap instead.
constexpr std::size_t k_sparkline_min_blocks = 8;
constexpr std::size_t k_sparkline_max_blocks = 60;

void print_paragraph(std::ostream& out, const std::string& text, const TableOptions& options) {
  const std::string safe = text::terminal_safe(text);
  if (options.wide) {
    out << safe << '\n';
    return;
  }
  for (const auto& line : text::wrap_to_width(safe, options.width)) {
    out << line << '\n';
  }
}

// The --sort-by name of a column: its header with "_" for spaces.
std::string field_of(const backoff::ReportColumn& column) {
  std::string field = column.header;
  std::replace(field.begin(), field.end(), ' ', '_');
  return field;
}

// Return the column of `table` named `field`, or nullopt (also for a table
// with omitted rows, whose order is the point).
std::optional<std::size_t> sort_column(const backoff::ReportTable& table,
                                       const std::string& field) {
  if (!table.breaks.empty()) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (field_of(table.columns[i]) == field) {
      return i;
    }
  }
  return std::nullopt;
}

// Sort `rows` by column `c`, stably (ties keep the report's order).
void sort_rows(std::vector<std::vector<std::string>>& rows, std::size_t c) {
  std::stable_sort(rows.begin(), rows.end(), [c](const auto& a, const auto& b) {
    const auto va = backoff::sort_value(a[c]);
    const auto vb = backoff::sort_value(b[c]);
    if (va && vb) {
      return *va < *vb;
    }
    if (va || vb) {
      return va.has_value();
    }
    return a[c] < b[c];
  });
}

// Throw input.bad_sort_field unless some table of `report` sorts by `field`.
void check_sort_field(const backoff::TextReport& report, const std::string& field) {
  std::vector<std::string> valid;
  for (const auto& block : report.blocks()) {
    if (block.kind != backoff::ReportBlock::Kind::table || !block.table.breaks.empty()) {
      continue;
    }
    if (sort_column(block.table, field)) {
      return;
    }
    for (const auto& column : block.table.columns) {
      if (std::find(valid.begin(), valid.end(), field_of(column)) == valid.end()) {
        valid.push_back(field_of(column));
      }
    }
  }
  std::string names;
  for (const auto& name : valid) {
    names += (names.empty() ? "" : ", ") + name;
  }
  throw core::UsageError("input.bad_sort_field",
                         "--sort-by: unknown field `" + field + "`; " +
                           (valid.empty() ? std::string("this table is in retry order and is "
                                                        "not sorted (the failure model, --vs "
                                                        "and --solve tables are)")
                                          : "sort by one of: " + names),
                         {{"field", field}});
}

void print_table(std::ostream& out, const backoff::ReportTable& table, const TableOptions& options,
                 const std::string& sort_by) {
  std::vector<Column> columns;
  for (const auto& column : table.columns) {
    Column c;
    c.header = column.header;
    c.priority = column.priority;
    c.align = Align::right;
    columns.push_back(std::move(c));
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : table.rows) {
    std::vector<std::string> cells;
    for (const auto& cell : row) {
      cells.push_back(text::terminal_safe(cell));
    }
    rows.push_back(std::move(cells));
  }
  if (!sort_by.empty()) {
    if (const auto c = sort_column(table, sort_by)) {
      sort_rows(rows, *c);
    }
  }
  TableLayout layout(columns, rows, options);
  if (options.headers) {
    out << layout.header_line() << '\n';
  }
  for (std::size_t r = 0; r <= rows.size(); ++r) {
    for (const auto& line : table.breaks) {
      if (line.before == r && options.headers) {
        print_paragraph(out, line.text, options);
      }
    }
    if (r < rows.size()) {
      out << layout.row_line(rows[r], false) << '\n';
    }
  }
}

} // namespace

void print_report(std::ostream& out, const backoff::TextReport& report, const TableOptions& options,
                  const std::string& sort_by) {
  // "p50 diff" may be written as on the header line, "-" or a leading "."
  // as in kubectl.
  std::string field = !sort_by.empty() && sort_by[0] == '.' ? sort_by.substr(1) : sort_by;
  std::replace(field.begin(), field.end(), ' ', '_');
  std::replace(field.begin(), field.end(), '-', '_');
  std::transform(field.begin(), field.end(), field.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!field.empty()) {
    check_sort_field(report, field);
  }
  for (const auto& block : report.blocks()) {
    switch (block.kind) {
    case backoff::ReportBlock::Kind::table:
      print_table(out, block.table, options, field);
      break;
    case backoff::ReportBlock::Kind::paragraph:
      if (options.headers) {
        print_paragraph(out, block.text, options);
      }
      break;
    case backoff::ReportBlock::Kind::verbatim:
      if (options.headers) {
        out << text::terminal_safe(block.text) << '\n';
      }
      break;
    }
  }
  out << std::flush;
  ensure_written(out);
}

std::string sparkline_line(const backoff::Schedule& schedule, const TableOptions& options) {
  const std::string prefix = "interval per retry: ";
  std::size_t blocks = k_sparkline_max_blocks;
  std::string line = prefix + backoff::schedule_sparkline(schedule, blocks);
  while (!options.wide && text::display_width(line) > options.width &&
         blocks > k_sparkline_min_blocks) {
    const std::size_t over = text::display_width(line) - options.width;
    blocks = std::max(k_sparkline_min_blocks, blocks > over ? blocks - over : 0);
    line = prefix + backoff::schedule_sparkline(schedule, blocks);
  }
  return line;
}

} // namespace jobop::cli
