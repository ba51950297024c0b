#pragma once

#include "clients/clientcatalog.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace manifold::shimlauncher {

// The path client configs name: <dataHome>/manifold/bin/manifold-shim. It is a tiny launcher
// that execs the real shim, rewritten whenever the real one moves (upgrade, AppImage moved), so
// configs written once keep working.
QString stablePath(const ClientEnvironment &env);

// The launcher's text. `command` runs the real shim: its program and the arguments that go
// before the client's own ({"/usr/bin/manifold-shim"}, {"/home/me/Manifold.AppImage", "shim"}).
QByteArray script(const QStringList &command);

// Writes the launcher (atomically, mode 0755) unless it already says exactly that.
bool install(const QString &launcher, const QStringList &command, QString *error);

// The real shim shipped with the running program: $MANIFOLD_SHIM_BIN; else, inside an AppImage,
// the AppImage file with the `shim` command (never the temporary mount it runs from); else the
// manifold-shim next to the executable. Empty if there is none.
QStringList bundledShim();

} // namespace manifold::shimlauncher
