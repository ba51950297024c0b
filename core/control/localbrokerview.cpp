#include "localbrokerview.h"

#include "broker/broker.h"
#include "broker/servergroup.h"
#include "control/controlservice.h"

namespace manifold {

LocalBrokerView::LocalBrokerView(Broker *broker, QObject *parent)
    : BrokerView(parent), m_broker(broker), m_control(new ControlService(broker, this))
{
    m_flush.setSingleShot(true);
    m_flush.setInterval(150);
    connect(&m_flush, &QTimer::timeout, this, &LocalBrokerView::flush);
    for (const QString &name : broker->serverNames())
        watchGroup(name);
    connect(broker, &Broker::serverAdded, this, [this](const QString &name) {
        watchGroup(name);
        emit serverAdded(serverJson(name));
    });
    connect(broker, &Broker::serverRemoved, this, [this](const QString &name) {
        m_watched.remove(name);
        m_dirtyServers.remove(name);
        emit serverRemoved(name);
    });
    connect(broker, &Broker::sessionOpened, this, [this](SessionId id) {
        const QJsonObject session = m_broker->sessionJson(id);
        emit sessionOpened(session);
        markServer(session.value(QStringLiteral("server")).toString());
    });
    connect(broker, &Broker::sessionClosed, this, [this](SessionId id) { emit sessionClosed(qint64(id)); });
    connect(broker, &Broker::sessionCutOff, this, [this](const QString &server, SessionId id, const QString &message, const QString &reason) {
        emit sessionCutOff(server, qint64(id), message, reason);
    });
    connect(broker, &QObject::destroyed, this, [this] { emit disconnected(); });
}

LocalBrokerView::~LocalBrokerView() = default;

QJsonObject LocalBrokerView::status() const
{
    return m_broker ? m_broker->status() : QJsonObject{};
}

void LocalBrokerView::call(const QString &method, const QJsonObject &params, Reply reply)
{
    if (!m_broker) {
        if (reply)
            QTimer::singleShot(0, this, [reply] { reply(false, {}, QStringLiteral("broker gone")); });
        return;
    }
    const QPointer<LocalBrokerView> self(this);
    m_control->callAsync(method, params, [self, reply](const ControlService::Reply &result) {
        if (!reply || !self)
            return;
        // Replies come later, as they do from a remote broker, so callers handle one behaviour.
        QTimer::singleShot(0, self, [reply, result] {
            reply(result.errorCode == 0, result.result, result.errorMessage);
        });
    });
}

void LocalBrokerView::watchGroup(const QString &name)
{
    ServerGroup *group = m_broker->group(name);
    if (!group || m_watched.contains(name))
        return;
    m_watched.insert(name);
    connect(group, &ServerGroup::changed, this, [this, name] { markServer(name); });
    connect(group, &ServerGroup::logAppended, this, [this, name](const RingLog::Entry &entry) {
        emit logAppended(name, QJsonObject{{QStringLiteral("time"), entry.when.toString(Qt::ISODateWithMs)},
                                           {QStringLiteral("source"), entry.source == RingLog::Source::Stderr
                                                                          ? QStringLiteral("stderr")
                                                                          : QStringLiteral("broker")},
                                           {QStringLiteral("text"), entry.text}});
    });
    connect(group, &ServerGroup::crashLooped, this, [this, name](const QStringList &lines) {
        emit serverFailed(name, lines);
    });
}

void LocalBrokerView::markServer(const QString &name)
{
    m_dirtyServers.insert(name);
    if (!m_flush.isActive())
        m_flush.start();
}

void LocalBrokerView::flush()
{
    if (!m_broker)
        return;
    const QSet<QString> servers = std::exchange(m_dirtyServers, {});
    for (const QString &name : servers) {
        if (!m_broker->group(name))
            continue;
        emit serverChanged(serverJson(name));
        // Its sessions' counters (requests, last activity) moved with it.
        for (SessionId id : m_broker->sessionIds()) {
            const QJsonObject session = m_broker->sessionJson(id);
            if (session.value(QStringLiteral("server")).toString() == name)
                emit sessionChanged(session);
        }
    }
}

QJsonObject LocalBrokerView::serverJson(const QString &name) const
{
    const ServerGroup *group = m_broker ? m_broker->group(name) : nullptr;
    return group ? group->statusJson() : QJsonObject{};
}

} // namespace manifold
