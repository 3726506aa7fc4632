#include <cli/suggest.hpp>

#include <algorithm>
#include <numeric>

namespace jobop::cli {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rows of the dynamic-programming table: the swap looks two back.
  std::vector<std::size_t> before(b.size() + 1);
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  std::iota(previous.begin(), previous.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::optional<std::string> nearest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  const std::size_t limit = std::max<std::size_t>(1, word.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    std::size_t distance = edit_distance(word, candidate);
    if (distance > limit && word.size() >= 2 && candidate.rfind(word, 0) == 0) {
      distance = limit; // a beginning ("canc") is as good as the worst near miss
    }
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::vector<std::string> visible_subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (!sub->get_group().empty()) {
      names.push_back(sub->get_name());
    }
  }
  return names;
}

std::string command_path(const CLI::App& app) {
  std::string path = app.get_name();
  for (const CLI::App* up = app.get_parent(); up != nullptr; up = up->get_parent()) {
    path = up->get_name() + " " + path;
  }
  return path;
}

namespace {

// The deepest subcommand the failed parse had reached.
const CLI::App& deepest_parsed(const CLI::App& root) {
  const CLI::App* app = &root;
  while (!app->get_subcommands().empty()) {
    app = app->get_subcommands().front();
  }
  return *app;
}

// Every flag that `app` accepts: its own and those of the commands above.
std::vector<std::string> flag_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* level = &app; level != nullptr; level = level->get_parent()) {
    for (const auto* option : level->get_options()) {
      for (const auto& name : option->get_lnames()) {
        names.push_back("--" + name);
      }
      for (const auto& name : option->get_snames()) {
        names.push_back("-" + name);
      }
    }
  }
  return names;
}

} // namespace

std::optional<Suggestion> suggest_for(const CLI::App& root) {
  const CLI::App& command = deepest_parsed(root);
  const auto flags = flag_names(command);
  const auto subcommands = visible_subcommand_names(command);
  // The root collects what no command took (subcommands fall through to it);
  // a command that needs a subcommand keeps the word it did not know.
  std::vector<std::string> unexpected = command.remaining();
  for (const auto& word : root.remaining()) {
    if (std::find(unexpected.begin(), unexpected.end(), word) == unexpected.end()) {
      unexpected.push_back(word);
    }
  }
  for (const auto& word : unexpected) {
    if (word.size() > 1 && word[0] == '-') {
      const std::string flag = word.substr(0, word.find('='));
      if (auto near = nearest(flag, flags)) {
        return Suggestion{flag, *near,
                          "unknown flag `" + flag + "` for `" + command_path(command) +
                            "`; did you mean `" + *near + "`?"};
      }
    } else if (!subcommands.empty()) {
      if (auto near = nearest(word, subcommands)) {
        return Suggestion{word, *near,
                          "unknown command `" + word + "` for `" + command_path(command) +
                            "`; did you mean `" + *near + "`?"};
      }
    }
  }
  return std::nullopt;
}

} // namespace jobop::cli
