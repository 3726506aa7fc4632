#include <cli/completion_scripts.hpp>

#include <algorithm>
#include <sstream>

namespace jobop::cli::completion {

namespace {

// Read by bash and zsh alike. The words arrive as arguments, so neither
// shell's way of holding the command line (COMP_WORDS from 0, words from 1)
// matters here. It sets the caller's locals, which both shells let a
// function see.
constexpr const char* k_line_functions = R"SH(
# Walk the words before the cursor ($@, without the program): set the
# caller's `at` (the command path), `positional` (how many positionals so
# far) and `_jobop_store` (the metastore flags with their values, to pass on
# to `jobop __job-ids`).
_jobop_walk() {
  local word value
  at=""
  positional=0
  _jobop_store=()
  while (($#)); do
    word=$1
    shift
    case $word in
      --*=*)
        case " $_jobop_store_flags " in
          *" ${word%%=*} "*) _jobop_store+=("$word") ;;
        esac
        continue ;;
      -?*)
        value=$(_jobop_value "$at" "$word")
        if [[ -n $value ]] && (($#)); then
          case " $_jobop_store_flags " in
            *" $word "*) _jobop_store+=("$word" "$1") ;;
          esac
          shift
        fi
        continue ;;
    esac
    if ((positional == 0)) && [[ " $(_jobop_subcommands "$at") " == *" $word "* ]]; then
      at=${at:+$at }$word
    else
      ((positional++))
    fi
  done
  return 0
}

# Print the job ids that begin with $1, from the metastore the command line
# names (_jobop_store, set by _jobop_walk, or JOBOP_DB).
_jobop_ids() {
  "${_jobop_program:-jobop}" "${_jobop_store[@]}" __job-ids -- "$1" 2>/dev/null
}
)SH";

void collect(const CommandSpec& command, std::vector<const OptionSpec*> inherited,
             std::vector<Entry>& out) {
  Entry entry{&command, join_path(command.path), {}};
  // A command's own flag hides an inherited one of the same name (--help).
  for (const auto& option : command.options) {
    entry.flags.push_back(&option);
  }
  for (const auto* option : inherited) {
    const bool hidden =
      std::any_of(command.options.begin(), command.options.end(),
                  [option](const OptionSpec& own) { return own.long_names == option->long_names; });
    if (!hidden) {
      entry.flags.push_back(option);
    }
  }
  out.push_back(entry);
  // The root's flags are global: below it only the intermediate commands'
  // own flags are inherited (CLI11 falls through to every parent).
  auto below = command.path.empty() ? std::vector<const OptionSpec*>{} : entry.flags;
  for (const auto& sub : command.subcommands) {
    collect(sub, below, out);
  }
}

} // namespace

std::vector<Entry> entries(const CommandSpec& root) {
  std::vector<Entry> out;
  collect(root, {}, out);
  return out;
}

std::string value_spec(const OptionSpec& option) {
  switch (option.kind) {
  case ValueKind::none:
    return "";
  case ValueKind::word:
    return "word";
  case ValueKind::file:
    return "file";
  case ValueKind::job_id:
    return "ids";
  case ValueKind::choice: {
    std::string spec = "choice";
    for (const auto& choice : option.choices) {
      spec += " " + choice;
    }
    return spec;
  }
  }
  return "word";
}

