#pragma once

#include "broker/router.h"
#include "control/brokerview.h"

#include <QPointer>
#include <QSet>
#include <QTimer>

namespace manifold {

class Broker;
class ControlService;
class ServerGroup;

// BrokerView over a broker in this process (the tray app, and the control socket's "watch").
// Bursts of activity are coalesced: each changed server and session is reported at most once
// per interval, with its whole current JSON.
class LocalBrokerView final : public BrokerView
{
    Q_OBJECT

public:
    explicit LocalBrokerView(Broker *broker, QObject *parent = nullptr);
    ~LocalBrokerView() override;

    QJsonObject status() const override;
    bool isConnected() const override { return !m_broker.isNull(); }
    void call(const QString &method, const QJsonObject &params, Reply reply = {}) override;

    void setCoalesceInterval(int ms) { m_flush.setInterval(ms); }

private:
    void watchGroup(const QString &name);
    void markServer(const QString &name);
    void flush();
    QJsonObject serverJson(const QString &name) const;

    QPointer<Broker> m_broker;
    ControlService *m_control;
    QTimer m_flush;
    QSet<QString> m_dirtyServers;
    QSet<QString> m_watched;
};

} // namespace manifold
