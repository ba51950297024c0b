// Broker: the unread limit per client (servers.json's "defaults" and each server's own) and the
// connections of sessions cut off for going past it.
#include "broker.h"

#include "session.h"

#include <QLocalSocket>

namespace manifold {

qint64 Broker::defaultMaxQueuedBytes() const
{
    const qint64 saved = m_registry.defaultMaxQueuedBytes();
    return saved > 0 ? qMax(saved, ServerConfig::MinMaxQueuedBytes) : ServerConfig::defaultMaxQueuedBytes();
}

QString Broker::defaultMaxQueuedBytesSource() const
{
    if (m_registry.defaultMaxQueuedBytes() > 0)
        return QStringLiteral("servers.json");
    return ServerConfig::defaultMaxQueuedBytes() != ServerConfig::DefaultMaxQueuedBytes
               ? QStringLiteral("environment")
               : QStringLiteral("built-in");
}

bool Broker::setDefaultOption(const QString &key, const QString &value, QString *error)
{
    bool ok = false;
    const qint64 bytes = value.toLongLong(&ok);
    if (key == QLatin1String("trafficMemoryBytes"))
        return setTrafficMemoryBytes(ok ? bytes : -1, error);
    if (key != QLatin1String("maxQueuedBytes")) {
        *error = QStringLiteral("cannot set the default '%1' (settable: maxQueuedBytes, trafficMemoryBytes)").arg(key);
        return false;
    }
    if (!ok || bytes < 0 || (bytes > 0 && bytes < ServerConfig::MinMaxQueuedBytes)) {
        *error = QStringLiteral("maxQueuedBytes must be 0 (the built-in default) or at least %1 bytes (1 MiB)")
                     .arg(ServerConfig::MinMaxQueuedBytes);
        return false;
    }
    const qint64 previous = m_registry.defaultMaxQueuedBytes();
    m_registry.setDefaultMaxQueuedBytes(bytes);
    if (!m_registry.save(error)) {
        m_registry.setDefaultMaxQueuedBytes(previous);
        return false;
    }
    applyQueueCaps();
    return true;
}

qint64 Broker::trafficMemoryBytes() const
{
    const qint64 configured = m_registry.defaultTrafficMemoryBytes();
    return configured > 0 ? qBound(MinTrafficMemoryBytes, configured, MaxTrafficMemoryBytes)
                          : TrafficRing::DefaultCapBytes;
}

bool Broker::setTrafficMemoryBytes(qint64 bytes, QString *error)
{
    if (bytes < 0 || (bytes > 0 && (bytes < MinTrafficMemoryBytes || bytes > MaxTrafficMemoryBytes))) {
        *error = QStringLiteral("trafficMemoryBytes must be 0 (the built-in 8 MiB) or from %1 (1 MiB) to %2 (512 MiB) "
                                "bytes")
                     .arg(MinTrafficMemoryBytes)
                     .arg(MaxTrafficMemoryBytes);
        return false;
    }
    const qint64 previous = m_registry.defaultTrafficMemoryBytes();
    m_registry.setDefaultTrafficMemoryBytes(bytes);
    if (!m_registry.save(error)) {
        m_registry.setDefaultTrafficMemoryBytes(previous);
        return false;
    }
    for (ServerGroup *group : std::as_const(m_groups))
        group->traffic().setCapBytes(trafficMemoryBytes());
    return true;
}

int Broker::closingConnections() const
{
    return int(findChildren<QLocalSocket *>(QLatin1String(Session::ClosingSocketName), Qt::FindDirectChildrenOnly).size());
}

void Broker::applyQueueCaps()
{
    const qint64 fallback = defaultMaxQueuedBytes();
    for (ClientSession *session : std::as_const(m_sessions)) {
        if (const ServerGroup *group = m_groups.value(session->hello().server))
            session->setMaxQueuedBytes(group->config().effectiveMaxQueuedBytes(fallback));
    }
}

} // namespace manifold
