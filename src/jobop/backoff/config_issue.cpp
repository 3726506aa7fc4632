#include <jobop/backoff/config_issue.hpp>

namespace jobop::backoff {

namespace {

nlohmann::json details_of(const ConfigIssue& issue) {
  nlohmann::json out = nlohmann::json::object();
  if (!issue.key.empty()) {
    out["key"] = issue.key;
  }
  if (!issue.file.empty()) {
    out["file"] = issue.file;
  }
  if (issue.line > 0) {
    out["line"] = issue.line;
  }
  if (!issue.suggestion.empty()) {
    out["suggestion"] = issue.suggestion;
  }
  return out;
}

} // namespace

nlohmann::json to_json(const ConfigIssue& issue) {
  nlohmann::json out = {{"level", issue.level}, {"code", issue.code}, {"message", issue.message}};
  out.update(details_of(issue));
  return out;
}

ConfigFileError::ConfigFileError(std::vector<ConfigIssue> issues)
  : core::UsageError(issues.at(0).code, issues.at(0).message, details_of(issues.at(0))),
    m_issues(std::move(issues)) {}

} // namespace jobop::backoff
