#pragma once

#include "broker/clientsession.h"
#include "http/httpconnection.h"

#include <QPointer>
#include <QUrl>

namespace manifold::http {

// One session of the older HTTP+SSE transport (MCP 2024-11-05), for clients that do not speak
// Streamable HTTP: GET /sse/NAME opens it and stays open as the stream of everything the broker
// sends (each line an SSE "message" event, after an "endpoint" event naming where to POST);
// each POST to /messages/NAME?sessionId=ID carries one client message and gets 202. The session
// ends with its GET connection.
class LegacySseSession final : public ClientSession
{
    Q_OBJECT

public:
    LegacySseSession(SessionId id, Hello hello, qint64 maxQueuedBytes, QByteArray sessionId, QString tokenName,
                     HttpConnection *stream, QObject *parent = nullptr);

    QByteArray sessionId() const { return m_sessionId; }
    QString tokenName() const override { return m_tokenName; }
    QString transport() const override { return QStringLiteral("sse"); }
    qint64 queuedBytes() const override { return m_stream ? m_stream->bytesToWrite() : 0; }
    void begin(const QByteArray &alreadyRead) override;
    void send(const QByteArray &line) override;
    void close(const QString &reason) override;

    void post(HttpConnection *connection, const QByteArray &body);

private:
    QByteArray m_sessionId;
    QString m_tokenName;
    QPointer<HttpConnection> m_stream;
    bool m_closed = false;
};

} // namespace manifold::http
