// Fuzz job-id validation (src/jobop/model/job_id.hpp) against an independent
// oracle: nlohmann's strict UTF-8 check (json::dump throws on invalid UTF-8,
// overlong forms and surrogates) plus a decode of the code points for the
// control-character rule. Also: validate_job_id throws exactly when
// job_id_problem names a problem, and its details dump with `replace`.
#include <fuzz_check.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/model/job_id.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace {

bool strict_utf8(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

// Code points of valid UTF-8 `text` (checked by strict_utf8 first).
bool has_control(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::uint32_t cp = b;
    std::size_t len = 1;
    if (b >= 0xF0) {
      len = 4;
      cp = b & 0x07U;
    } else if (b >= 0xE0) {
      len = 3;
      cp = b & 0x0FU;
    } else if (b >= 0xC0) {
      len = 2;
      cp = b & 0x1FU;
    }
    for (std::size_t k = 1; k < len; ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3FU);
    }
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
      return true;
    }
    i += len;
  }
  return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string id(reinterpret_cast<const char*>(data), size);
  const std::string_view problem = jobop::model::job_id_problem(id);
  const bool expected_valid = !id.empty() && id.size() <= jobop::model::k_max_job_id_bytes &&
                              strict_utf8(id) && !has_control(id);
  FUZZ_CHECK(problem.empty() == expected_valid);
  try {
    jobop::model::validate_job_id(id);
    FUZZ_CHECK(problem.empty());
  } catch (const jobop::core::UsageError& e) {
    FUZZ_CHECK(!problem.empty());
    FUZZ_CHECK(e.code() == "job.bad_id");
    FUZZ_CHECK(e.details().at("id").get<std::string>() == id);
    // The CLI prints the diagnostic this way; it must not throw.
    (void)e.details().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return 0;
}
