# Warnings for our own targets only (ccache's StandardWarnings).
add_library(jobop_warnings INTERFACE)
target_compile_options(jobop_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wformat=2)
if(JOBOP_WERROR)
  target_compile_options(jobop_warnings INTERFACE -Werror)
endif()
