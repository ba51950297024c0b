#pragma once

// Names the Windows shim must compute exactly as Qt does for the broker and did for the old Qt
// shim (the pipe QLocalSocket opens, QDir's temp and current paths, the launch lock's content).
// Pure functions of their inputs, without Windows headers, so they are unit-tested everywhere
// (tests/shim/test_win_names.cpp); app/shim/win/winsystem.cpp feeds them the real values. The
// pipe name and sidecar rules the broker shares are wire's (core/wire/rendezvous.h).

#include <cstdint>
#include <optional>
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

// QLockFile's file on Windows (Qt 5.10+): pid, application name (the executable's base name),
// host name (%COMPUTERNAME%), machine id, boot id, one per line. The Qt-free shim leaves the
// last two empty, which QLockFile reads as "unknown" and then compares host names only.
struct LockFileInfo
{
    int64_t pid = -1;
    std::string appName;
    std::string hostName;
};
std::string lockFileContent(const LockFileInfo &info);
// nullopt when the first line is not a positive pid (QLockFile ignores such a file's content).
std::optional<LockFileInfo> parseLockFile(std::string_view content);
// QLockFile::isApparentlyStale, given what the system says: the holder is gone when its host is
// ours (or unnamed) and its pid is not a running process of the same name; or the file is older
// than the stale time (30 s, QLockFile's default). appNameOfPid: "" if pid is not running.
bool lockIsStale(const std::optional<LockFileInfo> &info, std::string_view ourHost,
                 bool pidRunning, std::string_view appNameOfPid, int64_t ageMs);
inline constexpr int64_t StaleLockMs = 30000;

} // namespace manifold::shim::win
