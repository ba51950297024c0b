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

#ifdef Q_OS_MACOS
#include <climits>
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

QString rendezvousDirectory(const RendezvousInputs &inputs)
{
    if (!inputs.darwinUserTempDir.isEmpty())
        return QDir::cleanPath(inputs.darwinUserTempDir) + QStringLiteral("/manifold");
    const QString root = inputs.root.isEmpty() ? QString() : QDir::cleanPath(inputs.root);
    const QString userRun = root + QStringLiteral("/run/user/%1").arg(inputs.uid);
    if (inputs.isPrivateUserDirectory && inputs.isPrivateUserDirectory(userRun, inputs.uid))
        return userRun + QStringLiteral("/manifold");
    // The uid in the name keeps users of a shared /tmp apart; ensurePrivateDirectory() checks
    // ownership before the broker uses it and the shim checks the broker's uid.
    return root + QStringLiteral("/tmp/manifold-%1").arg(inputs.uid);
}

QStringList rendezvousCandidates(const RendezvousInputs &inputs)
{
    QStringList dirs{rendezvousDirectory(inputs)};
    RendezvousInputs withoutRunUser = inputs;
    withoutRunUser.isPrivateUserDirectory = nullptr;
    const QString fallback = rendezvousDirectory(withoutRunUser);
    if (!dirs.contains(fallback))
        dirs.append(fallback);
    return dirs;
}

bool isPrivateUserDirectory(const QString &dir, uint uid)
{
#ifdef Q_OS_UNIX
    struct stat info;
    if (::lstat(QFile::encodeName(dir).constData(), &info) != 0)
        return false;
    return S_ISDIR(info.st_mode) && info.st_uid == uid && (info.st_mode & 07777) == 0700;
#else
    Q_UNUSED(dir);
    Q_UNUSED(uid);
    return false;
#endif
}

RendezvousInputs currentRendezvousInputs()
{
    RendezvousInputs inputs;
    inputs.uid = uint(currentUid());
    inputs.root = qEnvironmentVariable("MANIFOLD_RUNTIME_ROOT");
    inputs.isPrivateUserDirectory = &isPrivateUserDirectory;
#ifdef Q_OS_MACOS
    if (inputs.root.isEmpty()) {
        char buffer[PATH_MAX];
        const size_t length = ::confstr(_CS_DARWIN_USER_TEMP_DIR, buffer, sizeof buffer);
        if (length > 0 && length <= sizeof buffer)
            inputs.darwinUserTempDir = QFile::decodeName(buffer);
    }
#endif
    return inputs;
}

QString runtimeDir()
{
#ifdef Q_OS_WIN
    return QDir::tempPath() + QStringLiteral("/manifold");
#else
    return rendezvousDirectory(currentRendezvousInputs());
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

QStringList defaultSocketCandidates()
{
#ifdef Q_OS_WIN
    return {defaultSocketPath()};
#else
    QStringList sockets;
    for (const QString &dir : rendezvousCandidates(currentRendezvousInputs()))
        sockets.append(dir + QStringLiteral("/broker.sock"));
    return sockets;
#endif
}

SocketChoice chooseSocket(const QString &option, const QString &environment,
                          const QString &defaultPath)
{
    SocketChoice choice;
    choice.path = !option.isEmpty() ? option : !environment.isEmpty() ? environment : defaultPath;
    const auto same = [](const QString &a, const QString &b) {
        return !a.isEmpty() && !b.isEmpty() && QDir::cleanPath(a) == QDir::cleanPath(b);
    };
    if (same(choice.path, defaultPath))
        choice.source = SocketSource::Default;
    else if (same(choice.path, environment))
        choice.source = SocketSource::Environment;
    else
        choice.source = SocketSource::Option;
    return choice;
}

SocketChoice resolveSocket(const QString &option)
{
    return chooseSocket(option, qEnvironmentVariable("MANIFOLD_SOCKET"), defaultSocketPath());
}

QString socketSourceName(SocketSource source)
{
    switch (source) {
    case SocketSource::Default:
        return QStringLiteral("default");
    case SocketSource::Environment:
        return QStringLiteral("MANIFOLD_SOCKET");
    case SocketSource::Option:
        return QStringLiteral("--socket");
    }
    return QStringLiteral("default");
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