std::vector<std::string> flag_words(const OptionSpec& option) {
  std::vector<std::string> words;
  for (const auto& name : option.long_names) {
    words.push_back("--" + name);
  }
  for (const auto& name : option.short_names) {
    words.push_back("-" + name);
  }
  return words;
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::string summary(const std::string& description) {
  std::string line = description.substr(0, description.find('\n'));
  const auto stop = line.find(": ");
  const auto paren = line.find(" (");
  const auto cut = std::min(stop, paren);
  if (cut != std::string::npos && cut > 10) {
    line = line.substr(0, cut);
  }
  return line;
}

std::string shared_functions(const CommandSpec& root) {
  const auto all = entries(root);
  std::ostringstream out;
  out << "# The subcommands of the command at path $1 (\"\" is jobop itself).\n"
         "_jobop_subcommands() {\n  case \"$1\" in\n";
  for (const auto& entry : all) {
    if (entry.command->subcommands.empty()) {
      continue;
    }
    std::string names;
    for (const auto& sub : entry.command->subcommands) {
      names += (names.empty() ? "" : " ") + sub.name;
    }
    out << "    " << shell_quote(entry.path) << ") echo " << shell_quote(names) << " ;;\n";
  }
  out << "  esac\n}\n\n";

  const CommandSpec& global = *all.front().command;
  std::string global_words;
  for (const auto& option : global.options) {
    for (const auto& word : flag_words(option)) {
      global_words += " " + word;
    }
  }
  out << "# The flags of the command at path $1, the global ones included.\n"
         "_jobop_flags() {\n  case \"$1\" in\n";
  for (const auto& entry : all) {
    if (entry.path.empty()) {
      continue;
    }
    std::vector<std::string> words;
    for (const auto* option : entry.flags) {
      for (const auto& word : flag_words(*option)) {
        words.push_back(word);
      }
    }
    for (const auto& option : global.options) {
      for (const auto& word : flag_words(option)) {
        if (std::find(words.begin(), words.end(), word) == words.end()) {
          words.push_back(word);
        }
      }
    }
    std::string line;
    for (const auto& word : words) {
      line += (line.empty() ? "" : " ") + word;
    }
    out << "    " << shell_quote(entry.path) << ") echo " << shell_quote(line) << " ;;\n";
  }
  out << "    *) echo " << shell_quote(global_words.substr(global_words.empty() ? 0 : 1))
      << " ;;\n  esac\n}\n\n";

  out << "# How the value of flag $2 of the command at path $1 completes: nothing\n"
         "# (a flag without a value), word, file, ids, or \"choice A B ...\".\n"
         "_jobop_value() {\n  case \"$1|$2\" in\n";
  for (const auto& entry : all) {
    if (entry.path.empty()) {
      continue;
    }
    for (const auto* option : entry.flags) {
      const auto spec = value_spec(*option);
      if (spec.empty()) {
        continue;
      }
      for (const auto& word : flag_words(*option)) {
        out << "    " << shell_quote(entry.path + "|" + word) << ") echo " << shell_quote(spec)
            << " ;;\n";
      }
    }
  }
  for (const auto& option : global.options) {
    const auto spec = value_spec(option);
    if (spec.empty()) {
      continue;
    }
    for (const auto& word : flag_words(option)) {
      out << "    *" << shell_quote("|" + word) << ") echo " << shell_quote(spec) << " ;;\n";
    }
  }
  out << "  esac\n}\n\n";

  out << "# How positional argument $2 (from 0) of the command at path $1 completes.\n"
         "_jobop_positional() {\n  case \"$1|$2\" in\n";
  for (const auto& entry : all) {
    const auto& positionals = entry.command->positionals;
    for (std::size_t i = 0; i < positionals.size(); ++i) {
      const auto spec = value_spec(positionals[i]);
      const bool last_repeats = positionals[i].repeatable && i + 1 == positionals.size();
      out << "    " << shell_quote(entry.path + "|" + (last_repeats ? "" : std::to_string(i)))
          << (last_repeats ? "*" : "") << ") echo " << shell_quote(spec) << " ;;\n";
    }
  }
  out << "  esac\n}\n";

  std::string store;
  for (const auto& flag : store_flags()) {
    store += (store.empty() ? "" : " ") + flag;
  }
  out << "\n# Flags that name the metastore.\n_jobop_store_flags=" << shell_quote(store) << "\n"
      << k_line_functions;
  return out.str();
}

} // namespace jobop::cli::completion
