#include "oauthmetadata.h"

#include <algorithm>

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

#include "oauthdiscovery.h"

namespace manifold::remote {

namespace {

QStringList stringList(const QJsonValue &value)
{
    QStringList out;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array) {
        if (item.isString())
            out.append(item.toString());
    }
    return out;
}

QUrl httpUrl(const QJsonValue &value)
{
    const QUrl url(value.toString(), QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return {};
    if (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http"))
        return {};
    return url;
}

QString withoutTrailingSlash(QString text)
{
    if (text.endsWith(QLatin1Char('/')))
        text.chop(1);
    return text;
}

} // namespace

bool ProtectedResourceMetadata::resourceCovers(const QUrl &resource, const QUrl &serverUrl)
{
    const QUrl a = OAuthDiscovery::canonicalResource(resource);
    const QUrl b = OAuthDiscovery::canonicalResource(serverUrl);
    if (!a.isValid() || !b.isValid())
        return false;
    if (a.scheme() != b.scheme() || a.host() != b.host() || a.port() != b.port())
        return false;
    const QString resourcePath = withoutTrailingSlash(a.path());
    const QString serverPath = withoutTrailingSlash(b.path());
    if (resourcePath.isEmpty() || resourcePath == serverPath)
        return true;
    return serverPath.startsWith(resourcePath + QLatin1Char('/'));
}

bool ProtectedResourceMetadata::fromJson(const QJsonObject &object, const QUrl &serverUrl,
                                         ProtectedResourceMetadata *out, QString *error)
{
    const QString resource = object.value(QLatin1String("resource")).toString();
    if (resource.isEmpty()) {
        *error = QStringLiteral("the protected resource metadata has no resource");
        return false;
    }
    if (!resourceCovers(QUrl(resource), serverUrl)) {
        *error =
            QStringLiteral("the protected resource metadata names resource %1, which is not %2 "
                           "(another origin or path); Manifold will not sign in")
                .arg(resource, serverUrl.toString());
        return false;
    }
    out->resource = resource;
    out->authorizationServers = stringList(object.value(QLatin1String("authorization_servers")));
    out->scopesSupported = stringList(object.value(QLatin1String("scopes_supported")));
    if (out->authorizationServers.isEmpty()) {
        *error = QStringLiteral("the protected resource metadata names no authorization server");
        return false;
    }
    return true;
}

bool AuthServerMetadata::fromJson(const QJsonObject &object, const QString &expectedIssuer,
                                  AuthServerMetadata *out, QString *error)
{
    out->issuer = object.value(QLatin1String("issuer")).toString();
    if (!sameIssuer(out->issuer, expectedIssuer)) {
        *error =
            QStringLiteral("the authorization server metadata names issuer \"%1\", expected %2")
                .arg(out->issuer, expectedIssuer);
        return false;
    }
    out->authorizationEndpoint = httpUrl(object.value(QLatin1String("authorization_endpoint")));
    out->tokenEndpoint = httpUrl(object.value(QLatin1String("token_endpoint")));
    out->registrationEndpoint = httpUrl(object.value(QLatin1String("registration_endpoint")));
    out->revocationEndpoint = httpUrl(object.value(QLatin1String("revocation_endpoint")));
    out->codeChallengeMethods =
        stringList(object.value(QLatin1String("code_challenge_methods_supported")));
    out->tokenEndpointAuthMethods =
        stringList(object.value(QLatin1String("token_endpoint_auth_methods_supported")));
    out->scopesSupported = stringList(object.value(QLatin1String("scopes_supported")));
    out->issParameterSupported =
        object.value(QLatin1String("authorization_response_iss_parameter_supported")).toBool();
    out->clientIdMetadataDocumentSupported =
        object.value(QLatin1String("client_id_metadata_document_supported")).toBool();
    if (!out->authorizationEndpoint.isValid() || !out->tokenEndpoint.isValid()) {
        *error =
            QStringLiteral("the authorization server %1 has no authorization or token endpoint")
                .arg(expectedIssuer);
        return false;
    }
    if (!out->codeChallengeMethods.contains(QLatin1String("S256"))) {
        *error =
            QStringLiteral(
                "the sign-in server %1 does not support PKCE (S256); Manifold will not sign in")
                .arg(expectedIssuer);
        return false;
    }
    return true;
}

TokenResult TokenResult::parse(int httpStatus, const QByteArray &body)
{
    TokenResult result;
    if (httpStatus == 0 || httpStatus >= 500) {
        result.outcome = Outcome::Transient;
        result.message =
            httpStatus == 0 ? QStringLiteral("the token endpoint could not be reached")
                            : QStringLiteral("the token endpoint answered HTTP %1").arg(httpStatus);
        return result;
    }
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    if (httpStatus >= 200 && httpStatus < 300) {
        result.accessToken = object.value(QLatin1String("access_token")).toString();
        const QString type = object.value(QLatin1String("token_type")).toString();
        if (result.accessToken.isEmpty() ||
            type.compare(QLatin1String("bearer"), Qt::CaseInsensitive) != 0) {
            result.outcome = Outcome::Refused;
            result.message =
                QStringLiteral("the token endpoint answered without a Bearer access token");
            result.accessToken.clear();
            return result;
        }
        result.outcome = Outcome::Ok;
        result.refreshToken = object.value(QLatin1String("refresh_token")).toString();
        result.scope = object.value(QLatin1String("scope")).toString();
        const QJsonValue expiresIn = object.value(QLatin1String("expires_in"));
        if (expiresIn.isDouble() && expiresIn.toDouble() > 0)
            result.expiresIn = static_cast<qint64>(expiresIn.toDouble());
        return result;
    }
    result.error = object.value(QLatin1String("error")).toString();
    const QString description = object.value(QLatin1String("error_description")).toString();
    if (result.error == QLatin1String("invalid_grant"))
        result.outcome = Outcome::InvalidGrant;
    else if (result.error == QLatin1String("invalid_client"))
        result.outcome = Outcome::InvalidClient;
    else if (result.error == QLatin1String("temporarily_unavailable") || httpStatus == 429)
        result.outcome = Outcome::Transient;
    else
        result.outcome = Outcome::Refused;
    result.message = result.error.isEmpty()
                         ? QStringLiteral("the token endpoint answered HTTP %1").arg(httpStatus)
                         : result.error;
    if (!description.isEmpty())
        result.message += QStringLiteral(": ") + description;
    return result;
}

QUrl AuthorizationRequest::url() const
{
    QList<QPair<QString, QString>> fields = {
        {QStringLiteral("response_type"), QStringLiteral("code")},
        {QStringLiteral("client_id"), clientId},
        {QStringLiteral("redirect_uri"), redirectUri},
        {QStringLiteral("state"), QString::fromLatin1(state)},
        {QStringLiteral("code_challenge"), QString::fromLatin1(codeChallenge)},
        {QStringLiteral("code_challenge_method"), QStringLiteral("S256")},
    };
    if (!scope.isEmpty())
        fields.append({QStringLiteral("scope"), scope});
    if (!resource.isEmpty())
        fields.append({QStringLiteral("resource"), resource});
    for (auto it = extraParams.cbegin(); it != extraParams.cend(); ++it) {
        const bool ours =
            std::any_of(fields.cbegin(), fields.cend(), [&](const QPair<QString, QString> &field) {
                return field.first == it.key();
            });
        if (!ours)
            fields.append({it.key(), it.value()});
    }
    // Keep the endpoint's own query parameters (some providers put a tenant there).
    QByteArray query = endpoint.query(QUrl::FullyEncoded).toLatin1();
    if (!query.isEmpty())
        query += '&';
    query += formEncode(fields);
    QUrl url = endpoint;
    url.setQuery(QString::fromLatin1(query), QUrl::StrictMode);
    return url;
}

QString selectScope(const QString &configured, const QString &challenged,
                    const QStringList &prmScopes)
{
    if (!configured.trimmed().isEmpty())
        return configured.simplified();
    if (!challenged.trimmed().isEmpty())
        return challenged.simplified();
    return prmScopes.join(QLatin1Char(' '));
}

QByteArray formEncode(const QList<QPair<QString, QString>> &fields)
{
    QByteArray out;
    for (const auto &field : fields) {
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(field.first) + '=' + QUrl::toPercentEncoding(field.second);
    }
    return out;
}

bool sameIssuer(const QString &a, const QString &b)
{
    return !a.isEmpty() && withoutTrailingSlash(a) == withoutTrailingSlash(b);
}

} // namespace manifold::remote
