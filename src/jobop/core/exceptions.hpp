#pragma once

#include <jobop/core/exit_code.hpp>

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

// The error hierarchy of the core. Every error knows its exit code, a stable
// machine-readable `code` (e.g. "config.unknown_key") and a message for people
// that says what failed, where and why. `details` carries extra fields for the
// JSON diagnostic (a trace line number, a job id, a config key).
namespace jobop::core {

class Error : public std::runtime_error {
public:
  Error(ExitCode exit_code, std::string code, const std::string& message,
        nlohmann::json details = nlohmann::json::object());

  ExitCode exit_code() const noexcept { return m_exit_code; }
  const std::string& code() const noexcept { return m_code; }
  const nlohmann::json& details() const noexcept { return m_details; }

private:
  ExitCode m_exit_code;
  std::string m_code;
  nlohmann::json m_details;
};

// Bad flags, arguments, configuration or input file (exit 2).
class UsageError : public Error {
public:
  UsageError(std::string code, const std::string& message,
             nlohmann::json details = nlohmann::json::object())
    : Error(ExitCode::usage, std::move(code), message, std::move(details)) {}
};

// A named job does not exist (exit 3).
class NotFoundError : public Error {
public:
  NotFoundError(std::string code, const std::string& message,
                nlohmann::json details = nlohmann::json::object())
    : Error(ExitCode::not_found, std::move(code), message, std::move(details)) {}
};

// The change is not allowed in the job's current state (exit 4).
class ConflictError : public Error {
public:
  ConflictError(std::string code, const std::string& message,
                nlohmann::json details = nlohmann::json::object())
    : Error(ExitCode::conflict, std::move(code), message, std::move(details)) {}
};

// The metastore is missing, unreadable, corrupt, locked, read-only or the disk
// is full (exit 5).
class StoreError : public Error {
public:
  StoreError(std::string code, const std::string& message,
             nlohmann::json details = nlohmann::json::object())
    : Error(ExitCode::store_unavailable, std::move(code), message, std::move(details)) {}
};

// A --wait/--timeout deadline passed (exit 6).
class DeadlineError : public Error {
public:
  DeadlineError(std::string code, const std::string& message,
                nlohmann::json details = nlohmann::json::object())
    : Error(ExitCode::deadline, std::move(code), message, std::move(details)) {}
};

// stdout could not be written (closed, full, a reader that went away): the
// work reported before was done and a rerun is safe (exit 7).
class OutputError : public Error {
public:
  OutputError(std::string code, const std::string& message,
              nlohmann::json details = nlohmann::json::object())
    : Error(ExitCode::output_failed, std::move(code), message, std::move(details)) {}
};

} // namespace jobop::core
