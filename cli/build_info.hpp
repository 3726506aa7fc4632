#pragma once

// What `--version` says of the build: the commit and the build type, read
// when CMake configures. They live in a file CMake generates
// (build_info.cpp.in), so the rest of the CLI compiles without them.
namespace jobop::cli {

extern const char* const k_build_commit;
extern const char* const k_build_type;

} // namespace jobop::cli
