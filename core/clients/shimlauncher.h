#pragma once

#include "clients/clientcatalog.h"

#include <QByteArray>
#include <QString>

namespace manifold::shimlauncher {

// The path client configs name: <dataHome>/manifold/bin/manifold-shim. It is a tiny launcher
// that execs the real shim, rewritten whenever the real one moves (upgrade, AppImage moved), so
// configs written once keep working.
QString stablePath(const ClientEnvironment &env);

// The launcher's text for a real shim at realShim.
QByteArray script(const QString &realShim);

// Writes the launcher (atomically, mode 0755) unless it already says exactly that.
bool install(const QString &launcher, const QString &realShim, QString *error);

// The real shim shipped with the running program: $MANIFOLD_SHIM_BIN, else next to the
// executable. Empty if there is none.
QString bundledShim();

} // namespace manifold::shimlauncher
