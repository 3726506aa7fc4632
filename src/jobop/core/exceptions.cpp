#include <jobop/core/exceptions.hpp>

namespace jobop::core {

Error::Error(ExitCode exit_code, std::string code, const std::string& message,
             nlohmann::json details)
  : std::runtime_error(message), m_exit_code(exit_code), m_code(std::move(code)),
    m_details(std::move(details)) {}

} // namespace jobop::core
