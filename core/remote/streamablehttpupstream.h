#pragma once

#include "broker/upstream.h"
#include "remote/authgate.h"
#include "remote/sseparser.h"

#include <QHash>
#include <QList>
#include <QDeadlineTimer>
#include <QMap>
#include <QPointer>
#include <QUrl>

#include <map>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;
class QTimer;

namespace manifold {

namespace remote {

// A remote MCP server over Streamable HTTP (MCP 2025-11-25 transports): one POST per message,
// answers as JSON or on the POST's own SSE stream, server messages on a GET stream, resume of a
// dropped stream with Last-Event-ID, re-initialize when the server forgets the session.
class StreamableHttpUpstream final : public Upstream
{
    Q_OBJECT

public:
    struct Options
    {
        int headersTimeoutMs = 30000;    // response headers of a POST (the initialize's: gone)
        int resumeAttempts = 3;          // GETs with Last-Event-ID for one dropped POST stream
        int poolSize = 4;                // QNAMs for POSTs (Qt 6.4: 6 connections per host each)
        int streamReconnectAttempts = 4; // the GET stream: failed connects in a row before gone
        int maxRetryAfterMs = 60000;     // 429/503 Retry-After longer than this is an error
        qsizetype maxMessageBytes = 64 * 1024 * 1024;
        // A message held while a new session is made or the sign-in gate is busy: after this
        // long a request is answered with an error and a notification is dropped (the gate's own
        // interactive wait may be longer; a later message waits anew).
        int heldTimeoutMs = 60000;
        // Auto transport: a 400/404/405 to the first initialize emits notStreamableHttp()
        // instead of gone(Fatal).
        bool probe = false;
    };

    StreamableHttpUpstream(const QUrl &url, const QMap<QByteArray, QByteArray> &headers,
                           AuthGate *gate, const QString &serverName, const Options &options,
                           QObject *parent = nullptr);
    ~StreamableHttpUpstream() override;

    void start() override;
    void send(const QByteArray &message) override;
    void stop() override;
    void kill() override;
    void shutdownBlocking(int timeoutMs) override;
    QJsonObject statusJson() const override;
    bool tagsServerRequests() const override { return true; }
    QString describe() const override;

    QByteArray sessionId() const { return m_sessionId; }
    QByteArray protocolVersion() const { return m_protocolVersion; }
    int openStreams() const;

signals:
    // The first POST (the initialize) got this status: not a Streamable HTTP endpoint (probe).
    void notStreamableHttp(int status);

private:
    struct Outgoing
    {
        quint64 seq = 0; // send order, kept by held messages so they go out in order
        QByteArray message;
        QByteArray id;           // raw JSON id of a request, empty otherwise
        QByteArray method;       // of requests and notifications
        QByteArray cancelTarget; // notifications/cancelled: the raw requestId
        int authRetries = 0;
        int busyRetries = 0;
        QDeadlineTimer heldDeadline{QDeadlineTimer::Forever}; // set while held
    };
    struct Exchange;
    struct GetStream;

    void post(const Outgoing &out);
    QNetworkAccessManager *pickManager();
    QNetworkRequest requestFor(const QByteArray &accept, bool withSession) const;
    void wireExchange(Exchange *exchange);
    void onExchangeHeaders(quint64 seq);
    void onExchangeData(quint64 seq);
    void onExchangeFinished(quint64 seq);
    void onExchangeTimeout(quint64 seq);
    void finishExchange(quint64 seq);
    void deliver(Exchange *exchange, const QByteArray &data);
    void readEvents(Exchange *exchange);
    void handleHttpError(Exchange *exchange, int status, const QByteArray &body);
    void loseSession(const QByteArray &usedSession);
    void handleSuccess(Exchange *exchange, int status);
    void tryResume(std::unique_ptr<Exchange> exchange);
    void openResume(quint64 seq);
    void answerLost(Exchange *exchange, const QString &why);
    void answer(const Outgoing &out, const QString &message);

    void hold(const Outgoing &out);
    void flushHeld();
    bool holding(const Outgoing &out) const;
    void armHeldTimer();
    void onHeldExpired();
    QString heldExpiryMessage() const;
    void onSessionExpired(Exchange *exchange);
    void onChallenged(Exchange *exchange, int status, const QByteArray &wwwAuthenticate);
    void onGateChanged();
    void onGateDeclined(const QByteArray &usedHeader, const QString &message);

    void openGetStream();
    void onGetHeaders();
    void onGetData();
    void onGetFinished();
    void scheduleGetReconnect();

    void abortAll();
    void goneOnce(const QString &description, GoneKind kind);
    QString label() const;

    QUrl m_url;
    QMap<QByteArray, QByteArray> m_headers;
    QPointer<AuthGate> m_gate;
    QString m_serverName;
    Options m_options;

    QList<QNetworkAccessManager *> m_pool;
    QNetworkAccessManager *m_streamManager = nullptr;
    std::map<quint64, std::unique_ptr<Exchange>> m_exchanges;
    std::unique_ptr<GetStream> m_get;
    QList<Outgoing> m_held;
    QTimer *m_heldTimer;
    quint64 m_nextSeq = 1;

    QByteArray m_sessionId;
    QByteArray m_protocolVersion;
    bool m_everInitialized = false;   // some initialize was answered
    bool m_waitingForSession = false; // the session was lost: hold all but initialize/initialized
    bool m_waitingForAuth = false;    // a 401/403: hold everything until the gate changes
    QByteArray m_heldAuthorization;   // the Authorization the held request was refused with
    bool m_freshSession = false;      // re-initialized and no request has succeeded since
    bool m_gone = false;
    bool m_stopping = false;
    int m_resumes = 0;
    int m_reinitializations = 0;
};

} // namespace remote
} // namespace manifold
