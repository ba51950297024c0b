#include "serverconfig.h"

#include <QJsonArray>
#include <QJsonValue>

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
    object.insert(KeyCommand, command);
    object.insert(KeyArgs, QJsonArray::fromStringList(args));
    object.insert(KeyEnv, envObject);
    if (!secretEnv.isEmpty())
        object.insert(KeySecretEnv, QJsonArray::fromStringList(secretEnv));
    object.insert(KeyCwd, cwd);
    object.insert(KeySharing, sharingName(sharing));
    object.insert(KeyLingerMs, lingerMs);
    object.insert(KeyHeartbeatMs, heartbeatMs);
    object.insert(KeyMaxLineBytes, maxLineBytes);
    object.insert(KeyMaxInFlight, maxInFlight);
    object.insert(KeyMaxQueuedBytes, maxQueuedBytes);
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
           a.maxInFlight == b.maxInFlight && a.maxQueuedBytes == b.maxQueuedBytes;
}

} // namespace manifold
