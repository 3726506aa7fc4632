#pragma once

#include <jobop/core/clock.hpp>
#include <jobop/store/metastore.hpp>
#include <jobop/store/open.hpp>
#include <jobop/store/sqlite/sqlite_metastore.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

// Helpers of the store and operator unit tests: a throwaway directory and
// jobs written as the engine would.
namespace jobop::test {

// A fresh directory under TMPDIR, removed with everything in it.
class ScratchDir {
public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "jobop-unit-XXXXXX").string();
    m_path = ::mkdtemp(pattern.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string file(const std::string& name) const { return m_path + "/" + name; }

private:
  std::string m_path;
};

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// 2024-05-01 12:00:00 UTC.
constexpr core::UnixNanos k_t0 = 1'714'564'800 * core::k_second;

// Put job `id` in `state` (fake job, project "p", node "n1", address
// "10.0.0.1:8080", epoch 7).
inline void put(store::Metastore& s, const std::string& id, model::JobState state,
                core::UnixNanos now = k_t0) {
  model::JobSpec spec;
  spec.id = id;
  spec.project_id = "p";
  spec.state = state;
  spec.node_id = "n1";
  spec.address = "10.0.0.1:8080";
  spec.epoch = 7;
  s.put_job(spec, now);
}

} // namespace jobop::test
