#pragma once

#include <QObject>

class QLocalSocket;

namespace manifold {

class Broker;
class LocalBrokerView;

// The control method "watch": after answering with the current status, the broker pushes every
// change of a LocalBrokerView to the connection as JSON-RPC notifications named "watch/<signal>"
// (see docs/wire.md). RemoteBrokerView turns them back into the same signals.
class WatchStream final : public QObject
{
    Q_OBJECT

public:
    WatchStream(Broker *broker, QLocalSocket *socket);

private:
    void send(const char *event, const QJsonObject &params);

    QLocalSocket *m_socket;
    LocalBrokerView *m_view;
};

} // namespace manifold
