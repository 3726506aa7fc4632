#include <cli/backoff_sim_report.hpp>

#include <cli/output_guard.hpp>
#include <jobop/backoff/chart.hpp>
#include <jobop/text/display_width.hpp>
#include <jobop/text/utf8.hpp>
#include <jobop/text/wrap.hpp>

#include <algorithm>

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

void print_table(std::ostream& out, const backoff::ReportTable& table,
                 const TableOptions& options) {
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

void print_report(std::ostream& out, const backoff::TextReport& report,
                  const TableOptions& options) {
  for (const auto& block : report.blocks()) {
    switch (block.kind) {
    case backoff::ReportBlock::Kind::table:
      print_table(out, block.table, options);
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
