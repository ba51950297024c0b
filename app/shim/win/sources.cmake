# The Windows layer of manifold-shim (included by app/shim/CMakeLists.txt on WIN32). Win32 only:
# kernel32 and advapi32, which every Windows program links by default.
set(MANIFOLD_SHIM_PLATFORM_SOURCES
    win/platform_win.cpp
    win/winhost.cpp win/winhost.h
    win/winsystem.cpp win/winsystem.h
    win/launchlock.cpp win/launchlock.h
    win/brokerstart.cpp win/brokerstart.h
    win/wintext.cpp win/wintext.h
    win/winnames.cpp win/winnames.h)
