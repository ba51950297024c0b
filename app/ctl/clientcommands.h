#pragma once

#include <QStringList>

namespace manifold::ctl {

// `clients`, `setup` and `revert`: they work on client config files directly and need no
// running broker (a running broker picks up new servers by watching servers.json).
bool isClientCommand(const QString &command);
int runClientCommand(const QString &command, QStringList args);

extern const char *const ClientUsage;

} // namespace manifold::ctl
