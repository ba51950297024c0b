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

QJsonObject TrafficRecord::toJson() const
{
    QJsonObject object{{QStringLiteral("seq"), qint64(seq)},
                       {QStringLiteral("time"), QDateTime::fromMSecsSinceEpoch(timeMs).toString(Qt::ISODateWithMs)},
                       {QStringLiteral("session"), qint64(session)},
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
    if (durationMs >= 0)
        object.insert(QStringLiteral("durationMs"), durationMs);
    if (kind == Kind::Error)
        object.insert(QStringLiteral("errorCode"), errorCode);
    if (!body.isEmpty())
        object.insert(QStringLiteral("body"), QString::fromUtf8(body));
    return object;
}

} // namespace manifold
