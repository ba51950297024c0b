#include "httpcommon.h"

#include <QDateTime>
#include <QLocale>
#include <QNetworkRequest>

#include "jsonrpc/jsonrpc.h"

namespace manifold::remote {

Q_LOGGING_CATEGORY(lcRemoteHttp, "manifold.remote.http")

QString hostLabel(const QUrl &url)
{
    QString host = url.host();
    if (url.port() != -1)
        host += QLatin1Char(':') + QString::number(url.port());
    return host;
}

QString serverLabel(const QString &serverName, const QUrl &url)
{
    return QStringLiteral("remote server '%1' (%2)").arg(serverName, hostLabel(url));
}

QString displayUrl(const QUrl &url)
{
    return url.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment);
}

bool isConnectionFailure(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::SslHandshakeFailedError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyNotFoundError:
    case QNetworkReply::ProxyTimeoutError:
        return true;
    default:
        return false;
    }
}

QString describeNetworkError(const QNetworkReply *reply)
{
    switch (reply->error()) {
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("connection refused");
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("DNS lookup failed (host not found)");
    case QNetworkReply::SslHandshakeFailedError:
        return QStringLiteral("TLS handshake failed: %1").arg(reply->errorString());
    case QNetworkReply::RemoteHostClosedError:
        return QStringLiteral("the server closed the connection");
    case QNetworkReply::TimeoutError:
        return QStringLiteral("the connection timed out");
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
        return QStringLiteral("the network is down");
    default:
        return reply->errorString();
    }
}

QString bodyExcerpt(const QByteArray &body)
{
    constexpr qsizetype MaxChars = 200;
    QString text = QString::fromUtf8(body.left(MaxChars * 2)).simplified();
    if (text.size() > MaxChars)
        text = text.left(MaxChars) + QStringLiteral("…");
    return text;
}

std::optional<qint64> retryAfterMs(const QByteArray &value)
{
    const QByteArray trimmed = value.trimmed();
    if (trimmed.isEmpty())
        return std::nullopt;
    bool ok = false;
    const qint64 seconds = trimmed.toLongLong(&ok);
    if (ok)
        return seconds < 0 ? std::nullopt : std::optional<qint64>(seconds * 1000);
    // An HTTP date: "Sun, 06 Nov 1994 08:49:37 GMT".
    QDateTime at = QLocale::c().toDateTime(QString::fromLatin1(trimmed),
                                           QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!at.isValid())
        return std::nullopt;
    at.setTimeSpec(Qt::UTC);
    return qMax<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(at));
}

QNetworkRequest makeRequest(const QUrl &url, const QMap<QByteArray, QByteArray> &headers,
                            const QByteArray &accept, const QByteArray &authorization)
{
    QNetworkRequest request(url);
    for (auto it = headers.cbegin(); it != headers.cend(); ++it)
        request.setRawHeader(it.key(), it.value());
    request.setRawHeader("Accept", accept);
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    request.setTransferTimeout(0);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::SameOriginRedirectPolicy);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    return request;
}

QByteArray errorAnswer(const QByteArray &rawId, const QString &message)
{
    return jsonrpc::makeError(rawId, jsonrpc::ServerError, message.toUtf8());
}

void discardReply(QNetworkReply *reply, QObject *receiver)
{
    if (!reply)
        return;
    reply->disconnect(receiver);
    if (!reply->isFinished())
        reply->abort();
    reply->deleteLater();
}

} // namespace manifold::remote
