#include "oauthclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include "oauthdiscovery.h"
#include "oauthlogging.h"

Q_LOGGING_CATEGORY(lcOAuth, "manifold.remote.oauth")

namespace manifold::remote {

namespace {

constexpr int TransferTimeoutMs = 30000;
constexpr char ProtocolVersion[] = "2025-11-25";

QString originOf(const QUrl &url)
{
    return url
        .adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment |
                  QUrl::RemoveUserInfo)
        .toString(QUrl::StripTrailingSlash);
}

QString describeHttp(int status)
{
    return status == 0 ? QStringLiteral("no answer") : QStringLiteral("HTTP %1").arg(status);
}

} // namespace

OAuthClient::OAuthClient(QObject *parent)
    : QObject(parent), m_network(new QNetworkAccessManager(this))
{
}

OAuthClient::~OAuthClient() = default;

QString OAuthClient::preferredAuthMethod(const QStringList &supported)
{
    if (supported.isEmpty() || supported.contains(QLatin1String("none")))
        return QStringLiteral("none");
    if (supported.contains(QLatin1String("client_secret_post")))
        return QStringLiteral("client_secret_post");
    return QStringLiteral("client_secret_basic");
}

void OAuthClient::discover(const QUrl &serverUrl, const QUrl &fromChallenge, DiscoveryDone done)
{
    fetchResourceMetadata(serverUrl,
                          OAuthDiscovery::protectedResourceMetadataUrls(serverUrl, fromChallenge),
                          std::move(done));
}

void OAuthClient::fetchResourceMetadata(const QUrl &serverUrl, QList<QUrl> candidates,
                                        DiscoveryDone done)
{
    if (candidates.isEmpty()) {
        // No PRM: an older server; its origin is the authorization server (MCP 2025-03-26).
        qCInfo(lcOAuth) << "no protected resource metadata for" << serverUrl.toString()
                        << "- trying its origin";
        ProtectedResourceMetadata resource;
        resource.resource = OAuthDiscovery::canonicalResource(serverUrl).toString();
        resource.authorizationServers = {originOf(serverUrl)};
        const QString issuer = resource.authorizationServers.constFirst();
        fetchServerMetadata(serverUrl, resource,
                            OAuthDiscovery::authorizationServerMetadataUrls(QUrl(issuer)),
                            std::move(done));
        return;
    }
    const QUrl url = candidates.takeFirst();
    getJson(url, [this, serverUrl, url, candidates, done](int status, const QByteArray &body) {
        const QJsonDocument document = QJsonDocument::fromJson(body);
        if (status != 200 || !document.isObject()) {
            qCDebug(lcOAuth) << "no PRM at" << url.toString() << describeHttp(status);
            fetchResourceMetadata(serverUrl, candidates, done);
            return;
        }
        ProtectedResourceMetadata resource;
        QString error;
        if (!ProtectedResourceMetadata::fromJson(document.object(), serverUrl, &resource, &error)) {
            done({}, error);
            return;
        }
        resource.metadataUrl = url;
        const QUrl issuer(resource.authorizationServers.constFirst());
        fetchServerMetadata(serverUrl, resource,
                            OAuthDiscovery::authorizationServerMetadataUrls(issuer), done);
    });
}

void OAuthClient::fetchServerMetadata(const QUrl &serverUrl, ProtectedResourceMetadata resource,
                                      QList<QUrl> candidates, DiscoveryDone done)
{
    const QString issuer = resource.authorizationServers.value(0);
    if (candidates.isEmpty()) {
        done({}, QStringLiteral("no authorization server metadata found for %1").arg(issuer));
        return;
    }
    const QUrl url = candidates.takeFirst();
    getJson(url, [this, serverUrl, resource, url, candidates, issuer,
                  done](int status, const QByteArray &body) {
        const QJsonDocument document = QJsonDocument::fromJson(body);
        if (status != 200 || !document.isObject()) {
            qCDebug(lcOAuth) << "no AS metadata at" << url.toString() << describeHttp(status);
            fetchServerMetadata(serverUrl, resource, candidates, done);
            return;
        }
        Discovery discovery;
        discovery.resource = resource;
        QString error;
        if (!AuthServerMetadata::fromJson(document.object(), issuer, &discovery.server, &error)) {
            done({}, error);
            return;
        }
        qCInfo(lcOAuth) << "authorization server" << issuer << "for" << serverUrl.toString();
        done(discovery, QString());
    });
}

