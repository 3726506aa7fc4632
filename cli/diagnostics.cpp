#include <cli/diagnostics.hpp>

namespace jobop::cli {

void write_diagnostic(std::ostream& err, const std::string& level, const std::string& code,
                      const std::string& message, const nlohmann::json& details) {
  nlohmann::json line = {{"level", level}, {"code", code}, {"message", message}};
  if (details.is_object()) {
    for (const auto& [key, value] : details.items()) {
      if (!line.contains(key)) {
        line[key] = value;
      }
    }
  }
  err << dump_json(line) << '\n' << std::flush;
}

std::string dump_json(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace jobop::cli
