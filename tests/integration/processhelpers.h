#pragma once

// The real binaries driven as processes: a client talking to manifold-shim over its stdio,
// `manifold --headless`, and /proc views of what is left running.

#include "testsupport.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QLockFile>
#include <QProcess>
#include <QTest>

#include <algorithm>
#include <csignal>
#include <optional>

namespace processhelpers {

struct CtlResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

// Runs manifoldctl while the in-process broker keeps serving (no blocking wait).
inline CtlResult runCtl(const QString &socketPath, const QStringList &args)
{
    QProcess process;
    process.start(QStringLiteral(MANIFOLDCTL_PATH), QStringList{QStringLiteral("--socket"), socketPath} + args);
    (void)QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, 15000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
            process.readAllStandardError()};
}

// A client process driven from the test: stdin writes, stdout/stderr collected as they come.
class ClientProcess
{
public:
    explicit ClientProcess(const QStringList &args, const QProcessEnvironment &env =
                                                        QProcessEnvironment::systemEnvironment())
    {
        m_process.setProcessEnvironment(env);
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput,
                         [this] { m_out += m_process.readAllStandardOutput(); });
        QObject::connect(&m_process, &QProcess::readyReadStandardError,
                         [this] { m_err += m_process.readAllStandardError(); });
        m_process.start(QStringLiteral(MANIFOLD_SHIM_PATH), args);
    }
    ~ClientProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(2000);
        }
    }
    void write(const QByteArray &bytes) { m_process.write(bytes); }
    QByteArray &out() { return m_out; }
    QByteArray &err() { return m_err; }
    QProcess &process() { return m_process; }
    std::optional<QJsonObject> waitForLineWith(const QByteArray &needle, int timeoutMs = 15000)
    {
        std::optional<QJsonObject> found;
        (void)QTest::qWaitFor(
            [&] {
                for (const QByteArray &line : m_out.split('\n')) {
                    if (line.contains(needle)) {
                        found = QJsonDocument::fromJson(line).object();
                        return true;
                    }
                }
                return false;
            },
            timeoutMs);
        return found;
    }
    // Every complete line the shim wrote, parsed.
    QList<QJsonObject> lines() const
    {
        QList<QJsonObject> parsed;
        const QList<QByteArray> raw = m_out.split('\n');
        for (qsizetype i = 0; i + 1 < raw.size(); ++i)
            parsed.append(QJsonDocument::fromJson(raw.at(i)).object());
        return parsed;
    }
    bool waitForExit(int timeoutMs = 5000)
    {
        return QTest::qWaitFor([this] { return m_process.state() == QProcess::NotRunning; },
                               timeoutMs);
    }

private:
    QProcess m_process;
    QByteArray m_out;
    QByteArray m_err;
};

inline QByteArray initializeLine(const QByteArray &id)
{
    return R"({"jsonrpc":"2.0","id":)" + id +
           R"(,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"proc","version":"2"}}})"
           "\n";
}

// The environment of a shim that may start a broker itself: the test's build of `manifold`,
// headless, with the test's own config dir (never the user's).
inline QProcessEnvironment shimEnvironment(const QString &configDir)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MANIFOLD_BIN"), QStringLiteral(MANIFOLD_PATH));
    env.insert(QStringLiteral("MANIFOLD_CONFIG_DIR"), configDir);
    env.insert(QStringLiteral("MANIFOLD_LAUNCH"), QStringLiteral("headless"));
    return env;
}

// `manifold --headless` as a separate process on a private socket.
class HeadlessBroker
{
public:
    HeadlessBroker(const QString &socketPath, const QString &configDir)
    {
        m_process.setProgram(QStringLiteral(MANIFOLD_PATH));
        m_process.setArguments({QStringLiteral("--headless"), QStringLiteral("--socket"),
                                socketPath, QStringLiteral("--config-dir"), configDir});
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_socketPath = socketPath;
    }
    ~HeadlessBroker()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(8000))
                m_process.kill();
            m_process.waitForFinished(2000);
        }
    }
    bool start()
    {
        m_process.start();
        return QTest::qWaitFor(
            [&] {
                QLocalSocket probe;
                probe.connectToServer(m_socketPath);
                return probe.waitForConnected(100);
            },
            10000);
    }
    QProcess &process() { return m_process; }

private:
    QProcess m_process;
    QString m_socketPath;
};

// Pid of the broker holding the lock of socketPath (QLockFile info), 0 if none is recorded.
inline qint64 brokerLockHolder(const QString &socketPath)
{
    QLockFile lock(socketPath + QStringLiteral(".lock"));
    qint64 pid = 0;
    QString host;
    QString app;
    return lock.getLockInfo(&pid, &host, &app) ? pid : 0;
}

// Live descendants of pid (children, grandchildren, ...), from /proc.
inline QList<qint64> descendantsOf(qint64 pid)
{
    QMultiHash<qint64, qint64> children;
    const QStringList entries =
        QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 child = entry.toLongLong(&numeric);
        if (!numeric || !testsupport::processRunning(child))
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(child));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1)
            children.insert(fields.at(1).toLongLong(), child);
    }
    QList<qint64> found;
    QList<qint64> queue{pid};
    while (!queue.isEmpty()) {
        const QList<qint64> next = children.values(queue.takeFirst());
        found += next;
        queue += next;
    }
    return found;
}

// Live processes whose command line contains every needle.
inline QList<qint64> processesWithCommandLine(const QStringList &needles)
{
    QList<qint64> found;
    const QStringList entries =
        QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric || !testsupport::processRunning(pid))
            continue;
        QFile file(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QString cmdline = QString::fromLocal8Bit(file.readAll().replace('\0', ' '));
        if (std::all_of(needles.cbegin(), needles.cend(),
                        [&](const QString &n) { return cmdline.contains(n); }))
            found.append(pid);
    }
    return found;
}

// SIGTERMs a broker a shim started (not a child of the test) and waits until it is gone.
inline bool stopDetachedBroker(qint64 pid, int timeoutMs = 10000)
{
    if (pid <= 0 || !testsupport::processRunning(pid))
        return true;
    ::kill(pid_t(pid), SIGTERM);
    if (QTest::qWaitFor([pid] { return !testsupport::processRunning(pid); }, timeoutMs))
        return true;
    ::kill(pid_t(pid), SIGKILL);
    return QTest::qWaitFor([pid] { return !testsupport::processRunning(pid); }, 3000);
}

} // namespace processhelpers
