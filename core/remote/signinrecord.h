#pragma once

#include <QDateTime>
#include <QString>
#include <QUrl>

namespace manifold::remote {

// What one server's sign-in keeps in the SecretStore: the JSON blob at server/NAME/oauth and
// the refresh token on its own at server/NAME/oauth-refresh (Windows caps one credential at
// 2560 bytes). The client secret a user entered lives at server/NAME/oauth-client-secret.
struct SignInRecord
{
    QString issuer;
    QString resource; // the RFC 8707 value the tokens were issued for (empty: none sent)
    QString serverUrl;
    QString clientId;
    QString clientSecret; // a secret the AS issued at registration (not the user's)
    QString authMethod;
    QString redirectUri;
    QString accessToken;
    qint64 issuedAt = 0;  // ms since the epoch
    qint64 expiresAt = 0; // ms since the epoch; 0: the server did not say
    QString scope;
    QString tokenEndpoint;
    QString revocationEndpoint;
    QString refreshToken; // stored under its own key

    static QString blobKey(const QString &server);
    static QString refreshKey(const QString &server);
    static QString clientSecretKey(const QString &server);

    QString toBlob() const; // everything except the refresh token
    static SignInRecord fromBlob(const QString &blob, bool *ok);

    bool hasAccessToken() const { return !accessToken.isEmpty(); }
    bool isExpired(qint64 nowMs) const { return expiresAt > 0 && nowMs >= expiresAt; }
    // When to refresh: expiresAt − min(60 s, 20 % of the lifetime); 0 if it never expires.
    qint64 refreshAt() const;
};

} // namespace manifold::remote
