#include "signinrecord.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace manifold::remote {

QString SignInRecord::blobKey(const QString &server)
{
    return QStringLiteral("server/%1/oauth").arg(server);
}

QString SignInRecord::refreshKey(const QString &server)
{
    return QStringLiteral("server/%1/oauth-refresh").arg(server);
}

QString SignInRecord::clientSecretKey(const QString &server)
{
    return QStringLiteral("server/%1/oauth-client-secret").arg(server);
}

QString SignInRecord::toBlob() const
{
    QJsonObject object{
        {QStringLiteral("issuer"), issuer},
        {QStringLiteral("resource"), resource},
        {QStringLiteral("serverUrl"), serverUrl},
        {QStringLiteral("clientId"), clientId},
        {QStringLiteral("authMethod"), authMethod},
        {QStringLiteral("redirectUri"), redirectUri},
        {QStringLiteral("accessToken"), accessToken},
        {QStringLiteral("issuedAt"), static_cast<double>(issuedAt)},
        {QStringLiteral("expiresAt"), static_cast<double>(expiresAt)},
        {QStringLiteral("scope"), scope},
        {QStringLiteral("tokenEndpoint"), tokenEndpoint},
        {QStringLiteral("revocationEndpoint"), revocationEndpoint},
    };
    if (!clientSecret.isEmpty())
        object.insert(QStringLiteral("clientSecret"), clientSecret);
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

SignInRecord SignInRecord::fromBlob(const QString &blob, bool *ok)
{
    const QJsonDocument document = QJsonDocument::fromJson(blob.toUtf8());
    SignInRecord record;
    *ok = document.isObject();
    if (!*ok)
        return record;
    const QJsonObject object = document.object();
    const auto text = [&object](const char *name) {
        return object.value(QLatin1String(name)).toString();
    };
    record.issuer = text("issuer");
    record.resource = text("resource");
    record.serverUrl = text("serverUrl");
    record.clientId = text("clientId");
    record.clientSecret = text("clientSecret");
    record.authMethod = text("authMethod");
    record.redirectUri = text("redirectUri");
    record.accessToken = text("accessToken");
    record.issuedAt = static_cast<qint64>(object.value(QLatin1String("issuedAt")).toDouble());
    record.expiresAt = static_cast<qint64>(object.value(QLatin1String("expiresAt")).toDouble());
    record.scope = text("scope");
    record.tokenEndpoint = text("tokenEndpoint");
    record.revocationEndpoint = text("revocationEndpoint");
    *ok = !record.clientId.isEmpty() && !record.tokenEndpoint.isEmpty();
    return record;
}

qint64 SignInRecord::refreshAt() const
{
    if (expiresAt <= 0)
        return 0;
    const qint64 lifetime = std::max<qint64>(0, expiresAt - issuedAt);
    // 20 % ahead (at most a minute), but at least 2 s (at most half the lifetime): expires_in
    // is whole seconds (an AS that counts from a truncated second ends the token up to 1 s
    // early) and the refresh itself takes a round trip and two keychain writes.
    const qint64 floor = std::min<qint64>(2000, lifetime / 2);
    const qint64 lead = std::min<qint64>(60000, std::max<qint64>(lifetime / 5, floor));
    return expiresAt - lead;
}

} // namespace manifold::remote
