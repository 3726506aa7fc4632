#include <jobop/store/mysql/time_zone.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/store/mysql/zone_rules.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace jobop::store::mysql {

namespace {

constexpr std::int64_t k_day = 86400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - (a % b != 0 && (a < 0) != (b < 0) ? 1 : 0);
}

// Read the zone rules in the TZif file `path`, or nullopt.
std::optional<ZoneRules> load_tzif(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::string bytes;
  constexpr std::size_t k_max = 1 << 20; // the largest real zone file is about 4 KiB
  bytes.resize(k_max);
  in.read(bytes.data(), static_cast<std::streamsize>(k_max));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
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
  // civil_from_days (H. Hinnant).
  const std::int64_t z = days + 719468;
  const std::int64_t era = floor_div(z, 146097);
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  CivilTime c;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = static_cast<int>(yoe + era * 400 + (c.month <= 2 ? 1 : 0));
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>(secs / 60 % 60);
  c.second = static_cast<int>(secs % 60);
  c.millisecond = 0;
  return c;
}

std::int64_t unix_seconds_from_civil(const CivilTime& civil, const TimeZone& zone) {
  check_range(civil);
  const std::int64_t local = days_from_civil(civil.year, civil.month, civil.day) * k_day +
                             civil.hour * 3600 + civil.minute * 60 + civil.second;
  // Go's time.Date: the offset at the wall-clock time read as UTC, then the
  // offset at the instant that gives (time_zone.hpp says what that means at
  // a change of offset).
  return local - zone.offset_at(local - zone.offset_at(local));
}

CivilTime to_civil(core::UnixNanos t, const TimeZone& zone) {
  const std::int64_t seconds = floor_div(t, core::k_second);
  const std::int64_t fraction = t - seconds * core::k_second;
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
