#include "trafficrow.h"

#include <QDateTime>

namespace manifold {

namespace {

TrafficRow::Kind kindFrom(const QString &name)
{
    if (name == QLatin1String("notification"))
        return TrafficRow::Kind::Notification;
    if (name == QLatin1String("result"))
        return TrafficRow::Kind::Result;
    if (name == QLatin1String("error"))
        return TrafficRow::Kind::Error;
    return TrafficRow::Kind::Request;
}

} // namespace

QString TrafficRow::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Request:
        return QStringLiteral("request");
    case Kind::Notification:
        return QStringLiteral("notification");
    case Kind::Result:
        return QStringLiteral("result");
    case Kind::Error:
        return QStringLiteral("error");
    }
    return {};
}

TrafficRow TrafficRow::fromJson(const QJsonObject &record)
{
    TrafficRow row;
    row.server = record.value(QLatin1String("server")).toString();
    row.seq = record.value(QLatin1String("seq")).toInteger();
    row.timeUs = record.value(QLatin1String("timeUs")).toInteger();
    row.instance = record.value(QLatin1String("instance")).toString();
    row.session = record.value(QLatin1String("session")).toInteger();
    row.client = record.value(QLatin1String("client")).toString();
    row.toServer = record.value(QLatin1String("direction")).toString() != QLatin1String("from-server");
    row.kind = kindFrom(record.value(QLatin1String("kind")).toString());
    row.method = record.value(QLatin1String("method")).toString();
    row.id = record.value(QLatin1String("id"));
    row.size = record.value(QLatin1String("size")).toInteger();
    row.durationMs = record.value(QLatin1String("durationMs")).toDouble(-1);
    row.requestSeq = record.value(QLatin1String("requestSeq")).toInteger();
    row.errorCode = record.value(QLatin1String("errorCode")).toInt();
    row.errorMessage = record.value(QLatin1String("errorMessage")).toString();
    row.byBroker = record.value(QLatin1String("byBroker")).toBool();
    row.hasBody = record.value(QLatin1String("hasBody")).toBool();
    return row;
}

QJsonObject TrafficRow::toJson() const
{
    QJsonObject record{
        {QStringLiteral("server"), server},
        {QStringLiteral("seq"), seq},
        {QStringLiteral("timeUs"), timeUs},
        {QStringLiteral("time"), QDateTime::fromMSecsSinceEpoch(timeUs / 1000, Qt::UTC)
                                     .toString(Qt::ISODateWithMs)},
        {QStringLiteral("instance"), instance},
        {QStringLiteral("session"), session},
        {QStringLiteral("client"), client},
        {QStringLiteral("direction"), toServer ? QStringLiteral("to-server") : QStringLiteral("from-server")},
        {QStringLiteral("kind"), kindName(kind)},
        {QStringLiteral("method"), method},
        {QStringLiteral("size"), size},
    };
    if (!id.isUndefined())
        record.insert(QStringLiteral("id"), id);
    if (isAnswer()) {
        record.insert(QStringLiteral("durationMs"), durationMs);
        if (requestSeq > 0)
            record.insert(QStringLiteral("requestSeq"), requestSeq);
    }
    if (kind == Kind::Error) {
        record.insert(QStringLiteral("errorCode"), errorCode);
        record.insert(QStringLiteral("errorMessage"), errorMessage);
    }
    if (byBroker)
        record.insert(QStringLiteral("byBroker"), true);
    if (hasBody)
        record.insert(QStringLiteral("hasBody"), true);
    return record;
}

} // namespace manifold
