#pragma once

#include <cstdio>
#include <cstdlib>

// Property checks for the fuzz targets: a broken property aborts, which
// libFuzzer reports as a crash with its input, and the replay run as a
// failed test. Unlike assert(), these stay on in release builds.
#define FUZZ_CHECK(condition)                                                                      \
  do {                                                                                             \
    if (!(condition)) {                                                                            \
      std::fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__, __LINE__, #condition);        \
      std::abort();                                                                                \
    }                                                                                              \
  } while (false)
