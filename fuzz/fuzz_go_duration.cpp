// Fuzz the Go duration parser and formatter (src/jobop/time/go_duration.hpp).
// Properties: parsing never crashes and throws only core::UsageError
// "duration.invalid"; a parsed value formatted as Go does parses back to the
// same value; the integer-or-duration form agrees with the duration form on
// every Go duration string; and every int64 (taken from the input's first 8
// bytes) survives format -> parse.
#include <fuzz_check.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/time/go_duration.hpp>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace {

using jobop::core::Nanos;
using jobop::time::format_go_duration;
using jobop::time::parse_duration_or_nanos;
using jobop::time::parse_go_duration;

template <typename Parse>
std::optional<Nanos> try_parse(Parse parse, std::string_view text) {
  try {
    return parse(text);
  } catch (const jobop::core::UsageError& e) {
    FUZZ_CHECK(e.code() == "duration.invalid");
    FUZZ_CHECK(std::string_view(e.what()).find("invalid duration") != std::string_view::npos);
    return std::nullopt;
  }
}

void check_round_trip(Nanos value) {
  const std::string text = format_go_duration(value);
  const auto back = try_parse(parse_go_duration, text);
  FUZZ_CHECK(back.has_value());
  FUZZ_CHECK(*back == value);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto go = try_parse(parse_go_duration, text);
  const auto lenient = try_parse(parse_duration_or_nanos, text);
  if (go) {
    check_round_trip(*go);
    FUZZ_CHECK(lenient.has_value() && *lenient == *go);
  }
  if (lenient) {
    check_round_trip(*lenient);
  }
  if (size >= sizeof(std::int64_t)) {
    std::int64_t raw = 0;
    std::memcpy(&raw, data, sizeof raw);
    check_round_trip(raw);
  }
  return 0;
}
