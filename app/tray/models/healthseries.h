#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

class QJsonObject;

namespace manifold {

// One server's last hour as the broker's `health` method reports it: 60 one-minute buckets,
// oldest first (the last one is the current, partial minute), and the values of the last 60 s.
struct HealthSeries
{
    enum class Metric { Calls, Errors, P50, P95, Memory };

    struct Bucket
    {
        qint64 startMs = 0; // epoch ms of the minute's start
        double calls = 0;
        double errors = 0;
        double p50Ms = 0;
        double p95Ms = 0;
        double memoryKb = 0;
    };

    QString server;
    qint64 bucketMs = 60000;
    QList<Bucket> buckets;
    double callsPerMin = 0;
    double errorsPerMin = 0;
    double p50Ms = 0;
    double p95Ms = 0;
    double memoryKb = 0;

    // One metric across the buckets, oldest first.
    QList<double> values(Metric metric) const;
    qint64 firstBucketMs() const { return buckets.isEmpty() ? 0 : buckets.first().startMs; }

    // One entry of the reply's "servers" array.
    static HealthSeries fromJson(const QJsonObject &server);
    // The whole reply: {"servers":[...]}.
    static QList<HealthSeries> listFromReply(const QJsonObject &result);
};

} // namespace manifold

Q_DECLARE_METATYPE(manifold::HealthSeries)
