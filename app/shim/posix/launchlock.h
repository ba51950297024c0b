#pragma once

#include <string>

namespace manifold::shim::posix {

// The launch lock `<socket>.launch.lock`, compatible with QLockFile on Unix so that a Qt shim
// (before an upgrade) and this one exclude each other: the file is created with O_EXCL, held
// with flock(), and holds what app/shim/lockfile.h writes. An existing file is taken over when it
// is stale the way QLockFile judges it (lockIsStale): its process is gone from this host, or it
// is older than 30 s; a holder still alive keeps its flock, so a wrong judgement never removes a
// lock in use.
class LaunchLock final
{
public:
    LaunchLock() = default;
    LaunchLock(const LaunchLock &) = delete;
    LaunchLock &operator=(const LaunchLock &) = delete;
    ~LaunchLock() { release(); }

    // Takes the lock at path without waiting; false if another process holds it.
    bool tryLock(const std::string &path);
    // Removes the file and closes it (if held).
    void release();
    bool held() const { return m_fd >= 0; }

private:
    std::string m_path;
    int m_fd = -1;
};

} // namespace manifold::shim::posix
