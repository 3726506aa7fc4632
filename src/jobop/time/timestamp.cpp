#include <jobop/time/timestamp.hpp>

#include <cmath>
#include <cstdio>
#include <limits>

namespace jobop::time {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil), valid for every year the engine can write.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

bool is_leap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : k_days[m - 1];
}

// Format `t` as date, `separator`, time and the fraction without trailing
// zeros; the caller appends the zone.
std::string format_utc(const Timestamp& t, char separator) {
  std::int64_t days = t.seconds / 86400;
  std::int64_t rem = t.seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  const Civil c = civil_from_days(days);
  // Store timestamps lie in the years 1 to 9999: four digits always do.
  // Digits by hand: status prints millions of these and snprintf dominated.
  char buf[32] = "0000-00-00T00:00:00.000000000";
  const auto put = [&buf](std::size_t at, std::int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      buf[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, c.year, 4);
  put(5, c.month, 2);
  put(8, c.day, 2);
  buf[10] = separator;
  put(11, rem / 3600, 2);
  put(14, rem / 60 % 60, 2);
  put(17, rem % 60, 2);
  std::size_t length = 19;
  if (t.nanos != 0) {
    put(20, t.nanos, 9);
    length = 29;
    while (buf[length - 1] == '0') {
      --length;
    }
  }
  return std::string(buf, length);
}

// A cursor over the text being parsed.
struct Cursor {
  std::string_view text;
  std::size_t pos = 0;

  bool done() const { return pos >= text.size(); }
  char peek() const { return done() ? '\0' : text[pos]; }
  bool eat(char c) {
    if (peek() == c) {
      ++pos;
      return true;
    }
    return false;
  }
  // Read exactly `n` digits.
  std::optional<std::int64_t> digits(std::size_t n) {
    if (pos + n > text.size()) {
      return std::nullopt;
    }
    std::int64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const char c = text[pos + i];
      if (c < '0' || c > '9') {
        return std::nullopt;
      }
      v = v * 10 + (c - '0');
    }
    pos += n;
    return v;
  }
};

// Parse a zone offset `+hh:mm`, `+hhmm` or `+hh` (sign already known), in
// seconds east of UTC. Real zones lie within ±14:00; anything past 23:59 is
// not an offset (`+99:99`).
std::optional<std::int64_t> parse_offset(Cursor& cur, int sign) {
  const auto hh = cur.digits(2);
  if (!hh) {
    return std::nullopt;
  }
  std::int64_t mm = 0;
  cur.eat(':');
  if (!cur.done() && cur.peek() >= '0' && cur.peek() <= '9') {
    const auto m = cur.digits(2);
    if (!m) {
      return std::nullopt;
    }
    mm = *m;
  }
  if (*hh > 23 || mm > 59) {
    return std::nullopt;
  }
  return sign * (*hh * 3600 + mm * 60);
}

} // namespace

std::optional<Timestamp> store_timestamp(std::int64_t seconds, std::int64_t nanos) {
  if (seconds < k_year_1_seconds || seconds >= k_year_9999_end_seconds ||
      (seconds == k_year_1_seconds && nanos == 0)) {
    return std::nullopt;
  }
  return Timestamp{seconds, static_cast<std::int32_t>(nanos)};
}

core::Nanos nanos_between(const Timestamp& from, const Timestamp& to) {
  // Seconds of store timestamps differ by less than 2^39: no overflow here.
  const std::int64_t seconds = to.seconds - from.seconds;
  const std::int64_t nanos = std::int64_t{to.nanos} - from.nanos;
  constexpr std::int64_t k_max = std::numeric_limits<core::Nanos>::max();
  if (seconds > k_max / core::k_second - 1) {
    return k_max;
  }
  if (seconds < -(k_max / core::k_second - 1)) {
    return std::numeric_limits<core::Nanos>::min();
  }
  return seconds * core::k_second + nanos;
}

std::string format_go_timestamp(const Timestamp& t) {
  return format_utc(t, ' ') + "+00:00";
}

std::string format_rfc3339(const Timestamp& t) {
  return format_utc(t, 'T') + "Z";
}

