#pragma once

// Small helpers shared by the unit and integration tests.

#include <QByteArray>
#include <QFile>
#include <QString>

#include <sys/stat.h>

namespace testsupport {

// Permission bits of path, 0 if it cannot be stat'ed.
inline mode_t modeOf(const QString &path)
{
    struct stat info = {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return 0;
    return info.st_mode & 07777;
}

// Process state letter from /proc/<pid>/stat, 0 if the process is gone.
inline char processState(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray line = file.readAll();
    const qsizetype close = line.lastIndexOf(')');
    return close >= 0 && close + 2 < line.size() ? line.at(close + 2) : 0;
}

// Running: present and not a zombie waiting to be reaped.
inline bool processRunning(qint64 pid)
{
    const char state = processState(pid);
    return state != 0 && state != 'Z' && state != 'X';
}

// True in a build with AddressSanitizer. Its quarantine delays reuse of freed memory (256 MiB by
// default), so a process's RSS grows with everything freed: memory bounds are checked in the
// plain build (dev) only.
constexpr bool underAddressSanitizer()
{
#if defined(__SANITIZE_ADDRESS__)
    return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return true;
#else
    return false;
#endif
#else
    return false;
#endif
}

// A memory field of /proc/<pid>/status (VmRSS, VmHWM, ...) in bytes, -1 if unknown; pid 0 is
// this process.
inline qint64 statusBytes(qint64 pid, const QByteArray &field)
{
    QFile status(pid == 0 ? QStringLiteral("/proc/self/status") : QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(field + ':'))
            return line.mid(field.size() + 1).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return -1;
}

// Restores an environment variable when the test ends, whatever it asserted.
class EnvGuard final
{
public:
    explicit EnvGuard(const char *name)
        : m_name(name), m_had(qEnvironmentVariableIsSet(name)), m_value(qgetenv(name))
    {
    }
    ~EnvGuard()
    {
        if (m_had)
            qputenv(m_name, m_value);
        else
            qunsetenv(m_name);
    }
    EnvGuard(const EnvGuard &) = delete;
    EnvGuard &operator=(const EnvGuard &) = delete;

private:
    const char *m_name;
    bool m_had;
    QByteArray m_value;
};

} // namespace testsupport
