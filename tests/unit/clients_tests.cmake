# Unit tests for core/clients (config editors, diffs).
manifold_add_unit_test(test_unifieddiff test_unifieddiff.cpp)
target_compile_definitions(test_unifieddiff PRIVATE
    MANIFOLD_CLIENT_FIXTURES="${PROJECT_SOURCE_DIR}/tests/fixtures/clients")
manifold_add_unit_test(test_clientsetup test_clientsetup.cpp clientsetuptest.h)
manifold_add_unit_test(test_clientsetup_golden test_clientsetup_golden.cpp clientsetuptest.h)
target_compile_definitions(test_clientsetup_golden PRIVATE
    MANIFOLD_CLIENT_FIXTURES="${PROJECT_SOURCE_DIR}/tests/fixtures/clients")
manifold_add_unit_test(test_shimlauncher test_shimlauncher.cpp)
manifold_add_unit_test(test_clientsetup_sharing test_clientsetup_sharing.cpp clientsetuptest.h)
manifold_add_unit_test(test_clientsetup_http test_clientsetup_http.cpp clientsetuptest.h)
