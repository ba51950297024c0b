#include "control/instancestatus.h"

namespace manifold {

namespace {

const QString kKey = QStringLiteral("key");
const QString kSessions = QStringLiteral("sessions");

QString partText(const QJsonValue &value)
{
    if (value.isArray()) {
        QStringList items;
        for (const QJsonValue &item : value.toArray())
            items.append(item.isObject() ? item.toObject().value(QStringLiteral("uri")).toString()
                                         : item.toVariant().toString());
        return items.join(QLatin1Char(','));
    }
    if (value.isDouble())
        return QString::number(value.toInteger());
    return value.toString();
}

} // namespace

QString instanceLabel(const QJsonObject &instance)
{
    const QString key = instance.value(kKey).toString();
    if (!key.isEmpty())
        return key;
    QStringList parts;
    const QJsonObject keyParts = instance.value(QStringLiteral("keyParts")).toObject();
    for (auto it = keyParts.begin(); it != keyParts.end(); ++it) {
        const QString text = partText(it.value());
        if (!text.isEmpty())
            parts.append(it.key() + QLatin1Char(' ') + text);
    }
    return parts.isEmpty() ? QStringLiteral("shared") : parts.join(QLatin1Char(' '));
}

QList<qint64> instanceSessionIds(const QString &server, const QJsonObject &instance,
                                 const QJsonArray &sessions)
{
    QList<qint64> ids;
    const QJsonValue listed = instance.value(kSessions);
    if (listed.isArray()) {
        for (const QJsonValue &id : listed.toArray())
            ids.append(id.toInteger());
        return ids;
    }
    const QString key = instance.value(kKey).toString();
    for (const QJsonValue &value : sessions) {
        const QJsonObject session = value.toObject();
        if (session.value(QStringLiteral("server")).toString() == server &&
            session.value(QStringLiteral("instance")).toString() == key)
            ids.append(session.value(QStringLiteral("id")).toInteger());
    }
    return ids;
}

qint64 instanceSessionCount(const QJsonObject &instance)
{
    const QJsonValue sessions = instance.value(kSessions);
    return sessions.isArray() ? sessions.toArray().size() : sessions.toInteger();
}

} // namespace manifold
