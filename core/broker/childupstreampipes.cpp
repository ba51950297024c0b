// ChildUpstream's own pipes to the child's stdin and stdout (Unix): one write per message and
// reads straight into the line buffer, instead of QProcess's buffered channels.
#include "childupstream.h"

#include <QSocketNotifier>

#include <csignal>
#include <limits>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>
#endif

namespace manifold {

namespace {
#ifdef Q_OS_UNIX
// A close-on-exec pipe; the child gets its end by dup2 in QProcess's child modifier, and the one
// end named by nonBlockingEnd (0 read, 1 write: ours) is made non-blocking.
bool openPipe(int fds[2], int nonBlockingEnd)
{
#ifdef Q_OS_LINUX
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return false;
#else
    if (::pipe(fds) != 0)
        return false;
    ::fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    ::fcntl(fds[1], F_SETFD, FD_CLOEXEC);
#endif
    // Only our end: the two ends are separate open files.
    const int ours = fds[nonBlockingEnd];
    ::fcntl(ours, F_SETFL, ::fcntl(ours, F_GETFL) | O_NONBLOCK);
    return true;
}

// In the child, after QProcess has set up its channels (and after any modifier set before, the
// process group's), childFd becomes target; the copy is not close-on-exec.
void redirectInChild(QProcess &process, int childFd, int target)
{
    const std::function<void()> previous = process.childProcessModifier();
    process.setChildProcessModifier([previous, childFd, target] {
        if (previous)
            previous();
        ::dup2(childFd, target);
    });
}
#endif
} // namespace

bool ChildUpstream::openStdoutPipe()
{
#ifdef Q_OS_UNIX
    int fds[2];
    if (!openPipe(fds, 0))
        return false;
    m_stdoutFd = fds[0];
    m_stdoutChildFd = fds[1];
    m_process->setStandardOutputFile(QProcess::nullDevice());
    redirectInChild(*m_process, m_stdoutChildFd, STDOUT_FILENO);
    m_stdoutNotifier = new QSocketNotifier(qintptr(m_stdoutFd), QSocketNotifier::Read, this);
    connect(m_stdoutNotifier, &QSocketNotifier::activated, this, &ChildUpstream::onStdout);
    return true;
#else
    return false;
#endif
}

void ChildUpstream::closeStdout()
{
#ifdef Q_OS_UNIX
    m_stdoutMore = false;
    if (m_stdoutFd < 0)
        return;
    delete std::exchange(m_stdoutNotifier, nullptr);
    ::close(std::exchange(m_stdoutFd, -1));
#endif
}

void ChildUpstream::readStdout()
{
#ifdef Q_OS_UNIX
    m_stdoutMore = false;
    // A few reads at most: a child that writes without pause must not keep the loop from
    // everything else (the notifier fires again for the rest).
    constexpr int MaxReads = 16;
    char chunk[64 * 1024];
    for (int i = 0; i < MaxReads && m_stdoutFd >= 0; ++i) {
        ssize_t got;
        do {
            got = ::read(m_stdoutFd, chunk, sizeof chunk);
        } while (got < 0 && errno == EINTR);
        if (got > 0) {
            m_stdout.append(QByteArrayView(chunk, got));
            if (got < ssize_t(sizeof chunk))
                return;   // drained: another read would only say EAGAIN
            m_stdoutMore = true;
            continue;
        }
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            m_stdoutMore = false;
            return;
        }
        // End of file (every holder of the write end is gone) or an error: nothing more comes.
        closeStdout();
    }
#endif
}

bool ChildUpstream::openStdinPipe()
{
#ifdef Q_OS_UNIX
    int fds[2];
    if (!openPipe(fds, 1))
        return false;
    // What QProcess does before its first write: a child that is gone must not kill the broker.
    struct sigaction current = {};
    if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
        struct sigaction ignore = {};
        ignore.sa_handler = SIG_IGN;
        ::sigaction(SIGPIPE, &ignore, nullptr);
    }
    m_stdinChildFd = fds[0];
    m_stdinFd = fds[1];
    // QProcess makes no pipe of its own; the pipe's read end replaces its /dev/null in the child.
    m_process->setStandardInputFile(QProcess::nullDevice());
    redirectInChild(*m_process, m_stdinChildFd, STDIN_FILENO);
    m_stdinNotifier = new QSocketNotifier(qintptr(m_stdinFd), QSocketNotifier::Write, this);
    m_stdinNotifier->setEnabled(false);
    connect(m_stdinNotifier, &QSocketNotifier::activated, this, &ChildUpstream::onStdinWritable);
    return true;
#else
    return false;
#endif
}

void ChildUpstream::writeStdin(const QByteArray &data, bool withNewline)
{
#ifdef Q_OS_UNIX
    static const QByteArray newline = QByteArrayLiteral("\n");
    if (m_stdinPending.isEmpty()) {
        // One system call for the data and its newline; whatever the pipe does not take waits.
        struct iovec parts[2] = {{const_cast<char *>(data.constData()), size_t(data.size())},
                                 {const_cast<char *>("\n"), 1}};
        ssize_t written;
        do {
            written = ::writev(m_stdinFd, parts, withNewline ? 2 : 1);
        } while (written < 0 && errno == EINTR);
        if (written < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                return;   // the child closed its stdin or is gone: finished() tells the rest
            written = 0;
        }
        if (written < data.size())
            m_stdinPending.append(data, written);   // shared, not copied: it exists once
        if (withNewline && written <= data.size())
            m_stdinPending.append(newline);
        if (!m_stdinPending.isEmpty())
            m_stdinNotifier->setEnabled(true);
        return;
    }
    // Behind what already waits.
    m_stdinPending.append(data);
    if (withNewline)
        m_stdinPending.append(newline);
#else
    Q_UNUSED(data);
    Q_UNUSED(withNewline);
#endif
}

void ChildUpstream::onStdinWritable()
{
#ifdef Q_OS_UNIX
    constexpr int MaxParts = 16;
    struct iovec parts[MaxParts];
    qint64 offered = 0;
    const int count =
        m_stdinPending.gather(parts, MaxParts, std::numeric_limits<qint64>::max(), &offered);
    ssize_t written;
    do {
        written = ::writev(m_stdinFd, parts, count);
    } while (written < 0 && errno == EINTR);
    if (written < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        m_stdinPending.clear();   // gone: nothing more will be read
    else if (written > 0)
        m_stdinPending.consume(written);
    if (!m_stdinPending.isEmpty())
        return;
    m_stdinNotifier->setEnabled(false);
    if (m_closeStdinWhenWritten)
        closeStdin();
#endif
}

void ChildUpstream::closeStdin()
{
#ifdef Q_OS_UNIX
    if (m_stdinFd < 0)
        return;
    delete std::exchange(m_stdinNotifier, nullptr);
    ::close(std::exchange(m_stdinFd, -1));
    m_stdinPending.clear();
    m_stdinBatch = QByteArray();
    m_closeStdinWhenWritten = false;
#endif
}

} // namespace manifold
