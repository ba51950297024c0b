#include "childprocess.h"

#include "wire/process.h"

#include <limits>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <csignal>
#include <sys/types.h>
#include <unistd.h>
#endif
#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#endif
#ifdef Q_OS_WIN
#include "childprocess_win.h"
#endif

namespace manifold::platform {

void placeInOwnProcessGroup(QProcess &process)
{
#ifdef Q_OS_UNIX
    const pid_t broker = ::getpid();
    // Runs in the forked child before exec: async-signal-safe calls only.
    process.setChildProcessModifier([broker] {
        ::setpgid(0, 0);
#ifdef Q_OS_LINUX
        // Note: the death signal follows the *thread* that forked, so start children from a
        // long-lived thread (the broker's main thread).
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        // The broker may have died between fork() and prctl(); then no signal would ever come.
        if (::getppid() != broker)
            ::_exit(127);
#else
        Q_UNUSED(broker);
#endif
    });
#elif defined(Q_OS_WIN)
    placeInOwnJob(process);
#else
    Q_UNUSED(process);
#endif
}

#ifndef Q_OS_WIN
bool signalProcessGroup(qint64 pgid, int sig)
{
#ifdef Q_OS_UNIX
    // pgid <= 1 would address our own group or every process we may signal.
    if (pgid <= 1)
        return false;
    return ::kill(-pid_t(pgid), sig) == 0;
#else
    Q_UNUSED(pgid);
    Q_UNUSED(sig);
    return false;
#endif
}

bool processGroupAlive(qint64 pgid)
{
#ifdef Q_OS_UNIX
    if (pgid <= 1)
        return false;
    // EPERM: the group exists but holds a process we may not signal.
    return ::kill(-pid_t(pgid), 0) == 0 || errno == EPERM;
#else
    Q_UNUSED(pgid);
    return false;
#endif
}
#endif // !Q_OS_WIN

qint64 parseStartTimeFromStat(QByteArrayView statLine)
{
    // "pid (comm) state ppid ... starttime ...": comm is free text, so count fields from the
    // last ')'. The first field after it is field 3 (state); starttime is field 22.
    qsizetype pos = -1;
    for (qsizetype i = statLine.size() - 1; i >= 0; --i) {
        if (statLine.at(i) == ')') {
            pos = i + 1;
            break;
        }
    }
    if (pos < 0)
        return -1;

    constexpr int StartTimeField = 22;
    int field = 2;
    const qsizetype size = statLine.size();
    while (pos < size) {
        while (pos < size && statLine.at(pos) == ' ')
            ++pos;
        if (pos >= size)
            break;
        ++field;
        const qsizetype begin = pos;
        while (pos < size && statLine.at(pos) != ' ' && statLine.at(pos) != '\n')
            ++pos;
        if (field == StartTimeField) {
            if (pos == begin)
                return -1;
            qint64 value = 0;
            for (qsizetype i = begin; i < pos; ++i) {
                const char c = statLine.at(i);
                if (c < '0' || c > '9' || value > (std::numeric_limits<qint64>::max() - 9) / 10)
                    return -1;
                value = value * 10 + (c - '0');
            }
            return value;
        }
        if (pos < size && statLine.at(pos) == '\n')
            break;
    }
    return -1;
}

qint64 processStartTime(qint64 pid)
{
#ifdef Q_OS_LINUX
    if (pid <= 0)
        return -1;
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    return parseStartTimeFromStat(file.readAll());
#else
    Q_UNUSED(pid);
    return -1;
#endif
}

qint64 parentProcessId()
{
    return wire::parentProcessId();
}

QString processExecutable(qint64 pid)
{
    return QString::fromStdString(wire::processExecutable(pid));
}

qint64 processGroupRssKb(qint64 pgid)
{
#ifdef Q_OS_LINUX
    if (pgid <= 1)
        return -1;
    const long pageKb = ::sysconf(_SC_PAGESIZE) / 1024;
    qint64 total = 0;
    const QStringList pids =
        QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &pid : pids) {
        if (!pid.front().isDigit())
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        // Fields after the command: state(3) ppid(4) pgrp(5) ...
        const QByteArray line = stat.readAll();
        const qsizetype close = line.lastIndexOf(')');
        const QList<QByteArray> fields = line.mid(close + 2).split(' ');
        if (fields.size() < 3 || fields.at(2).toLongLong() != pgid)
            continue;
        QFile statm(QStringLiteral("/proc/%1/statm").arg(pid));
        if (statm.open(QIODevice::ReadOnly))
            total += statm.readAll().split(' ').value(1).toLongLong() * pageKb;
    }
    return total;
#else
    Q_UNUSED(pgid)
    return -1;
#endif
}

} // namespace manifold::platform
