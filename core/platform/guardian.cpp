#include "guardian.h"

#include <mutex>

#include <QByteArray>

#include "logging.h"

#ifdef Q_OS_UNIX
#include <cerrno>
#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#endif
#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#endif
#ifdef Q_OS_WIN
#include "childprocess_win.h"
#endif

namespace manifold::platform {

#ifdef Q_OS_UNIX

namespace {

// Broker side: the write end of the link to the watchdog, -1 when there is none.
std::mutex g_mutex;
int g_fd = -1;
pid_t g_pid = -1;

constexpr int MaxGroups = 1024;
constexpr int LinkFd = 3; // where the watchdog keeps its end of the link

// ---- Everything from here to runWatchdog() runs in the forked watchdog: async-signal-safe only.
// ----

bool groupAlive(pid_t pgid)
{
    return ::kill(-pgid, 0) == 0 || errno == EPERM;
}

void sleepMs(long ms)
{
    struct timespec step = {ms / 1000, (ms % 1000) * 1000 * 1000};
    while (::nanosleep(&step, &step) != 0 && errno == EINTR) {
    }
}

// Parses "+123" / "-123" into the table. Anything malformed is dropped: a bad line must never
// turn into a kill of something the broker did not name.
void applyLine(const char *line, int length, pid_t *groups, int *count)
{
    if (length < 2 || (line[0] != '+' && line[0] != '-'))
        return;
    long value = 0;
    for (int i = 1; i < length; ++i) {
        if (line[i] < '0' || line[i] > '9' || value > 100000000L)
            return;
        value = value * 10 + (line[i] - '0');
    }
    if (value <= 1)
        return;
    const pid_t pgid = pid_t(value);
    int found = -1;
    for (int i = 0; i < *count; ++i) {
        if (groups[i] == pgid) {
            found = i;
            break;
        }
    }
    if (line[0] == '+') {
        if (found < 0 && *count < MaxGroups)
            groups[(*count)++] = pgid;
    } else if (found >= 0) {
        groups[found] = groups[--(*count)];
    }
}

void closeInheritedFds(int maxFd)
{
#if defined(Q_OS_LINUX) && defined(SYS_close_range)
    if (::syscall(SYS_close_range, unsigned(LinkFd + 1), ~0U, 0U) == 0)
        return;
#endif
    for (int fd = LinkFd + 1; fd < maxFd; ++fd)
        ::close(fd);
}

[[noreturn]] void runWatchdog(int linkFd, int maxFd)
{
    // Own session: a Ctrl+C or SIGHUP aimed at the broker's terminal or group must not take us
    // along.
    ::setsid();
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT})
        ::sigaction(sig, &ignore, nullptr);
#ifdef Q_OS_LINUX
    ::prctl(PR_SET_PDEATHSIG, 0);
#endif
    if (::chdir("/") != 0) {
        // Harmless: only keeps the old working directory busy.
    }

    // Keep only the link (moved to fd 3) and /dev/null on 0-2: holding the broker's sockets or
    // a test harness's stdout pipe would keep them open after the broker is gone.
    if (linkFd < LinkFd + 1)
        linkFd = ::fcntl(linkFd, F_DUPFD, LinkFd + 1);
    if (linkFd < 0)
        ::_exit(1);
    const int nullFd = ::open("/dev/null", O_RDWR);
    if (nullFd >= 0) {
        ::dup2(nullFd, 0);
        ::dup2(nullFd, 1);
        ::dup2(nullFd, 2);
    }
    if (::dup2(linkFd, LinkFd) < 0)
        ::_exit(1);
    closeInheritedFds(maxFd);

    static pid_t groups[MaxGroups];
    int count = 0;
    char buffer[256];
    char line[32];
    int length = 0;
    bool overlong = false;
    for (;;) {
        const ssize_t n = ::read(LinkFd, buffer, sizeof(buffer));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; // EOF: every copy of the broker's end is closed, i.e. the broker is gone
        for (ssize_t i = 0; i < n; ++i) {
            const char c = buffer[i];
            if (c == '\n') {
                if (!overlong)
                    applyLine(line, length, groups, &count);
                length = 0;
                overlong = false;
            } else if (length < int(sizeof(line))) {
                line[length++] = c;
            } else {
                overlong = true;
            }
        }
    }

