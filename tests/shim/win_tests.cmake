# The Windows shim's portable rules (app/shim/win/wintext.*, winnames.*): no Windows headers, so
# they run on every platform, and on Windows against the same expectations.
manifold_add_qtfree_test(test_win_text
    test_win_text.cpp ${PROJECT_SOURCE_DIR}/app/shim/win/wintext.cpp)
target_include_directories(test_win_text PRIVATE ${PROJECT_SOURCE_DIR}/app/shim)
manifold_add_qtfree_test(test_win_names
    test_win_names.cpp ${PROJECT_SOURCE_DIR}/app/shim/win/winnames.cpp)
target_include_directories(test_win_names PRIVATE ${PROJECT_SOURCE_DIR}/app/shim)
