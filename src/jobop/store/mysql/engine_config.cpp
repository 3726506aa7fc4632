#include <jobop/store/mysql/engine_config.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/time/go_duration.hpp>

#include <nlohmann/json.hpp>
#include <toml.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace jobop::store::mysql {

namespace {

constexpr const char* k_section = "framework-meta";
// The keys the engine decodes (StoreConfig, security.Credential): it refuses
// any other, so a file it runs with has none.
constexpr const char* k_meta_keys[] = {
  "store-id",     "store-type",    "endpoints",    "user",    "password", "schema",
  "read-timeout", "write-timeout", "dial-timeout", "dbconfs", "security"};
constexpr const char* k_security_keys[] = {"ca-path",
                                           "cert-path",
                                           "key-path",
                                           "cert-allowed-cn",
                                           "mtls",
                                           "client-user-required",
                                           "client-allowed-user"};

std::string where(const std::string& name, const toml::value& value) {
  const auto line = value.location().line();
  return line == 0 ? name : name + ":" + std::to_string(line);
}

[[noreturn]] void invalid(const std::string& at, const std::string& key, const std::string& why) {
  throw core::UsageError("config.invalid_value",
                         at + ": invalid [" + k_section + "] " + key + ": " + why, {{"key", key}});
}

template <std::size_t N>
[[noreturn]] void unknown_key(const std::string& key, const toml::value& value,
                              const char* const (&known)[N], const std::string& section,
                              const std::string& name) {
  std::string list;
  for (const char* k : known) {
    list.append(list.empty() ? "" : ", ").append(k);
  }
  throw core::UsageError("config.unknown_key",
                         where(name, value) + ": unknown key `" + key + "` in [" + section +
                           "] (the engine refuses it too; known: " + list + ")",
                         {{"key", key}, {"file", name}});
}

template <std::size_t N>
void refuse_unknown(const toml::table& table, const char* const (&known)[N],
                    const std::string& section, const std::string& name) {
  for (const auto& entry : table) {
    const std::string& key = entry.first;
    if (std::find_if(std::begin(known), std::end(known), [&](const char* k) { return key == k; }) ==
        std::end(known)) {
      unknown_key(key, entry.second, known, section, name);
    }
  }
}

std::string string_at(const toml::table& table, const std::string& key, std::string fallback,
                      const std::string& name) {
  const auto it = table.find(key);
  if (it == table.end()) {
    return fallback;
  }
  if (!it->second.is_string()) {
    invalid(where(name, it->second), key, "must be a string");
  }
  return it->second.as_string().str;
}

core::Nanos duration_at(const toml::table& table, const std::string& key, const std::string& name) {
  const auto it = table.find(key);
  const std::string text = string_at(table, key, "3s", name);
  try {
    const core::Nanos d = time::parse_go_duration(text);
    if (d < 0) {
      invalid(where(name, it->second), key, "\"" + text + "\" is negative");
    }
    return d;
  } catch (const core::UsageError& e) {
    if (e.code() != "duration.invalid") {
      throw;
    }
    invalid(it == table.end() ? name : where(name, it->second), key, e.what());
  }
}

// Split an endpoint as Go's driver does: "host:port", "[v6]:port", or a
// host alone (an IPv6 address without brackets too) on port 3306.
void apply_endpoint(const std::string& endpoint, const std::string& at, ConnectionConfig& config) {
  std::string host = endpoint;
  std::string port;
  if (!endpoint.empty() && endpoint.front() == '[') {
    const auto close = endpoint.find(']');
    if (close == std::string::npos || (close + 1 < endpoint.size() && endpoint[close + 1] != ':')) {
      invalid(at, "endpoints", "\"" + endpoint + "\" is not [IPv6]:PORT");
    }
    host = endpoint.substr(1, close - 1);
    port = close + 1 < endpoint.size() ? endpoint.substr(close + 2) : "";
  } else if (std::count(endpoint.begin(), endpoint.end(), ':') == 1) {
    const auto colon = endpoint.find(':');
    host = endpoint.substr(0, colon);
    port = endpoint.substr(colon + 1);
  }
  if (host.empty()) {
    invalid(at, "endpoints", "\"" + endpoint + "\" has no host");
  }
  config.host = host;
  if (!port.empty() || endpoint.back() == ':') {
    const bool digits =
      !port.empty() && port.size() <= 5 &&
      std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
    const unsigned long value = digits ? std::stoul(port) : 0;
    if (value == 0 || value > 65535) {
      invalid(at, "endpoints", "\"" + endpoint + "\" has no port from 1 to 65535");
    }
    config.port = static_cast<unsigned>(value);
  }
}

// TLS as the engine sets it up (tidb pkg/util NewTLSConfig, used by
// GenerateDSNByParams): with a CA it verifies the server's chain but not its
// name (verify_ca); with cert-allowed-cn it turns Go's own verification on,
// which checks the host name too (verify_identity; the CN list itself is not
// checked here); with only a client certificate it uses TLS unverified
// (required). Without TLS files the engine uses no TLS; jobop then prefers
// TLS when the server offers it, unverified, which reaches every server the
// engine reaches.
void apply_security(const toml::value& security, const std::string& name,
                    ConnectionConfig& config) {
  if (!security.is_table()) {
    invalid(where(name, security), "security", "must be a table");
  }
  const auto& table = security.as_table();
  refuse_unknown(table, k_security_keys, std::string(k_section) + ".security", name);
  config.ca = string_at(table, "ca-path", "", name);
  config.cert = string_at(table, "cert-path", "", name);
  config.key = string_at(table, "key-path", "", name);
  bool allowed_cn = false;
  if (const auto it = table.find("cert-allowed-cn"); it != table.end()) {
    if (!it->second.is_array()) {
      invalid(where(name, it->second), "security.cert-allowed-cn", "must be an array of strings");
    }
    allowed_cn = !it->second.as_array().empty();
  }
  if (allowed_cn) {
    config.tls = TlsMode::verify_identity;
  } else if (!config.ca.empty()) {
    config.tls = TlsMode::verify_ca;
  } else if (!config.cert.empty() || !config.key.empty()) {
    config.tls = TlsMode::required;
  }
}

// toml11 3.7 reads past its buffer on invalid UTF-8 and recurses once per
// nested '[' or '{' (found by fuzzing the backoff config reader, which has
// the same guards): refuse such text before it sees it.
void require_plain_toml(std::string_view text, const std::string& name) {
  try {
    (void)nlohmann::json(std::string(text)).dump(); // nlohmann's strict UTF-8 check
  } catch (const nlohmann::json::type_error& e) {
    throw core::UsageError("config.syntax",
                           name + ": TOML syntax error: not valid UTF-8 (" + e.what() + ")",
                           {{"file", name}});
  }
  int depth = 0;
  for (const char c : text) {
    depth += (c == '[' || c == '{') ? 1 : (c == ']' || c == '}') && depth > 0 ? -1 : 0;
    if (depth > 64) {
      throw core::UsageError("config.syntax",
                             name + ": TOML syntax error: brackets nest deeper than 64 levels",
                             {{"file", name}});
    }
  }
}

} // namespace

