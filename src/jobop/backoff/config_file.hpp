#pragma once

#include <jobop/backoff/backoff_config.hpp>

#include <string>
#include <string_view>

// Reading a backoff policy from a TOML or JSON file (SPEC §3): either a
// standalone file whose top level holds the keys, or the engine's own
// server-master config where they sit in the `job-backoff` table among other
// tables, which are ignored.
namespace jobop::backoff {

enum class ConfigFormat { toml, json };

// How the keys were found in a config file.
enum class ConfigLayout {
  standalone,   // the keys sit at the top level
  engine_table, // the keys sit in the engine config's `job-backoff` table
  engine_none,  // an engine config without a `job-backoff` table: defaults
};

// Return "standalone", "job-backoff table" or "no job-backoff table".
std::string_view to_string(ConfigLayout layout);

// Return JSON for a `.json` name or text that starts with '{', else TOML.
ConfigFormat detect_config_format(const std::string& name, std::string_view text);

// Apply the backoff keys of config `text` (named `name` in messages) to
// `builder`. Absent keys keep their value. Throw core::UsageError:
// "config.syntax" at the file's line and column, "config.unknown_key" (with a
// did-you-mean), "config.invalid_value" naming the key, the value and the line.
ConfigLayout apply_backoff_config_text(BackoffConfigBuilder& builder, std::string_view text,
                                       const std::string& name, ConfigFormat format);

// Read the file at `path` and apply it as apply_backoff_config_text() does.
// An unreadable file is core::UsageError "config.unreadable".
ConfigLayout apply_backoff_config_file(BackoffConfigBuilder& builder, const std::string& path);

} // namespace jobop::backoff
