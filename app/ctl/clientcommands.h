#pragma once

#include <QStringList>

#include <functional>
#include <memory>

class ControlClient;

namespace manifold::ctl {

// `clients`, `setup` and `revert`: they work on client config files directly and need no
// running broker (a running broker picks up new servers by watching servers.json), except for
// the front door's tokens (setup --transport http, and revert of such a setup).
using BrokerConnector = std::function<std::unique_ptr<ControlClient>(QString *error)>;
bool isClientCommand(const QString &command);
int runClientCommand(const QString &command, QStringList args, const BrokerConnector &connect);

extern const char *const ClientUsage;

} // namespace manifold::ctl
