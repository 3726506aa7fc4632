#pragma once

#include <jobop/core/exceptions.hpp>
#include <jobop/store/mysql/time_zone.hpp>

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

// Helpers of the store/mysql tests.
namespace jobop::test {

// A fresh directory under TMPDIR, removed with everything in it. (Not
// store_test_support.hpp's: that one pulls in the SQLite metastore.)
class TempDir {
public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "jobop-mysql-XXXXXX").string();
    m_path = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return m_path + "/" + name; }
  // Write `bytes` to the file `name` in the directory; return its path.
  std::string write(const std::string& name, const std::string& bytes) const {
    std::ofstream(file(name), std::ios::binary) << bytes;
    return file(name);
  }

private:
  std::string m_path;
};

// Return the code of the core::Error `f` throws, or "" if none.
template <typename F>
std::string error_code_of(F&& f) {
  try {
    f();
  } catch (const core::Error& e) {
    return e.code();
  }
  return "";
}

} // namespace jobop::test

// Show a CivilTime in a failed check.
template <>
struct doctest::StringMaker<jobop::store::mysql::CivilTime> {
  static doctest::String convert(const jobop::store::mysql::CivilTime& c) {
    return jobop::store::mysql::format_civil(c).c_str();
  }
};
