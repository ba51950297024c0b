#include "legacysession.h"

namespace manifold::http {

LegacySseSession::LegacySseSession(SessionId id, Hello hello, qint64 maxQueuedBytes, QByteArray sessionId,
                                   QString tokenName, HttpConnection *stream, QObject *parent)
    : ClientSession(id, std::move(hello), maxQueuedBytes, parent),
      m_sessionId(std::move(sessionId)),
      m_tokenName(std::move(tokenName)),
      m_stream(stream)
{
    connect(stream, &HttpConnection::closed, this, [this] { close(QStringLiteral("the client closed its SSE stream")); });
}

void LegacySseSession::begin(const QByteArray &)
{
    if (!m_stream)
        return;
    m_stream->startStream({});
    // A path-absolute URL on the stream's own origin (clients refuse any other origin).
    const QByteArray endpoint = "/messages/" + QUrl::toPercentEncoding(hello().server) + "?sessionId=" + m_sessionId;
    m_stream->writeStream("event: endpoint\ndata: " + endpoint + "\n\n");
}

void LegacySseSession::send(const QByteArray &line)
{
    if (m_closed || !m_stream)
        return;
    m_stream->writeStream("event: message\ndata: " + line + "\n\n");
    closeIfOverCap();
}

void LegacySseSession::post(HttpConnection *connection, const QByteArray &body)
{
    connection->respond(202, {{"Content-Type", "text/plain"}}, "Accepted");
    emit lineReceived(id(), body);
}

void LegacySseSession::close(const QString &)
{
    if (std::exchange(m_closed, true))
        return;
    if (m_stream)
        m_stream->close();
    emit closed(id());
}

} // namespace manifold::http
