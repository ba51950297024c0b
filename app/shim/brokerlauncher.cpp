#include "brokerlauncher.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include "platform/runtimepaths.h"

#ifdef Q_OS_WIN
#include <QProcess>
#else
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

QString BrokerLauncher::brokerExecutable()
{
    const QString fromEnv = qEnvironmentVariable("MANIFOLD_BIN");
    if (!fromEnv.isEmpty())
        return fromEnv;
#ifdef Q_OS_WIN
    const QString sibling =
        QCoreApplication::applicationDirPath() + QStringLiteral("/manifold.exe");
#else
    const QString sibling = QCoreApplication::applicationDirPath() + QStringLiteral("/manifold");
#endif
    if (QFileInfo(sibling).isExecutable())
        return sibling;
    return QStandardPaths::findExecutable(QStringLiteral("manifold"));
}

bool BrokerLauncher::graphicalSession()
{
    const QString forced = qEnvironmentVariable("MANIFOLD_LAUNCH");
    if (forced == QLatin1String("headless"))
        return false;
    if (forced == QLatin1String("tray"))
        return true;
#if defined(Q_OS_WIN) || defined(Q_OS_MACOS)
    return true; // a desktop is always there
#else
    return qEnvironmentVariableIsSet("WAYLAND_DISPLAY") || qEnvironmentVariableIsSet("DISPLAY");
#endif
}

bool BrokerLauncher::launch(QString *error) const
{
    const QString program = brokerExecutable();
    if (program.isEmpty()) {
        *error = QStringLiteral("cannot find the manifold executable (set MANIFOLD_BIN)");
        return false;
    }
    if (!QFileInfo(program).isExecutable()) {
        *error = QStringLiteral("%1 is not an executable file (check MANIFOLD_BIN)").arg(program);
        return false;
    }
#ifdef Q_OS_WIN
    // Detached (no console of the client's, outlives the shim), output to the log beside the pipe.
    QProcess process;
    process.setProgram(program);
    process.setArguments(
        {graphicalSession() ? QStringLiteral("--minimized") : QStringLiteral("--headless"),
         QStringLiteral("--socket"), m_socketPath});
    process.setStandardInputFile(QProcess::nullDevice());
    const QString logPath = manifold::platform::sidecarPath(m_socketPath, QStringLiteral(".log"));
    process.setStandardOutputFile(logPath, QIODevice::Append);
    process.setStandardErrorFile(logPath, QIODevice::Append);
    if (!process.startDetached()) {
        *error = QStringLiteral("could not start %1: %2").arg(program, process.errorString());
        return false;
    }
    return true;
#else
    // Everything the forked children need is prepared before fork(): after it, only
    // async-signal-safe calls.
    const QByteArray programBytes = program.toLocal8Bit();
    const QByteArray socketBytes = m_socketPath.toLocal8Bit();
    const QByteArray logPath =
        QFile::encodeName(manifold::platform::sidecarPath(m_socketPath, QStringLiteral(".log")));
    // With a desktop session the tray app (minimised) hosts the broker, so the user sees it.
    const char *mode = graphicalSession() ? "--minimized" : "--headless";
    const char *argv[] = {programBytes.constData(), mode, "--socket", socketBytes.constData(),
                          nullptr};
    const long maxFd = ::sysconf(_SC_OPEN_MAX) > 0 ? ::sysconf(_SC_OPEN_MAX) : 1024;

    const pid_t first = ::fork();
    if (first < 0) {
        *error =
            QStringLiteral("fork failed: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    if (first == 0) {
        ::setsid(); // out of the client's session and process group
        const pid_t second = ::fork();
        if (second != 0)
            ::_exit(second < 0 ? 1 : 0);
        const int null = ::open("/dev/null", O_RDWR);
        const int log = ::open(logPath.constData(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        ::dup2(null, 0);
        ::dup2(log >= 0 ? log : null, 1);
        ::dup2(log >= 0 ? log : null, 2);
        if (::close_range(3, ~0U, 0) != 0) {
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
        *error = QStringLiteral("could not detach the broker process");
        return false;
    }
    return true;
#endif
}
