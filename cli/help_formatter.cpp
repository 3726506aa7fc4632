#include <cli/help.hpp>

#include <cli/suggest.hpp>

#include <memory>

namespace jobop::cli {

namespace {

// CLI11's formatter, with the root's options listed at the end of every
// subcommand's help: they are accepted there too (SPEC §4), and someone who
// reads `jobop cancel --help` must learn about --db without a second look.
class HelpFormatter : public CLI::Formatter {
public:
  std::string make_footer(const CLI::App* app) const override {
    const std::string footer = CLI::Formatter::make_footer(app);
    if (app->get_parent() == nullptr) {
      return footer;
    }
    const CLI::App* root = app;
    while (root->get_parent() != nullptr) {
      root = root->get_parent();
    }
    const auto globals = root->get_options([root](const CLI::Option* option) {
      return !option->get_group().empty() && option != root->get_help_ptr() &&
             option != root->get_help_all_ptr() && option != root->get_version_ptr();
    });
    if (globals.empty()) {
      return footer;
    }
    // make_group starts with a blank line; make_help already ends with one.
    const std::string group = make_group(
      "Global options (before or after the command; see `jobop --help`)", false, globals);
    return group.substr(1) + (footer.empty() ? "" : "\n" + footer);
  }
};

} // namespace

void install_help_formatter(CLI::App& app) {
  app.formatter(std::make_shared<HelpFormatter>());
}

std::string help_text(const CLI::App& command) {
  const std::string name = command.get_parent() == nullptr
                             ? command.get_name()
                             : command_path(*command.get_parent()) + " " + command.get_name();
  return command.get_formatter()->make_help(&command, name, CLI::AppFormatMode::Normal);
}

} // namespace jobop::cli
