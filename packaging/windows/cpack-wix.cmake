# `cpack -G WIX` on Windows (the Windows workflow): a per-user MSI with the same identity as
# packaging/windows/manifold.wxs, whose UpgradeCode is read from there so it is written once.
file(STRINGS ${CMAKE_CURRENT_LIST_DIR}/manifold.wxs _upgrade_line REGEX "UpgradeCode=\"[0-9A-F-]+\"")
string(REGEX MATCH "[0-9A-F]+-[0-9A-F]+-[0-9A-F]+-[0-9A-F]+-[0-9A-F]+" CPACK_WIX_UPGRADE_GUID "${_upgrade_line}")

set(CPACK_GENERATOR "WIX")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "Manifold")
# Per user, no elevation: %LOCALAPPDATA%\Programs\Manifold, the same folder for every version, so
# the manifold-shim.exe there is the stable path client configs name (CMake >= 3.29).
set(CPACK_WIX_INSTALL_SCOPE "perUser")
set(CPACK_WIX_PRODUCT_ICON ${CMAKE_CURRENT_LIST_DIR}/manifold.ico)
set(CPACK_WIX_PROGRAM_MENU_FOLDER "Manifold")
set(CPACK_PACKAGE_EXECUTABLES "manifold" "Manifold")   # the Start menu entry
set(CPACK_WIX_PROPERTY_ARPURLINFOABOUT "${PROJECT_HOMEPAGE_URL}")
# Start on login as an optional feature (off by default), the same Run value the app's toggle
# writes: packaging/windows/startonlogin.wxs, hooked into the product by the patch file.
set(CPACK_WIX_EXTRA_SOURCES ${CMAKE_CURRENT_LIST_DIR}/startonlogin.wxs)
set(CPACK_WIX_PATCH_FILE ${CMAKE_CURRENT_LIST_DIR}/cpack-wix-patch.xml)
