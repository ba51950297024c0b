#include "posixhost.h"

#include "../shimcore.h"
#include "brokerlauncher.h"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "wire/process.h"
#include "wire/rendezvous.h"

namespace manifold::shim::posix {

namespace {

constexpr size_t ChunkBytes = 64 * 1024;
char g_chunk[ChunkBytes]; // one read at a time, on the one thread

#ifdef MSG_NOSIGNAL
constexpr int SendFlags = MSG_NOSIGNAL;
#else
constexpr int SendFlags = 0; // SIGPIPE is ignored process-wide anyway
#endif

// Where QLocalSocket (which the broker listens with) looks for a name: an absolute path as given,
// anything else under the temp dir (QDir::tempPath(): $TMPDIR, else /tmp).
std::string socketAddress(const std::string &endpoint)
{
    if (!endpoint.empty() && endpoint[0] == '/')
        return endpoint;
    const char *tmp = std::getenv("TMPDIR");
    std::string dir = tmp && *tmp ? wire::cleanPath(tmp) : std::string("/tmp");
    if (dir.size() > 1 && dir.back() == '/')
        dir.pop_back();
    return dir + '/' + endpoint;
}

// The peer's uid, or -1 when the system cannot say.
int64_t peerUid(int fd)
{
#if defined(__linux__)
    struct ucred cred = {};
    socklen_t length = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0 || length != sizeof cred)
        return -1;
    return int64_t(cred.uid);
#else
    uid_t uid = 0;
    gid_t gid = 0;
    if (::getpeereid(fd, &uid, &gid) != 0)
        return -1;
    return int64_t(uid);
#endif
}

void setNonBlocking(int fd, bool on)
{
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0)
        ::fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK);
}

} // namespace

PosixHost::PosixHost() = default;

PosixHost::~PosixHost()
{
    dropBroker();
}

int PosixHost::run(ShimCore &core)
{
    core.start();
    while (!m_exited) {
        pollfd fds[2];
        nfds_t count = 0;
        int stdinIndex = -1;
        int brokerIndex = -1;
        if (m_stdinOpen) {
            stdinIndex = int(count);
            fds[count++] = pollfd{STDIN_FILENO, POLLIN, 0};
        }
        if (m_broker >= 0) {
            brokerIndex = int(count);
            const short events = short(POLLIN | (m_brokerOut.empty() ? 0 : POLLOUT));
            fds[count++] = pollfd{m_broker, events, 0};
        }
        int timeout = -1;
        if (m_timerArmed) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  m_deadline - Clock::now())
                                  .count();
            timeout = left > 0 ? int(left) : 0;
        }
        const int ready = ::poll(fds, count, timeout);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            return 1;
        }
        const unsigned generation = m_brokerGeneration;
        if (brokerIndex >= 0 && (fds[brokerIndex].revents & POLLOUT))
            flushBroker();
        if (brokerIndex >= 0 && (fds[brokerIndex].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) &&
            generation == m_brokerGeneration && !m_exited)
            readBroker(core);
        if (stdinIndex >= 0 && (fds[stdinIndex].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) &&
            !m_exited)
            readStdin(core);
        if (m_timerArmed && !m_exited && Clock::now() >= m_deadline) {
            m_timerArmed = false;
            core.timerFired();
        }
    }
    return m_exitCode;
}

void PosixHost::readStdin(ShimCore &core)
{
    const ssize_t n = ::read(STDIN_FILENO, g_chunk, ChunkBytes);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        m_stdinOpen = false;
        core.clientEof();
        return;
    }
    core.clientBytes(std::string_view(g_chunk, size_t(n)));
}

void PosixHost::readBroker(ShimCore &core)
{
    const unsigned generation = m_brokerGeneration;
    // What is there now, in chunks, until the socket is empty (or the core moved on).
    for (int round = 0; round < 16 && generation == m_brokerGeneration && !m_exited; ++round) {
        const ssize_t n = ::recv(m_broker, g_chunk, ChunkBytes, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            dropBroker();
            core.brokerEof();
            return;
        }
        core.brokerBytes(std::string_view(g_chunk, size_t(n)));
        if (size_t(n) < ChunkBytes)
            return;
    }
}

bool PosixHost::writeStdout(std::string_view bytes)
{
    const char *data = bytes.data();
    size_t size = bytes.size();
    while (size > 0) {
        const ssize_t n = ::write(STDOUT_FILENO, data, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                // A non-blocking stdout (set by whoever shares it): wait as a blocking write would.
                pollfd out{STDOUT_FILENO, POLLOUT, 0};
                ::poll(&out, 1, -1);
                continue;
            }
            return false;
        }
        data += n;
        size -= size_t(n);
    }
    return true;
}

void PosixHost::writeStderr(std::string_view text)
{
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(STDERR_FILENO, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        done += size_t(n);
    }
}

ConnectOutcome PosixHost::connectBroker(const std::string &endpoint)
{
    dropBroker();
    ConnectOutcome outcome;
    const std::string address = socketAddress(endpoint);
    sockaddr_un addr = {};
    addr.sun_family = AF_UNIX;
    if (address.size() >= sizeof addr.sun_path) {
        outcome.error = "socket path too long";
        return outcome;
    }
    std::memcpy(addr.sun_path, address.c_str(), address.size() + 1);
#ifdef SOCK_CLOEXEC
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
#else
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd >= 0)
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
#endif
    if (fd < 0) {
        outcome.error = std::strerror(errno);
        return outcome;
    }
