// Fuzz the store's timestamp reader and writer (src/jobop/time/timestamp.hpp).
// Properties: reading text, an integer or a real never crashes; whatever it
// reads lies in the years 1 to 9999, is not Go's zero time and has its
// nanoseconds in [0, 1e9); formatted in Go's layout or RFC 3339 it reads back
// to the same instant; and every int64 of nanoseconds (the input's first 8
// bytes) converts to such an instant and survives format -> parse.
#include <fuzz_check.hpp>

#include <jobop/time/timestamp.hpp>

#include <cstdint>
#include <cstring>
#include <string_view>

namespace {

using jobop::time::format_go_timestamp;
using jobop::time::format_rfc3339;
using jobop::time::k_year_1_seconds;
using jobop::time::k_year_9999_end_seconds;
using jobop::time::parse_timestamp_text;
using jobop::time::Timestamp;

void check_readable(const Timestamp& t) {
  FUZZ_CHECK(t.nanos >= 0 && t.nanos < 1'000'000'000);
  FUZZ_CHECK(t.seconds >= k_year_1_seconds && t.seconds < k_year_9999_end_seconds);
  FUZZ_CHECK(!(t.seconds == k_year_1_seconds && t.nanos == 0));
}

void check_round_trip(const Timestamp& t) {
  const auto go = parse_timestamp_text(format_go_timestamp(t));
  FUZZ_CHECK(go.has_value() && *go == t);
  const auto rfc = parse_timestamp_text(format_rfc3339(t));
  FUZZ_CHECK(rfc.has_value() && *rfc == t);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto t = parse_timestamp_text(text)) {
    check_readable(*t);
    check_round_trip(*t);
  }
  if (size >= sizeof(std::int64_t)) {
    std::int64_t raw = 0;
    std::memcpy(&raw, data, sizeof raw);
    const Timestamp from_nanos(raw);
    check_readable(from_nanos);
    check_round_trip(from_nanos);
    if (const auto t = jobop::time::timestamp_from_integer(raw)) {
      check_readable(*t);
      check_round_trip(*t);
    }
    double real = 0;
    std::memcpy(&real, data, sizeof real);
    if (const auto t = jobop::time::timestamp_from_real(real)) {
      check_readable(*t);
      check_round_trip(*t);
    }
  }
  return 0;
}
