#include <jobop/store/mysql/zone_rules.hpp>

#include <algorithm>
#include <cstddef>

namespace jobop::store::mysql {

namespace {

bool is_leap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(std::int64_t y, int m) {
  static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : k_days[m - 1];
}

// The Gregorian year that contains `unix_seconds` (UTC).
std::int64_t year_of(std::int64_t unix_seconds) {
  return civil_from_days(floor_div(unix_seconds, k_day)).year;
}

// Local seconds since the epoch at which rule date `date` of `year` falls.
std::int64_t rule_local_seconds(std::int64_t year, const PosixTz::Date& date) {
  const std::int64_t jan1 = days_from_civil(year, 1, 1);
  std::int64_t day = 0;
  switch (date.kind) {
  case PosixTz::Date::Kind::julian1:
    day = jan1 + date.day - 1 + (is_leap(year) && date.day >= 60 ? 1 : 0);
    break;
  case PosixTz::Date::Kind::julian0:
    day = jan1 + date.day;
    break;
  case PosixTz::Date::Kind::month_week_day: {
    const std::int64_t first = days_from_civil(year, date.month, 1);
    const int first_weekday = static_cast<int>(((first % 7) + 11) % 7); // 1970-01-01: Thursday
    int mday = 1 + (date.day - first_weekday + 7) % 7 + (date.week - 1) * 7;
    while (mday > days_in_month(year, date.month)) {
      mday -= 7;
    }
    day = first + mday - 1;
    break;
  }
  }
  return day * k_day + date.time;
}

// A tiny cursor over a POSIX TZ string.
struct Reader {
  std::string_view s;
  std::size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
  bool eat(char c) {
    if (peek() == c) {
      ++i;
      return true;
    }
    return false;
  }
  std::optional<int> number(int max) {
    const std::size_t from = i;
    int n = 0;
    while (!done() && s[i] >= '0' && s[i] <= '9' && i - from < 4) {
      n = n * 10 + (s[i++] - '0');
    }
    if (i == from || n > max) {
      return std::nullopt;
    }
    return n;
  }
};

bool read_name(Reader& r) {
  const std::size_t from = r.i;
  if (r.eat('<')) {
    while (!r.done() && r.peek() != '>') {
      const char c = r.peek();
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '+' || c == '-')) {
        return false;
      }
      ++r.i;
    }
    return r.eat('>') && r.i - from >= 5;
  }
  while (!r.done() &&
         ((r.peek() >= 'A' && r.peek() <= 'Z') || (r.peek() >= 'a' && r.peek() <= 'z'))) {
    ++r.i;
  }
  return r.i - from >= 3;
}

// [+-]hh[:mm[:ss]] in seconds, sign as written.
std::optional<int> read_hms(Reader& r, int max_hours) {
  const int sign = r.eat('-') ? -1 : (r.eat('+'), 1);
  const auto h = r.number(max_hours);
  if (!h) {
    return std::nullopt;
  }
  int seconds = *h * 3600;
  if (r.eat(':')) {
    const auto m = r.number(59);
    if (!m) {
      return std::nullopt;
    }
    seconds += *m * 60;
    if (r.eat(':')) {
      const auto sec = r.number(59);
      if (!sec) {
        return std::nullopt;
      }
      seconds += *sec;
    }
  }
  return sign * seconds;
}

std::optional<PosixTz::Date> read_date(Reader& r) {
  PosixTz::Date date;
  if (r.eat('M')) {
    const auto m = r.number(12);
    const auto w = m && r.eat('.') ? r.number(5) : std::nullopt;
    const auto d = w && r.eat('.') ? r.number(6) : std::nullopt;
    if (!d || *m < 1 || *w < 1) {
      return std::nullopt;
    }
    date = {PosixTz::Date::Kind::month_week_day, *m, *w, *d};
  } else if (r.eat('J')) {
    const auto n = r.number(365);
    if (!n || *n < 1) {
      return std::nullopt;
    }
    date = {PosixTz::Date::Kind::julian1, 0, 0, *n};
  } else {
    const auto n = r.number(365);
    if (!n) {
      return std::nullopt;
    }
    date = {PosixTz::Date::Kind::julian0, 0, 0, *n};
  }
  if (r.eat('/')) {
    const auto t = read_hms(r, 167);
    if (!t) {
      return std::nullopt;
    }
    date.time = *t;
  }
  return date;
}

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

std::int64_t be64(const unsigned char* p) {
  return static_cast<std::int64_t>((std::uint64_t{be32(p)} << 32) | be32(p + 4));
}

} // namespace

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - (a % b != 0 && a < 0 ? 1 : 0);
}

Ymd civil_from_days(std::int64_t days) {
  const std::int64_t z = days + 719468;
  const std::int64_t era = floor_div(z, 146097);
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2 ? 1 : 0), month,
          static_cast<int>(doy - (153 * mp + 2) / 5 + 1)};
}

std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = floor_div(y, 400);
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int PosixTz::offset_at(std::int64_t unix_seconds) const {
  if (!has_dst) {
    return std_offset;
  }
  const std::int64_t year = year_of(unix_seconds);
  const std::int64_t begins = rule_local_seconds(year, start) - std_offset;
  const std::int64_t ends = rule_local_seconds(year, end) - dst_offset;
  const bool in_dst = begins < ends ? (unix_seconds >= begins && unix_seconds < ends)
                                    : !(unix_seconds >= ends && unix_seconds < begins);
  return in_dst ? dst_offset : std_offset;
}