std::optional<Timestamp> parse_timestamp_text(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  Cursor cur{text};
  const auto year = cur.digits(4);
  if (!year || !cur.eat('-')) {
    return std::nullopt;
  }
  const auto month = cur.digits(2);
  if (!month || !cur.eat('-')) {
    return std::nullopt;
  }
  const auto day = cur.digits(2);
  if (!day || *month < 1 || *month > 12 || *day < 1 ||
      *day > days_in_month(*year, static_cast<unsigned>(*month))) {
    return std::nullopt;
  }
  std::int64_t secs_of_day = 0;
  std::int64_t nanos = 0;
  std::int64_t offset = 0;
  if (cur.eat(' ') || cur.eat('T') || cur.eat('t')) {
    const auto hh = cur.digits(2);
    if (!hh || !cur.eat(':')) {
      return std::nullopt;
    }
    const auto mi = cur.digits(2);
    if (!mi) {
      return std::nullopt;
    }
    std::int64_t ss = 0;
    if (cur.eat(':')) {
      const auto s = cur.digits(2);
      if (!s) {
        return std::nullopt;
      }
      ss = *s;
    }
    if (*hh > 23 || *mi > 59 || ss > 60) {
      return std::nullopt;
    }
    secs_of_day = *hh * 3600 + *mi * 60 + ss;
    if (cur.eat('.') || cur.eat(',')) {
      std::int64_t scale = core::k_second;
      std::size_t count = 0;
      while (!cur.done() && cur.peek() >= '0' && cur.peek() <= '9') {
        if (count < 9) {
          scale /= 10;
          nanos += (cur.peek() - '0') * scale;
        }
        ++count;
        ++cur.pos;
      }
      if (count == 0) {
        return std::nullopt;
      }
    }
    // Go's time.String() puts a space before the zone: "... +0000 UTC".
    const bool spaced = cur.eat(' ');
    if (cur.eat('Z') || cur.eat('z')) {
      offset = 0;
    } else if (cur.peek() == '+' || cur.peek() == '-') {
      const int sign = cur.peek() == '-' ? -1 : 1;
      ++cur.pos;
      const auto off = parse_offset(cur, sign);
      if (!off) {
        return std::nullopt;
      }
      offset = *off;
    } else if (spaced && !cur.done()) {
      return std::nullopt;
    }
    // The rest may only be Go's zone abbreviation and monotonic reading.
    if (!cur.done() && cur.peek() != ' ') {
      return std::nullopt;
    }
  } else if (!cur.done()) {
    return std::nullopt;
  }
  const std::int64_t days =
    days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
  return store_timestamp(days * 86400 + secs_of_day - offset, nanos);
}

std::optional<Timestamp> timestamp_from_integer(std::int64_t value) {
  const std::int64_t magnitude = value < 0 ? -(value + 1) : value;
  const auto split = [value](std::int64_t unit) {
    std::int64_t seconds = value / unit;
    std::int64_t rest = value % unit;
    if (rest < 0) {
      rest += unit;
      seconds -= 1;
    }
    return store_timestamp(seconds, rest * (core::k_second / unit));
  };
  if (magnitude < 100'000'000'000) {
    return store_timestamp(value, 0);
  }
  if (magnitude < 100'000'000'000'000) {
    return split(1000);
  }
  if (magnitude < 100'000'000'000'000'000) {
    return split(1'000'000);
  }
  return split(1'000'000'000);
}

std::optional<Timestamp> timestamp_from_real(double value) {
  if (!std::isfinite(value)) {
    return std::nullopt;
  }
  // Julian day 2440587.5 is the Unix epoch.
  const double secs = value < 1e7 ? (value - 2440587.5) * 86400.0 : value;
  // Inside the years 1 to 9999 (with a margin), microseconds fit an int64.
  if (secs < -6.3e10 || secs > 2.6e11) {
    return std::nullopt;
  }
  const auto micros = static_cast<std::int64_t>(std::llround(secs * 1e6));
  std::int64_t seconds = micros / 1'000'000;
  std::int64_t rest = micros % 1'000'000;
  if (rest < 0) {
    rest += 1'000'000;
    seconds -= 1;
  }
  return store_timestamp(seconds, rest * core::k_microsecond);
}

} // namespace jobop::time
