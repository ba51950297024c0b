#pragma once

#include "broker/clientsession.h"
#include "http/eventbuffer.h"
#include "http/httpconnection.h"

#include <QHash>
#include <QPointer>
#include <QTimer>

namespace manifold::http {

// One MCP Streamable HTTP session (MCP 2025-11-25) of the front door, a broker session like a
// shim's. Each POSTed request gets a stream of its own (SSE; `initialize` is answered as JSON, with
// the session's Mcp-Session-Id), its response ends that stream; what the broker sends the client
// is sorted by what it answers or belongs to: a response to its request's stream, a progress
// notification to the stream of the request that owns the token, a server->client request to the
// stream of the one open request that can have caused it (see causeOf), anything else to the GET
// stream (kept while none is open). Every event is numbered and kept within a bound (EventBuffer) for Last-Event-ID resumes;
// a dropped stream is not a cancel. DELETE ends the session; so does IdleTimeoutMs with no stream
// and no request, and setupTimeoutMs without notifications/initialized after initialize.
class StreamableSession final : public ClientSession
{
    Q_OBJECT

public:
    static constexpr int IdleTimeoutMs = 30 * 60 * 1000;
    // What is kept for Last-Event-ID resumes (at most the session's maxQueuedBytes; the newest
    // event always): enough for every stream a client can lose in practice, and little per session.
    static constexpr qint64 ReplayBytes = 4 * 1024 * 1024;
    static constexpr int RetryMs = 2000;

    StreamableSession(SessionId id, Hello hello, qint64 maxQueuedBytes, QByteArray mcpSessionId,
                      QString tokenName, int setupTimeoutMs, QObject *parent = nullptr);

    QByteArray mcpSessionId() const { return m_mcpSessionId; }
    QString tokenName() const override { return m_tokenName; }
    QString transport() const override { return QStringLiteral("http"); }
    qint64 queuedBytes() const override;
    void begin(const QByteArray &alreadyRead) override;
    void send(const QByteArray &line) override;
    void close(const QString &reason) override;

    // A POST of one JSON-RPC message (already checked: size, content type, Accept, session).
    void post(HttpConnection *connection, const QByteArray &body);
    // A GET: the standalone stream, or with lastEventId the resume of a stream.
    void get(HttpConnection *connection, const QByteArray &lastEventId);

private:
    struct Stream
    {
        QPointer<HttpConnection> connection;
        QByteArray requestId;    // raw JSON id of the request it answers; empty for the GET stream
        QByteArray method;       // of that request
        bool json = false;       // answered as one JSON body (initialize), not SSE
    };
    void emitEvent(int stream, const QByteArray &line);
    void attach(int stream, HttpConnection *connection);
    int streamFor(const QByteArray &line);
    int causeOf() const;   // the stream of the request a server request belongs to, or 0
    int getStream();   // the GET stream's number, made on first use
    void endStream(int stream);
    void touch();
    bool modernProtocol() const;

    QByteArray m_mcpSessionId;
    QString m_tokenName;
    EventBuffer m_events;
    QHash<int, Stream> m_streams;
    QHash<QByteArray, int> m_byRequestId;      // raw id -> its stream
    QHash<QByteArray, int> m_byProgressToken;  // raw token -> the stream of its request
    int m_nextStream = 1;
    int m_getStream = 0;                       // 0 until the first GET or a message for it
    quint64 m_getDelivered = 0;                // the GET stream's events up to this were written
    QByteArray m_protocolVersion;              // negotiated, from the initialize answer
    QTimer m_idle;
    QTimer m_setup;                            // until notifications/initialized
    bool m_closed = false;
};

} // namespace manifold::http