#ifdef SO_NOSIGPIPE
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
    // A Unix socket connect completes or fails at once; the socket is made non-blocking after.
    int result;
    do {
        result = ::connect(fd, reinterpret_cast<const sockaddr *>(&addr), sizeof addr);
    } while (result != 0 && errno == EINTR);
    if (result != 0) {
        const int error = errno;
        ::close(fd);
        outcome.status = error == EAGAIN ? ConnectOutcome::Status::Busy
                                         : ConnectOutcome::Status::Failed;
        outcome.error = std::strerror(error);
        return outcome;
    }
    const int64_t uid = peerUid(fd);
    if (uid >= 0 && uid != int64_t(::getuid())) {
        ::close(fd);
        outcome.status = ConnectOutcome::Status::OtherUser;
        outcome.peerUid = uid;
        return outcome;
    }
    setNonBlocking(fd, true);
    m_broker = fd;
    ++m_brokerGeneration;
    outcome.status = ConnectOutcome::Status::Connected;
    return outcome;
}

void PosixHost::writeBroker(std::string_view bytes)
{
    if (m_broker < 0 || bytes.empty())
        return;
    if (!m_brokerOut.empty()) {
        m_brokerOut.append(bytes);
        return;
    }
    // Written now rather than on the next loop pass: one write per read (latency is what the
    // client feels). What the broker does not take waits for POLLOUT.
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::send(m_broker, bytes.data() + done, bytes.size() - done, SendFlags);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n < 0)
            return; // gone: its EOF comes through the read side
        done += size_t(n);
    }
    m_brokerOut.append(bytes.substr(done));
}

bool PosixHost::flushBroker()
{
    size_t done = 0;
    bool alive = true;
    while (done < m_brokerOut.size()) {
        const ssize_t n =
            ::send(m_broker, m_brokerOut.data() + done, m_brokerOut.size() - done, SendFlags);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n < 0) {
            alive = false;
            done = m_brokerOut.size(); // nobody will take these
            break;
        }
        done += size_t(n);
    }
    m_brokerOut.consume(done);
    if (m_brokerOut.empty())
        m_brokerOut.reset();
    return alive;
}

void PosixHost::closeBroker(bool flush)
{
    if (m_broker < 0)
        return;
    // Deliver what is queued; what the broker sends meanwhile is read and dropped, so that it is
    // never stuck writing to us while we wait for it to read.
    while (flush && !m_brokerOut.empty()) {
        pollfd fd{m_broker, short(POLLIN | POLLOUT), 0};
        if (::poll(&fd, 1, -1) < 0 && errno != EINTR)
            break;
        if (fd.revents & POLLOUT) {
            if (!flushBroker())
                break;
        }
        if (fd.revents & (POLLIN | POLLHUP | POLLERR)) {
            const ssize_t n = ::recv(m_broker, g_chunk, ChunkBytes, 0);
            if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK))
                break;
        }
    }
    dropBroker();
}

void PosixHost::dropBroker()
{
    if (m_broker < 0)
        return;
    ::close(m_broker);
    m_broker = -1;
    ++m_brokerGeneration;
    m_brokerOut.release();
}

bool PosixHost::fileExists(const std::string &path)
{
    struct stat info;
    return ::stat(path.c_str(), &info) == 0;
}

void PosixHost::makePath(const std::string &dir)
{
    const std::string clean = wire::cleanPath(dir);
    for (size_t slash = clean.find('/', 1); ; slash = clean.find('/', slash + 1)) {
        const std::string prefix = clean.substr(0, slash);
        if (!prefix.empty())
            ::mkdir(prefix.c_str(), 0777);
        if (slash == std::string::npos)
            break;
    }
}

bool PosixHost::ensurePrivateDirectory(const std::string &dir, std::string *error)
{
    return wire::ensurePrivateDirectory(dir, error);
}

bool PosixHost::tryLaunchLock(const std::string &path)
{
    return m_launchLock.tryLock(path);
}

void PosixHost::releaseLaunchLock()
{
    m_launchLock.release();
}

bool PosixHost::startBroker(const std::string &socketPath, std::string *error)
{
    return BrokerLauncher(socketPath).launch(error);
}

void PosixHost::armTimer(int ms)
{
    m_timerArmed = true;
    m_deadline = Clock::now() + std::chrono::milliseconds(ms);
}

void PosixHost::cancelTimer()
{
    m_timerArmed = false;
}

void PosixHost::exit(int code)
{
    m_exited = true;
    m_exitCode = code;
}

ProcessFacts PosixHost::processFacts()
{
    if (m_factsKnown)
        return m_facts;
    m_facts.pid = ::getpid();
    m_facts.ppid = wire::parentProcessId();
    m_facts.parentExe = wire::processExecutable(m_facts.ppid);
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd))
        m_facts.cwd = cwd;
    m_factsKnown = true;
    return m_facts;
}

} // namespace manifold::shim::posix
