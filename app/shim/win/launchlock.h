#pragma once

// The launch lock on Windows, compatible with QLockFile (which the Qt shim used): the file is
// created with CREATE_NEW and kept open without FILE_SHARE_DELETE, so while one shim holds it no
// other shim (old or new) can create or remove it. A file left by a dead holder is removed as
// QLockFile does (lockfile.h lockIsStale). Windows only.

#include <string>

namespace manifold::shim::win {

class LaunchLock final
{
public:
    LaunchLock() = default;
    ~LaunchLock() { release(); }
    LaunchLock(const LaunchLock &) = delete;
    LaunchLock &operator=(const LaunchLock &) = delete;

    // Without waiting; false when another process holds the lock (or it cannot be created).
    bool tryLock(const std::string &path);
    // Closes and deletes the file (nothing when not held).
    void release();

private:
    bool tryCreate();

    std::string m_path;
    void *m_file = nullptr; // HANDLE
};

} // namespace manifold::shim::win
