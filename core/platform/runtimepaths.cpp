#include "runtimepaths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "logging.h"
#include "peercredentials.h"

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace manifold::platform {

Q_LOGGING_CATEGORY(lcPlatform, "manifold.platform")

namespace {

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

const QString PipePrefix = QStringLiteral("\\\\.\\pipe\\");

bool isPipeName(const QString &socketPath)
{
#ifdef Q_OS_WIN
    return socketPath.startsWith(PipePrefix, Qt::CaseInsensitive) ||
           !socketPath.contains(QLatin1Char('/'));
#else
    Q_UNUSED(socketPath);
    return false;
#endif
}

} // namespace

QString runtimeDir()
{
#ifdef Q_OS_WIN
    return QDir::tempPath() + QStringLiteral("/manifold");
#else
    const QString xdg = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!xdg.isEmpty() && QFileInfo(xdg).isDir())
        return QDir::cleanPath(xdg) + QStringLiteral("/manifold");
    // The uid in the name keeps users of a shared /tmp apart; ensurePrivateDirectory() checks
    // ownership.
    return QDir::tempPath() + QStringLiteral("/manifold-%1").arg(currentUid());
#endif
}

QString defaultSocketPath()
{
#ifdef Q_OS_WIN
    QString user = qEnvironmentVariable("USERNAME", QStringLiteral("user"));
    user.replace(QLatin1Char('\\'), QLatin1Char('_'));
    return PipePrefix + QStringLiteral("manifold-") + user;
#else
    return runtimeDir() + QStringLiteral("/broker.sock");
#endif
}

QString sidecarPath(const QString &socketPath, const QString &suffix)
{
    if (!isPipeName(socketPath))
        return socketPath + suffix;
    QString name = socketPath;
    if (name.startsWith(PipePrefix, Qt::CaseInsensitive))
        name = name.mid(PipePrefix.size());
    return runtimeDir() + QLatin1Char('/') + name + suffix;
}

QString socketDirectory(const QString &socketPath)
{
    return isPipeName(socketPath) ? runtimeDir() : QFileInfo(socketPath).absolutePath();
}

bool ensurePrivateDirectory(const QString &dir, QString *error)
{
    if (dir.isEmpty())
        return fail(error, QStringLiteral("empty directory path"));
    if (!QDir().mkpath(dir))
        return fail(error, QStringLiteral("cannot create directory %1").arg(dir));
#ifdef Q_OS_UNIX
    const QByteArray native = QFile::encodeName(QDir::cleanPath(dir));
    struct stat info;
    // lstat: in a shared /tmp someone else could have planted a symlink to a dir they control.
    if (::lstat(native.constData(), &info) != 0)
        return fail(error, QStringLiteral("cannot inspect %1: %2")
                               .arg(dir, QString::fromLocal8Bit(std::strerror(errno))));
    if (S_ISLNK(info.st_mode))
        return fail(error, QStringLiteral("%1 is a symbolic link; refusing to use it").arg(dir));
    if (!S_ISDIR(info.st_mode))
        return fail(error, QStringLiteral("%1 is not a directory").arg(dir));
    if (info.st_uid != ::getuid())
        return fail(error, QStringLiteral("%1 is owned by uid %2, not by us (uid %3)")
                               .arg(dir)
                               .arg(info.st_uid)
                               .arg(::getuid()));
    if ((info.st_mode & 07777) != 0700 && ::chmod(native.constData(), 0700) != 0)
        return fail(error, QStringLiteral("cannot make %1 private: %2")
                               .arg(dir, QString::fromLocal8Bit(std::strerror(errno))));
#endif
    return true;
}

} // namespace manifold::platform
