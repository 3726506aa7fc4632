#include <cli/backoff_sim_report.hpp>
#include <jobop/backoff/report.hpp>
#include <jobop/backoff/schedule.hpp>
#include <jobop/core/exceptions.hpp>
#include <jobop/text/display_width.hpp>

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

using jobop::backoff::ReportTable;
using jobop::backoff::TextReport;
using jobop::cli::TableOptions;

namespace {

TextReport sample() {
  TextReport report;
  report.paragraph("policy: initial 5s, x1.2, max 5m0s, jitter 0.5, reset after 10m0s up");
  report.blank();
  ReportTable table;
  table.columns = {{"retry", 0}, {"interval", 0}, {"waited max", 2}, {"waited", 1}};
  table.rows = {{"1", "5s", "7.5s", "5s"}, {"599", "5m0s", "72h41m", "48h27m"}};
  table.breaks = {{1, "...  (597 rows like the one above)"}};
  report.table(table);
  report.verbatim("reset-interval = \"10m0s\"  # a verbatim line is never wrapped");
  return report;
}

std::string printed(const TextReport& report, const TableOptions& options) {
  std::ostringstream out;
  jobop::cli::print_report(out, report, options);
  return out.str();
}

} // namespace

TEST_CASE("a report prints its paragraphs wrapped, its tables fitted, breaks between rows") {
  TableOptions options;
  options.width = 36;
  CHECK(printed(sample(), options) == "policy: initial 5s, x1.2, max 5m0s,\n"
                                      "  jitter 0.5, reset after 10m0s up\n"
                                      "\n"
                                      "retry  interval  waited max  waited\n"
                                      "    1        5s        7.5s      5s\n"
                                      "...  (597 rows like the one above)\n"
                                      "  599      5m0s      72h41m  48h27m\n"
                                      "reset-interval = \"10m0s\"  # a verbatim line is never "
                                      "wrapped\n");
  // Narrower: the highest priority number goes first.
  options.width = 24;
  const auto narrow = printed(sample(), options);
  CHECK(narrow.find("retry  interval  waited\n") != std::string::npos);
}

TEST_CASE("-o wide shows every column unwrapped; no headers leaves the rows only") {
  TableOptions options;
  options.width = 20;
  options.wide = true;
  const auto wide = printed(sample(), options);
  CHECK(wide.find("policy: initial 5s, x1.2, max 5m0s, jitter 0.5, reset after 10m0s up\n") == 0);
  CHECK(wide.find("retry  interval  waited max  waited\n") != std::string::npos);
  options.wide = false;
  options.width = 80;
  options.headers = false;
  // Without headers the columns are as wide as their cells only.
  CHECK(printed(sample(), options) == "  1    5s    7.5s      5s\n"
                                      "599  5m0s  72h41m  48h27m\n");
}

TEST_CASE("the sparkline has as many blocks as fit the width, 60 at most") {
  jobop::backoff::BackoffConfig config;
  const auto schedule = jobop::backoff::compute_schedule(config, 5000);
  TableOptions options;
  options.width = 200;
  const auto full = jobop::cli::sparkline_line(schedule, options);
  CHECK(full.rfind("interval per retry: ", 0) == 0);
  CHECK(jobop::text::display_width(full) ==
        20 + 60 + std::string("  5s to 5m0s over 599 retries").size());
  options.width = 80;
  CHECK(jobop::text::display_width(jobop::cli::sparkline_line(schedule, options)) == 80);
  // Too narrow for even the fewest blocks: those stay, the words wrap later.
  options.width = 30;
  CHECK(jobop::text::display_width(jobop::cli::sparkline_line(schedule, options)) ==
        20 + 8 + std::string("  5s to 5m0s over 599 retries").size());
}

TEST_CASE("--sort-by sorts a table's rows by value: durations in any of their forms, words last") {
  TextReport report;
  ReportTable table;
  table.columns = {{"uptime", 0}, {"p50 diff", 0}};
  table.rows = {{"9m0s", "never ends"}, {"0s", "+1.20 h"}, {"30s", "-7.5 min"}, {"1m0s", "+45s"}};
  report.table(table);
  TableOptions options;
  options.width = 80;
  std::ostringstream out;
  jobop::cli::print_report(out, report, options, "p50-diff");
  CHECK(out.str() == "uptime    p50 diff\n"
                     "   30s    -7.5 min\n"
                     "  1m0s        +45s\n"
                     "    0s     +1.20 h\n"
                     "  9m0s  never ends\n");
  std::ostringstream by_uptime;
  jobop::cli::print_report(by_uptime, report, options, ".uptime");
  CHECK(by_uptime.str().find("    0s") < by_uptime.str().find("   30s"));
  CHECK(by_uptime.str().find("  1m0s") < by_uptime.str().find("  9m0s"));
}

TEST_CASE("--sort-by names a column of a sortable table, else input.bad_sort_field") {
  std::ostringstream out;
  // The schedule omits rows: its order is the point, it is never sorted.
  CHECK_THROWS_WITH_AS(jobop::cli::print_report(out, sample(), TableOptions{}, "retry"),
                       doctest::Contains("retry order"), jobop::core::UsageError);
  TextReport report;
  ReportTable table;
  table.columns = {{"uptime", 0}, {"p50", 0}};
  table.rows = {{"0s", "5.93 h"}};
  report.table(table);
  CHECK_THROWS_WITH_AS(jobop::cli::print_report(out, report, TableOptions{}, "p99"),
                       doctest::Contains("sort by one of: uptime, p50"), jobop::core::UsageError);
  CHECK(out.str().empty()); // refused before anything is printed
}

TEST_CASE("a report cell's sort value reads every form the report prints") {
  using jobop::backoff::sort_value;
  constexpr double k_minute = 60e9;
  CHECK(sort_value("45s") == doctest::Approx(45e9));
  CHECK(sort_value("1m30s") == doctest::Approx(90e9));
  CHECK(sort_value("7.5 min") == doctest::Approx(7.5 * k_minute));
  CHECK(sort_value("5.93 h") == doctest::Approx(5.93 * 60 * k_minute));
  CHECK(sort_value("-7.5 min") == doctest::Approx(-7.5 * k_minute));
  CHECK(sort_value("+1.20 h") == doctest::Approx(72 * k_minute));
  CHECK(sort_value("298/300") == doctest::Approx(298));
  CHECK(sort_value("48.41 h to 48.56 h") == doctest::Approx(48.41 * 60 * k_minute));
  CHECK(!sort_value("never").has_value());
  CHECK(!sort_value("-").has_value());
  CHECK(!sort_value("?").has_value());
}
