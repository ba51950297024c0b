#pragma once

#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>

#include "oauthmetadata.h"

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace manifold::remote {

// The OAuth 2.1 client of the MCP authorization spec (2025-11-25), one asynchronous step at a
// time on QNetworkAccessManager: discovery, registration, the token endpoint, revocation. It
// keeps no state between steps; SignIn strings them together. Never logs a token or secret.
class OAuthClient final : public QObject
{
    Q_OBJECT

public:
    explicit OAuthClient(QObject *parent = nullptr);
    ~OAuthClient() override;

    struct Discovery
    {
        ProtectedResourceMetadata resource;
        AuthServerMetadata server;
    };
    // error is empty on success.
    using DiscoveryDone = std::function<void(const Discovery &discovery, const QString &error)>;
    using RegistrationDone =
        std::function<void(const ClientIdentity &client, const QString &error)>;
    using TokenDone = std::function<void(const TokenResult &result)>;
    using RevokeDone = std::function<void(bool ok, const QString &error)>;

    // RFC 9728 then RFC 8414/OIDC: the PRM (fromChallenge first, then the well-known URLs), its
    // first authorization server's metadata. A server without PRM gets its origin as the issuer
    // and its canonical URL as the resource (older servers).
    void discover(const QUrl &serverUrl, const QUrl &fromChallenge, DiscoveryDone done);
    // RFC 7591 dynamic registration of a native public client for redirectUri.
    void registerClient(const AuthServerMetadata &server, const QString &redirectUri,
                        const QString &scope, RegistrationDone done);
    // grant_type=authorization_code with the PKCE verifier.
    void exchangeCode(const QUrl &tokenEndpoint, const ClientIdentity &client, const QString &code,
                      const QString &redirectUri, const QByteArray &verifier,
                      const QString &resource, TokenDone done);
    // grant_type=refresh_token.
    void refresh(const QUrl &tokenEndpoint, const ClientIdentity &client,
                 const QString &refreshToken, const QString &resource, TokenDone done);
    // RFC 7009; hint is "refresh_token" or "access_token".
    void revoke(const QUrl &revocationEndpoint, const ClientIdentity &client, const QString &token,
                const QString &hint, RevokeDone done);

    // The token_endpoint_auth_method to register with: none if listed (or nothing is listed),
    // else client_secret_post, else client_secret_basic.
    static QString preferredAuthMethod(const QStringList &supported);

private:
    void fetchResourceMetadata(const QUrl &serverUrl, QList<QUrl> candidates, DiscoveryDone done);
    void fetchServerMetadata(const QUrl &serverUrl, ProtectedResourceMetadata resource,
                             QList<QUrl> candidates, DiscoveryDone done);
    void getJson(const QUrl &url, std::function<void(int status, const QByteArray &body)> done);
    void postForm(const QUrl &url, const ClientIdentity &client,
                  QList<QPair<QString, QString>> fields,
                  std::function<void(int status, const QByteArray &body)> done);
    void finish(QNetworkReply *reply, std::function<void(int status, const QByteArray &body)> done);

    QNetworkAccessManager *m_network;
};

} // namespace manifold::remote
