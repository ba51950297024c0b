# test_remote_http: the Streamable HTTP and HTTP+SSE upstreams against server-everything (issue 15).
# Node drives the remote fixtures (tests/e2e/lib/remote-everything.mjs); the same cache entry as
# tests/e2e, found here too because this directory is configured first.
find_program(MANIFOLD_NODE_EXECUTABLE NAMES node nodejs)
if(NOT MANIFOLD_NODE_EXECUTABLE)
    message(STATUS "test_remote_http: node not found; not built")
    return()
endif()
add_executable(test_remote_http
    main.cpp
    remotefixture.h
    test_remote_http.cpp
    test_remote_http_faults.cpp)
target_link_libraries(test_remote_http PRIVATE Manifold::Core Qt6::Test GTest::gtest manifold_warnings)
target_include_directories(test_remote_http PRIVATE ${PROJECT_SOURCE_DIR}/tests/common)
target_compile_definitions(test_remote_http PRIVATE
    MANIFOLD_TEST_NODE="${MANIFOLD_NODE_EXECUTABLE}"
    MANIFOLD_E2E_DIR="${PROJECT_SOURCE_DIR}/tests/e2e")
gtest_discover_tests(test_remote_http PROPERTIES ENVIRONMENT "${MANIFOLD_TEST_ENV}" LABELS integration
    TIMEOUT 60 DISCOVERY_TIMEOUT 30)
