#include "brokerlauncher.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QStandardPaths>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

QString BrokerLauncher::brokerExecutable()
{
    const QString fromEnv = qEnvironmentVariable("MANIFOLD_BIN");
    if (!fromEnv.isEmpty())
        return fromEnv;
    const QString sibling = QCoreApplication::applicationDirPath() + QStringLiteral("/manifold");
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
    return qEnvironmentVariableIsSet("WAYLAND_DISPLAY") || qEnvironmentVariableIsSet("DISPLAY");
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
    // Everything the forked children need is prepared before fork(): after it, only
    // async-signal-safe calls.
    const QByteArray programBytes = program.toLocal8Bit();
    const QByteArray socketBytes = m_socketPath.toLocal8Bit();
    const QByteArray logPath = socketBytes + ".log";
    // With a desktop session the tray app (minimised) hosts the broker, so the user sees it.
    const char *mode = graphicalSession() ? "--minimized" : "--headless";
    const char *argv[] = {programBytes.constData(), mode, "--socket", socketBytes.constData(), nullptr};
    const long maxFd = ::sysconf(_SC_OPEN_MAX) > 0 ? ::sysconf(_SC_OPEN_MAX) : 1024;

    const pid_t first = ::fork();
    if (first < 0) {
        *error = QStringLiteral("fork failed: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    if (first == 0) {
        ::setsid();   // out of the client's session and process group
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
}