std::optional<PosixTz> parse_posix_tz(std::string_view text) {
  Reader r{text};
  PosixTz tz;
  if (!read_name(r)) {
    return std::nullopt;
  }
  const auto std_west = read_hms(r, 24);
  if (!std_west) {
    return std::nullopt;
  }
  tz.std_offset = -*std_west;
  if (r.done()) {
    return tz;
  }
  if (!read_name(r)) {
    return std::nullopt;
  }
  tz.has_dst = true;
  tz.dst_offset = tz.std_offset + 3600;
  if (!r.done() && r.peek() != ',') {
    const auto dst_west = read_hms(r, 24);
    if (!dst_west) {
      return std::nullopt;
    }
    tz.dst_offset = -*dst_west;
  }
  if (r.done()) {
    tz.start = {PosixTz::Date::Kind::month_week_day, 3, 2, 0};
    tz.end = {PosixTz::Date::Kind::month_week_day, 11, 1, 0};
    return tz;
  }
  const auto start = r.eat(',') ? read_date(r) : std::nullopt;
  const auto end = start && r.eat(',') ? read_date(r) : std::nullopt;
  if (!end || !r.done()) {
    return std::nullopt;
  }
  tz.start = *start;
  tz.end = *end;
  return tz;
}

int ZoneRules::offset_at(std::int64_t unix_seconds) const {
  if (transitions.empty() || unix_seconds < transitions.front()) {
    if (transitions.empty() && after_last) {
      return after_last->offset_at(unix_seconds);
    }
    // Go's lookupFirstZone: type 0 unless a transition uses it; then the
    // first standard-time type before the first transition's DST type, or
    // the first standard-time type at all.
    const bool first_used =
      std::find(transition_types.begin(), transition_types.end(), 0) != transition_types.end();
    if (!first_used) {
      return types[0].offset;
    }
    if (!transitions.empty() && types[transition_types[0]].is_dst) {
      for (int i = transition_types[0] - 1; i >= 0; --i) {
        if (!types[static_cast<std::size_t>(i)].is_dst) {
          return types[static_cast<std::size_t>(i)].offset;
        }
      }
    }
    for (const Type& type : types) {
      if (!type.is_dst) {
        return type.offset;
      }
    }
    return types[0].offset;
  }
  const auto after = std::upper_bound(transitions.begin(), transitions.end(), unix_seconds);
  const auto index = static_cast<std::size_t>(after - transitions.begin()) - 1;
  if (after == transitions.end() && after_last) {
    return after_last->offset_at(unix_seconds);
  }
  return types[transition_types[index]].offset;
}

std::optional<ZoneRules> parse_tzif(std::string_view bytes) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t size = bytes.size();
  constexpr std::size_t k_header = 44;
  if (size < k_header || bytes.substr(0, 4) != "TZif") {
    return std::nullopt;
  }
  const bool v2 = data[4] != 0;
  std::size_t at = 0;
  // The counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt.
  const auto counts = [&](std::size_t pos, std::uint32_t(&c)[6]) {
    for (int k = 0; k < 6; ++k) {
      c[k] = be32(data + pos + 20 + 4 * static_cast<std::size_t>(k));
    }
  };
  std::uint32_t c[6];
  counts(at, c);
  std::size_t time_size = 4;
  if (v2) {
    const std::size_t v1_block =
      std::size_t{c[3]} * 5 + std::size_t{c[4]} * 6 + c[5] + std::size_t{c[2]} * 8 + c[1] + c[0];
    at = k_header + v1_block;
    if (at + k_header > size || bytes.substr(at, 4) != "TZif") {
      return std::nullopt;
    }
    counts(at, c);
    time_size = 8;
  }
  at += k_header;
  const std::size_t timecnt = c[3], typecnt = c[4];
  const std::size_t block = timecnt * (time_size + 1) + typecnt * 6 + c[5] +
                            std::size_t{c[2]} * (time_size + 4) + c[1] + c[0];
  if (typecnt == 0 || typecnt > 256 || timecnt > 100000 || at + block > size) {
    return std::nullopt;
  }
  ZoneRules rules;
  for (std::size_t k = 0; k < timecnt; ++k) {
    const unsigned char* p = data + at + k * time_size;
    rules.transitions.push_back(time_size == 8 ? be64(p) : static_cast<std::int32_t>(be32(p)));
  }
  at += timecnt * time_size;
  for (std::size_t k = 0; k < timecnt; ++k) {
    if (data[at + k] >= typecnt) {
      return std::nullopt;
    }
    rules.transition_types.push_back(data[at + k]);
  }
  at += timecnt;
  for (std::size_t k = 0; k < typecnt; ++k) {
    const unsigned char* p = data + at + k * 6;
    rules.types.push_back({static_cast<std::int32_t>(be32(p)), p[4] != 0});
  }
  at += block - timecnt * (time_size + 1);
  if (v2 && at < size && data[at] == '\n') {
    const std::size_t end = bytes.find('\n', at + 1);
    if (end != std::string_view::npos && end > at + 1) {
      rules.after_last = parse_posix_tz(bytes.substr(at + 1, end - at - 1));
    }
  }
  return rules;
}

} // namespace jobop::store::mysql
