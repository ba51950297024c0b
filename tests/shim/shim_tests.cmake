# The shim's logic tests (owned by the shim work): ShimCore, Connector, LineSplitter and
# RequestTracker through a fake ShimHost, no processes and no Qt.
manifold_add_qtfree_test(test_shimrelay ${CMAKE_CURRENT_LIST_DIR}/test_shimrelay.cpp)
target_link_libraries(test_shimrelay PRIVATE manifold_shim_logic)
manifold_add_qtfree_test(test_shimcore
    ${CMAKE_CURRENT_LIST_DIR}/test_shimcore.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_shimconnector.cpp
    ${CMAKE_CURRENT_LIST_DIR}/fakeshimhost.h ${CMAKE_CURRENT_LIST_DIR}/shimcorefixture.h)
target_link_libraries(test_shimcore PRIVATE manifold_shim_logic)
manifold_add_qtfree_test(test_lockfile ${CMAKE_CURRENT_LIST_DIR}/test_lockfile.cpp)
target_link_libraries(test_lockfile PRIVATE manifold_shim_logic)
