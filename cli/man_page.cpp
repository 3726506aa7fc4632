#include <cli/man_page.hpp>

#include <cstdint>
#include <cstdio>
#include <sstream>

namespace jobop::cli {

namespace {

// The variables jobop reads that no flag names (a flag's own variable is
// listed with the flag).
struct EnvironmentEntry {
  const char* name;
  const char* meaning;
};
constexpr EnvironmentEntry k_environment[] = {
  {"JOBOP_DB", "The metastore when --db is not given (a path or a mysql:// URL)."},
  {"JOBOP_DB_PASSWORD", "The MySQL password, when there is no --password-file."},
  {"NO_COLOR", "When set and not empty, tables are printed without colour."},
};

// Append the code point starting at `text[i]` as \[uXXXX]; advance `i`.
void append_code_point(std::string& out, const std::string& text, std::size_t& i) {
  const auto byte = static_cast<unsigned char>(text[i]);
  std::size_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
  std::uint32_t code = length == 1 ? 0xFFFD : byte & (0x3F >> (length - 1));
  for (std::size_t k = 1; k < length && i + k < text.size(); ++k) {
    code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  }
  i += length - 1;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "\\[u%04X]", static_cast<unsigned>(code));
  out += buffer;
}

// Return the option's names as roff: \fB\-\-db\fR, \fB\-o\fR.
std::string option_names(const OptionSpec& option) {
  std::string names;
  for (const auto& name : option.short_names) {
    names += (names.empty() ? "" : ", ") + std::string("\\fB\\-") + roff_text(name) + "\\fR";
  }
  for (const auto& name : option.long_names) {
    std::string escaped;
    for (char c : name) {
      escaped += c == '-' ? std::string("\\-") : std::string(1, c);
    }
    names += (names.empty() ? "" : ", ") + std::string("\\fB\\-\\-") + escaped + "\\fR";
  }
  if (!option.value_name.empty()) {
    names += " \\fI" + roff_text(option.value_name) + "\\fR";
  }
  return names;
}

void write_option(std::ostringstream& out, const OptionSpec& option) {
  out << ".TP\n";
  if (option.positional.empty()) {
    out << option_names(option) << "\n";
  } else {
    out << "\\fI" << roff_text(option.positional) << "\\fR" << (option.repeatable ? "..." : "")
        << "\n";
  }
  out << roff_text(option.description);
  if (!option.choices.empty()) {
    std::string choices;
    for (const auto& choice : option.choices) {
      choices += (choices.empty() ? "" : ", ") + choice;
    }
    out << " (one of: " << roff_text(choices) << ")";
  }
  if (!option.default_value.empty()) {
    out << " [default: " << roff_text(option.default_value) << "]";
  }
  if (!option.env.empty()) {
    out << " [env: " << roff_text(option.env) << "]";
  }
  out << "\n";
}

// Write `text` (examples, with their own line breaks) as a no-fill block.
void write_preformatted(std::ostringstream& out, const std::string& text) {
  out << ".PP\n.nf\n.RS 2\n";
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    out << (line.empty() ? std::string("\\&") : roff_text(line)) << "\n";
  }
  out << ".RE\n.fi\n";
}

// Write paragraphs of `text` separated by blank lines as .PP blocks.
void write_paragraphs(std::ostringstream& out, const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  bool new_paragraph = true;
  while (std::getline(lines, line)) {
    line.erase(0, line.find_first_not_of(' '));
    if (line.empty()) {
      new_paragraph = true;
      continue;
    }
    if (new_paragraph) {
      out << ".PP\n";
      new_paragraph = false;
    }
    out << roff_text(line) << "\n";
  }
}

void write_command(std::ostringstream& out, const CommandSpec& command) {
  if (!command.path.empty() && (command.subcommands.empty() || !command.options.empty() ||
                                !command.positionals.empty() || !command.description.empty())) {
    out << ".SS \"jobop " << roff_text(join_path(command.path));
    for (const auto& positional : command.positionals) {
      out << " " << (positional.required ? "" : "[") << roff_text(positional.positional)
          << (positional.repeatable ? "..." : "") << (positional.required ? "" : "]");
    }
    if (!command.subcommands.empty()) {
      out << " COMMAND";
    }
    out << "\"\n";
    write_paragraphs(out, command.description);
    for (const auto& positional : command.positionals) {
      write_option(out, positional);
    }
    for (const auto& option : command.options) {
      if (option.long_names.size() == 1 && option.long_names.front() == "help") {
        continue; // every command has it
      }
      write_option(out, option);
    }
    if (!command.footer.empty()) {
      write_preformatted(out, command.footer);
    }
  }
  for (const auto& sub : command.subcommands) {
    write_command(out, sub);
  }
}

} // namespace

std::string roff_text(const std::string& text) {
  std::string out;
  bool bold = false;
  bool line_start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (line_start && (c == '.' || c == '\'')) {
      out += "\\&";
    }
    line_start = c == '\n';
    if (c == '\\') {
      out += "\\e";
    } else if (c == '`') {
      out += bold ? "\\fR" : "\\fB";
      bold = !bold;
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      append_code_point(out, text, i);
    } else {
      out += c;
    }
  }
  if (bold) {
    out += "\\fR";
  }
  return out;
}

std::string man_page(const CommandSpec& root) {
  std::ostringstream out;
  out << ".\\\" Generated by `jobop help --man` from jobop's command definitions.\n"
      << ".TH JOBOP 1 \"\" \"jobop " << JOBOP_VERSION << "\" \"User Commands\"\n"
      << ".\\\" Left-aligned and unhyphenated: URLs, flags and values break badly.\n.ad l\n.nh\n"
      << ".SH NAME\njobop \\- administer the job metastore of a distributed job engine\n"
      << ".SH SYNOPSIS\n.B jobop\n[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] "
         "[\\fIARGUMENTS\\fR]\n.br\n.B jobop help\n[\\fICOMMAND\\fR...]\n";

  // The root's description ends with its exit codes: they get their section.
  std::string description = root.description;
  std::string exit_status;
  if (const auto at = description.find("Exit codes:"); at != std::string::npos) {
    exit_status = description.substr(at + 11);
    description = description.substr(0, at);
  }
  out << ".SH DESCRIPTION\n";
  write_paragraphs(out, description);
  out << ".PP\nGlobal options are accepted before or after the command.\n";

  out << ".SH GLOBAL OPTIONS\n";
  for (const auto& option : root.options) {
    write_option(out, option);
  }
  out << ".SH COMMANDS\n";
  for (const auto& sub : root.subcommands) {
    out << ".TP\n\\fB" << roff_text(sub.name) << "\\fR\n" << roff_text(sub.description) << "\n";
  }
  for (const auto& sub : root.subcommands) {
    write_command(out, sub);
  }
  if (!root.footer.empty()) {
    out << ".SH EXAMPLES\n";
    write_preformatted(out, root.footer);
  }
  out << ".SH ENVIRONMENT\n";
  for (const auto& entry : k_environment) {
    out << ".TP\n.B " << entry.name << "\n" << roff_text(entry.meaning) << "\n";
  }
  if (!exit_status.empty()) {
    out << ".SH EXIT STATUS\n";
    write_paragraphs(out, exit_status);
  }
  out << ".SH SEE ALSO\n"
      << "The guides under \\fI/usr/share/doc/jobop/\\fR: README.md, cli.md, metastore.md, "
         "reliability.md, backoff.md.\n";
  return out.str();
}

} // namespace jobop::cli
