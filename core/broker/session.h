#pragma once

#include "broker/router.h"
#include "control/hello.h"
#include "jsonrpc/linebuffer.h"

#include <QDateTime>
#include <QObject>

class QLocalSocket;

namespace manifold {

// One shim connection after its hello: frames lines in both directions for one MCP client.
class Session final : public QObject
{
    Q_OBJECT

public:
    Session(SessionId id, QLocalSocket *socket, Hello hello, qsizetype maxLineBytes,
            QObject *parent = nullptr);

    SessionId id() const { return m_id; }
    const Hello &hello() const { return m_hello; }
    QDateTime connectedSince() const { return m_connectedSince; }

    // Feeds bytes that arrived together with the hello line, then starts reading the socket.
    void begin(const QByteArray &alreadyRead);
    void send(const QByteArray &line);
    // Closes on purpose: the shim is told why (SessionClosing) and does not reconnect.
    void close(const QString &reason);

signals:
    void lineReceived(manifold::SessionId session, const QByteArray &line);
    void lineTooLong(manifold::SessionId session, qsizetype limit);
    void closed(manifold::SessionId session);

private:
    void onReadyRead();
    void drain();

    SessionId m_id;
    QLocalSocket *m_socket;
    Hello m_hello;
    LineBuffer m_buffer;
    qsizetype m_maxLineBytes;
    QDateTime m_connectedSince;
    bool m_closed = false;
};

} // namespace manifold
