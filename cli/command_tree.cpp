#include <cli/command_tree.hpp>

#include <cli/suggest.hpp>

namespace jobop::cli {

namespace {

// completion_values() names its validator with this prefix and the values.
constexpr std::string_view k_values_tag = "values:";

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  for (char c : text) {
    if (c == separator) {
      parts.push_back(part);
      part.clear();
    } else {
      part += c;
    }
  }
  parts.push_back(part);
  return parts;
}

// The choices a validator of `option` names: CLI::IsMember describes itself
// as "{a,b,c}"; completion_values() carries them in its name.
std::vector<std::string> choices_of(CLI::Option& option) {
  for (int i = 0;; ++i) {
    CLI::Validator* validator = nullptr;
    try {
      validator = option.get_validator(i);
    } catch (const CLI::OptionNotFound&) {
      return {};
    }
    const std::string& name = validator->get_name();
    if (name.rfind(k_values_tag, 0) == 0) {
      return split(name.substr(k_values_tag.size()), ',');
    }
    const std::string description = validator->get_description();
    if (description.size() > 2 && description.front() == '{' && description.back() == '}') {
      return split(description.substr(1, description.size() - 2), ',');
    }
  }
}

// CLI::ExistingFile describes itself as "FILE".
bool checks_existing_file(CLI::Option& option) {
  for (int i = 0;; ++i) {
    try {
      if (option.get_validator(i)->get_description() == "FILE") {
        return true;
      }
    } catch (const CLI::OptionNotFound&) {
      return false;
    }
  }
}

OptionSpec describe_option(CLI::Option& option) {
  OptionSpec spec;
  spec.long_names = option.get_lnames();
  spec.short_names = option.get_snames();
  if (option.get_positional()) {
    spec.positional = option.get_name();
  }
  spec.description = option.get_description();
  spec.default_value = option.get_default_str();
  spec.env = option.get_envname();
  spec.required = option.get_required();
  spec.repeatable = option.get_items_expected_max() > 1;
  if (option.get_items_expected_max() == 0) {
    spec.kind = ValueKind::none;
    return spec;
  }
  const std::string type = option.get_type_name();
  spec.value_name = type.substr(0, type.find(':'));
  spec.choices = choices_of(option);
  if (!spec.choices.empty()) {
    spec.kind = ValueKind::choice;
  } else if (spec.positional == "ID") {
    // Every positional named ID is a job id (cancel, status, job ...).
    spec.kind = ValueKind::job_id;
  } else if (spec.value_name.find("FILE") != std::string::npos ||
             spec.value_name.find("PATH") != std::string::npos || checks_existing_file(option)) {
    spec.kind = ValueKind::file;
  } else {
    spec.kind = ValueKind::word;
  }
  return spec;
}

CommandSpec describe(CLI::App& app, std::vector<std::string> path) {
  CommandSpec spec;
  spec.name = app.get_name();
  spec.path = path;
  spec.description = app.get_description();
  spec.footer = app.get_footer();
  spec.needs_subcommand = app.get_require_subcommand_min() > 0;
  for (CLI::Option* option : app.get_options([](CLI::Option*) { return true; })) {
    if (option->get_group().empty()) {
      continue; // hidden
    }
    if (option->get_lnames().empty() && option->get_snames().empty()) {
      spec.positionals.push_back(describe_option(*option));
    } else {
      spec.options.push_back(describe_option(*option));
    }
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_group().empty()) {
      continue; // hidden
    }
    auto sub_path = path;
    sub_path.push_back(sub->get_name());
    spec.subcommands.push_back(describe(*sub, sub_path));
  }
  return spec;
}

} // namespace

CommandSpec describe_commands(CLI::App& app) {
  return describe(app, {});
}

std::string join_path(const std::vector<std::string>& path) {
  std::string joined;
  for (const auto& part : path) {
    joined += (joined.empty() ? "" : " ") + part;
  }
  return joined;
}

CLI::Validator completion_values(const std::vector<std::string>& values) {
  std::string name(k_values_tag);
  for (std::size_t i = 0; i < values.size(); ++i) {
    name += (i == 0 ? "" : ",") + values[i];
  }
  CLI::Validator validator([](std::string&) { return std::string(); }, std::string(), name);
  return validator;
}

} // namespace jobop::cli
