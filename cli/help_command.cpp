#include <cli/help.hpp>

#include <cli/command_tree.hpp>
#include <cli/man_page.hpp>
#include <cli/suggest.hpp>
#include <jobop/core/exceptions.hpp>

#include <iostream>
#include <memory>

namespace jobop::cli {

namespace {

struct HelpFlags {
  std::vector<std::string> words;
  bool man = false;
};

// The command `words` name under `root` ("job", "put"); a word that names
// none is a usage error with the nearest name.
const CLI::App& find_command(const CLI::App& root, const std::vector<std::string>& words) {
  const CLI::App* command = &root;
  for (const auto& word : words) {
    const auto names = visible_subcommand_names(*command);
    if (std::find(names.begin(), names.end(), word) == names.end()) {
      std::string message = "unknown command `" + word + "` for `" + command_path(*command) + "`";
      nlohmann::json details = {{"argument", word}};
      if (auto near = nearest(word, names)) {
        message += "; did you mean `" + *near + "`?";
        details["suggestion"] = *near;
      } else {
        message += "; run `jobop help` for the list";
      }
      throw core::UsageError("usage", message, details);
    }
    command = command->get_subcommand(word);
  }
  return *command;
}

} // namespace

void setup_help_command(CLI::App& app) {
  auto flags = std::make_shared<HelpFlags>();
  auto* command = app.add_subcommand(
    "help", "Show the help of jobop or of one of its commands (`jobop help job put`)");
  command->add_option("COMMAND", flags->words, "The command (and subcommand) to explain")
    ->check(completion_values(visible_subcommand_names(app)));
  command->add_flag("--man", flags->man,
                    "Print the manual page instead, as roff (`jobop help --man | man -l -`)");
  CLI::App* root = &app;
  command->callback([flags, root] {
    if (flags->man) {
      std::cout << man_page(describe_commands(*root)) << std::flush;
      return;
    }
    std::cout << help_text(find_command(*root, flags->words)) << std::flush;
  });
}

} // namespace jobop::cli
