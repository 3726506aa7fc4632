option(JOBOP_CLANG_TIDY "Run clang-tidy on our sources while compiling" OFF)
if(JOBOP_CLANG_TIDY)
  find_program(CLANG_TIDY_EXE NAMES clang-tidy REQUIRED)
  set(JOBOP_CLANG_TIDY_COMMAND "${CLANG_TIDY_EXE}" "--quiet")
endif()

# Apply clang-tidy (when enabled) to one of our targets.
function(jobop_code_analysis target)
  if(JOBOP_CLANG_TIDY)
    set_target_properties(${target} PROPERTIES CXX_CLANG_TIDY "${JOBOP_CLANG_TIDY_COMMAND}")
  endif()
endfunction()
