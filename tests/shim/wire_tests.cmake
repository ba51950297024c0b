# core/wire's tests (owned by the wire work): they link only Manifold::Wire, no Qt.
manifold_add_qtfree_test(test_wire_json ${CMAKE_CURRENT_LIST_DIR}/test_wire_json.cpp)
manifold_add_qtfree_test(test_wire_jsonrpc ${CMAKE_CURRENT_LIST_DIR}/test_wire_jsonrpc.cpp)
manifold_add_qtfree_test(test_wire_hello ${CMAKE_CURRENT_LIST_DIR}/test_wire_hello.cpp)
manifold_add_qtfree_test(test_wire_rendezvous ${CMAKE_CURRENT_LIST_DIR}/test_wire_rendezvous.cpp)
