#include "oauthdiscovery.h"

namespace manifold::remote {

namespace {

bool isHttpUrl(const QUrl &url)
{
    return url.isValid() && !url.host().isEmpty() &&
           (url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("http"));
}

// The path without the "/" that ends it (RFC 8414 §3.1 removes it before inserting), so both
// "https://a/" and "https://a" have no path.
QString trimmedPath(const QUrl &url)
{
    QString path = url.path(QUrl::FullyEncoded);
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    return path;
}

// scheme://host[:port] + path, nothing else.
QUrl atOrigin(const QUrl &url, const QString &encodedPath)
{
    QUrl origin;
    origin.setScheme(url.scheme());
    origin.setHost(url.host());
    origin.setPort(url.port());
    origin.setPath(encodedPath, QUrl::TolerantMode);
    return origin;
}

} // namespace

QList<QUrl> OAuthDiscovery::protectedResourceMetadataUrls(const QUrl &serverUrl, const QUrl &fromChallenge)
{
    if (isHttpUrl(fromChallenge))
        return {fromChallenge};
    if (!isHttpUrl(serverUrl))
        return {};
    static const QString WellKnown = QStringLiteral("/.well-known/oauth-protected-resource");
    QList<QUrl> urls;
    const QString path = trimmedPath(serverUrl);
    if (!path.isEmpty()) {
        // RFC 9728 §3.1 puts the well-known string between the host and the path and query.
        QUrl inserted = atOrigin(serverUrl, WellKnown + path);
        inserted.setQuery(serverUrl.query(QUrl::FullyEncoded), QUrl::TolerantMode);
        urls.append(inserted);
    }
    urls.append(atOrigin(serverUrl, WellKnown));
    return urls;
}

QList<QUrl> OAuthDiscovery::authorizationServerMetadataUrls(const QUrl &issuer)
{
    if (!isHttpUrl(issuer))
        return {};
    static const QString OAuth = QStringLiteral("/.well-known/oauth-authorization-server");
    static const QString OpenId = QStringLiteral("/.well-known/openid-configuration");
    const QString path = trimmedPath(issuer);
    if (path.isEmpty())
        return {atOrigin(issuer, OAuth), atOrigin(issuer, OpenId)};
    return {atOrigin(issuer, OAuth + path), atOrigin(issuer, OpenId + path), atOrigin(issuer, path + OpenId)};
}

QUrl OAuthDiscovery::canonicalResource(const QUrl &serverUrl)
{
    if (!isHttpUrl(serverUrl))
        return {};
    // QUrl already keeps scheme and host in lower case.
    QUrl canonical = serverUrl.adjusted(QUrl::RemoveFragment | QUrl::RemoveUserInfo);
    const int defaultPort = canonical.scheme() == QLatin1String("https") ? 443 : 80;
    if (canonical.port() == defaultPort)
        canonical.setPort(-1);
    // MCP: "https://mcp.example.com" rather than ".../" unless the slash means something; a
    // bare root cannot mean anything else.
    if (canonical.path() == QLatin1String("/"))
        canonical.setPath(QString());
    return canonical;
}

} // namespace manifold::remote
