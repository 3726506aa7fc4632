#pragma once

#include <cli/terminal.hpp>

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

// Diagnostics go to stderr (SPEC §4): one JSON object a line for scripts,
// one readable line each when stderr is a terminal (or `--log-format text`).
namespace jobop::cli {

enum class LogFormat { automatic, json, text };

// Return the format named `name` ("auto", "json", "text"; validated by CLI11).
LogFormat parse_log_format(const std::string& name);

// Choose how diagnostics look from now on: `automatic` is text when stderr
// is a terminal.
void set_log_format(LogFormat format);

// Choose whether text lines colour their level word (`automatic`: on a
// terminal, without NO_COLOR or TERM=dumb).
void set_log_colour(ColourMode mode);

// Something drawn at the bottom of stderr (a progress line, a live block): a
// diagnostic erases it first and has it drawn again after, so the two never
// mix on one line.
class StderrOverlay {
public:
  virtual ~StderrOverlay() = default;
  virtual void erase() = 0;
  virtual void redraw() = 0;
};

// Make `overlay` the one drawn at the bottom of stderr (nullptr: none).
void set_stderr_overlay(StderrOverlay* overlay);

// Write `{"level":..., "code":..., "message":..., ...details}` and a newline,
// or, as text, `level: message [code key=value ...]` with every detail.
void write_diagnostic(std::ostream& err, const std::string& level, const std::string& code,
                      const std::string& message,
                      const nlohmann::json& details = nlohmann::json::object());

// Return the text line of a diagnostic (no newline), with ANSI colour if
// `colour`: every detail is kept, even one the message already names.
std::string diagnostic_text(const std::string& level, const std::string& code,
                            const std::string& message, const nlohmann::json& details, bool colour);

// Dump `value` as JSON that is valid whatever bytes its strings hold:
// invalid UTF-8 is replaced, never thrown.
std::string dump_json(const nlohmann::json& value, int indent = -1);

} // namespace jobop::cli
