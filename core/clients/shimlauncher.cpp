#include "clients/shimlauncher.h"

#include "platform/atomicfile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace manifold::shimlauncher {

QString stablePath(const ClientEnvironment &env)
{
    return env.dataHome + QStringLiteral("/manifold/bin/manifold-shim");
}

QByteArray script(const QString &realShim)
{
    QByteArray quoted = realShim.toUtf8();
    quoted.replace('\'', "'\\''");
    return "#!/bin/sh\n"
           "# Written by Manifold: MCP client configs run this path, which follows the installed\n"
           "# manifold-shim across upgrades and moves. Manifold rewrites it when it starts.\n"
           "exec '" +
           quoted + "' \"$@\"\n";
}

bool install(const QString &launcher, const QString &realShim, QString *error)
{
    const QByteArray wanted = script(realShim);
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

QString bundledShim()
{
    const QString fromEnv = qEnvironmentVariable("MANIFOLD_SHIM_BIN");
    if (!fromEnv.isEmpty())
        return QFileInfo(fromEnv).absoluteFilePath();
    const QString sibling =
        QCoreApplication::applicationDirPath() + QStringLiteral("/manifold-shim");
    return QFileInfo(sibling).isExecutable() ? sibling : QString();
}

} // namespace manifold::shimlauncher
