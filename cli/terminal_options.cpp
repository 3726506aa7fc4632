#include <cli/terminal_options.hpp>

#include <cli/diagnostics.hpp>
#include <cli/terminal.hpp>

#include <unistd.h>

namespace jobop::cli {

void add_terminal_options(CLI::App& app, Globals& globals) {
  app
    .add_option("--log-format", globals.log_format,
                "Diagnostics on stderr: auto (text on a terminal, else JSON lines), json, text")
    ->check(CLI::IsMember({"auto", "json", "text"}))
    ->each([](const std::string& name) { set_log_format(parse_log_format(name)); })
    ->capture_default_str()
    ->type_name("FORMAT");
  app
    .add_option("--color", globals.colour,
                "ANSI colour in tables and diagnostics: auto (a terminal without NO_COLOR or "
                "TERM=dumb), always, never")
    ->check(CLI::IsMember({"auto", "always", "never"}))
    ->each([](const std::string& name) { set_log_colour(parse_colour_mode(name)); })
    ->capture_default_str()
    ->type_name("WHEN");
  app.add_flag("-q,--quiet", globals.quiet,
               "No progress or live lines on stderr (they only show on a terminal)");
}

bool progress_wanted(const Globals& globals) {
  return !globals.quiet && live_terminal(STDERR_FILENO);
}

} // namespace jobop::cli
