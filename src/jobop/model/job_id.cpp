#include <jobop/model/job_id.hpp>

#include <jobop/core/exceptions.hpp>

#include <string>

namespace jobop::model {

namespace {

// Return the length of the UTF-8 sequence at `s[i]` and its code point, or 0
// if it is not a valid (shortest-form, non-surrogate) sequence.
std::size_t utf8_sequence(std::string_view s, std::size_t i, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  char32_t min = 0;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

} // namespace

std::string_view job_id_problem(std::string_view id) {
  if (id.empty()) {
    return "it is empty";
  }
  if (id.size() > k_max_job_id_bytes) {
    return "it is longer than 128 bytes (the width of the id column)";
  }
  for (std::size_t i = 0; i < id.size();) {
    char32_t cp = 0;
    const std::size_t len = utf8_sequence(id, i, cp);
    if (len == 0) {
      return "it is not valid UTF-8";
    }
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
      return "it contains a control character";
    }
    i += len;
  }
  return {};
}

void validate_job_id(std::string_view id) {
  const std::string_view problem = job_id_problem(id);
  if (!problem.empty()) {
    // The id may be invalid UTF-8: the diagnostic dumps details with replace.
    throw core::UsageError("job.bad_id", "invalid job id: " + std::string(problem),
                           {{"id", std::string(id)}});
  }
}

} // namespace jobop::model
