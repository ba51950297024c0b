# Unit tests for core/config and core/platform.
manifold_add_unit_test(test_serverregistry test_serverregistry.cpp)
manifold_add_unit_test(test_platform test_platform.cpp)
manifold_add_unit_test(test_rendezvous test_rendezvous.cpp)
manifold_add_unit_test(test_learnedstate test_learnedstate.cpp)
# Needs a Qt event loop: its own main() instead of gtest_main's.
add_executable(test_loopprobe test_loopprobe.cpp)
target_link_libraries(test_loopprobe PRIVATE Manifold::Core GTest::gtest manifold_warnings)
gtest_discover_tests(test_loopprobe PROPERTIES ENVIRONMENT "${MANIFOLD_TEST_ENV}" LABELS unit DISCOVERY_TIMEOUT 30)
