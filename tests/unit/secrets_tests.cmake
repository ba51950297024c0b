# Unit tests for core/secrets (the keychain itself is tested in tests/integration, label keychain).
manifold_add_unit_test(test_secretstore test_secretstore.cpp)
target_link_libraries(test_secretstore PRIVATE Qt6::Test)   # QTest::qWaitFor: answers come from the event loop
manifold_add_unit_test(test_envedit test_envedit.cpp)
