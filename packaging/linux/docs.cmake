# The documentation a Linux package installs: man pages for the three commands, the README,
# Debian's copyright and changelog.Debian in share/doc/manifold, and the package's lintian
# overrides. Included from
# packaging/CPackConfig.cmake after the CPACK_* variables are set (the copyright and changelog
# name the contact and the package version).
#
# Version and date come from project(VERSION) and MANIFOLD_RELEASE_DATE only. Man pages, the
# changelog and the README are compressed at build time with gzip -9n: Debian policy wants them
# compressed at the highest level, and -n leaves name and time out so the bytes are reproducible.
find_program(GZIP_EXECUTABLE gzip REQUIRED)

set(_docs_dir ${CMAKE_BINARY_DIR}/packaging/doc)
string(SUBSTRING "${MANIFOLD_RELEASE_DATE}" 0 4 MANIFOLD_RELEASE_YEAR)
# changelog.Debian wants an RFC 2822 date; noon UTC keeps the day whatever the time zone.
execute_process(
    COMMAND ${CMAKE_COMMAND} -E env LC_ALL=C TZ=UTC date -R -d "${MANIFOLD_RELEASE_DATE} 12:00:00"
    OUTPUT_VARIABLE MANIFOLD_RELEASE_DATE_RFC2822
    OUTPUT_STRIP_TRAILING_WHITESPACE
    COMMAND_ERROR_IS_FATAL ANY)

# Adds a build step making FILE.gz from FILE (kept), and installs FILE.gz into DESTINATION.
set(_docs_gz)
function(_manifold_install_gzipped file destination)
    add_custom_command(OUTPUT ${file}.gz
        COMMAND ${GZIP_EXECUTABLE} -9 -n -k -f ${file}
        DEPENDS ${file}
        COMMENT "Compressing ${file}"
        VERBATIM)
    install(FILES ${file}.gz DESTINATION ${destination})
    set(_docs_gz ${_docs_gz} ${file}.gz PARENT_SCOPE)
endfunction()

foreach(_page IN ITEMS manifold manifold-shim manifoldctl)
    configure_file(${CMAKE_CURRENT_LIST_DIR}/../man/${_page}.1.in ${_docs_dir}/man/${_page}.1 @ONLY)
    _manifold_install_gzipped(${_docs_dir}/man/${_page}.1 share/man/man1)
endforeach()

configure_file(${PROJECT_SOURCE_DIR}/README.md ${_docs_dir}/README.md COPYONLY)
_manifold_install_gzipped(${_docs_dir}/README.md share/doc/manifold)

configure_file(${CMAKE_CURRENT_LIST_DIR}/../debian/changelog.Debian.in ${_docs_dir}/changelog.Debian @ONLY)
_manifold_install_gzipped(${_docs_dir}/changelog.Debian share/doc/manifold)

configure_file(${CMAKE_CURRENT_LIST_DIR}/../debian/copyright.in ${_docs_dir}/copyright @ONLY)
install(FILES ${_docs_dir}/copyright DESTINATION share/doc/manifold)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/../debian/lintian-overrides
    DESTINATION share/lintian/overrides RENAME manifold)

add_custom_target(manifold_docs ALL DEPENDS ${_docs_gz})
