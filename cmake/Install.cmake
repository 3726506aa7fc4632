# What `cmake --install` lays out and `cpack -G DEB` packages: the binary,
# its man page and completion scripts, and the docs. The man page and the
# scripts are written by the built jobop itself (`jobop help --man`,
# `jobop completion SHELL`), from the same CLI definitions it parses with.
include(GNUInstallDirs)

set(JOBOP_GENERATED_DIR ${PROJECT_BINARY_DIR}/generated)
set(JOBOP_GENERATED_FILES)
function(jobop_generate output)
  add_custom_command(
    OUTPUT ${JOBOP_GENERATED_DIR}/${output}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${JOBOP_GENERATED_DIR}
    COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:jobop> "-DARGS=${ARGN}"
            -DOUTPUT=${JOBOP_GENERATED_DIR}/${output} -P ${PROJECT_SOURCE_DIR}/cmake/RunToFile.cmake
    DEPENDS jobop ${PROJECT_SOURCE_DIR}/cmake/RunToFile.cmake
    COMMENT "Generating ${output} from jobop's command definitions"
    VERBATIM)
  set(JOBOP_GENERATED_FILES ${JOBOP_GENERATED_FILES} ${JOBOP_GENERATED_DIR}/${output} PARENT_SCOPE)
endfunction()
jobop_generate(jobop.1 help --man)
jobop_generate(jobop.bash completion bash)
jobop_generate(_jobop completion zsh)
jobop_generate(jobop.fish completion fish)
# Part of `all`, not of `--target jobop` (scripts/demo needs only the binary).
add_custom_target(jobop_generated ALL DEPENDS ${JOBOP_GENERATED_FILES})

install(TARGETS jobop RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${JOBOP_GENERATED_DIR}/jobop.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${JOBOP_GENERATED_DIR}/jobop.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME jobop)
install(FILES ${JOBOP_GENERATED_DIR}/_jobop DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${JOBOP_GENERATED_DIR}/jobop.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
file(GLOB JOBOP_DOCS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${JOBOP_DOCS} DESTINATION ${CMAKE_INSTALL_DOCDIR})

# cpack -G DEB: dependencies from the binary's shared libraries (dpkg-shlibdeps),
# and the MySQL client library as Recommends: jobop jobop loads with dlopen on first use
# (store/mysql/client_library.hpp), which shlibdeps cannot see, and SQLite-only
# use never needs.
set(CPACK_PACKAGE_NAME jobop)
set(CPACK_PACKAGE_VENDOR "jobop")
set(CPACK_PACKAGE_CONTACT "jobop maintainers <jobop@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "jobop cancels jobs of the tiflow engine and drives their cancellation to its end, shows\n"
    "where every job stands, and simulates the engine's retry-backoff policy, on an SQLite\n"
    "or MySQL-protocol (MySQL, MariaDB, TiDB) job metastore.")
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # jobop_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libmariadb3")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
set(CPACK_STRIP_FILES ON)
include(CPack)
