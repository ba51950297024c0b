# test_traffic_cli: `manifoldctl traffic` against an in-process broker (issue 16).
add_executable(test_traffic_cli
    main.cpp
    testclient.cpp testclient.h
    brokerfixture.cpp brokerfixture.h
    processhelpers.h
    test_traffic_cli.cpp)
target_link_libraries(test_traffic_cli PRIVATE Manifold::Core Qt6::Test GTest::gtest manifold_warnings)
target_include_directories(test_traffic_cli PRIVATE ${PROJECT_SOURCE_DIR}/tests/common)
target_compile_definitions(test_traffic_cli PRIVATE
    FAKE_MCP_SERVER_PATH="$<TARGET_FILE:fake_mcp_server>"
    MANIFOLD_PATH="$<TARGET_FILE:manifold>"
    MANIFOLD_SHIM_PATH="$<TARGET_FILE:manifold-shim>"
    MANIFOLDCTL_PATH="$<TARGET_FILE:manifoldctl>")
add_dependencies(test_traffic_cli fake_mcp_server manifoldctl)
gtest_discover_tests(test_traffic_cli PROPERTIES ENVIRONMENT "${MANIFOLD_TEST_ENV}" LABELS integration
    TIMEOUT 60 DISCOVERY_TIMEOUT 30)
