#include "traffic/trafficrecord.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace manifold {

const char *TrafficRecord::directionName(Direction direction)
{
    return direction == Direction::ToServer ? "to-server" : "from-server";
}

const char *TrafficRecord::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Request:
        return "request";
    case Kind::Notification:
        return "notification";
    case Kind::Result:
        return "result";
    case Kind::Error:
        return "error";
    }
    return "request";
}

QJsonObject TrafficRecord::metadataJson(const QString &server) const
{
    QJsonObject object{{QStringLiteral("server"), server},
                       {QStringLiteral("seq"), qint64(seq)},
                       {QStringLiteral("time"), QDateTime::fromMSecsSinceEpoch(timeUs / 1000, Qt::UTC)
                                                    .toString(Qt::ISODateWithMs)},
                       {QStringLiteral("timeUs"), timeUs},
                       {QStringLiteral("instance"), QString::fromUtf8(instance)},
                       {QStringLiteral("session"), qint64(session)},
                       {QStringLiteral("client"), QString::fromUtf8(client)},
                       {QStringLiteral("direction"), QLatin1String(directionName(direction))},
                       {QStringLiteral("kind"), QLatin1String(kindName(kind))},
                       {QStringLiteral("size"), sizeBytes}};
    if (!method.isEmpty())
        object.insert(QStringLiteral("method"), QString::fromUtf8(method));
    if (!id.isEmpty()) {
        // The id keeps its JSON type (number or string).
        const QJsonDocument parsed = QJsonDocument::fromJson("[" + id + "]");
        object.insert(QStringLiteral("id"), parsed.isArray() ? parsed.array().at(0) : QJsonValue(QString::fromUtf8(id)));
    }
    if (durationUs >= 0)
        object.insert(QStringLiteral("durationMs"), double(durationUs) / 1000.0);
    if (requestSeq != 0)
        object.insert(QStringLiteral("requestSeq"), qint64(requestSeq));
    if (kind == Kind::Error)
        object.insert(QStringLiteral("errorCode"), errorCode);
    if (byBroker)
        object.insert(QStringLiteral("byBroker"), true);
    if (!body.isEmpty()) {
        object.insert(QStringLiteral("hasBody"), true);
        if (bodyTruncated)
            object.insert(QStringLiteral("bodyTruncated"), true);
    }
    return object;
}

} // namespace manifold