    for (int i = 0; i < count; ++i)
        ::kill(-groups[i], SIGTERM);
    // Up to ~1.5 s for a clean exit, then SIGKILL whatever is left.
    for (int step = 0; step < 30; ++step) {
        bool any = false;
        for (int i = 0; i < count && !any; ++i)
            any = groupAlive(groups[i]);
        if (!any)
            break;
        sleepMs(50);
    }
    for (int i = 0; i < count; ++i) {
        if (groupAlive(groups[i]))
            ::kill(-groups[i], SIGKILL);
    }
    ::_exit(0);
}

// ---- Broker side. ----

void setCloseOnExec(int fd)
{
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0)
        ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

void sendCommand(char op, qint64 pgid)
{
    if (pgid <= 1)
        return;
    const QByteArray message = op + QByteArray::number(pgid) + '\n';
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_fd < 0)
        return;
    qsizetype sent = 0;
    while (sent < message.size()) {
#ifdef MSG_NOSIGNAL
        const ssize_t n =
            ::send(g_fd, message.constData() + sent, size_t(message.size() - sent), MSG_NOSIGNAL);
#else
        const ssize_t n =
            ::send(g_fd, message.constData() + sent, size_t(message.size() - sent), 0);
#endif
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            // The watchdog died (someone killed it): carry on without it, and collect its zombie.
            qCWarning(lcPlatform) << "guardian process" << g_pid
                                  << "is gone; children will not be reaped if the broker crashes";
            ::close(g_fd);
            g_fd = -1;
            ::waitpid(g_pid, nullptr, WNOHANG);
            return;
        }
        sent += n;
    }
}

} // namespace

bool Guardian::start()
{
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_fd >= 0)
        return true;

    // A socketpair rather than a pipe: send(MSG_NOSIGNAL) reports a dead watchdog as EPIPE
    // without a process-wide SIGPIPE disposition that children would inherit.
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
        qCWarning(lcPlatform) << "guardian: socketpair failed:" << qt_error_string(errno);
        return false;
    }
    // Our end must stay in the broker alone; a child holding a copy would hide the broker's death.
    setCloseOnExec(fds[0]);
    setCloseOnExec(fds[1]);
#ifdef SO_NOSIGPIPE
    const int on = 1;
    ::setsockopt(fds[0], SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof(on));
#endif

    // Computed before fork(): getrlimit is not on the async-signal-safe list.
    int maxFd = 65536;
    struct rlimit limit = {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
        limit.rlim_cur < rlim_t(maxFd))
        maxFd = int(limit.rlim_cur);

    const pid_t pid = ::fork();
    if (pid < 0) {
        qCWarning(lcPlatform) << "guardian: fork failed:" << qt_error_string(errno);
        ::close(fds[0]);
        ::close(fds[1]);
        return false;
    }
    if (pid == 0) {
        ::close(fds[0]);
        runWatchdog(fds[1], maxFd);
    }
    ::close(fds[1]);
    ::shutdown(fds[0], SHUT_RD);
    g_fd = fds[0];
    g_pid = pid;
    qCDebug(lcPlatform) << "guardian started, pid" << pid;
    return true;
}

void Guardian::watch(qint64 pgid)
{
    sendCommand('+', pgid);
}

void Guardian::unwatch(qint64 pgid)
{
    sendCommand('-', pgid);
}

#else // !Q_OS_UNIX

bool Guardian::start()
{
#ifdef Q_OS_WIN
    // No watchdog process needed: a kill-on-close Job Object around the broker does the job.
    return bindChildrenToThisProcess();
#else
    return false;
#endif
}

void Guardian::watch(qint64 pgid)
{
    Q_UNUSED(pgid);
}

void Guardian::unwatch(qint64 pgid)
{
    Q_UNUSED(pgid);
}

#endif

} // namespace manifold::platform
