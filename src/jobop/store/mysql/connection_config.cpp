#include <jobop/store/mysql/connection_config.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/store/mysql/time_zone.hpp>
#include <jobop/time/go_duration.hpp>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace jobop::store::mysql {

namespace {

constexpr std::string_view k_scheme = "mysql://";
constexpr const char* k_known_params =
  "tls, ca, cert, key, socket, loc, connect-timeout, read-timeout, write-timeout";

[[noreturn]] void bad_url(std::string_view url, const std::string& why) {
  throw core::UsageError("store.bad_url",
                         "invalid metastore URL " + std::string(url) + ": " + why +
                           " (expected mysql://USER@HOST[:PORT]/SCHEMA[?PARAMS])",
                         {{"url", std::string(url)}});
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// Decode %XX escapes in `text`, the `what` part of `url`. A NUL byte cannot
// reach the C client library, so it is refused too.
std::string percent_decode(std::string_view url, std::string_view text, const std::string& what) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
    const int low = high >= 0 ? hex_value(text[i + 2]) : -1;
    if (low < 0) {
      bad_url(url,
              what + ": '%' at offset " + std::to_string(i) + " is not followed by two hex digits");
    }
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  if (out.find('\0') != std::string::npos) {
    bad_url(url, what + " contains a NUL byte (%00)");
  }
  return out;
}

// Percent-encode what would not read back as the same part of a URL.
std::string percent_encode(std::string_view text) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out += c;
    } else {
      out += '%';
      out += k_hex[u >> 4];
      out += k_hex[u & 15];
    }
  }
  return out;
}

TlsMode parse_tls(std::string_view url, const std::string& value) {
  static constexpr std::array k_modes = {TlsMode::disabled, TlsMode::preferred, TlsMode::required,
                                         TlsMode::verify_ca, TlsMode::verify_identity};
  for (const TlsMode mode : k_modes) {
    if (value == to_string(mode)) {
      return mode;
    }
  }
  bad_url(url, "tls=" + value +
                 " is not one of disabled, preferred, required, verify-ca, verify-identity");
}

core::Nanos parse_timeout(std::string_view url, const std::string& key, const std::string& value) {
  core::Nanos d = 0;
  try {
    d = time::parse_go_duration(value);
  } catch (const core::UsageError& e) {
    bad_url(url, key + "=" + value + ": " + e.what());
  }
  if (d < 0) {
    bad_url(url, key + "=" + value + " is negative");
  }
  return d;
}

unsigned parse_port(std::string_view url, std::string_view text) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != text.npos) {
    bad_url(url, "port \"" + std::string(text) + "\" is not a number from 1 to 65535");
  }
  const unsigned port = static_cast<unsigned>(std::stoul(std::string(text)));
  if (port == 0 || port > 65535) {
    bad_url(url, "port " + std::string(text) + " is not from 1 to 65535");
  }
  return port;
}

// Split HOST[:PORT] (HOST possibly "[v6]") into `config`.
void parse_authority_host(std::string_view url, std::string_view text, ConnectionConfig& config) {
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == text.npos) {
      bad_url(url, "IPv6 address \"" + std::string(text) + "\" lacks its closing ']'");
    }
    config.host = std::string(text.substr(1, close - 1));
    if (config.host.empty()) {
      bad_url(url, "empty IPv6 address \"[]\"");
    }
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') {
      bad_url(url, "unexpected \"" + std::string(rest) + "\" after the IPv6 address");
    }
    if (!rest.empty()) {
      port = rest.substr(1);
      config.port = parse_port(url, port);
    }
    return;
  }
  const auto colon = text.find(':');
  config.host = std::string(text.substr(0, colon));
  if (colon != text.npos) {
    if (text.find(':', colon + 1) != text.npos) {
      bad_url(url, "host \"" + std::string(text) +
                     "\" has several ':' (write an IPv6 address "
                     "in brackets: [::1]:3306)");
    }
    config.port = parse_port(url, text.substr(colon + 1));
  }
  if (config.host.find_first_of("%/?#@ ") != std::string::npos) {
    bad_url(url, "host \"" + config.host + "\" contains a character a host name cannot");
  }
}

void apply_param(std::string_view url, const std::string& key, const std::string& value,
                 ConnectionConfig& config) {
  if (key == "tls") {
    config.tls = parse_tls(url, value);
  } else if (key == "ca") {
    config.ca = value;
  } else if (key == "cert") {
    config.cert = value;
  } else if (key == "key") {
    config.key = value;
  } else if (key == "socket") {
    config.socket = value;
  } else if (key == "loc") {
    (void)TimeZone::from_loc(value); // store.bad_loc names the zone
    config.loc = value;
  } else if (key == "connect-timeout") {
    config.connect_timeout = parse_timeout(url, key, value);
  } else if (key == "read-timeout") {
    config.read_timeout = parse_timeout(url, key, value);
  } else if (key == "write-timeout") {
    config.write_timeout = parse_timeout(url, key, value);
  } else {
    bad_url(url, "unknown parameter \"" + key + "\" (known: " + k_known_params + ")");
  }
}

