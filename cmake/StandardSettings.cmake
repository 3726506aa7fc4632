# Shared settings every target of ours links (never exported to dependencies).
option(JOBOP_WERROR "Treat compiler warnings as errors (on in CI)" OFF)
option(JOBOP_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

add_library(jobop_settings INTERFACE)
if(JOBOP_SANITIZE)
  target_compile_options(jobop_settings INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(jobop_settings INTERFACE -fsanitize=address,undefined)
endif()
