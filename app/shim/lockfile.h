#pragma once

// The launch lock's file as QLockFile (Qt 5.10+) writes and judges it, on every platform: the
// Qt-free shims on POSIX and Windows take the same lock as a Qt shim of an older version, so
// during an upgrade they still start one broker between them. Pure functions of their inputs;
// app/shim/posix/launchlock.cpp and app/shim/win/launchlock.cpp feed them what the system says.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace manifold::shim {

// pid, application name (the executable's base name), host name, machine id, boot id, one per
// line. The Qt-free shim leaves the last two empty, which QLockFile reads as "unknown" and then
// compares host names only.
struct LockFileInfo
{
    int64_t pid = -1;
    std::string appName;
    std::string hostName;
};
std::string lockFileContent(const LockFileInfo &info);
// nullopt when the first line is not a positive pid (QLockFile ignores such a file's content).
std::optional<LockFileInfo> parseLockFile(std::string_view content);

// QLockFile's default stale time.
inline constexpr int64_t StaleLockMs = 30000;
// QLockFile::isApparentlyStale, given what the system says: the holder is gone when its host is
// ours (or unnamed) and its pid is not a running process of the same name; or the file is older
// (or, by a clock step, younger) than the stale time. appNameOfPid: "" when it cannot be known.
bool lockIsStale(const std::optional<LockFileInfo> &info, std::string_view ourHost,
                 bool pidRunning, std::string_view appNameOfPid, int64_t ageMs);

} // namespace manifold::shim
