#pragma once

#include "process.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

// A throwaway metastore for end-to-end tests: every command runs with
// `--db` pointing into a fresh temporary directory.
namespace jobop::test {

// Return the bytes of the file at `path` ("" when it does not exist).
inline std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Parse every line of `text` as JSON.
inline std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) {
      lines.push_back(nlohmann::json::parse(line));
    }
  }
  return lines;
}

class TestMetastore {
public:
  // Create the metastore (with the demo jobs if `demo`).
  explicit TestMetastore(bool demo = false) {
    std::vector<std::string> args{"init"};
    if (demo) {
      args.emplace_back("--demo");
    }
    const auto r = run(args);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  }

  const std::string& path() const { return m_path; }
  const TempDir& dir() const { return m_dir; }

  // Run jobop with `--db path()` before `args`.
  ProcessResult run(const std::vector<std::string>& args, const std::string& input = "",
                    const std::vector<std::string>& env = {}) const {
    std::vector<std::string> all{"--db", m_path};
    all.insert(all.end(), args.begin(), args.end());
    return run_jobop(all, input, env);
  }

  // Run `args`, require exit 0 and return stdout parsed as one JSON document.
  nlohmann::json json(const std::vector<std::string>& args, const std::string& input = "") const {
    const auto r = run(args, input);
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return nlohmann::json::parse(r.out);
  }

  // Upsert the job `id` with `type` and `state`, plus `extra` flags.
  void put(const std::string& id, const std::string& type, const std::string& state,
           const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args{"job", "put", id, "--type", type, "--state", state};
    args.insert(args.end(), extra.begin(), extra.end());
    json(args);
  }

  // Return the status record of `id`.
  nlohmann::json status_of(const std::string& id) const {
    const auto document = json({"status", id});
    REQUIRE(document.at("jobs").size() == 1);
    return document.at("jobs").at(0);
  }

private:
  TempDir m_dir;
  std::string m_path = m_dir.file("jobop.db");
};

} // namespace jobop::test
