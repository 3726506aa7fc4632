#include <cli/help.hpp>

#include <cli/command_support.hpp>
#include <cli/command_tree.hpp>
#include <cli/completion_scripts.hpp>

#include <iostream>
#include <memory>

namespace jobop::cli {

namespace {

constexpr const char* k_completion_examples =
  R"(Install (or see README: the package installs all three):
  bash: jobop completion bash > ~/.local/share/bash-completion/completions/jobop
  zsh:  jobop completion zsh > ~/.zfunc/_jobop   # with fpath=(~/.zfunc $fpath) before compinit
  fish: jobop completion fish > ~/.config/fish/completions/jobop.fish
Job ids are completed from the metastore the command line names (--db, --engine-config,
JOBOP_DB).)";

// At most this many ids are offered: a shell cannot show a million anyway.
constexpr std::size_t k_max_ids = 1000;

struct IdFlags {
  std::string prefix;
};

// Print the ids of the metastore's jobs that begin with `prefix`, one a line.
void print_job_ids(const IdFlags& flags, Globals& globals) {
  const auto opened = open_store(globals, store::OpenMode::read_only);
  model::StatusFilter filter;
  filter.include_orphans = false;
  std::size_t printed = 0;
  opened->for_each_status_row(filter, [&](const model::StatusRow& row) {
    if (printed < k_max_ids && row.id.rfind(flags.prefix, 0) == 0) {
      std::cout << row.id << '\n';
      ++printed;
    }
  });
  std::cout << std::flush;
}

} // namespace

void setup_completion_command(CLI::App& app, Globals& globals) {
  auto shell = std::make_shared<std::string>();
  auto* command = app.add_subcommand(
    "completion", "Print a completion script for bash, zsh or fish: subcommands, flags, their "
                  "values and job ids from the metastore");
  command->add_option("SHELL", *shell, "The shell")
    ->required()
    ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  command->footer(k_completion_examples);
  CLI::App* root = &app;
  command->callback([shell, root] {
    const auto tree = describe_commands(*root);
    if (*shell == "bash") {
      std::cout << bash_completion(tree);
    } else if (*shell == "zsh") {
      std::cout << zsh_completion(tree);
    } else {
      std::cout << fish_completion(tree);
    }
    std::cout << std::flush;
  });

  // What the scripts call; hidden (no group) from help, completion and man.
  auto flags = std::make_shared<IdFlags>();
  auto* ids = app.add_subcommand("__job-ids", "Print job ids for completion");
  ids->group("");
  ids->add_option("PREFIX", flags->prefix, "Only ids that begin with this");
  ids->callback([flags, &globals] { print_job_ids(*flags, globals); });
}

} // namespace jobop::cli
