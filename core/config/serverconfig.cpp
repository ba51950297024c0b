#include "serverconfig.h"

#include <QJsonArray>
#include <QJsonValue>
#include <QUrl>

#include <algorithm>

namespace manifold {

namespace {

const QString KeyCommand = QStringLiteral("command");
const QString KeyArgs = QStringLiteral("args");
const QString KeyEnv = QStringLiteral("env");
const QString KeySecretEnv = QStringLiteral("secretEnv");
const QString KeyCwd = QStringLiteral("cwd");
const QString KeySharing = QStringLiteral("sharing");
const QString KeyLingerMs = QStringLiteral("lingerMs");
const QString KeyHeartbeatMs = QStringLiteral("heartbeatMs");
const QString KeyMaxLineBytes = QStringLiteral("maxLineBytes");
const QString KeyMaxInFlight = QStringLiteral("maxInFlight");
const QString KeyMaxQueuedBytes = QStringLiteral("maxQueuedBytes");
const QString KeyCaptureBodies = QStringLiteral("captureBodies");
const QString KeyUrl = QStringLiteral("url");
const QString KeyTransport = QStringLiteral("transport");
const QString KeyHeaders = QStringLiteral("headers");
const QString KeySecretHeaders = QStringLiteral("secretHeaders");
const QString KeyOAuth = QStringLiteral("oauth");

QJsonObject oauthToJson(const ServerConfig::OAuth &oauth)
{
    QJsonObject object;
    if (!oauth.clientId.isEmpty())
        object.insert(QStringLiteral("clientId"), oauth.clientId);
    if (oauth.clientSecret)
        object.insert(QStringLiteral("clientSecret"), true);
    if (!oauth.scope.isEmpty())
        object.insert(QStringLiteral("scope"), oauth.scope);
    if (!oauth.sendResource)
        object.insert(QStringLiteral("sendResource"), false);
    QJsonObject params;
    for (auto it = oauth.authorizeParams.cbegin(); it != oauth.authorizeParams.cend(); ++it)
        params.insert(it.key(), it.value());
    if (!params.isEmpty())
        object.insert(QStringLiteral("authorizeParams"), params);
    return object;
}

ServerConfig::OAuth oauthFromJson(const QJsonObject &object)
{
    ServerConfig::OAuth oauth;
    oauth.clientId = object.value(QStringLiteral("clientId")).toString();
    oauth.clientSecret = object.value(QStringLiteral("clientSecret")).toBool();
    oauth.scope = object.value(QStringLiteral("scope")).toString();
    oauth.sendResource = object.value(QStringLiteral("sendResource")).toBool(true);
    const QJsonObject params = object.value(QStringLiteral("authorizeParams")).toObject();
    for (auto it = params.constBegin(); it != params.constEnd(); ++it)
        oauth.authorizeParams.insert(it.key(), it.value().toString());
    return oauth;
}

int intOr(const QJsonObject &object, const QString &key, int fallback)
{
    const QJsonValue value = object.value(key);
    return value.isDouble() ? value.toInt(fallback) : fallback;
}

} // namespace

QJsonObject ServerConfig::toJson() const
{
    // Every field is written, defaults included, so the file documents itself.
    QJsonObject envObject;
    for (auto it = env.cbegin(); it != env.cend(); ++it)
        envObject.insert(it.key(), it.value());

    QJsonObject object;
    if (isRemote()) {
        // A remote server has no command, arguments, environment or directory.
        QJsonObject headerObject;
        for (auto it = headers.cbegin(); it != headers.cend(); ++it)
            headerObject.insert(it.key(), it.value());
        object.insert(KeyUrl, url);
        object.insert(KeyTransport, transportName(transport));
        object.insert(KeyHeaders, headerObject);
        if (!secretHeaders.isEmpty())
            object.insert(KeySecretHeaders, QJsonArray::fromStringList(secretHeaders));
        const QJsonObject oauthObject = oauthToJson(oauth);
        if (!oauthObject.isEmpty())
            object.insert(KeyOAuth, oauthObject);
    } else {
        object.insert(KeyCommand, command);
        object.insert(KeyArgs, QJsonArray::fromStringList(args));
        object.insert(KeyEnv, envObject);
        if (!secretEnv.isEmpty())
            object.insert(KeySecretEnv, QJsonArray::fromStringList(secretEnv));
        object.insert(KeyCwd, cwd);
    }
    object.insert(KeySharing, sharingName(sharing));
    object.insert(KeyLingerMs, lingerMs);
    object.insert(KeyHeartbeatMs, heartbeatMs);
    object.insert(KeyMaxLineBytes, maxLineBytes);
    object.insert(KeyMaxInFlight, maxInFlight);
    object.insert(KeyMaxQueuedBytes, maxQueuedBytes);
    if (captureBodies)
        object.insert(KeyCaptureBodies, true);
    return object;
}

ServerConfig ServerConfig::fromJson(const QString &name, const QJsonObject &object)
{
    // Missing or mistyped fields keep their defaults; ServerRegistry validates the shape of files.
    ServerConfig config;
    config.name = name;
    config.command = object.value(KeyCommand).toString();
    for (const QJsonValue &arg : object.value(KeyArgs).toArray())
        config.args.append(arg.toString());
    const QJsonObject envObject = object.value(KeyEnv).toObject();
    for (auto it = envObject.constBegin(); it != envObject.constEnd(); ++it)
        config.env.insert(it.key(), it.value().toString());
    for (const QJsonValue &variable : object.value(KeySecretEnv).toArray()) {
        if (!variable.toString().isEmpty() && !config.env.contains(variable.toString()))
            config.secretEnv.append(variable.toString());
    }
    config.secretEnv.sort();
    config.secretEnv.removeDuplicates();
    config.cwd = object.value(KeyCwd).toString();
    Sharing sharing = Sharing::Shared;
    if (parseSharing(object.value(KeySharing).toString(), &sharing))
        config.sharing = sharing;
    config.lingerMs = intOr(object, KeyLingerMs, config.lingerMs);
    config.heartbeatMs = intOr(object, KeyHeartbeatMs, config.heartbeatMs);
    config.maxLineBytes = intOr(object, KeyMaxLineBytes, config.maxLineBytes);
    config.maxInFlight = qMax(0, intOr(object, KeyMaxInFlight, config.maxInFlight));
    config.maxQueuedBytes = qMax(0, intOr(object, KeyMaxQueuedBytes, config.maxQueuedBytes));
    config.captureBodies = object.value(KeyCaptureBodies).toBool(false);
    config.url = object.value(KeyUrl).toString();
    Transport transport = Transport::Auto;
    if (parseTransport(object.value(KeyTransport).toString(), &transport))
        config.transport = transport;
    const QJsonObject headerObject = object.value(KeyHeaders).toObject();
    for (auto it = headerObject.constBegin(); it != headerObject.constEnd(); ++it)
        config.headers.insert(it.key(), it.value().toString());
    for (const QJsonValue &header : object.value(KeySecretHeaders).toArray()) {
        if (!header.toString().isEmpty() && !config.headers.contains(header.toString()))
            config.secretHeaders.append(header.toString());
    }
    config.secretHeaders.sort();
    config.secretHeaders.removeDuplicates();
    config.oauth = oauthFromJson(object.value(KeyOAuth).toObject());
    return config;
}

qint64 ServerConfig::defaultMaxQueuedBytes()
{
    bool ok = false;
    const qint64 fromEnv = qEnvironmentVariable("MANIFOLD_MAX_QUEUED_BYTES").toLongLong(&ok);
    return ok && fromEnv >= MinMaxQueuedBytes ? fromEnv : DefaultMaxQueuedBytes;
}

qint64 ServerConfig::effectiveMaxQueuedBytes(qint64 brokerDefault) const
{
    const qint64 configured = maxQueuedBytes > 0 ? maxQueuedBytes : brokerDefault;
    return qMax(configured, qint64(maxLineBytes) + QueueSlackBytes);
}

QString ServerConfig::sharingName(Sharing sharing)
{
    switch (sharing) {
    case Sharing::Shared:
        return QStringLiteral("shared");
    case Sharing::PerClient:
        return QStringLiteral("per-client");
    case Sharing::Isolated:
        return QStringLiteral("isolated");
    case Sharing::PerProject:
        return QStringLiteral("per-project");
    }
    return QStringLiteral("shared");
}

bool ServerConfig::parseSharing(const QString &text, Sharing *sharing)
{
    Sharing parsed;
    if (text == QLatin1String("shared"))
        parsed = Sharing::Shared;
    else if (text == QLatin1String("per-client"))
        parsed = Sharing::PerClient;
    else if (text == QLatin1String("isolated"))
        parsed = Sharing::Isolated;
    else if (text == QLatin1String("per-project"))
        parsed = Sharing::PerProject;
    else
        return false;
    if (sharing)
        *sharing = parsed;
    return true;
}

QString ServerConfig::transportName(Transport transport)
{
    switch (transport) {
    case Transport::Auto:
        return QStringLiteral("auto");
    case Transport::StreamableHttp:
        return QStringLiteral("http");
    case Transport::Sse:
        return QStringLiteral("sse");
    }
    return QStringLiteral("auto");
}

bool ServerConfig::parseTransport(const QString &text, Transport *transport)
{
    Transport parsed;
    if (text == QLatin1String("auto"))
        parsed = Transport::Auto;
    else if (text == QLatin1String("http") || text == QLatin1String("streamable-http"))
        parsed = Transport::StreamableHttp;
    else if (text == QLatin1String("sse"))
        parsed = Transport::Sse;
    else
        return false;
    if (transport)
        *transport = parsed;
    return true;
}

bool ServerConfig::isValidRemoteUrl(const QString &text, QString *error)
{
    const QUrl url(text, QUrl::StrictMode);
    QString why;
    if (!url.isValid() || url.isRelative())
        why = QStringLiteral("'%1' is not an absolute URL").arg(text);
    else if (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        why = QStringLiteral("'%1' is not an http or https URL").arg(text);
    else if (url.host().isEmpty())
        why = QStringLiteral("'%1' has no host").arg(text);
    else if (!url.userInfo().isEmpty())
        why = QStringLiteral("the URL must not hold a user name or password: put credentials in a header");
    else if (url.hasFragment())
        why = QStringLiteral("the URL must not have a #fragment");
    if (error)
        *error = why;
    return why.isEmpty();
}

bool ServerConfig::isSettableHeader(const QString &name, QString *error)
{
    static const QStringList owned = {
        QStringLiteral("host"), QStringLiteral("content-type"), QStringLiteral("content-length"),
        QStringLiteral("accept"), QStringLiteral("mcp-session-id"), QStringLiteral("mcp-protocol-version"),
        QStringLiteral("last-event-id"), QStringLiteral("connection"), QStringLiteral("transfer-encoding"),
        QStringLiteral("te"), QStringLiteral("upgrade"), QStringLiteral("keep-alive")};
    QString why;
    const bool token = !name.isEmpty() && std::all_of(name.cbegin(), name.cend(), [](QChar c) {
        const char16_t u = c.unicode();
        return u < 0x7f && (QChar::isLetterOrNumber(u) || QStringView(u"!#$%&'*+-.^_`|~").contains(c));
    });
    if (!token)
        why = QStringLiteral("'%1' is not a valid header name").arg(name);
    else if (owned.contains(name.toLower()))
        why = QStringLiteral("the header '%1' is set by Manifold itself").arg(name);
    if (error)
        *error = why;
    return why.isEmpty();
}

bool ServerConfig::isValidName(const QString &name)
{
    if (name.isEmpty() || name.size() > 64)
        return false;
    if (name.front() == QLatin1Char('.') || name.front() == QLatin1Char('-'))
        return false;
    for (const QChar c : name) {
        // ASCII only: QChar::isLetter() would let through look-alike Unicode letters.
        const char16_t u = c.unicode();
        const bool ok = (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') ||
                        (u >= u'0' && u <= u'9') || u == u'.' || u == u'_' || u == u'-';
        if (!ok)
            return false;
    }
    return true;
}

bool operator==(const ServerConfig &a, const ServerConfig &b)
{
    return a.name == b.name && a.command == b.command && a.args == b.args && a.env == b.env &&
           a.secretEnv == b.secretEnv &&
           a.cwd == b.cwd && a.sharing == b.sharing && a.lingerMs == b.lingerMs &&
           a.heartbeatMs == b.heartbeatMs && a.maxLineBytes == b.maxLineBytes &&
           a.maxInFlight == b.maxInFlight && a.maxQueuedBytes == b.maxQueuedBytes && a.url == b.url &&
           a.transport == b.transport && a.headers == b.headers && a.secretHeaders == b.secretHeaders &&
           a.oauth == b.oauth && a.captureBodies == b.captureBodies;
}

} // namespace manifold
