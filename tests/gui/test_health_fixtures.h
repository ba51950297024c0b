#pragma once

// `health` replies as the broker's contract shapes them, for the dashboard's tests.

#include <QJsonArray>
#include <QJsonObject>

namespace healthfixtures {

constexpr qint64 kHourStartMs = 1796000000000 / 60000 * 60000; // a minute boundary

// One server's entry: 60 buckets where bucket i has calls = callsAt(i), p95 = 10 × calls.
inline QJsonObject serverHealth(const QString &name, double callsPerMin, double p95Ms, double errorsPerMin = 0,
                                double memoryKb = 20480, double step = 1)
{
    QJsonArray buckets;
    for (int i = 0; i < 60; ++i) {
        buckets.append(QJsonObject{{QStringLiteral("t"), kHourStartMs + i * 60000},
                                   {QStringLiteral("calls"), i * step},
                                   {QStringLiteral("errors"), i % 10 == 0 ? 1 : 0},
                                   {QStringLiteral("p50Ms"), i * step * 4},
                                   {QStringLiteral("p95Ms"), i * step * 10},
                                   {QStringLiteral("memoryKb"), memoryKb}});
    }
    return {{QStringLiteral("name"), name},
            {QStringLiteral("bucketMs"), 60000},
            {QStringLiteral("buckets"), buckets},
            {QStringLiteral("now"), QJsonObject{{QStringLiteral("callsPerMin"), callsPerMin},
                                                {QStringLiteral("errorsPerMin"), errorsPerMin},
                                                {QStringLiteral("p50Ms"), p95Ms / 2},
                                                {QStringLiteral("p95Ms"), p95Ms},
                                                {QStringLiteral("memoryKb"), memoryKb}}}};
}

inline QJsonObject reply(const QJsonArray &servers)
{
    return {{QStringLiteral("servers"), servers}};
}

} // namespace healthfixtures
