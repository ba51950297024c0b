#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

class ControlClient;

namespace manifold::ctl {

// `add NAME --url URL ...`: the params of the control method add for a remote server.
// args: everything after NAME. Returns an error message, or empty on success.
QString parseRemoteAdd(const QString &name, QStringList args, QJsonObject *params);

extern const char *const RemoteUsage;

// login NAME [--no-browser] | logout NAME
bool isRemoteCommand(const QString &command);
int runRemoteCommand(const QString &command, const QStringList &args,
                     const std::function<std::unique_ptr<ControlClient>(QString *error)> &connect);

} // namespace manifold::ctl
