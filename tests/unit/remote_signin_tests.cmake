# Unit tests of the OAuth sign-in's parts (issue 15): metadata, token answers, authorization URLs,
# the stored record, and the loopback receiver (a Qt event loop, hence its own main).
add_executable(test_remote_signin
    signinmain.cpp
    test_oauthmetadata.cpp
    test_signinrecord.cpp
    test_loopbackreceiver.cpp
    test_urlopener.cpp)
target_link_libraries(test_remote_signin PRIVATE Manifold::Core Qt6::Test GTest::gtest manifold_warnings)
target_include_directories(test_remote_signin PRIVATE ${PROJECT_SOURCE_DIR}/tests/common)
gtest_discover_tests(test_remote_signin PROPERTIES ENVIRONMENT "${MANIFOLD_TEST_ENV}" LABELS unit
    DISCOVERY_TIMEOUT 30)
