#include <jobop/store/mysql/time_zone.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/store/mysql/zone_rules.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace jobop::store::mysql {

namespace {

// Read the zone rules in the TZif file `path`, or nullopt.
std::optional<ZoneRules> load_tzif(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::string bytes;
  char chunk[16384];
  constexpr std::size_t k_max = 1 << 20; // real zone files have a few KiB
  while (bytes.size() < k_max && in.read(chunk, sizeof chunk).gcount() > 0) {
    bytes.append(chunk, static_cast<std::size_t>(in.gcount()));
  }
  return parse_tzif(bytes);
}

std::string zoneinfo_dir() {
  const char* dir = std::getenv("TZDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo";
}

// Go's time.LoadLocation refuses these names rather than leave the zone
// directory.
bool is_zone_name(std::string_view name) {
  return !name.empty() && name.front() != '/' && name.front() != '\\' &&
         name.find("..") == std::string_view::npos && name.find('\0') == std::string_view::npos;
}

std::optional<ZoneRules> load_named(std::string_view name) {
  if (!is_zone_name(name)) {
    return std::nullopt;
  }
  return load_tzif(zoneinfo_dir() + "/" + std::string(name));
}

// Read `width` digits of `text` at `at` into `out`.
bool digits(std::string_view text, std::size_t at, std::size_t width, int& out) {
  if (at + width > text.size()) {
    return false;
  }
  out = 0;
  for (std::size_t i = at; i < at + width; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return false;
    }
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

void check_range(const CivilTime& civil) {
  if (!is_valid(civil)) {
    throw std::invalid_argument("invalid civil time " + format_civil(civil));
  }
}

} // namespace

bool is_valid(const CivilTime& c) {
  if (c.year < 1 || c.year > 9999 || c.month < 1 || c.month > 12 || c.day < 1) {
    return false;
  }
  const std::int64_t next_month =
    c.month == 12 ? days_from_civil(c.year + 1, 1, 1) : days_from_civil(c.year, c.month + 1, 1);
  const std::int64_t length = next_month - days_from_civil(c.year, c.month, 1);
  return c.day <= length && c.hour >= 0 && c.hour <= 23 && c.minute >= 0 && c.minute <= 59 &&
         c.second >= 0 && c.second <= 59 && c.millisecond >= 0 && c.millisecond <= 999;
}

std::string format_civil(const CivilTime& c) {
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d.%03d", c.year, c.month, c.day,
                c.hour, c.minute, c.second, c.millisecond);
  return text;
}

std::optional<CivilTime> parse_civil(std::string_view text) {
  CivilTime c;
  if (!digits(text, 0, 4, c.year) || text.size() < 10 || text[4] != '-' || text[7] != '-' ||
      !digits(text, 5, 2, c.month) || !digits(text, 8, 2, c.day)) {
    return std::nullopt;
  }
  if (text.size() > 10) {
    if ((text[10] != ' ' && text[10] != 'T') || text.size() < 19 || text[13] != ':' ||
        text[16] != ':' || !digits(text, 11, 2, c.hour) || !digits(text, 14, 2, c.minute) ||
        !digits(text, 17, 2, c.second)) {
      return std::nullopt;
    }
    if (text.size() > 19) {
      const std::size_t width = text.size() - 20;
      int fraction = 0;
      if (text[19] != '.' || width == 0 || width > 9 || !digits(text, 20, width, fraction)) {
        return std::nullopt;
      }
      for (std::size_t k = width; k < 3; ++k) {
        fraction *= 10;
      }
      for (std::size_t k = 3; k < width; ++k) {
        fraction /= 10;
      }
      c.millisecond = fraction;
    }
  }
  return is_valid(c) ? std::optional<CivilTime>(c) : std::nullopt;
}

TimeZone::TimeZone(std::string name, std::shared_ptr<const ZoneRules> rules)
  : m_name(std::move(name)), m_rules(std::move(rules)) {}

TimeZone TimeZone::utc() {
  return TimeZone("UTC", nullptr);
}

TimeZone TimeZone::local() {
  const auto make = [](std::optional<ZoneRules> rules) {
    return rules ? TimeZone("Local", std::make_shared<const ZoneRules>(std::move(*rules)))
                 : TimeZone("Local", nullptr);
  };
  const char* env = std::getenv("TZ");
  if (env == nullptr) {
    return make(load_tzif("/etc/localtime"));
  }
  std::string_view tz = env;
  if (!tz.empty() && tz.front() == ':') {
    tz.remove_prefix(1);
  }
  if (tz.empty() || tz == "UTC") {
    return make(std::nullopt);
  }
  if (tz.front() == '/') {
    return make(load_tzif(std::string(tz)));
  }
  if (auto rules = load_named(tz)) {
    return make(std::move(rules));
  }
  if (auto posix = parse_posix_tz(tz)) {
    ZoneRules rules;
    rules.types.push_back({posix->std_offset, false});
    rules.after_last = *posix;
    return make(std::move(rules));
  }
  return make(std::nullopt); // as glibc and Go: an unknown TZ is UTC
}

TimeZone TimeZone::named(std::string_view name) {
  auto rules = load_named(name);
  if (!rules) {
    throw core::UsageError("store.bad_loc",
                           "unknown time zone \"" + std::string(name) +
                             "\" (loc= takes Local, UTC or an IANA zone name such as "
                             "Europe/Berlin, as found under " +
                             zoneinfo_dir() + ")",
                           {{"loc", std::string(name)}});
  }
  return TimeZone(std::string(name), std::make_shared<const ZoneRules>(std::move(*rules)));
}

TimeZone TimeZone::from_loc(std::string_view loc) {
  if (loc.empty() || loc == "UTC") {
    return utc();
  }
  if (loc == "Local") {
    return local();
  }
  return named(loc);
}

int TimeZone::offset_at(std::int64_t unix_seconds) const {
  return m_rules ? m_rules->offset_at(unix_seconds) : 0;
}

CivilTime civil_from_unix_seconds(std::int64_t unix_seconds, const TimeZone& zone) {
  const std::int64_t local = unix_seconds + zone.offset_at(unix_seconds);
  const std::int64_t days = floor_div(local, k_day);
  const std::int64_t secs = local - days * k_day;
  const Ymd date = civil_from_days(days);
  CivilTime c;
  c.year = static_cast<int>(date.year);
  c.month = date.month;
  c.day = date.day;
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>(secs / 60 % 60);
  c.second = static_cast<int>(secs % 60);
  c.millisecond = 0;
  return c;
}

std::int64_t unix_seconds_from_civil(const CivilTime& civil, const TimeZone& zone) {
  check_range(civil);
  const std::int64_t local = days_from_civil(civil.year, civil.month, civil.day) * k_day +
                             std::int64_t{civil.hour} * 3600 + std::int64_t{civil.minute} * 60 +
                             civil.second;
  // Go's time.Date: the offset at the wall-clock time read as UTC, then the
  // offset at the instant that gives (time_zone.hpp says what that means at
  // a change of offset).
  return local - zone.offset_at(local - zone.offset_at(local));
}

CivilTime to_civil(core::UnixNanos t, const TimeZone& zone) {
  const std::int64_t seconds = floor_div(t, core::k_second);
  // The remainder, not t - seconds * 1e9: that product overflows near
  // INT64_MIN.
  std::int64_t fraction = t % core::k_second;
  if (fraction < 0) {
    fraction += core::k_second;
  }
  CivilTime c = civil_from_unix_seconds(seconds, zone);
  c.millisecond = static_cast<int>(fraction / core::k_millisecond);
  return c;
}

std::optional<core::UnixNanos> from_civil(const CivilTime& civil, const TimeZone& zone) {
  if (!is_valid(civil)) {
    return std::nullopt;
  }
  const std::int64_t seconds = unix_seconds_from_civil(civil, zone);
  core::UnixNanos t = 0;
  if (__builtin_mul_overflow(seconds, core::k_second, &t) ||
      __builtin_add_overflow(t, std::int64_t{civil.millisecond} * core::k_millisecond, &t)) {
    return std::nullopt;
  }
  return t;
}

} // namespace jobop::store::mysql