void OAuthClient::registerClient(const AuthServerMetadata &server, const QString &redirectUri,
                                 const QString &scope, RegistrationDone done)
{
    const QString method = preferredAuthMethod(server.tokenEndpointAuthMethods);
    QJsonObject request{
        {QStringLiteral("client_name"), QStringLiteral("Manifold")},
        {QStringLiteral("application_type"), QStringLiteral("native")},
        {QStringLiteral("redirect_uris"), QJsonArray{redirectUri}},
        {QStringLiteral("grant_types"),
         QJsonArray{QStringLiteral("authorization_code"), QStringLiteral("refresh_token")}},
        {QStringLiteral("response_types"), QJsonArray{QStringLiteral("code")}},
        {QStringLiteral("token_endpoint_auth_method"), method},
    };
    if (!scope.isEmpty())
        request.insert(QStringLiteral("scope"), scope);
    QNetworkRequest networkRequest(server.registrationEndpoint);
    networkRequest.setHeader(QNetworkRequest::ContentTypeHeader,
                             QByteArrayLiteral("application/json"));
    networkRequest.setRawHeader("Accept", "application/json");
    networkRequest.setTransferTimeout(TransferTimeoutMs);
    networkRequest.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                                QNetworkRequest::SameOriginRedirectPolicy);
    QNetworkReply *reply =
        m_network->post(networkRequest, QJsonDocument(request).toJson(QJsonDocument::Compact));
    finish(reply, [method, done](int status, const QByteArray &body) {
        const QJsonObject answer = QJsonDocument::fromJson(body).object();
        if (status < 200 || status >= 300 || !answer.value(QLatin1String("client_id")).isString()) {
            const QString error = answer.value(QLatin1String("error")).toString();
            const QString description = answer.value(QLatin1String("error_description")).toString();
            done({},
                 QStringLiteral("client registration failed (%1%2%3)")
                     .arg(describeHttp(status),
                          error.isEmpty() ? QString() : QStringLiteral(", ") + error,
                          description.isEmpty() ? QString() : QStringLiteral(": ") + description));
            return;
        }
        ClientIdentity client;
        client.clientId = answer.value(QLatin1String("client_id")).toString();
        client.clientSecret = answer.value(QLatin1String("client_secret")).toString();
        client.authMethod =
            answer.value(QLatin1String("token_endpoint_auth_method")).toString(method);
        qCInfo(lcOAuth) << "registered client" << client.clientId;
        done(client, QString());
    });
}

void OAuthClient::exchangeCode(const QUrl &tokenEndpoint, const ClientIdentity &client,
                               const QString &code, const QString &redirectUri,
                               const QByteArray &verifier, const QString &resource, TokenDone done)
{
    QList<QPair<QString, QString>> fields = {
        {QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
        {QStringLiteral("code"), code},
        {QStringLiteral("redirect_uri"), redirectUri},
        {QStringLiteral("code_verifier"), QString::fromLatin1(verifier)},
    };
    if (!resource.isEmpty())
        fields.append({QStringLiteral("resource"), resource});
    postForm(tokenEndpoint, client, fields, [done](int status, const QByteArray &body) {
        done(TokenResult::parse(status, body));
    });
}

void OAuthClient::refresh(const QUrl &tokenEndpoint, const ClientIdentity &client,
                          const QString &refreshToken, const QString &resource, TokenDone done)
{
    QList<QPair<QString, QString>> fields = {
        {QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
        {QStringLiteral("refresh_token"), refreshToken},
    };
    if (!resource.isEmpty())
        fields.append({QStringLiteral("resource"), resource});
    postForm(tokenEndpoint, client, fields, [done](int status, const QByteArray &body) {
        done(TokenResult::parse(status, body));
    });
}

void OAuthClient::revoke(const QUrl &revocationEndpoint, const ClientIdentity &client,
                         const QString &token, const QString &hint, RevokeDone done)
{
    const QList<QPair<QString, QString>> fields = {
        {QStringLiteral("token"), token},
        {QStringLiteral("token_type_hint"), hint},
    };
    postForm(revocationEndpoint, client, fields, [done](int status, const QByteArray &) {
        // RFC 7009 §2.2: 200 also for a token that was already invalid.
        if (status == 200)
            done(true, QString());
        else
            done(false, QStringLiteral("revocation answered %1").arg(describeHttp(status)));
    });
}

void OAuthClient::getJson(const QUrl &url, std::function<void(int, const QByteArray &)> done)
{
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/json");
    request.setRawHeader("MCP-Protocol-Version", ProtocolVersion);
    request.setTransferTimeout(TransferTimeoutMs);
    finish(m_network->get(request), std::move(done));
}

void OAuthClient::postForm(const QUrl &url, const ClientIdentity &client,
                           QList<QPair<QString, QString>> fields,
                           std::function<void(int, const QByteArray &)> done)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(TransferTimeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::SameOriginRedirectPolicy);
    if (client.authMethod == QLatin1String("client_secret_basic") &&
        !client.clientSecret.isEmpty()) {
        // RFC 6749 §2.3.1: both parts form-encoded before Basic.
        const QByteArray credentials = QUrl::toPercentEncoding(client.clientId) + ':' +
                                       QUrl::toPercentEncoding(client.clientSecret);
        request.setRawHeader("Authorization", "Basic " + credentials.toBase64());
    } else {
        fields.append({QStringLiteral("client_id"), client.clientId});
        if (!client.clientSecret.isEmpty())
            fields.append({QStringLiteral("client_secret"), client.clientSecret});
    }
    finish(m_network->post(request, formEncode(fields)), std::move(done));
}

void OAuthClient::finish(QNetworkReply *reply, std::function<void(int, const QByteArray &)> done)
{
    connect(reply, &QNetworkReply::finished, this, [reply, done]() {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        if (status == 0)
            qCDebug(lcOAuth) << "request to" << reply->url().toString(QUrl::RemoveQuery)
                             << "failed:" << reply->errorString();
        done(status, body);
    });
}

} // namespace manifold::remote
