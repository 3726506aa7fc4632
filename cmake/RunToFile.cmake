# Run PROGRAM with ARGS (a ;-list) and write its stdout to OUTPUT; fail the
# build if it fails. Used by cmake/Install.cmake: `cmake -DPROGRAM=... -P`.
execute_process(COMMAND ${PROGRAM} ${ARGS} OUTPUT_FILE ${OUTPUT}.tmp RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  file(REMOVE ${OUTPUT}.tmp)
  message(FATAL_ERROR "${PROGRAM} ${ARGS} failed: ${status}")
endif()
file(RENAME ${OUTPUT}.tmp ${OUTPUT})
