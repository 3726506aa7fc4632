# Shared settings every target of ours links (never exported to dependencies).
option(JOBOP_WERROR "Treat compiler warnings as errors (on in CI)" OFF)
option(JOBOP_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
# The core and the CLI compile in batches of files (docs/benchmarks.md,
# "Building jobop"): the headers every file includes are then parsed, and
# their inline code generated, once per batch. CI's sanitizer build turns it
# off, so that every file still compiles on its own.
option(JOBOP_UNITY_BUILD "Compile the core and the CLI in batches of files" ON)

add_library(jobop_settings INTERFACE)
if(JOBOP_SANITIZE)
  target_compile_options(jobop_settings INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(jobop_settings INTERFACE -fsanitize=address,undefined)
endif()
