#include "clients/shimlauncher.h"

#include "platform/appimage.h"
#include "platform/atomicfile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace manifold::shimlauncher {

namespace {

// One shell word, single-quoted: nothing inside is special except the quote itself. File-name
// bytes are kept as the file system has them (QFile::encodeName), not re-encoded.
QByteArray shellQuoted(const QString &word)
{
    QByteArray bytes = QFile::encodeName(word);
    bytes.replace('\'', "'\\''");
    return '\'' + bytes + '\'';
}

} // namespace

QString stablePath(const ClientEnvironment &env)
{
#ifdef Q_OS_WIN
    // The per-user MSI installs every version into the same folder, so the real shim's own
    // path is already stable. A launcher script would not do: Node-based clients refuse to
    // spawn .cmd files without a shell.
    Q_UNUSED(env);
    const QStringList shim = bundledShim();
    return shim.isEmpty() ? QString() : QDir::toNativeSeparators(shim.first());
#else
    return env.dataHome + QStringLiteral("/manifold/bin/manifold-shim");
#endif
}

QByteArray script(const QStringList &command)
{
    QByteArray words;
    for (const QString &word : command)
        words += shellQuoted(word) + ' ';
    const QByteArray program = command.isEmpty() ? QByteArray("''") : shellQuoted(command.first());
    // A program that is gone (an AppImage moved or deleted, a package removed) gets a message
    // the client shows in its MCP log instead of the shell's bare "not found".
    return "#!/bin/sh\n"
           "# Written by Manifold: MCP client configs run this path, which follows the installed\n"
           "# manifold-shim across upgrades and moves. Manifold rewrites it when it starts.\n"
           "if [ ! -x " +
           program +
           " ]; then\n"
           "    echo \"manifold-shim: \"" +
           program +
           "\" is gone; start Manifold once to point this launcher at the installed one\" >&2\n"
           "    exit 127\n"
           "fi\n"
           "exec " +
           words + "\"$@\"\n";
}

bool install(const QString &launcher, const QStringList &command, QString *error)
{
#ifdef Q_OS_WIN
    // Nothing to write: stablePath() is the installed shim itself.
    if (!command.isEmpty() && QFileInfo(launcher) == QFileInfo(command.first()))
        return true;
#endif
    const QByteArray wanted = script(command);
    QFile current(launcher);
    if (current.open(QIODevice::ReadOnly) && current.readAll() == wanted &&
        QFileInfo(launcher).isExecutable())
        return true;
    current.close();
    if (!QDir().mkpath(QFileInfo(launcher).absolutePath())) {
        if (error)
            *error = QStringLiteral("cannot create %1").arg(QFileInfo(launcher).absolutePath());
        return false;
    }
    return platform::writeFileAtomically(launcher, wanted,
                                         QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                             QFileDevice::ExeOwner | QFileDevice::ReadGroup |
                                             QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                             QFileDevice::ExeOther,
                                         error);
}

QStringList bundledShim()
{
    const QString fromEnv = qEnvironmentVariable("MANIFOLD_SHIM_BIN");
    if (!fromEnv.isEmpty())
        return {QFileInfo(fromEnv).absoluteFilePath()};
    // The AppImage's content is mounted under a new /tmp/.mount_* directory on every start, so
    // the launcher runs the image file itself; its AppRun dispatches `shim` to manifold-shim.
    const QString image = platform::appImageFile();
    if (!image.isEmpty())
        return {image, QStringLiteral("shim")};
    const QString sibling =
        QCoreApplication::applicationDirPath() + QStringLiteral("/manifold-shim");
    if (QFileInfo(sibling).isExecutable())
        return {sibling};
    return {};
}

} // namespace manifold::shimlauncher
