#pragma once

#include <QByteArray>
#include <QLoggingCategory>
#include <QMap>
#include <QNetworkReply>
#include <QString>
#include <QUrl>

#include <optional>

class QNetworkRequest;

namespace manifold::remote {

Q_DECLARE_LOGGING_CATEGORY(lcRemoteHttp)

// Small pieces shared by the HTTP upstreams (Streamable HTTP and legacy HTTP+SSE).

// "host:port" (port only when the URL names one), for messages.
QString hostLabel(const QUrl &url);
// "remote server 'NAME' (host:port)", the start of every message about that server.
QString serverLabel(const QString &serverName, const QUrl &url);
// The URL as logs may show it: no user info, no query (either may hold a secret).
QString displayUrl(const QUrl &url);

// True for failures to reach the server at all (DNS, refused, TLS, unreachable network): the
// request was not delivered and the server is not there to try again right now.
bool isConnectionFailure(QNetworkReply::NetworkError error);
// "connection refused", "DNS lookup failed (host not found)", "TLS handshake failed: ...", ...
QString describeNetworkError(const QNetworkReply *reply);

// The first bytes of a response body, on one line, for error messages.
QString bodyExcerpt(const QByteArray &body);
// Retry-After as milliseconds (delta-seconds or an HTTP date), nullopt if absent or unreadable.
std::optional<qint64> retryAfterMs(const QByteArray &value);

// A request to url with the configured headers, then Content-Type/Accept and Authorization (so a
// configured header cannot replace them), no transfer timeout (streams may idle), same-origin
// redirects only.
QNetworkRequest makeRequest(const QUrl &url, const QMap<QByteArray, QByteArray> &headers,
                            const QByteArray &accept, const QByteArray &authorization);

// A JSON-RPC error answer for a request the upstream could not deliver or finish.
QByteArray errorAnswer(const QByteArray &rawId, const QString &message);

// Stops listening to a reply, aborts it if still running and deletes it later (it may be
// emitting right now).
void discardReply(QNetworkReply *reply, QObject *receiver);

} // namespace manifold::remote
