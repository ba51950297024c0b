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

} // namespace

QString runtimeDir()
{
    const QString xdg = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!xdg.isEmpty() && QFileInfo(xdg).isDir())
        return QDir::cleanPath(xdg) + QStringLiteral("/manifold");
    // The uid in the name keeps users of a shared /tmp apart; ensurePrivateDirectory() checks
    // ownership.
    return QDir::tempPath() + QStringLiteral("/manifold-%1").arg(currentUid());
}

QString defaultSocketPath()
{
    return runtimeDir() + QStringLiteral("/broker.sock");
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
