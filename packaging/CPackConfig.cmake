# Packaging settings: the deb here, the MSI in windows/cpack-wix.cmake, the AppImage in
# packaging/appimage (scripts/build-appimage.sh). Included last.
# The deb: cmake --preset release && cmake --build --preset release && cpack -G DEB (from
# build/release; scripts/check-deb.sh does that, checks the package and smoke-tests it installed).

set(CPACK_PACKAGE_NAME "manifold")
set(CPACK_PACKAGE_VENDOR "Manifold")
set(CPACK_PACKAGE_CONTACT "Manifold maintainers <manifold@example.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_PACKAGE_DIRECTORY "${CMAKE_BINARY_DIR}/packages")
set(CPACK_GENERATOR "DEB")
# Unstripped binaries are for debugging builds, not for the package (lintian: an error).
set(CPACK_STRIP_FILES ON)
# strip(1) as CMake runs it keeps .comment (the compiler's version string); like Debian's
# dh_strip, drop it from the packaged binaries too. Runs after install(TARGETS) has stripped them.
if(UNIX AND NOT APPLE AND CMAKE_OBJCOPY)
    install(CODE "set(_manifold_objcopy \"${CMAKE_OBJCOPY}\")")
    install(CODE [[
        if(CMAKE_INSTALL_DO_STRIP)
            foreach(_bin IN ITEMS manifold manifold-shim manifoldctl)
                execute_process(COMMAND "${_manifold_objcopy}" --remove-section=.comment
                                        "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/bin/${_bin}"
                                COMMAND_ERROR_IS_FATAL ANY)
            endforeach()
        endif()
    ]])
endif()
# Directories cmake --install creates implicitly would otherwise follow the builder's umask.
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

# --- Debian -------------------------------------------------------------------------------
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)   # manifold_VERSION-RELEASE_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_NAME "manifold")
set(CPACK_DEBIAN_PACKAGE_VERSION "${PROJECT_VERSION}")
# A Debian revision: this is upstream's own build of the package, so its changelog is
# changelog.Debian.gz (a revision-less "native" version would want changelog.gz instead).
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION "utils")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
# The long description; CPack puts CPACK_PACKAGE_DESCRIPTION_SUMMARY before it as the synopsis,
# indents each line and turns empty lines into " ." for the control file. It strips the last
# line, so that must not be an indented continuation.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Every MCP (Model Context Protocol) client - Claude Desktop, Claude Code,
Cursor, VS Code, Windsurf, Zed, Gemini CLI, Codex and others - normally starts
its own copy of every MCP server it uses. Manifold runs one process per server
in a per-user broker and routes every client's requests, replies, progress,
cancellations and subscriptions to the client they belong to.

The package contains:
 * manifold: the tray application hosting the broker (manifold --headless runs
   the same broker without a window);
 * manifold-shim: what client configurations run instead of the server; it
   relays stdio to the broker and starts the broker when needed;
 * manifoldctl: status and control from the command line, and setup/revert
   of every MCP client's configuration files.

Setup backs up every file it rewrites and moves secrets from them to the
system keychain; revert puts them back as they were.")

# Depends: dpkg-shlibdeps reads the binaries (Qt, QtKeychain, libc, libstdc++). Added by hand
# what it cannot see:
#  * libsecret-1-0: QtKeychain dlopen()s libsecret to reach the Secret Service (GNOME Keyring,
#    KWallet, KeePassXC); without it secrets cannot be stored on most desktops, and secrets are
#    part of client setup. (Qt's xcb platform plugin is in libqt6gui6 on Debian 12, which
#    shlibdeps finds; qt6-qpa-plugins only holds the VNC and TUIO plugins, so it is not needed.)
# Recommends (installed by default, but a headless server needs none of them):
#  * default-dbus-session-bus | dbus-session-bus: the keychain is reached over the session bus;
#  * gnome-keyring | kwalletmanager | keepassxc: a Secret Service to hold the secrets (the first
#    two are what libqt6keychain1 itself recommends);
#  * libqt6svg6: the SVG icon engine, so toolbar icons come from SVG icon themes (Breeze is
#    SVG-only); without it the window falls back to Qt's built-in icons.
# Suggests:
#  * qt6-wayland: a native Wayland window instead of XWayland;
#  * gnome-shell-extension-appindicator: a tray for the icon on GNOME (without a tray the
#    window is the way in);
#  * libsecret-tools: secret-tool, to look at or clear the secrets Manifold stored.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libsecret-1-0")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
    "default-dbus-session-bus | dbus-session-bus, gnome-keyring | kwalletmanager | keepassxc, libqt6svg6")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "qt6-wayland, gnome-shell-extension-appindicator, libsecret-tools")
# Control files 0644 (md5sums included) as dpkg-deb wants them; lintian flags anything else.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

if(UNIX AND NOT APPLE)
    include(${CMAKE_CURRENT_LIST_DIR}/linux/desktop.cmake)
    include(${CMAKE_CURRENT_LIST_DIR}/linux/docs.cmake)
endif()
if(WIN32)
    include(${CMAKE_CURRENT_LIST_DIR}/windows/cpack-wix.cmake)
endif()
if(APPLE)
    set(CPACK_GENERATOR "DragNDrop")
endif()

include(CPack)
