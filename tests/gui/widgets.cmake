# Tray widget tests (offscreen) and the screenshot test (under Xvfb when xvfb-run exists).
# Included from tests/gui/CMakeLists.txt.
find_package(Qt6 REQUIRED COMPONENTS Widgets Test)

set(_tray_test_support
    ${CMAKE_CURRENT_LIST_DIR}/widgetsmain.cpp
    ${PROJECT_SOURCE_DIR}/tests/integration/brokerfixture.cpp
    ${PROJECT_SOURCE_DIR}/tests/integration/testclient.cpp)

foreach(_target test_widgets test_screenshot)
    add_executable(${_target} ${_tray_test_support})
    target_link_libraries(${_target} PRIVATE manifold_tray Qt6::Widgets Qt6::Test GTest::gtest manifold_warnings)
    target_include_directories(${_target} PRIVATE
        ${PROJECT_SOURCE_DIR}/tests/integration ${PROJECT_SOURCE_DIR}/tests/common
        ${CMAKE_CURRENT_LIST_DIR})
    target_compile_definitions(${_target} PRIVATE FAKE_MCP_SERVER_PATH="$<TARGET_FILE:fake_mcp_server>")
    add_dependencies(${_target} fake_mcp_server)
endforeach()
target_sources(test_widgets PRIVATE ${CMAKE_CURRENT_LIST_DIR}/test_widgets.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_clientspage.cpp ${CMAKE_CURRENT_LIST_DIR}/clientfixtures.h)
target_sources(test_widgets PRIVATE ${CMAKE_CURRENT_LIST_DIR}/test_trayapp_open.cpp)
target_sources(test_screenshot PRIVATE ${CMAKE_CURRENT_LIST_DIR}/screenshot/test_screenshot.cpp
    ${CMAKE_CURRENT_LIST_DIR}/clientfixtures.h)
target_compile_definitions(test_screenshot PRIVATE MANIFOLD_ARTIFACTS_DIR="${CMAKE_BINARY_DIR}/artifacts"
    MANIFOLD_PATH="$<TARGET_FILE:manifold>")
add_dependencies(test_screenshot manifold)

gtest_discover_tests(test_widgets PROPERTIES ENVIRONMENT "${MANIFOLD_TEST_ENV}" LABELS gui
    TIMEOUT 120 DISCOVERY_TIMEOUT 30)

# The same binary under a German system locale: the window follows it.
add_test(NAME gui.translation_de COMMAND test_widgets --gtest_filter=Translation.*)
set_tests_properties(gui.translation_de PROPERTIES LABELS gui TIMEOUT 60
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;LANG=de_DE.UTF-8;LANGUAGE=de;LC_ALL=de_DE.UTF-8;MANIFOLD_EXPECT_GERMAN=1")

# Screenshots: a real X server (Xvfb, 1366x768) when available, else the offscreen platform.
find_program(XVFB_RUN xvfb-run)
if(XVFB_RUN)
    add_test(NAME gui.screenshot
        COMMAND ${XVFB_RUN} -a -s "-screen 0 1366x768x24" $<TARGET_FILE:test_screenshot>)
    set_tests_properties(gui.screenshot PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=xcb")
else()
    add_test(NAME gui.screenshot COMMAND test_screenshot)
    set_tests_properties(gui.screenshot PROPERTIES ENVIRONMENT "${MANIFOLD_TEST_ENV}")
endif()
set_tests_properties(gui.screenshot PROPERTIES LABELS gui TIMEOUT 120)
target_sources(test_widgets PRIVATE ${CMAKE_CURRENT_LIST_DIR}/test_secret_widgets.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_http_widgets.cpp ${CMAKE_CURRENT_LIST_DIR}/fakebrokerview.h
    ${CMAKE_CURRENT_LIST_DIR}/frontdoorrequest.h ${CMAKE_CURRENT_LIST_DIR}/test_signin_widgets.cpp)
target_sources(test_widgets PRIVATE ${CMAKE_CURRENT_LIST_DIR}/test_widgets_clientmap.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_clientmap_fixtures.h)
target_sources(test_widgets PRIVATE ${CMAKE_CURRENT_LIST_DIR}/test_sparkline.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_healthnotifier.cpp ${CMAKE_CURRENT_LIST_DIR}/test_dashboard.cpp
    ${CMAKE_CURRENT_LIST_DIR}/test_health_fixtures.h)
target_sources(test_widgets PRIVATE ${CMAKE_CURRENT_LIST_DIR}/test_widgets_traffic.cpp)
# Traffic, Dashboard and Who Uses What with real traffic (server-everything, SDK clients through
# manifold-shim); gui.screenshot_2x runs it again at scale factor 2 (scripts/screenshots.sh).
target_sources(test_screenshot PRIVATE ${CMAKE_CURRENT_LIST_DIR}/screenshot/test_screenshot_traffic.cpp)
target_compile_definitions(test_screenshot PRIVATE MANIFOLD_E2E_DIR="${PROJECT_SOURCE_DIR}/tests/e2e"
    MANIFOLD_SHIM_PATH="$<TARGET_FILE:manifold-shim>")
add_dependencies(test_screenshot manifold-shim)
if(XVFB_RUN)
    add_test(NAME gui.screenshot_2x COMMAND ${XVFB_RUN} -a -s "-screen 0 1366x768x24"
        $<TARGET_FILE:test_screenshot> --gtest_filter=TrafficScreenshots.*)
    set_tests_properties(gui.screenshot_2x PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=xcb;QT_SCALE_FACTOR=2")
else()
    add_test(NAME gui.screenshot_2x COMMAND test_screenshot --gtest_filter=TrafficScreenshots.*)
    set_tests_properties(gui.screenshot_2x PROPERTIES ENVIRONMENT "${MANIFOLD_TEST_ENV};QT_SCALE_FACTOR=2")
endif()
set_tests_properties(gui.screenshot_2x PROPERTIES LABELS gui TIMEOUT 120)
# 20,000 calls with the Traffic page open: the event loop's lateness, printed and bounded.
target_sources(test_widgets PRIVATE ${CMAKE_CURRENT_LIST_DIR}/test_traffic_flood.cpp)
