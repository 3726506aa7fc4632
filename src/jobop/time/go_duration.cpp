#include <jobop/time/go_duration.hpp>

#include <jobop/core/echo.hpp>
#include <jobop/core/exceptions.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <tuple>
#include <utility>

namespace jobop::time {

namespace {

constexpr std::uint64_t k_two_pow_63 = std::uint64_t{1} << 63;

[[noreturn]] void fail(std::string_view text, const std::string& why) {
  throw core::UsageError("duration.invalid",
                         "invalid duration \"" + core::echoed(text) + "\": " + why,
                         {{"value", core::echoed(text)}});
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::optional<std::uint64_t> unit_nanos(std::string_view unit) {
  if (unit == "ns") {
    return 1;
  }
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") {
    return static_cast<std::uint64_t>(core::k_microsecond);
  }
  if (unit == "ms") {
    return static_cast<std::uint64_t>(core::k_millisecond);
  }
  if (unit == "s") {
    return static_cast<std::uint64_t>(core::k_second);
  }
  if (unit == "m") {
    return static_cast<std::uint64_t>(core::k_minute);
  }
  if (unit == "h") {
    return static_cast<std::uint64_t>(core::k_hour);
  }
  return std::nullopt;
}

// Go's leadingInt: consume [0-9]*; nullopt on overflow past 2^63.
std::optional<std::uint64_t> leading_int(std::string_view& s) {
  std::uint64_t x = 0;
  std::size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (x > k_two_pow_63 / 10) {
      return std::nullopt;
    }
    x = x * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (x > k_two_pow_63) {
      return std::nullopt;
    }
  }
  s.remove_prefix(i);
  return x;
}

// Go's leadingFraction: consume [0-9]*, silently dropping precision that
// would overflow. Returns the digits as an integer and 10^(digits kept).
std::pair<std::uint64_t, double> leading_fraction(std::string_view& s) {
  std::uint64_t x = 0;
  double scale = 1;
  bool overflow = false;
  std::size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (overflow) {
      continue;
    }
    if (x > (k_two_pow_63 - 1) / 10) {
      overflow = true;
      continue;
    }
    const std::uint64_t y = x * 10 + static_cast<std::uint64_t>(s[i] - '0');
    if (y > k_two_pow_63) {
      overflow = true;
      continue;
    }
    x = y;
    scale *= 10;
  }
  s.remove_prefix(i);
  return {x, scale};
}

constexpr const char* k_units_hint = " (units: ns, us, µs, ms, s, m, h)";

// Go's "missing unit in duration"; a bare number ("30") was most likely
// meant as seconds, so say so.
std::string missing_unit(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    digits.remove_prefix(1);
  }
  const bool bare_number =
    !digits.empty() && digits.find_first_not_of("0123456789.") == std::string_view::npos;
  if (bare_number) {
    return "missing unit in duration; did you mean " + std::string(text) + "s?";
  }
  return std::string("missing unit in duration") + k_units_hint;
}

} // namespace

core::Nanos parse_go_duration(std::string_view text) {
  std::string_view s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") {
    return 0;
  }
  if (s.empty()) {
    fail(text, "empty duration");
  }
  std::uint64_t d = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || is_digit(s[0]))) {
      fail(text, "expected a number at \"" + std::string(s) + "\"");
    }
    const std::size_t before_int = s.size();
    const auto v_opt = leading_int(s);
    if (!v_opt) {
      fail(text, "overflows int64 nanoseconds");
    }
    std::uint64_t v = *v_opt;
    const bool pre = before_int != s.size();
    std::uint64_t f = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      const std::size_t before_frac = s.size();
      std::tie(f, scale) = leading_fraction(s);
      post = before_frac != s.size();
    }
    if (!pre && !post) {
      fail(text, "a number needs digits before or after the '.'");
    }
    std::size_t i = 0;
    while (i < s.size() && s[i] != '.' && !is_digit(s[i])) {
      ++i;
    }
    if (i == 0) {
      fail(text, missing_unit(text));
    }
    const std::string_view unit_text = s.substr(0, i);
    s.remove_prefix(i);
    const auto unit = unit_nanos(unit_text);
    if (!unit) {
      fail(text, "unknown unit \"" + std::string(unit_text) + "\"" + k_units_hint);
    }
    if (v > k_two_pow_63 / *unit) {
      fail(text, "overflows int64 nanoseconds");
    }
    v *= *unit;
    if (f > 0) {
      // Go uses float64 here so fractions of hours stay nanosecond-accurate;
      // the product is at most 3.6e12, well inside uint64.
      v +=
        static_cast<std::uint64_t>(static_cast<double>(f) * (static_cast<double>(*unit) / scale));
      if (v > k_two_pow_63) {
        fail(text, "overflows int64 nanoseconds");
      }
    }
    d += v;
    if (d > k_two_pow_63) {
      fail(text, "overflows int64 nanoseconds");
    }
  }
  if (neg) {
    // d <= 2^63, so -d fits: 2^63 itself becomes INT64_MIN.
    return static_cast<core::Nanos>(~d + 1);
  }
  if (d > k_two_pow_63 - 1) {
    fail(text, "overflows int64 nanoseconds");
  }
  return static_cast<core::Nanos>(d);
}

