#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

// Diagnostics go to stderr as one JSON object a line (SPEC §4).
namespace jobop::cli {

// Write `{"level":..., "code":..., "message":..., ...details}` and a newline.
void write_diagnostic(std::ostream& err, const std::string& level, const std::string& code,
                      const std::string& message,
                      const nlohmann::json& details = nlohmann::json::object());

// Dump `value` as JSON that is valid whatever bytes its strings hold:
// invalid UTF-8 is replaced, never thrown.
std::string dump_json(const nlohmann::json& value, int indent = -1);

} // namespace jobop::cli
