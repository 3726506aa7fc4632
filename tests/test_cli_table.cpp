#include <cli/output.hpp>
#include <cli/table.hpp>
#include <cli/table_options.hpp>
#include <jobop/core/exceptions.hpp>
#include <jobop/text/display_width.hpp>
#include <jobop/time/timestamp.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

using jobop::cli::Align;
using jobop::cli::CellKind;
using jobop::cli::Column;
using jobop::cli::TableOptions;

namespace {

const std::vector<Column> k_columns = {{"ID", "/id"},
                                       {"STATE", "/state"},
                                       {"NODE", "/node", 3},
                                       {"PROJECT", "/project", 2},
                                       {"SINCE", "/since", 4, CellKind::age},
                                       {"ERROR", "/error", 1, CellKind::text, true}};

std::string render(const std::vector<nlohmann::json>& records, TableOptions options) {
  std::ostringstream out;
  auto writer = jobop::cli::make_table_writer(out, k_columns, std::move(options));
  for (const auto& record : records) {
    writer->write(record);
  }
  writer->finish(nlohmann::json::object());
  return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
  }
  return lines;
}

} // namespace

TEST_CASE("fit_columns drops the highest priority number first and never a priority 0 column") {
  using jobop::cli::fit_columns;
  const std::vector<std::size_t> natural = {10, 9, 8, 8, 6, 40};
  TableOptions options;
  options.width = 200;
  CHECK(fit_columns(k_columns, natural, options) == std::vector<std::size_t>{0, 1, 2, 3, 4, 5});
  // 10+9+8+8+6+24 (ERROR at its minimum) + 5 gaps of 2 = 75.
  options.width = 75;
  CHECK(fit_columns(k_columns, natural, options).size() == 6);
  options.width = 74;
  CHECK(fit_columns(k_columns, natural, options) == std::vector<std::size_t>{0, 1, 2, 3, 5});
  options.width = 60;
  CHECK(fit_columns(k_columns, natural, options) == std::vector<std::size_t>{0, 1, 3, 5});
  options.width = 10;
  CHECK(fit_columns(k_columns, natural, options) == std::vector<std::size_t>{0, 1});
  options.wide = true;
  CHECK(fit_columns(k_columns, natural, options).size() == 6);
}

TEST_CASE("a table fits its width, cuts the truncatable column and aligns CJK by display width") {
  const std::vector<nlohmann::json> records = {{{"id", "支付-订单"},
                                                {"state", "canceling"},
                                                {"node", "node-1"},
                                                {"project", "支付"},
                                                {"since", "2024-05-01T12:00:00Z"},
                                                {"error", nullptr}},
                                               {{"id", "orders"},
                                                {"state", "failed"},
                                                {"node", "node-2"},
                                                {"project", "payments"},
                                                {"since", nullptr},
                                                {"error", std::string(100, 'x')}}};
  TableOptions options;
  options.width = 80;
  options.now = jobop::time::nanos_between(
    jobop::core::UnixNanos{0}, *jobop::time::parse_timestamp_text("2024-05-02T14:00:00Z"));
  const auto lines = lines_of(render(records, options));
  REQUIRE(lines.size() == 3);
  for (const auto& line : lines) {
    CHECK(jobop::text::display_width(line) <= 80);
  }
  CHECK(lines[1].find("26h") != std::string::npos);
  CHECK(lines[2].find("\u2026") != std::string::npos);
  // The STATE column starts at the same display column on every line.
  const auto state_at = [](const std::string& line, const std::string& word) {
    return jobop::text::display_width(line.substr(0, line.find(word)));
  };
  CHECK(state_at(lines[1], "canceling") == state_at(lines[0], "STATE"));
  CHECK(state_at(lines[2], "failed") == state_at(lines[0], "STATE"));

  options.width = 30;
  const auto narrow = lines_of(render(records, options));
  CHECK(narrow[0].find("NODE") == std::string::npos);
  CHECK(narrow[0].find("ID") == 0);

  options.headers = false;
  options.banner = "DRY RUN";
  CHECK(lines_of(render(records, options)).size() == 2);
}

TEST_CASE("a table cell is terminal-safe, '-' for null and missing, yes/no for booleans") {
  const jobop::cli::Column text{"X", "/x"};
  CHECK(jobop::cli::cell_text({{"x", "a\x1b[31m"}}, text, 0) == "a\\x1B[31m");
  CHECK(jobop::cli::cell_text({{"x", nullptr}}, text, 0) == "-");
  CHECK(jobop::cli::cell_text(nlohmann::json::object(), text, 0) == "-");
  CHECK(jobop::cli::cell_text({{"x", true}}, text, 0) == "yes");
  CHECK(jobop::cli::cell_text({{"x", 3}}, text, 0) == "3");
  const jobop::cli::Column age{"A", "/x", 1, CellKind::age};
  CHECK(jobop::cli::cell_text({{"x", "garbage"}}, age, 0) == "garbage");
}

TEST_CASE("--sort-by takes a header or a field name and refuses anything else") {
  CHECK(jobop::cli::sort_pointer("since", k_columns) == "/since");
  CHECK(jobop::cli::sort_pointer("STATE", k_columns) == "/state");
  CHECK(jobop::cli::sort_pointer(".project", k_columns) == "/project");
  CHECK_THROWS_AS(jobop::cli::sort_pointer("colour", k_columns), jobop::core::UsageError);
  const nlohmann::json one = 1;
  const nlohmann::json two = 2;
  const nlohmann::json a = "a";
  CHECK(jobop::cli::sort_before(&one, &two));
  CHECK_FALSE(jobop::cli::sort_before(&two, &one));
  CHECK(jobop::cli::sort_before(&a, nullptr)); // nulls last
  CHECK_FALSE(jobop::cli::sort_before(nullptr, &a));
}

TEST_CASE("a layout right-aligns magnitudes by display width, the last column too") {
  const std::vector<Column> columns = {{"UPTIME", "", 0, CellKind::text, false, Align::right},
                                       {"NAME", "", 0},
                                       {"P50", "", 1, CellKind::text, false, Align::right}};
  const std::vector<std::vector<std::string>> rows = {{"0s", "支付", "48.51 h"},
                                                      {"10m0s", "orders", "never"}};
  TableOptions options;
  jobop::cli::TableLayout layout(columns, rows, options);
  CHECK(layout.header_line() == "UPTIME  NAME        P50");
  CHECK(layout.row_line(rows[0], false) == "    0s  支付    48.51 h");
  CHECK(layout.row_line(rows[1], false) == " 10m0s  orders    never");
  // Narrower than the table: the droppable column goes, as in every table.
  options.width = 15;
  jobop::cli::TableLayout narrow(columns, rows, options);
  CHECK(narrow.shown() == std::vector<std::size_t>{0, 1});
  CHECK(narrow.row_line(rows[0], false) == "    0s  支付");
}
