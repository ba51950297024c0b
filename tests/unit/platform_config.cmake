# Unit tests for core/config and core/platform.
manifold_add_unit_test(test_serverregistry test_serverregistry.cpp)
manifold_add_unit_test(test_platform test_platform.cpp)
manifold_add_unit_test(test_rendezvous test_rendezvous.cpp)
manifold_add_unit_test(test_learnedstate test_learnedstate.cpp)
