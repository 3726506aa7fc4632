#include <cli/diagnostics.hpp>

#include <jobop/text/utf8.hpp>

#include <unistd.h>

namespace jobop::cli {

namespace {

// Process-wide: every command writes diagnostics through write_diagnostic,
// and the flags that choose the format are parsed once.
LogFormat g_format = LogFormat::automatic;
ColourMode g_colour = ColourMode::automatic;
StderrOverlay* g_overlay = nullptr;

bool text_wanted() {
  if (g_format == LogFormat::automatic) {
    return isatty(STDERR_FILENO) == 1;
  }
  return g_format == LogFormat::text;
}

const char* level_colour(const std::string& level) {
  if (level == "error") {
    return "\033[1;31m";
  }
  if (level == "warning") {
    return "\033[1;33m";
  }
  return "\033[2m";
}

// A detail value on the text line: bare when it is one plain word, quoted
// as JSON otherwise, so the line still reads unambiguously.
std::string detail_text(const nlohmann::json& value) {
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    const bool plain =
      !s.empty() && s.find_first_of(" \t\"=[]") == std::string::npos && text::is_valid_utf8(s);
    return text::terminal_safe(plain ? s : dump_json(value));
  }
  return text::terminal_safe(dump_json(value));
}

} // namespace

LogFormat parse_log_format(const std::string& name) {
  if (name == "json") {
    return LogFormat::json;
  }
  if (name == "text") {
    return LogFormat::text;
  }
  return LogFormat::automatic;
}

void set_log_format(LogFormat format) {
  g_format = format;
}

void set_log_colour(ColourMode mode) {
  g_colour = mode;
}

void set_stderr_overlay(StderrOverlay* overlay) {
  g_overlay = overlay;
}

std::string diagnostic_text(const std::string& level, const std::string& code,
                            const std::string& message, const nlohmann::json& details,
                            bool colour) {
  std::string line;
  if (colour) {
    line += level_colour(level);
  }
  line += level;
  if (colour) {
    line += "\033[0m";
  }
  line += ": " + text::terminal_safe(message) + " [" + text::terminal_safe(code);
  if (details.is_object()) {
    for (const auto& [key, value] : details.items()) {
      if (key != "level" && key != "code" && key != "message") {
        line += " " + text::terminal_safe(key) + "=" + detail_text(value);
      }
    }
  }
  line += "]";
  return line;
}

void write_diagnostic(std::ostream& err, const std::string& level, const std::string& code,
                      const std::string& message, const nlohmann::json& details) {
  std::string line;
  if (text_wanted()) {
    line = diagnostic_text(level, code, message, details, colour_enabled(g_colour, STDERR_FILENO));
  } else {
    nlohmann::json object = {{"level", level}, {"code", code}, {"message", message}};
    if (details.is_object()) {
      for (const auto& [key, value] : details.items()) {
        if (!object.contains(key)) {
          object[key] = value;
        }
      }
    }
    line = dump_json(object);
  }
  if (g_overlay != nullptr) {
    g_overlay->erase();
  }
  err << line << '\n' << std::flush;
  if (g_overlay != nullptr) {
    g_overlay->redraw();
  }
}

std::string dump_json(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace jobop::cli
