#include "runtimepaths.h"

#include <QDir>
#include <QFile>

#include "logging.h"
#include "peercredentials.h"
#include "wire/constants.h"

// The rule and the POSIX checks live in core/wire (shared with the shim); these convert paths
// between QString and the file system's bytes.
namespace manifold::platform {

Q_LOGGING_CATEGORY(lcPlatform, "manifold.platform")

namespace {

std::string toWire(const QString &path)
{
    return QFile::encodeName(path).toStdString();
}

QString fromWire(const std::string &path)
{
    return QFile::decodeName(QByteArray(path.data(), qsizetype(path.size())));
}

wire::RendezvousInputs toWire(const RendezvousInputs &inputs)
{
    wire::RendezvousInputs out;
    out.uid = inputs.uid;
    out.root = toWire(inputs.root);
    out.darwinUserTempDir = toWire(inputs.darwinUserTempDir);
    if (inputs.isPrivateUserDirectory) {
        out.isPrivateUserDirectory = [probe = inputs.isPrivateUserDirectory](const std::string &dir,
                                                                            uint32_t uid) {
            return probe(fromWire(dir), uint(uid));
        };
    }
    return out;
}

// Where the sidecar files of a Windows pipe live; unused (and not computed) elsewhere.
std::string pipeFilesDir(const QString &socketPath)
{
    return wire::isPipeName(toWire(socketPath)) ? toWire(runtimeDir()) : std::string();
}

} // namespace

QString rendezvousDirectory(const RendezvousInputs &inputs)
{
    return fromWire(wire::rendezvousDirectory(toWire(inputs)));
}

QStringList rendezvousCandidates(const RendezvousInputs &inputs)
{
    QStringList dirs;
    for (const std::string &dir : wire::rendezvousCandidates(toWire(inputs)))
        dirs.append(fromWire(dir));
    return dirs;
}

bool isPrivateUserDirectory(const QString &dir, uint uid)
{
#ifdef Q_OS_UNIX
    return wire::isPrivateUserDirectory(toWire(dir), uid);
#else
    Q_UNUSED(dir);
    Q_UNUSED(uid);
    return false;
#endif
}

RendezvousInputs currentRendezvousInputs()
{
    RendezvousInputs inputs;
    inputs.isPrivateUserDirectory = &isPrivateUserDirectory;
#ifdef Q_OS_UNIX
    const wire::RendezvousInputs current = wire::currentRendezvousInputs();
    inputs.uid = current.uid;
    inputs.root = fromWire(current.root);
    inputs.darwinUserTempDir = fromWire(current.darwinUserTempDir);
#else
    inputs.uid = uint(currentUid());
    inputs.root = qEnvironmentVariable("MANIFOLD_RUNTIME_ROOT");
#endif
    return inputs;
}

QString runtimeDir()
{
#ifdef Q_OS_WIN
    return QDir::tempPath() + QStringLiteral("/manifold");
#else
    return fromWire(wire::rendezvousDirectory(wire::currentRendezvousInputs()));
#endif
}

QString defaultSocketPath()
{
#ifdef Q_OS_WIN
    return QString::fromStdString(wire::windowsPipeName(
        qEnvironmentVariable("USERNAME", QStringLiteral("user")).toStdString()));
#else
    return runtimeDir() + QLatin1Char('/') + QLatin1String(wire::SocketFileName);
#endif
}

QStringList defaultSocketCandidates()
{
#ifdef Q_OS_WIN
    return {defaultSocketPath()};
#else
    QStringList sockets;
    for (const std::string &dir : wire::rendezvousCandidates(wire::currentRendezvousInputs()))
        sockets.append(fromWire(dir) + QLatin1Char('/') + QLatin1String(wire::SocketFileName));
    return sockets;
#endif
}

SocketChoice chooseSocket(const QString &option, const QString &environment,
                          const QString &defaultPath)
{
    const wire::SocketChoice choice =
        wire::chooseSocket(toWire(option), toWire(environment), toWire(defaultPath));
    return SocketChoice{fromWire(choice.path), choice.source};
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
    return fromWire(wire::sidecarPath(toWire(socketPath), toWire(suffix), pipeFilesDir(socketPath)));
}

QString socketDirectory(const QString &socketPath)
{
    return fromWire(wire::socketDirectory(toWire(socketPath), pipeFilesDir(socketPath)));
}

bool ensurePrivateDirectory(const QString &dir, QString *error)
{
#ifdef Q_OS_UNIX
    std::string why;
    if (wire::ensurePrivateDirectory(toWire(dir), &why))
        return true;
    if (error)
        *error = fromWire(why);
    return false;
#else
    if (dir.isEmpty() || !QDir().mkpath(dir)) {
        if (error)
            *error = dir.isEmpty() ? QStringLiteral("empty directory path")
                                   : QStringLiteral("cannot create directory %1").arg(dir);
        return false;
    }
    return true;
#endif
}

} // namespace manifold::platform
