# Unit tests for core/clients (config editors, diffs).
manifold_add_unit_test(test_unifieddiff test_unifieddiff.cpp)
