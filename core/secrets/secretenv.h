#pragma once

#include "config/serverconfig.h"

#include <QMap>
#include <QString>

#include <functional>

class QObject;

namespace manifold {

class SecretStore;

// Reads the values of config.secretEnv for a child that is about to start (for a remote server:
// of config.secretHeaders). done gets every
// value, or an error naming the server and the variable (never a value); it is called later,
// from the event loop, and not at all once context is gone.
using SecretEnvDone =
    std::function<void(const QMap<QString, QString> &values, const QString &error)>;
void readSecretEnv(SecretStore *store, const ServerConfig &config, QObject *context,
                   SecretEnvDone done);

} // namespace manifold
