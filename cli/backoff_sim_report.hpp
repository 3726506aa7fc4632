#pragma once

#include <cli/table.hpp>
#include <jobop/backoff/schedule.hpp>
#include <jobop/backoff/text_report.hpp>

#include <ostream>
#include <string>

// backoff-sim's reports for a person, laid out by the same table code as
// every other command: columns dropped by priority to fit the width, cells
// aligned by display width, paragraphs wrapped.
namespace jobop::cli {

// Print `report` on `out` in `options.width` columns (`wide`: every column,
// nothing wrapped). Without headers only the tables' rows are printed: no
// header line and none of the text around them, for scripts that cut columns.
// With `sort_by` (a column's header, spaces as "_": "p50", "p50_diff"), the
// rows of every table with that column are sorted by it, durations and
// numbers by value; a table with omitted rows (the schedule's) keeps its
// order. Throw core::UsageError input.bad_sort_field, before printing
// anything, when no sortable table has that column.
void print_report(std::ostream& out, const backoff::TextReport& report, const TableOptions& options,
                  const std::string& sort_by = "");

// Return the schedule's sparkline line ("interval per retry: ▁▂…█  5s to
// 5m0s over 600 retries") with as many blocks as fit the width, 60 at most.
std::string sparkline_line(const backoff::Schedule& schedule, const TableOptions& options);

} // namespace jobop::cli
