#pragma once

#include "broker/upstream.h"
#include "remote/authgate.h"
#include "remote/sseparser.h"

#include <QList>
#include <QMap>
#include <QPointer>
#include <QUrl>

#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace manifold {

namespace remote {

// A remote MCP server over the legacy HTTP+SSE transport (MCP 2024-11-05): a GET stream that
// first names the endpoint to POST messages to, then carries every server message. The stream
// is the session: when it drops, the session is gone.
class LegacySseUpstream final : public Upstream
{
    Q_OBJECT

public:
    struct Options
    {
        int headersTimeoutMs = 30000; // the GET's and every POST's response headers
        qsizetype maxMessageBytes = 64 * 1024 * 1024;
        // Auto fallback: the host already saw started() from the Streamable HTTP attempt.
        bool announceStarted = true;
    };

    LegacySseUpstream(const QUrl &url, const QMap<QByteArray, QByteArray> &headers, AuthGate *gate,
                      const QString &serverName, const Options &options, QObject *parent = nullptr);
    ~LegacySseUpstream() override;

    void start() override;
    void send(const QByteArray &message) override;
    void stop() override;
    void kill() override;
    void shutdownBlocking(int timeoutMs) override;
    QJsonObject statusJson() const override;
    QString describe() const override;

    QUrl endpoint() const { return m_endpoint; }

private:
    struct Post
    {
        QByteArray message;
        QByteArray id; // raw id of a request, else empty
        QByteArray usedAuthorization;
        int authRetries = 0;
    };

    void openStream();
    void onStreamHeaders();
    void onStreamData();
    void onStreamFinished();
    void takeEndpoint(const QByteArray &data);
    void post(const Post &message);
    void onPostFinished(QNetworkReply *reply, const Post &message, bool timedOut);
    void onGateChanged();
    void onGateDeclined(const QByteArray &usedHeader, const QString &message);
    void answer(const Post &message, const QString &text);
    void abortAll();
    void goneOnce(const QString &description, GoneKind kind);
    QString label() const;

    QUrl m_url;
    QMap<QByteArray, QByteArray> m_headers;
    QPointer<AuthGate> m_gate;
    QString m_serverName;
    Options m_options;
    QNetworkAccessManager *m_manager = nullptr;

    QNetworkReply *m_stream = nullptr;
    std::optional<SseParser> m_parser;
    QByteArray m_streamAuthorization;
    QByteArray m_streamBody;
    int m_streamStatus = 0;
    bool m_streamWaitingForAuth = false;
    QUrl m_endpoint;
    QList<Post> m_waiting; // sent before the endpoint was known, or held for the sign-in
    bool m_waitingForAuth = false;
    QByteArray m_heldAuthorization;
    QList<QNetworkReply *> m_posts;
    bool m_gone = false;
};

} // namespace remote
} // namespace manifold
