#include <jobop/backoff/config_file.hpp>

#include <jobop/core/echo.hpp>
#include <jobop/core/exceptions.hpp>

#include <nlohmann/json.hpp>
#include <toml.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <vector>

namespace jobop::backoff {

namespace {

constexpr const char* k_engine_table = "job-backoff";

struct Setting {
  std::string key;
  // Absent for a value of another type (array, table, boolean, date).
  std::optional<SettingValue> value;
  std::string type_name;
  std::size_t line = 0; // 0 when unknown
};

// A top-level table of the file, to catch a misspelt `[job-backoff]`.
struct TableName {
  std::string name;
  std::size_t line = 0;
};

std::string where_at(const std::string& name, std::size_t line) {
  return line == 0 ? name : name + ":" + std::to_string(line);
}

// Keys in a stable order (by line, then name) so the first error reported
// does not depend on hash order.
void sort_settings(std::vector<Setting>& settings) {
  std::sort(settings.begin(), settings.end(), [](const Setting& a, const Setting& b) {
    return a.line != b.line ? a.line < b.line : a.key < b.key;
  });
}

ConfigIssue error_at(const std::string& name, const Setting& setting, std::string code,
                     const std::string& why, std::string suggestion = "") {
  return {"error",
          std::move(code),
          where_at(name, setting.line) + ": " + why,
          setting.key,
          name,
          setting.line,
          std::move(suggestion)};
}

// Set every setting of the chosen table, collecting each error instead of
// stopping at the first: a person fixes a file in one pass, not five.
void apply_settings(BackoffConfigBuilder& builder, std::vector<Setting> settings,
                    const std::string& name, ConfigLayout layout,
                    std::vector<ConfigIssue>& errors) {
  sort_settings(settings);
  for (const auto& setting : settings) {
    const std::string& key = setting.key;
    if (layout == ConfigLayout::engine_table && !is_engine_backoff_key(key)) {
      // The engine's decoder refuses unknown items: it would not start.
      std::string why = "unknown key \"" + core::echoed(key) + "\" in [job-backoff]";
      std::string suggestion;
      if (key == "randomization-factor") {
        why += ": the engine fixes it at 0.5 and refuses to start with it; set it with "
               "--randomization-factor or in a file of jobop's own";
      } else {
        suggestion = suggest_backoff_key(key);
        why += suggestion.empty() || suggestion == "randomization-factor"
                 ? "; the engine refuses to start with an unknown item (keys: reset-interval, "
                   "initial-interval, max-interval, multiplier, max-try-time)"
                 : "; did you mean `" + suggestion + "`?";
        if (suggestion == "randomization-factor") {
          suggestion.clear();
        }
      }
      errors.push_back(error_at(name, setting, "config.unknown_key", why, suggestion));
      continue;
    }
    if (!setting.value) {
      if (is_backoff_key(key)) {
        errors.push_back(error_at(name, setting, "config.invalid_value",
                                  "invalid " + key + ": a " + setting.type_name +
                                    " is not a duration string, an integer or a number"));
        continue;
      }
      // An unknown key of another type: set() names it.
    }
    try {
      builder.set_from_file(key, setting.value.value_or(SettingValue(std::string())), name,
                            setting.line);
    } catch (const core::UsageError& e) {
      errors.push_back({"error", e.code(), e.what(), key, name, setting.line,
                        e.details().value("suggestion", std::string())});
    }
  }
}

// Warn about a top-level table whose name is a typo of `job-backoff`: its
// keys are not read, so the policy silently stays at the defaults.
void warn_misspelt_tables(BackoffConfigBuilder& builder, const std::vector<TableName>& tables,
                          const std::string& name, bool json) {
  for (const auto& table : tables) {
    if (table.name == k_engine_table || !looks_like(table.name, k_engine_table)) {
      continue;
    }
    const std::string shown =
      json ? "\"" + core::echoed(table.name) + "\"" : "[" + core::echoed(table.name) + "]";
    const std::string meant = json ? "\"job-backoff\"" : "[job-backoff]";
    builder.add_warning({"warning", "config.misspelt",
                         where_at(name, table.line) + ": unknown " + (json ? "object " : "table ") +
                           shown + "; did you mean `" + meant +
                           "`? Its keys are not read (the engine refuses to start with an "
                           "unknown table)",
                         "", name, table.line, meant});
  }
}

// Decide which table holds the backoff keys. A file with a `job-backoff`
// table is an engine config; one whose top level has a backoff key, or a
// scalar key that looks like a misspelt one, is standalone; anything else is
// an engine config that keeps the defaults.
template <typename IsTable>
ConfigLayout choose_layout(const std::vector<std::string>& top_keys, bool has_engine_table,
                           IsTable is_table) {
  if (has_engine_table) {
    return ConfigLayout::engine_table;
  }
  for (const auto& key : top_keys) {
    if (is_backoff_key(key) || (!is_table(key) && !suggest_backoff_key(key).empty())) {
      return ConfigLayout::standalone;
    }
  }
  return ConfigLayout::engine_none;
}

// TOML must be UTF-8, and toml11 3.7.1 reads past its buffer on invalid UTF-8
// in a literal string (heap-buffer-overflow found by fuzz/fuzz_toml_config):
// refuse such text before toml11 sees it. nlohmann's strict dump names the byte.
void require_utf8(std::string_view text, const std::string& name) {
  try {
    (void)nlohmann::json(std::string(text)).dump();
  } catch (const nlohmann::json::type_error& e) {
    throw core::UsageError("config.syntax",
                           name + ": TOML syntax error: not valid UTF-8 (" + std::string(e.what()) +
                             ")",
                           {{"file", name}});
  }
}

// toml11 parses arrays and inline tables by recursion, one level per '[' or
// '{', so a hostile file of 20,000 '[' overflows the stack (found by
// fuzz/fuzz_toml_config). No backoff config nests more than a few levels.
constexpr int k_max_toml_nesting = 64;

// Refuse `text` whose '[' / '{' nest deeper than k_max_toml_nesting outside
// strings and comments (a conservative scan: it never under-counts).
void require_shallow(std::string_view text, const std::string& name) {
  int depth = 0;
  std::size_t line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
    } else if (c == '#') {
      while (i + 1 < text.size() && text[i + 1] != '\n') {
        ++i;
      }
    } else if (c == '"' || c == '\'') {
      const std::size_t width = text.compare(i, 3, std::string(3, c)) == 0 ? 3 : 1;
      const std::string_view quote = text.substr(i, width);
      for (i += width; i < text.size() && text.compare(i, width, quote) != 0; ++i) {
        if (c == '"' && text[i] == '\\') {
          ++i;
        }
        if (i < text.size() && text[i] == '\n') {
          ++line;
        }
      }
      i += width - 1;
    } else if (c == '[' || c == '{') {
      if (++depth > k_max_toml_nesting) {
        throw core::UsageError("config.syntax",
                               where_at(name, line) + ": TOML syntax error: arrays and tables " +
                                 "nest deeper than " + std::to_string(k_max_toml_nesting) +
                                 " levels",
                               {{"file", name}, {"line", line}});
      }
    } else if (c == ']' || c == '}') {
      depth = depth > 0 ? depth - 1 : 0;
    }
  }
}

