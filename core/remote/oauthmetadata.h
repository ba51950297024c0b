#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace manifold::remote {

// What an MCP server says about itself (RFC 9728 protected resource metadata).
struct ProtectedResourceMetadata
{
    QUrl metadataUrl; // where it came from; empty if the server has none
    QString resource; // the resource identifier, validated against the server URL
    QStringList authorizationServers;
    QStringList scopesSupported;

    // Reads a PRM document for serverUrl. Refuses (error set) a resource that is not the server
    // URL or a prefix of it on the same origin (confused-deputy protection), or no server.
    static bool fromJson(const QJsonObject &object, const QUrl &serverUrl,
                         ProtectedResourceMetadata *out, QString *error);
    // Same origin (scheme, host, port) and resource's path a prefix of serverUrl's path at a
    // segment boundary; fragments and a trailing slash do not count.
    static bool resourceCovers(const QUrl &resource, const QUrl &serverUrl);
};

// What an authorization server says about itself (RFC 8414 / OpenID Connect Discovery).
struct AuthServerMetadata
{
    QString issuer;
    QUrl authorizationEndpoint;
    QUrl tokenEndpoint;
    QUrl registrationEndpoint; // empty: no dynamic client registration
    QUrl revocationEndpoint;   // empty: tokens cannot be revoked
    QStringList codeChallengeMethods;
    QStringList tokenEndpointAuthMethods;
    QStringList scopesSupported;
    bool issParameterSupported = false; // RFC 9207
    bool clientIdMetadataDocumentSupported = false;

    // Reads a metadata document; refuses one whose issuer is not expectedIssuer, that lacks the
    // endpoints, or that does not support PKCE with S256 (MCP: the client MUST refuse).
    static bool fromJson(const QJsonObject &object, const QString &expectedIssuer,
                         AuthServerMetadata *out, QString *error);
};

// How a client authenticates at the token endpoint.
struct ClientIdentity
{
    QString clientId;
    QString clientSecret;
    QString authMethod = QStringLiteral("none"); // none, client_secret_post, client_secret_basic

    bool isValid() const { return !clientId.isEmpty(); }
};

// The answer of a token endpoint (RFC 6749 §5.1, §5.2), sorted into what the sign-in does next.
struct TokenResult
{
    enum class Outcome {
        Ok,
        InvalidGrant,  // the code or refresh token is dead: the user must sign in again
        InvalidClient, // the registration is gone too
        Refused,       // another OAuth error (invalid_request, unauthorized_client, ...)
        Transient,     // network trouble, 5xx, unreadable answer: try again later
    };
    Outcome outcome = Outcome::Transient;
    QString accessToken;
    QString refreshToken; // empty: keep the one we have
    QString scope;
    qint64 expiresIn = -1; // seconds; -1 when the server did not say
    QString error;         // the OAuth error code
    QString message;       // for people: the error and its description (never a token)

    // status 0 means no HTTP answer (network error).
    static TokenResult parse(int httpStatus, const QByteArray &body);
};

// The parameters of one authorization request (RFC 6749 §4.1.1, RFC 7636, RFC 8707).
struct AuthorizationRequest
{
    QUrl endpoint;
    QString clientId;
    QString redirectUri;
    QString scope; // empty: omitted
    QByteArray state;
    QByteArray codeChallenge;
    QString resource;                   // empty: omitted
    QMap<QString, QString> extraParams; // the user's, never overriding ours

    QUrl url() const;
};

// The scope to ask for (MCP Scope Selection Strategy): the user's setting, else the scope of the
// challenge, else every scope the PRM lists; empty means omit the parameter.
QString selectScope(const QString &configured, const QString &challenged,
                    const QStringList &prmScopes);

// application/x-www-form-urlencoded, with '+' and every reserved character encoded.
QByteArray formEncode(const QList<QPair<QString, QString>> &fields);

// Compares two URLs as issuers: the same text apart from one trailing slash.
bool sameIssuer(const QString &a, const QString &b);

} // namespace manifold::remote
