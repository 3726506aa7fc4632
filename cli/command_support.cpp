#include <cli/command_support.hpp>

#include <jobop/core/exceptions.hpp>
#include <jobop/store/open.hpp>
#include <jobop/time/go_duration.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace jobop::cli {

CLI::Validator go_duration_validator(bool positive) {
  return CLI::Validator(
    [positive](std::string& text) -> std::string {
      try {
        const core::Nanos value = time::parse_go_duration(text);
        if (positive && value <= 0) {
          return "duration " + text + " must be greater than zero";
        }
        return {};
      } catch (const core::Error& e) {
        return e.what();
      }
    },
    // No description: help would print TEXT:DURATION; name_value_kinds
    // turns the option's value name into DURATION by this name.
    "", "DURATION");
}

void name_value_kinds(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    if (option->get_items_expected_max() == 0 || option->get_type_name().rfind("TEXT", 0) != 0) {
      continue;
    }
    const std::string type = option->get_type_name();
    if (!option->get_positional() && type.rfind("TEXT:{", 0) == 0) {
      // One of a set ({json,jsonl,...}): name the kind, the set follows.
      std::string name = option->get_lnames().empty() ? "WORD" : option->get_lnames().front();
      name = name == "output" ? "FORMAT" : name;
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      option->type_name(name);
      continue;
    }
    for (int i = 0;; ++i) {
      try {
        if (option->get_validator(i)->get_name() == "DURATION") {
          option->type_name("DURATION");
          break;
        }
      } catch (const CLI::OptionNotFound&) {
        break;
      }
    }
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    name_value_kinds(*sub);
  }
}

core::Nanos duration_flag(const std::string& text) {
  return time::parse_go_duration(text);
}

store::StoreOptions store_options(const Globals& globals) {
  store::StoreOptions options;
  try {
    options.busy_timeout = time::parse_go_duration(globals.busy_timeout);
  } catch (const core::UsageError& e) {
    throw core::UsageError("usage", std::string("--busy-timeout: ") + e.what());
  }
  if (options.busy_timeout < 0) {
    throw core::UsageError("usage", "--busy-timeout: " + globals.busy_timeout +
                                      " is negative; give a duration such as 5s");
  }
  return options;
}

store::StoreTarget store_target(const Globals& globals) {
  store::StoreTarget target;
  target.db = globals.db_path;
  target.db_from_flag = globals.db_from_flag;
  target.engine_config = globals.engine_config;
  target.password_file = globals.password_file;
  // Exported but empty is unset: it must not override the engine config's.
  if (const char* password = std::getenv("JOBOP_DB_PASSWORD");
      password != nullptr && *password != '\0') {
    target.env_password = password;
  }
  return target;
}

std::unique_ptr<store::Metastore> open_store(const Globals& globals, store::OpenMode mode) {
  return store::open_metastore(store_target(globals), mode, store_options(globals));
}

std::vector<std::string> job_ids_from(const std::vector<std::string>& args, std::istream& in) {
  const bool from_stdin = std::find(args.begin(), args.end(), "-") != args.end();
  if (from_stdin && args.size() != 1) {
    throw core::UsageError("input.stdin_mixed",
                           "`-` reads the job ids from stdin and cannot be mixed with ids "
                           "given as arguments");
  }
  std::vector<std::string> ids;
  if (!from_stdin) {
    ids = args;
  } else {
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      if (line.find_first_not_of(" \t") == std::string::npos) {
        continue;
      }
      ids.push_back(line);
    }
  }
  if (ids.empty() && !from_stdin) {
    throw core::UsageError("input.no_ids",
                           "give at least one job id, or `-` to read them from stdin");
  }
  return ids;
}

} // namespace jobop::cli