ConfigLayout apply_toml(BackoffConfigBuilder& builder, std::string_view text,
                        const std::string& name) {
  require_utf8(text, name);
  require_shallow(text, name);
  toml::value root;
  try {
    std::istringstream in{std::string(text)};
    root = toml::parse(in, name);
  } catch (const toml::syntax_error& e) {
    const auto line = e.location().line();
    throw core::UsageError("config.syntax",
                           where_at(name, line) + ": TOML syntax error:\n" + e.what(),
                           {{"file", name}, {"line", line}});
  }
  const auto& top = root.as_table();
  std::vector<std::string> top_keys;
  std::vector<TableName> tables;
  for (const auto& [key, value] : top) {
    top_keys.push_back(key);
    if (value.is_table()) {
      tables.push_back({key, value.location().line()});
    }
  }
  warn_misspelt_tables(builder, tables, name, false);
  const auto engine = top.find(k_engine_table);
  const bool has_engine_table = engine != top.end();
  if (has_engine_table && !engine->second.is_table()) {
    throw core::UsageError("config.invalid_value",
                           where_at(name, engine->second.location().line()) +
                             ": `job-backoff` must be a table",
                           {{"key", k_engine_table}});
  }
  const ConfigLayout layout = choose_layout(
    top_keys, has_engine_table, [&](const std::string& k) { return top.at(k).is_table(); });
  if (layout == ConfigLayout::engine_none) {
    return layout;
  }
  const auto& table = layout == ConfigLayout::engine_table ? engine->second.as_table() : top;
  std::vector<Setting> settings;
  for (const auto& [key, value] : table) {
    Setting setting{key, std::nullopt, std::string(toml::stringize(value.type())),
                    value.location().line()};
    if (value.is_string()) {
      setting.value = value.as_string().str;
    } else if (value.is_integer()) {
      setting.value = static_cast<std::int64_t>(value.as_integer());
    } else if (value.is_floating()) {
      setting.value = static_cast<double>(value.as_floating());
    }
    settings.push_back(std::move(setting));
  }
  std::vector<ConfigIssue> errors;
  apply_settings(builder, std::move(settings), name, layout, errors);
  if (!errors.empty()) {
    throw ConfigFileError(std::move(errors));
  }
  return layout;
}

