#include "brokerlauncher.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef __APPLE__
#include <mach-o/dyld.h>
#endif

namespace manifold::shim::posix {

namespace {

bool isExecutableFile(const std::string &path)
{
    struct stat info;
    return !path.empty() && ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
           ::access(path.c_str(), X_OK) == 0;
}

// The directory this executable lives in (symlinks resolved), as Qt's applicationDirPath().
std::string ownDirectory()
{
    char resolved[PATH_MAX];
#ifdef __APPLE__
    char raw[PATH_MAX];
    uint32_t size = sizeof raw;
    if (::_NSGetExecutablePath(raw, &size) != 0 || !::realpath(raw, resolved))
        return {};
#else
    const ssize_t n = ::readlink("/proc/self/exe", resolved, sizeof resolved - 1);
    if (n <= 0)
        return {};
    resolved[n] = '\0';
#endif
    std::string path(resolved);
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string findOnPath(const char *name)
{
    const char *path = std::getenv("PATH");
    if (!path)
        return {};
    const std::string dirs(path);
    size_t start = 0;
    while (start <= dirs.size()) {
        size_t end = dirs.find(':', start);
        if (end == std::string::npos)
            end = dirs.size();
        const std::string dir = dirs.substr(start, end - start);
        if (!dir.empty() && dir[0] == '/') {
            const std::string candidate = dir + '/' + name;
            if (isExecutableFile(candidate))
                return candidate;
        }
        start = end + 1;
    }
    return {};
}

} // namespace

std::string BrokerLauncher::brokerExecutable()
{
    const char *fromEnv = std::getenv("MANIFOLD_BIN");
    if (fromEnv && *fromEnv)
        return fromEnv;
    const std::string dir = ownDirectory();
    if (!dir.empty() && isExecutableFile(dir + "/manifold"))
        return dir + "/manifold";
    return findOnPath("manifold");
}

bool BrokerLauncher::graphicalSession()
{
    const char *forced = std::getenv("MANIFOLD_LAUNCH");
    const std::string mode = forced ? forced : "";
    if (mode == "headless")
        return false;
    if (mode == "tray")
        return true;
#ifdef __APPLE__
    return true; // a desktop is always there
#else
    return std::getenv("WAYLAND_DISPLAY") || std::getenv("DISPLAY");
#endif
}

bool BrokerLauncher::launch(std::string *error) const
{
    const std::string program = brokerExecutable();
    if (program.empty()) {
        *error = "cannot find the manifold executable (set MANIFOLD_BIN)";
        return false;
    }
    if (::access(program.c_str(), X_OK) != 0) {
        *error = program + " is not an executable file (check MANIFOLD_BIN)";
        return false;
    }
    // Everything the forked children need is prepared before fork(): after it, only
    // async-signal-safe calls.
    const std::string logPath = m_socketPath + ".log";
    // With a desktop session the tray app (minimised) hosts the broker, so the user sees it.
    const char *mode = graphicalSession() ? "--minimized" : "--headless";
    const char *argv[] = {program.c_str(), mode, "--socket", m_socketPath.c_str(), nullptr};
    const long openMax = ::sysconf(_SC_OPEN_MAX);
    const long maxFd = openMax > 0 ? openMax : 1024;

    const pid_t first = ::fork();
    if (first < 0) {
        *error = std::string("fork failed: ") + std::strerror(errno);
        return false;
    }
    if (first == 0) {
        ::setsid(); // out of the client's session and process group
        const pid_t second = ::fork();
        if (second != 0)
            ::_exit(second < 0 ? 1 : 0);
        const int null = ::open("/dev/null", O_RDWR);
        const int log = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        ::dup2(null, 0);
        ::dup2(log >= 0 ? log : null, 1);
        ::dup2(log >= 0 ? log : null, 2);
#if defined(__linux__) && defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
        const bool closed = ::close_range(3, ~0U, 0) == 0;
#else
        const bool closed = false;
#endif
        if (!closed) {
            for (long fd = 3; fd < maxFd && fd < 65536; ++fd)
                ::close(int(fd));
        }
        ::execv(argv[0], const_cast<char *const *>(argv));
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(first, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        *error = "could not detach the broker process";
        return false;
    }
    return true;
}

} // namespace manifold::shim::posix
