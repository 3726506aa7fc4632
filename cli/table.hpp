#pragma once

#include <jobop/core/clock.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

// Tables for people (`-o table`, `-o wide`): a column model with priorities
// that fits the terminal by dropping the least important columns first,
// aligns by display width (CJK, emoji) and shows times as ages.
namespace jobop::cli {

class RecordWriter;

// How a cell shows its JSON value.
enum class CellKind {
  text, // strings as they are, other values as JSON, null as "-"
  age,  // an RFC 3339 timestamp shown as its age at TableOptions::now ("26h")
};

// Where a cell sits in its column: text reads from the left, magnitudes
// (durations, counts) line up on the right.
enum class Align { left, right };

// One column of a table: its header and where its cell lives in a record
// (a JSON pointer such as "/id" or "/failure/code").
struct Column {
  std::string header;
  std::string pointer;
  // 0: always shown. A larger number is dropped earlier when the table is
  // wider than the terminal; give each droppable column its own number.
  int priority = 0;
  CellKind kind = CellKind::text;
  // Long cells are cut (with "…") rather than the column dropped.
  bool truncatable = false;
  Align align = Align::left;
};

struct TableOptions {
  // Columns available; the table fits in this many unless `wide`.
  std::size_t width = 80;
  // Show every column, however wide.
  bool wide = false;
  bool headers = true;
  // ANSI colours of the `state` and `action` columns.
  bool colour = false;
  // The time ages are measured at.
  core::UnixNanos now = 0;
  // A line printed above the header ("DRY RUN: ..."), empty for none.
  std::string banner;
  // Lines printed after the rows from the summary finish() gets (counts),
  // when headers are shown; empty for none.
  std::function<std::string(const nlohmann::json& summary)> footer;
};

// Return the columns a table of `natural` widths (header and widest cell)
// shows in `options.width`: indexes into `columns`, in order. Droppable
// columns go by descending priority (the rightmost first on a tie) until the
// rest fits with truncatable columns at their minimum.
std::vector<std::size_t> fit_columns(const std::vector<Column>& columns,
                                     const std::vector<std::size_t>& natural,
                                     const TableOptions& options);

// The layout of a table decided from its rows of cell text: which columns
// show and how wide. The table writer lays out its first chunk with it;
// reports that print prose between rows (backoff-sim) use it directly.
class TableLayout {
public:
  TableLayout(const std::vector<Column>& columns, const std::vector<std::vector<std::string>>& rows,
              const TableOptions& options);

  // Return the header line (no newline).
  std::string header_line();
  // Return `row` (one text per column) as a line: the shown cells aligned
  // by display width, truncatable ones cut. A cell wider than its column
  // (a later chunk's) widens it from then on.
  std::string row_line(const std::vector<std::string>& row, bool colour);
  // The indexes of the columns shown, in order.
  const std::vector<std::size_t>& shown() const { return m_shown; }

private:
  const std::vector<Column>& m_columns;
  bool m_wide;
  std::vector<std::size_t> m_shown;
  std::vector<std::size_t> m_widths;
};

// Return the text of the cell of `column` in `record`: "-" for a missing or
// null value, ages for CellKind::age, every byte terminal-safe.
std::string cell_text(const nlohmann::json& record, const Column& column, core::UnixNanos now);

// Return a writer that prints records on `out` as a table.
std::unique_ptr<RecordWriter> make_table_writer(std::ostream& out, std::vector<Column> columns,
                                                TableOptions options);

} // namespace jobop::cli
