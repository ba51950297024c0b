# Unit tests for setup of remote servers (issue 15): URL entries and mcp-remote commands.
manifold_add_unit_test(test_setup_remote test_setup_remote.cpp clientsetuptest.h)
target_compile_definitions(test_setup_remote PRIVATE
    MANIFOLD_REMOTE_FIXTURES="${PROJECT_SOURCE_DIR}/tests/fixtures/clients/remote")
