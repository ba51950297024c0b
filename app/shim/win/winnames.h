#pragma once

// Names the Windows shim must compute exactly as Qt does for the broker and did for the old Qt
// shim (the pipe QLocalSocket opens, QDir's temp and current paths). The launch lock's file is
// app/shim/lockfile.h, shared with the POSIX shim.
// Pure functions of their inputs, without Windows headers, so they are unit-tested everywhere
// (tests/shim/test_win_names.cpp); app/shim/win/winsystem.cpp feeds them the real values. The
// pipe name and sidecar rules the broker shares are wire's (core/wire/rendezvous.h).

#include <string>
#include <string_view>

namespace manifold::shim::win {

// The name QLocalSocket opens: endpoint as is when it starts with \\.\pipe\, else under it.
std::string pipePath(std::string_view endpoint);

// QDir::tempPath() from GetTempPathW's (long) result: trailing '\' dropped, '/' separators, drive
// letter upper case, cleaned; "C:/tmp" when empty.
std::string tempPathFromNative(std::string_view nativeTemp);
// QDir::currentPath() from GetCurrentDirectoryW's result: \\?\ (and \\?\UNC\) prefixes dropped,
// drive letter upper case, '/' separators. Not cleaned (Qt does not clean it either).
std::string currentPathFromNative(std::string_view nativeCwd);
// QDir::cleanPath for Windows paths: '\' -> '/', repeated '/' merged (a leading "//" of a UNC
// path kept), "." and ".." resolved, no trailing '/' except for a root ("C:/", "/").
std::string cleanWindowsPath(std::string_view path);

// runtimeDir (core/platform/runtimepaths.cpp, Windows): QDir::tempPath() + "/manifold", where
// the sidecar files of a pipe go.
std::string runtimeDirFromTemp(std::string_view tempPath);

} // namespace manifold::shim::win
