#include "healthseries.h"

#include <QJsonArray>
#include <QJsonObject>

namespace manifold {

QList<double> HealthSeries::values(Metric metric) const
{
    QList<double> result;
    result.reserve(buckets.size());
    for (const Bucket &bucket : buckets) {
        switch (metric) {
        case Metric::Calls:
            result.append(bucket.calls);
            break;
        case Metric::Errors:
            result.append(bucket.errors);
            break;
        case Metric::P50:
            result.append(bucket.p50Ms);
            break;
        case Metric::P95:
            result.append(bucket.p95Ms);
            break;
        case Metric::Memory:
            result.append(bucket.memoryKb);
            break;
        }
    }
    return result;
}

HealthSeries HealthSeries::fromJson(const QJsonObject &server)
{
    HealthSeries series;
    series.server = server.value(QLatin1String("name")).toString();
    series.bucketMs = server.value(QLatin1String("bucketMs")).toInteger(60000);
    if (series.bucketMs <= 0)
        series.bucketMs = 60000;
    const QJsonArray buckets = server.value(QLatin1String("buckets")).toArray();
    series.buckets.reserve(buckets.size());
    for (const QJsonValue &value : buckets) {
        const QJsonObject bucket = value.toObject();
        series.buckets.append({bucket.value(QLatin1String("t")).toInteger(),
                               bucket.value(QLatin1String("calls")).toDouble(),
                               bucket.value(QLatin1String("errors")).toDouble(),
                               bucket.value(QLatin1String("p50Ms")).toDouble(),
                               bucket.value(QLatin1String("p95Ms")).toDouble(),
                               bucket.value(QLatin1String("memoryKb")).toDouble()});
    }
    const QJsonObject now = server.value(QLatin1String("now")).toObject();
    series.callsPerMin = now.value(QLatin1String("callsPerMin")).toDouble();
    series.errorsPerMin = now.value(QLatin1String("errorsPerMin")).toDouble();
    series.p50Ms = now.value(QLatin1String("p50Ms")).toDouble();
    series.p95Ms = now.value(QLatin1String("p95Ms")).toDouble();
    series.memoryKb = now.value(QLatin1String("memoryKb")).toDouble();
    return series;
}

QList<HealthSeries> HealthSeries::listFromReply(const QJsonObject &result)
{
    QList<HealthSeries> list;
    for (const QJsonValue &value : result.value(QLatin1String("servers")).toArray()) {
        HealthSeries series = fromJson(value.toObject());
        if (!series.server.isEmpty())
            list.append(series);
    }
    return list;
}

} // namespace manifold
