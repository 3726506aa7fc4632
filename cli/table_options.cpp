#include <cli/table_options.hpp>

#include <cli/diagnostics.hpp>
#include <cli/terminal.hpp>
#include <jobop/core/exceptions.hpp>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <unistd.h>

namespace jobop::cli {

namespace {

constexpr const char* k_dry_run_banner = "DRY RUN: nothing was written; this is what would change";

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// A JSON pointer as a field name: "/failure/code" is "failure.code".
std::string field_name(const std::string& pointer) {
  std::string name = pointer.substr(1);
  std::replace(name.begin(), name.end(), '/', '.');
  return name;
}

int type_rank(const nlohmann::json& value) {
  if (value.is_number()) {
    return 0;
  }
  if (value.is_string()) {
    return 1;
  }
  if (value.is_boolean()) {
    return 2;
  }
  return 3;
}

// Holds every record, then hands them to `inner` in --sort-by order.
class SortingWriter final : public RecordWriter {
public:
  SortingWriter(std::unique_ptr<RecordWriter> inner, std::string pointer)
    : m_inner(std::move(inner)), m_pointer(pointer) {}

  void write(const nlohmann::json& record) override { m_records.push_back(record); }

  void finish(const nlohmann::json& summary) override {
    const auto key = [this](const nlohmann::json& record) -> const nlohmann::json* {
      if (!record.contains(m_pointer)) {
        return nullptr;
      }
      const auto& value = record.at(m_pointer);
      return value.is_null() ? nullptr : &value;
    };
    std::stable_sort(m_records.begin(), m_records.end(),
                     [&](const nlohmann::json& a, const nlohmann::json& b) {
                       return sort_before(key(a), key(b));
                     });
    for (const auto& record : m_records) {
      m_inner->write(record);
    }
    m_inner->finish(summary);
  }

private:
  std::unique_ptr<RecordWriter> m_inner;
  nlohmann::json::json_pointer m_pointer;
  std::vector<nlohmann::json> m_records;
};

} // namespace

void add_record_output_options(CLI::App& command, RecordOutputFlags& flags) {
  add_output_option(command, flags.output, {"json", "jsonl", "table", "wide"});
  command.add_flag("--no-headers", flags.no_headers,
                   "Tables: no header line (nor DRY RUN banner, which goes to stderr instead)");
  command.add_option("--sort-by", flags.sort_by,
                     "Order records by FIELD: a column (id, state, age...) or the record field "
                     "it shows (created_at); nulls last");
}

std::vector<std::string> sort_field_names(const std::vector<Column>& columns) {
  std::vector<std::string> names;
  for (const auto& column : columns) {
    for (const auto& name : {lower(column.header), field_name(column.pointer)}) {
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        names.push_back(name);
      }
    }
  }
  return names;
}

std::string sort_pointer(const std::string& name, const std::vector<Column>& columns) {
  const std::string wanted = lower(!name.empty() && name[0] == '.' ? name.substr(1) : name);
  for (const auto& column : columns) {
    if (wanted == lower(column.header) || wanted == field_name(column.pointer)) {
      return column.pointer;
    }
  }
  std::string valid;
  for (const auto& field : sort_field_names(columns)) {
    valid += (valid.empty() ? "" : ", ") + field;
  }
  throw core::UsageError("input.bad_sort_field",
                         "--sort-by: unknown field `" + name + "`; sort by one of: " + valid,
                         {{"field", name}});
}

bool sort_before(const nlohmann::json* a, const nlohmann::json* b) {
  if (a == nullptr || b == nullptr) {
    return a != nullptr && b == nullptr;
  }
  const int ra = type_rank(*a);
  const int rb = type_rank(*b);
  if (ra != rb) {
    return ra < rb;
  }
  if (a->is_number()) {
    return a->get<double>() < b->get<double>();
  }
  if (a->is_string()) {
    return a->get_ref<const std::string&>() < b->get_ref<const std::string&>();
  }
  if (a->is_boolean()) {
    return !a->get<bool>() && b->get<bool>();
  }
  return false;
}

std::unique_ptr<RecordWriter> make_command_writer(const RecordOutputFlags& flags,
                                                  const Globals& globals,
                                                  RecordOutputContext context) {
  const auto format = parse_output_format(flags.output);
  const bool table = format == OutputFormat::table || format == OutputFormat::wide;
  std::string pointer;
  if (!flags.sort_by.empty()) {
    pointer = sort_pointer(flags.sort_by, context.columns);
  }
  TableOptions options;
  options.width = terminal_width(STDOUT_FILENO);
  options.headers = !flags.no_headers;
  options.colour = colour_enabled(parse_colour_mode(globals.colour), STDOUT_FILENO);
  options.now = context.now;
  options.footer = std::move(context.footer);
  if (context.dry_run) {
    options.banner = k_dry_run_banner;
    if (table && flags.no_headers) {
      write_diagnostic(std::cerr, "info", "dry_run", k_dry_run_banner);
    }
  }
  auto writer = make_record_writer(format, std::cout, std::move(context.array_key),
                                   std::move(context.columns), std::move(options));
  if (pointer.empty()) {
    return writer;
  }
  return std::make_unique<SortingWriter>(std::move(writer), pointer);
}

} // namespace jobop::cli
