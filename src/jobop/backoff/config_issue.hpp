#pragma once

#include <jobop/core/exceptions.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

// What is wrong, or probably wrong, with a backoff policy and where: the
// errors of a config file (all of them, not only the first) and the
// warnings of lint.hpp.
namespace jobop::backoff {

struct ConfigIssue {
  // "error" or "warning".
  std::string level;
  // Stable, for scripts: "config.unknown_key", "config.degenerate", ...
  std::string code;
  // For people, prefixed by where the value comes from ("f.toml:4: ...").
  std::string message;
  // The key concerned ("" when none: a misspelt table).
  std::string key;
  // The config file and its 1-based line; "" and 0 for a flag or a default.
  std::string file;
  std::size_t line = 0;
  // The key or table meant, when a misspelling explains it.
  std::string suggestion;
};

// Return `issue` as a diagnostic: level, code, message, and key, file, line,
// suggestion when they are known.
nlohmann::json to_json(const ConfigIssue& issue);

// Every error of one config file (exit 2). what(), code() and details() are
// those of the first error; issues() holds them all, in file order.
class ConfigFileError : public core::UsageError {
public:
  explicit ConfigFileError(std::vector<ConfigIssue> issues);
  const std::vector<ConfigIssue>& issues() const noexcept { return m_issues; }

private:
  std::vector<ConfigIssue> m_issues;
};

} // namespace jobop::backoff
