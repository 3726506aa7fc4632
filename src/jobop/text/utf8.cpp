#include <jobop/text/utf8.hpp>

#include <cstdio>

namespace jobop::text {

Decoded decode_utf8(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(pos);
  std::size_t length = 0;
  char32_t min_code = 0;
  char32_t code = 0;
  if (lead < 0x80) {
    return {lead, 1};
  }
  if ((lead & 0xE0U) == 0xC0U) {
    length = 2;
    min_code = 0x80;
    code = lead & 0x1FU;
  } else if ((lead & 0xF0U) == 0xE0U) {
    length = 3;
    min_code = 0x800;
    code = lead & 0x0FU;
  } else if ((lead & 0xF8U) == 0xF0U) {
    length = 4;
    min_code = 0x10000;
    code = lead & 0x07U;
  } else {
    return {};
  }
  if (pos + length > text.size()) {
    return {};
  }
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(pos + k) & 0xC0U) != 0x80U) {
      return {};
    }
    code = (code << 6U) | (byte(pos + k) & 0x3FU);
  }
  if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    return {};
  }
  return {code, length};
}

void append_utf8(std::string& out, char32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0U | (code >> 6U));
    out += static_cast<char>(0x80U | (code & 0x3FU));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0U | (code >> 12U));
    out += static_cast<char>(0x80U | ((code >> 6U) & 0x3FU));
    out += static_cast<char>(0x80U | (code & 0x3FU));
  } else {
    out += static_cast<char>(0xF0U | (code >> 18U));
    out += static_cast<char>(0x80U | ((code >> 12U) & 0x3FU));
    out += static_cast<char>(0x80U | ((code >> 6U) & 0x3FU));
    out += static_cast<char>(0x80U | (code & 0x3FU));
  }
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto decoded = decode_utf8(text, i);
    if (decoded.length == 0) {
      return false;
    }
    i += decoded.length;
  }
  return true;
}

std::string terminal_safe(std::string_view text) {
  std::string safe;
  safe.reserve(text.size());
  const auto escape = [&safe](unsigned char byte) {
    char escaped[8];
    std::snprintf(escaped, sizeof escaped, "\\x%02X", static_cast<unsigned>(byte));
    safe += escaped;
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto decoded = decode_utf8(text, i);
    // C1 controls too: 0x9B is a terminal's CSI, as ESC [ is.
    const bool control =
      decoded.code < 0x20 || decoded.code == 0x7F || (decoded.code >= 0x80 && decoded.code <= 0x9F);
    if (decoded.length == 0) {
      escape(static_cast<unsigned char>(text[i]));
      ++i;
    } else if (control) {
      for (std::size_t k = 0; k < decoded.length; ++k) {
        escape(static_cast<unsigned char>(text[i + k]));
      }
      i += decoded.length;
    } else {
      safe.append(text, i, decoded.length);
      i += decoded.length;
    }
  }
  return safe;
}

} // namespace jobop::text
