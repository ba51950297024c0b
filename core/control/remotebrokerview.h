#pragma once

#include "control/brokerview.h"
#include "jsonrpc/linebuffer.h"

#include <QHash>

class QLocalSocket;

namespace manifold {

// BrokerView of a broker in another process (e.g. a headless broker a shim started), through
// the control socket: control hello, then "watch" for a snapshot and a stream of changes.
class RemoteBrokerView final : public BrokerView
{
    Q_OBJECT

public:
    explicit RemoteBrokerView(QString socketPath, QObject *parent = nullptr);

    // Connects and subscribes; emits connected() once the first snapshot is in, or
    // disconnected() if no broker answers.
    void open();

    QJsonObject status() const override { return m_status; }
    bool isConnected() const override { return m_ready; }
    void call(const QString &method, const QJsonObject &params, Reply reply = {}) override;

private:
    void onReadyRead();
    void handle(const QJsonObject &message);
    void applyEvent(const QString &event, const QJsonObject &params);
    void upsert(const QString &listKey, const QString &idKey, const QJsonObject &item);
    void removeFrom(const QString &listKey, const QString &idKey, const QJsonValue &id);
    int send(const QString &method, const QJsonObject &params);

    QString m_socketPath;
    QLocalSocket *m_socket;
    LineBuffer m_buffer{16 * 1024 * 1024};
    QJsonObject m_status;
    bool m_welcomed = false;
    bool m_ready = false;
    int m_nextId = 1;
    int m_watchId = 0;
    QHash<int, Reply> m_pending;
};

} // namespace manifold
