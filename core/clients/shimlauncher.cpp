#include "clients/shimlauncher.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

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
    QSaveFile file(launcher);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(launcher, file.errorString());
        return false;
    }
    file.write(wanted);
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner |
                        QFileDevice::ReadGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther |
                        QFileDevice::ExeOther);
    if (!file.commit()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(launcher, file.errorString());
        return false;
    }
    return true;
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