core::Nanos parse_duration_or_nanos(std::string_view text) {
  std::string_view digits = text;
  bool neg = false;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    neg = digits[0] == '-';
    digits.remove_prefix(1);
  }
  bool all_digits = !digits.empty();
  for (const char c : digits) {
    all_digits = all_digits && is_digit(c);
  }
  if (!all_digits) {
    return parse_go_duration(text);
  }
  std::string_view rest = digits;
  const auto v = leading_int(rest);
  if (!v || *v > k_two_pow_63 - (neg ? 0 : 1)) {
    fail(text, "overflows int64 nanoseconds");
  }
  return neg ? static_cast<core::Nanos>(~*v + 1) : static_cast<core::Nanos>(*v);
}

namespace {

// Write the fraction v / 10^prec before `w` without trailing zeros (and
// without the '.' when the fraction is zero); return v / 10^prec.
std::uint64_t format_fraction(std::array<char, 32>& buf, std::size_t& w, std::uint64_t v,
                              int prec) {
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    const auto digit = static_cast<char>(v % 10);
    print = print || digit != 0;
    if (print) {
      buf[--w] = static_cast<char>('0' + digit);
    }
    v /= 10;
  }
  if (print) {
    buf[--w] = '.';
  }
  return v;
}

void format_int(std::array<char, 32>& buf, std::size_t& w, std::uint64_t v) {
  if (v == 0) {
    buf[--w] = '0';
    return;
  }
  while (v > 0) {
    buf[--w] = static_cast<char>('0' + static_cast<char>(v % 10));
    v /= 10;
  }
}

} // namespace

std::string format_go_duration(core::Nanos d) {
  std::array<char, 32> buf{};
  std::size_t w = buf.size();
  const bool neg = d < 0;
  // Negate in unsigned arithmetic so INT64_MIN does not overflow.
  std::uint64_t u = static_cast<std::uint64_t>(d);
  if (neg) {
    u = ~u + 1;
  }
  const auto second = static_cast<std::uint64_t>(core::k_second);
  if (u < second) {
    int prec = 0;
    buf[--w] = 's';
    if (u == 0) {
      return "0s";
    }
    if (u < static_cast<std::uint64_t>(core::k_microsecond)) {
      buf[--w] = 'n';
    } else if (u < static_cast<std::uint64_t>(core::k_millisecond)) {
      prec = 3;
      buf[--w] = '\xB5'; // U+00B5 micro sign, as Go prints it
      buf[--w] = '\xC2';
    } else {
      prec = 6;
      buf[--w] = 'm';
    }
    u = format_fraction(buf, w, u, prec);
    format_int(buf, w, u);
  } else {
    buf[--w] = 's';
    u = format_fraction(buf, w, u, 9);
    format_int(buf, w, u % 60);
    u /= 60;
    if (u > 0) {
      buf[--w] = 'm';
      format_int(buf, w, u % 60);
      u /= 60;
      if (u > 0) {
        buf[--w] = 'h';
        format_int(buf, w, u);
      }
    }
  }
  if (neg) {
    buf[--w] = '-';
  }
  return std::string(buf.data() + w, buf.size() - w);
}

} // namespace jobop::time