// nlohmann keeps no positions for values: find the line of `"key"` after
// `from` in the text, which is exact for the keys of one object.
std::size_t json_key_line(std::string_view text, const std::string& key, std::size_t from) {
  const std::size_t at = text.find("\"" + key + "\"", from);
  if (at == std::string_view::npos) {
    return 0;
  }
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + at, '\n'));
}

ConfigLayout apply_json(BackoffConfigBuilder& builder, std::string_view text,
                        const std::string& name) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    const std::size_t end = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    const std::size_t line =
      1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + end, '\n'));
    throw core::UsageError("config.syntax",
                           where_at(name, line) + ": JSON syntax error: " + e.what(),
                           {{"file", name}, {"line", line}});
  } catch (const nlohmann::json::out_of_range& e) {
    // A number beyond a double (1e400) is out_of_range.406, not a parse_error.
    throw core::UsageError("config.syntax", name + ": JSON syntax error: " + e.what(),
                           {{"file", name}});
  }
  if (!root.is_object()) {
    throw core::UsageError("config.syntax", name + ": the top level must be a JSON object",
                           {{"file", name}});
  }
  std::vector<std::string> top_keys;
  std::vector<TableName> tables;
  for (const auto& [key, value] : root.items()) {
    top_keys.push_back(key);
    if (value.is_object()) {
      tables.push_back({key, json_key_line(text, key, 0)});
    }
  }
  warn_misspelt_tables(builder, tables, name, true);
  const bool has_engine_table = root.contains(k_engine_table);
  if (has_engine_table && !root.at(k_engine_table).is_object()) {
    throw core::UsageError("config.invalid_value",
                           where_at(name, json_key_line(text, k_engine_table, 0)) +
                             ": `job-backoff` must be an object",
                           {{"key", k_engine_table}});
  }
  const ConfigLayout layout = choose_layout(
    top_keys, has_engine_table, [&](const std::string& k) { return root.at(k).is_object(); });
  if (layout == ConfigLayout::engine_none) {
    return layout;
  }
  std::size_t from = 0;
  if (layout == ConfigLayout::engine_table) {
    from = text.find(std::string("\"") + k_engine_table + "\"");
  }
  const auto& table = layout == ConfigLayout::engine_table ? root.at(k_engine_table) : root;
  std::vector<Setting> settings;
  std::vector<ConfigIssue> errors;
  for (const auto& [key, value] : table.items()) {
    const std::size_t line = json_key_line(text, key, from);
    Setting setting{key, std::nullopt, value.type_name(), line};
    if (value.is_string()) {
      setting.value = value.get<std::string>();
    } else if (value.is_number_unsigned()) {
      const auto u = value.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        errors.push_back(
          error_at(name, setting, "config.invalid_value",
                   "invalid " + key + " " + std::to_string(u) + ": overflows int64"));
        continue;
      }
      setting.value = static_cast<std::int64_t>(u);
    } else if (value.is_number_integer()) {
      setting.value = value.get<std::int64_t>();
    } else if (value.is_number_float()) {
      setting.value = value.get<double>();
    }
    settings.push_back(std::move(setting));
  }
  apply_settings(builder, std::move(settings), name, layout, errors);
  if (!errors.empty()) {
    std::stable_sort(errors.begin(), errors.end(),
                     [](const ConfigIssue& a, const ConfigIssue& b) { return a.line < b.line; });
    throw ConfigFileError(std::move(errors));
  }
  return layout;
}

} // namespace

std::string_view to_string(ConfigLayout layout) {
  switch (layout) {
  case ConfigLayout::standalone:
    return "standalone";
  case ConfigLayout::engine_table:
    return "job-backoff table";
  case ConfigLayout::engine_none:
    break;
  }
  return "no job-backoff table";
}

ConfigFormat detect_config_format(const std::string& name, std::string_view text) {
  const auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".json")) {
    return ConfigFormat::json;
  }
  if (ends_with(".toml")) {
    return ConfigFormat::toml;
  }
  const auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '{' ? ConfigFormat::json
                                                               : ConfigFormat::toml;
}

ConfigLayout apply_backoff_config_text(BackoffConfigBuilder& builder, std::string_view text,
                                       const std::string& name, ConfigFormat format) {
  return format == ConfigFormat::json ? apply_json(builder, text, name)
                                      : apply_toml(builder, text, name);
}

ConfigLayout apply_backoff_config_file(BackoffConfigBuilder& builder, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (std::filesystem::is_directory(path)) {
    throw core::UsageError("config.unreadable",
                           "cannot read config file " + path + ": it is a directory",
                           {{"file", path}});
  }
  if (!in) {
    throw core::UsageError("config.unreadable",
                           "cannot read config file " + path + ": " + std::strerror(errno),
                           {{"file", path}});
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  return apply_backoff_config_text(builder, text, path, detect_config_format(path, text));
}

} // namespace jobop::backoff
