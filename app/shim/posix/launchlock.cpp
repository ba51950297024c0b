#include "launchlock.h"

#include "lockfile.h"
#include "wire/process.h"

#include <cerrno>
#include <ctime>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace manifold::shim::posix {

namespace {

std::string hostName()
{
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0)
        return {};
    return name;
}

// The file name of pid's executable, as QLockFile compares it; empty when it cannot be known
// (then only "is the pid alive" counts). "/ERROR/" when /proc says the pid is gone.
std::string processName(long long pid)
{
#ifdef __linux__
    std::string path = wire::processExecutable(pid);
    if (path.empty())
        return "/ERROR/";
    static const std::string deleted = " (deleted)";
    if (path.size() >= deleted.size() &&
        path.compare(path.size() - deleted.size(), deleted.size(), deleted) == 0)
        path.resize(path.size() - deleted.size());
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
#else
    (void)pid;
    return {};
#endif
}

bool writeAll(int fd, const std::string &data)
{
    size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += size_t(n);
    }
    return true;
}

// Creates path exclusively and locks it; -1 if it exists (or cannot be made).
int createLocked(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return -1;
    ::flock(fd, LOCK_EX | LOCK_NB); // keeps a stale-lock remover away while we hold it
    LockFileInfo ours;
    ours.pid = ::getpid();
    ours.appName = processName(ours.pid);
    ours.hostName = hostName();
    const std::string contents = lockFileContent(ours);
    if (!writeAll(fd, contents)) {
        ::close(fd);
        ::unlink(path.c_str());
        return -1;
    }
    return fd;
}

bool isStale(const std::string &path)
{
    std::string content;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        char buffer[1024];
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        ::close(fd);
        content.assign(buffer, n > 0 ? size_t(n) : 0);
    }
    struct stat info;
    if (::stat(path.c_str(), &info) != 0)
        return false; // removed meanwhile: the next attempt creates it
    const auto ageMs = int64_t(std::difftime(std::time(nullptr), info.st_mtime) * 1000.0);
    const std::optional<LockFileInfo> holder = parseLockFile(content);
    const bool running = holder && !(::kill(pid_t(holder->pid), 0) == -1 && errno == ESRCH);
    const std::string holderName = running ? processName(holder->pid) : std::string();
    return lockIsStale(holder, hostName(), running, holderName, ageMs);
}

// Removes a stale lock file, unless its holder still has it flock()ed.
bool removeStale(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool removed = ::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::unlink(path.c_str()) == 0;
    ::close(fd);
    return removed;
}

} // namespace

bool LaunchLock::tryLock(const std::string &path)
{
    release();
    for (int attempt = 0; attempt < 2; ++attempt) {
        m_fd = createLocked(path);
        if (m_fd >= 0) {
            m_path = path;
            return true;
        }
        if (errno != EEXIST || !isStale(path))
            return false;
        // Two processes must not remove it at once (QLockFile uses the same ".rmlock" file).
        const std::string rmPath = path + ".rmlock";
        const int rm = createLocked(rmPath);
        if (rm < 0)
            return false;
        const bool removed = isStale(path) && removeStale(path);
        ::unlink(rmPath.c_str());
        ::close(rm);
        if (!removed)
            return false;
    }
    return false;
}

void LaunchLock::release()
{
    if (m_fd < 0)
        return;
    ::unlink(m_path.c_str());
    ::close(m_fd);
    m_fd = -1;
}

} // namespace manifold::shim::posix
