#pragma once

#include "control/controlservice.h"

namespace manifold {

class Broker;

// The traffic view's control methods (docs/wire.md): traffic, trafficBody, trafficClear and
// health. They answer at once from the servers' recorders; nothing here changes what is relayed.
// Readers poll with a cursor: a slow reader simply asks less often, so the broker never holds
// more for it than the ring it keeps anyway.
namespace trafficcontrol {

bool handles(const QString &method);
ControlService::Reply call(Broker *broker, const QString &method, const QJsonObject &params);

// Records per call unless asked for fewer, and at most.
constexpr int DefaultLimit = 500;
constexpr int MaxLimit = 5000;

} // namespace trafficcontrol
} // namespace manifold
