#include <jobop/core/echo.hpp>

namespace jobop::core {

std::string echoed(std::string_view value, std::size_t limit) {
  if (value.size() <= limit) {
    return std::string(value);
  }
  std::size_t cut = limit;
  // Step back over continuation bytes so no character is split.
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0U) == 0x80U) {
    --cut;
  }
  return std::string(value.substr(0, cut)) + "\xE2\x80\xA6(" + std::to_string(value.size()) +
         " bytes)";
}

} // namespace jobop::core