ConnectionConfig parse_engine_config(std::string_view text, const std::string& name) {
  require_plain_toml(text, name);
  toml::value root;
  try {
    std::istringstream in{std::string(text)};
    root = toml::parse(in, name);
  } catch (const toml::syntax_error& e) {
    const auto line = e.location().line();
    throw core::UsageError("config.syntax",
                           name + ":" + std::to_string(line) + ": TOML syntax error:\n" + e.what(),
                           {{"file", name}, {"line", line}});
  }
  const auto& top = root.as_table();
  const auto section = top.find(k_section);
  if (section == top.end() || !section->second.is_table()) {
    throw core::UsageError("config.no_framework_meta",
                           name + ": no [framework-meta] table: it is not an engine server-master "
                                  "config, or names no metastore",
                           {{"file", name}});
  }
  const auto& meta = section->second.as_table();
  refuse_unknown(meta, k_meta_keys, k_section, name);

  std::string store_type = string_at(meta, "store-type", "mysql", name);
  store_type.erase(0, store_type.find_first_not_of(" \t\r\n"));
  store_type.erase(store_type.find_last_not_of(" \t\r\n") + 1);
  std::transform(store_type.begin(), store_type.end(), store_type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (store_type != "mysql") {
    throw core::UsageError("config.bad_store_type",
                           name + ": [framework-meta] store-type is \"" + store_type +
                             "\": jobop reaches only a MySQL-compatible metastore (mysql)",
                           {{"file", name}, {"store_type", store_type}});
  }

  ConnectionConfig config;
  std::string endpoint = "127.0.0.1:3336";
  if (const auto it = meta.find("endpoints"); it != meta.end()) {
    const auto& v = it->second;
    if (!v.is_array() || v.as_array().empty() || !v.as_array().front().is_string()) {
      invalid(where(name, v), "endpoints", "must be a non-empty array of \"host:port\" strings");
    }
    endpoint = v.as_array().front().as_string().str;
  }
  apply_endpoint(endpoint, name, config);
  config.user = string_at(meta, "user", "root", name);
  if (meta.count("password") != 0) {
    config.password = string_at(meta, "password", "", name);
  }
  config.schema = string_at(meta, "schema", "test_framework", name);
  if (config.schema.empty() || config.schema.size() > 128) {
    invalid(name, "schema", "must be 1 to 128 characters (the engine requires one)");
  }
  config.connect_timeout = duration_at(meta, "dial-timeout", name);
  config.read_timeout = duration_at(meta, "read-timeout", name);
  config.write_timeout = duration_at(meta, "write-timeout", name);
  if (const auto it = meta.find("security"); it != meta.end()) {
    apply_security(it->second, name, config);
  }
  return config;
}

ConnectionConfig read_engine_config(const std::string& path) {
  if (std::filesystem::is_directory(path)) {
    throw core::UsageError("config.unreadable",
                           "cannot read engine config " + path + ": it is a directory",
                           {{"file", path}});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw core::UsageError("config.unreadable",
                           "cannot read engine config " + path + ": " + std::strerror(errno),
                           {{"file", path}});
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse_engine_config(buffer.str(), path);
}

} // namespace jobop::store::mysql