void parse_params(std::string_view url, std::string_view query, ConnectionConfig& config) {
  std::set<std::string> seen;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == query.npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    const auto eq = pair.find('=');
    if (eq == pair.npos) {
      bad_url(url, "parameter \"" + std::string(pair) + "\" has no '=VALUE'");
    }
    const std::string key = percent_decode(url, pair.substr(0, eq), "a parameter name");
    const std::string value = percent_decode(url, pair.substr(eq + 1), "parameter " + key);
    if (!seen.insert(key).second) {
      bad_url(url, "parameter \"" + key + "\" is given twice");
    }
    if (value.empty()) {
      bad_url(url, "parameter \"" + key + "\" is empty");
    }
    apply_param(url, key, value, config);
  }
}

} // namespace

std::string_view to_string(TlsMode mode) {
  switch (mode) {
  case TlsMode::disabled:
    return "disabled";
  case TlsMode::preferred:
    return "preferred";
  case TlsMode::required:
    return "required";
  case TlsMode::verify_ca:
    return "verify-ca";
  case TlsMode::verify_identity:
    return "verify-identity";
  }
  return "preferred";
}

std::string ConnectionConfig::display() const {
  std::string out = std::string(k_scheme) + percent_encode(user) + "@";
  if (!socket.empty()) {
    out += "localhost";
  } else if (host.find(':') != std::string::npos) {
    out += "[" + host + "]:" + std::to_string(port);
  } else {
    out += host + ":" + std::to_string(port);
  }
  out += "/" + percent_encode(schema);
  std::string params;
  const auto add = [&](std::string_view param, std::string_view value) {
    params += (params.empty() ? "?" : "&") + std::string(param) + "=" + percent_encode(value);
  };
  if (!socket.empty()) {
    add("socket", socket);
  }
  if (tls != TlsMode::preferred) {
    add("tls", to_string(tls));
  }
  if (loc != "Local") {
    add("loc", loc);
  }
  return out + params;
}

bool is_mysql_url(std::string_view text) {
  return text.substr(0, k_scheme.size()) == k_scheme;
}

ConnectionConfig parse_mysql_url(std::string_view url) {
  if (!is_mysql_url(url)) {
    bad_url(url, "it does not start with mysql://");
  }
  ConnectionConfig config;
  std::string_view rest = url.substr(k_scheme.size());
  // First of all, before any message quotes the URL: is there a password?
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  const auto at = authority.rfind('@');
  const std::string_view userinfo = authority.substr(0, at == authority.npos ? 0 : at);
  if (userinfo.find(':') != userinfo.npos) {
    throw core::UsageError(
      "store.password_in_url",
      "refusing a metastore URL with a password: every local user can read a command line "
      "(ps); give it with JOBOP_DB_PASSWORD, --password-file FILE or --engine-config FILE",
      {{"url", std::string(k_scheme) + "..."}});
  }
  if (url.find('#') != url.npos) {
    bad_url(url, "a URL fragment ('#') has no meaning here");
  }
  const auto slash = rest.find('/');
  if (slash == rest.npos || slash != authority.size()) {
    bad_url(url, "no /SCHEMA after the host");
  }
  if (at == authority.npos) {
    bad_url(url, "no USER@ before the host");
  }
  config.user = percent_decode(url, userinfo, "the user");
  if (config.user.empty()) {
    bad_url(url, "the user before '@' is empty");
  }
  parse_authority_host(url, authority.substr(at + 1), config);

  rest = rest.substr(slash + 1);
  const auto query = rest.find('?');
  const std::string_view path = rest.substr(0, query);
  if (path.find('/') != path.npos) {
    bad_url(url, "the schema \"" + std::string(path) + "\" contains '/' (write %2F)");
  }
  config.schema = percent_decode(url, path, "the schema");
  if (config.schema.empty()) {
    bad_url(url, "the schema after the host is empty");
  }
  if (query != rest.npos) {
    parse_params(url, rest.substr(query + 1), config);
  }
  if (config.host.empty() && config.socket.empty()) {
    bad_url(url, "the host is empty and no socket= is given");
  }
  if (config.tls == TlsMode::verify_ca && config.ca.empty()) {
    bad_url(url, "tls=verify-ca needs ca=FILE (the CA to verify the server against)");
  }
  return config;
}

std::string read_password_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw core::UsageError("input.unreadable",
                           "cannot read password file " + path + ": " + std::strerror(errno),
                           {{"file", path}});
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw core::UsageError("input.unreadable",
                           "cannot read password file " + path + ": not a regular file",
                           {{"file", path}});
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    throw core::UsageError("input.password_file_mode",
                           "password file " + path + " has mode " + mode +
                             ": group and others must have no access (chmod 600 " + path + ")",
                           {{"file", path}, {"mode", mode}});
  }
  std::string bytes;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      throw core::UsageError("input.unreadable",
                             "cannot read password file " + path + ": " + std::strerror(error),
                             {{"file", path}});
    }
    if (n == 0) {
      break;
    }
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (!bytes.empty() && bytes.back() == '\n') {
    bytes.pop_back();
    if (!bytes.empty() && bytes.back() == '\r') {
      bytes.pop_back();
    }
  }
  return bytes;
}

} // namespace jobop::store::mysql
