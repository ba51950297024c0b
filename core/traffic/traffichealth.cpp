#include "traffic/traffichealth.h"

#include <QJsonArray>

#include <cmath>

namespace manifold {

namespace {
constexpr double FirstBinUs = 50.0;
constexpr double BinRatio = 1.25;
} // namespace

int TrafficHealth::binOf(qint64 durationUs)
{
    if (durationUs <= FirstBinUs)
        return 0;
    const int bin = 1 + int(std::log(double(durationUs) / FirstBinUs) / std::log(BinRatio));
    return qBound(0, bin, Bins - 1);
}

double TrafficHealth::binValueMs(int bin)
{
    if (bin == 0)
        return FirstBinUs / 2000.0;
    // Bin b holds (50 µs * 1.25^(b-1), 50 µs * 1.25^b]: its geometric middle.
    return FirstBinUs * std::pow(BinRatio, bin - 0.5) / 1000.0;
}

TrafficHealth::Bucket &TrafficHealth::bucketAt(qint64 nowMs)
{
    const qint64 minute = nowMs / BucketMs;
    Bucket &bucket = m_buckets[size_t(minute % Minutes)];
    if (bucket.minute != minute) {
        bucket = Bucket{};
        bucket.minute = minute;
    }
    return bucket;
}

const TrafficHealth::Bucket *TrafficHealth::bucketFor(qint64 minute) const
{
    if (minute < 0)
        return nullptr;
    const Bucket &bucket = m_buckets[size_t(minute % Minutes)];
    return bucket.minute == minute ? &bucket : nullptr;
}

void TrafficHealth::addCall(qint64 nowMs, qint64 durationUs, bool error)
{
    Bucket &bucket = bucketAt(nowMs);
    ++bucket.calls;
    if (error)
        ++bucket.errors;
    ++bucket.bins[size_t(binOf(qMax<qint64>(0, durationUs)))];
}

void TrafficHealth::addMemorySample(qint64 nowMs, qint64 memoryKb)
{
    Bucket &bucket = bucketAt(nowMs);
    bucket.memoryKb = bucket.memorySampled ? qMax(bucket.memoryKb, memoryKb) : memoryKb;
    bucket.memorySampled = true;
    m_lastMemoryKb = memoryKb;
}

double TrafficHealth::percentileMs(const std::array<quint32, Bins> &bins, qint64 count, double fraction)
{
    if (count <= 0)
        return 0;
    const qint64 rank = qMax<qint64>(1, qint64(std::ceil(fraction * double(count))));
    qint64 seen = 0;
    for (int bin = 0; bin < Bins; ++bin) {
        seen += bins[size_t(bin)];
        if (seen >= rank)
            return binValueMs(bin);
    }
    return binValueMs(Bins - 1);
}

TrafficHealth::Summary TrafficHealth::now(qint64 nowMs) const
{
    const qint64 minute = nowMs / BucketMs;
    const Bucket *current = bucketFor(minute);
    const Bucket *previous = bucketFor(minute - 1);
    // The previous minute counts for the share of it that lies within the last 60 s.
    const double share = 1.0 - double(nowMs % BucketMs) / double(BucketMs);
    Summary summary;
    std::array<quint32, Bins> bins{};
    qint64 weighted = 0;
    for (const Bucket *bucket : {current, previous}) {
        if (!bucket)
            continue;
        const double weight = bucket == current ? 1.0 : share;
        summary.calls += qint64(std::llround(double(bucket->calls) * weight));
        summary.errors += qint64(std::llround(double(bucket->errors) * weight));
        for (int bin = 0; bin < Bins; ++bin) {
            const auto part = quint32(std::llround(double(bucket->bins[size_t(bin)]) * weight));
            bins[size_t(bin)] += part;
            weighted += part;
        }
    }
    summary.p50Ms = percentileMs(bins, weighted, 0.50);
    summary.p95Ms = percentileMs(bins, weighted, 0.95);
    summary.memoryKb = m_lastMemoryKb;
    return summary;
}

QJsonObject TrafficHealth::toJson(qint64 nowMs) const
{
    const qint64 minute = nowMs / BucketMs;
    QJsonArray buckets;
    for (qint64 m = minute - Minutes + 1; m <= minute; ++m) {
        const Bucket *bucket = bucketFor(m);
        QJsonObject entry{{QStringLiteral("t"), m * BucketMs}};
        entry.insert(QStringLiteral("calls"), bucket ? bucket->calls : 0);
        entry.insert(QStringLiteral("errors"), bucket ? bucket->errors : 0);
        entry.insert(QStringLiteral("p50Ms"), bucket ? percentileMs(bucket->bins, bucket->calls, 0.50) : 0.0);
        entry.insert(QStringLiteral("p95Ms"), bucket ? percentileMs(bucket->bins, bucket->calls, 0.95) : 0.0);
        entry.insert(QStringLiteral("memoryKb"), bucket ? bucket->memoryKb : 0);
        buckets.append(entry);
    }
    const Summary summary = now(nowMs);
    return {{QStringLiteral("bucketMs"), BucketMs},
            {QStringLiteral("buckets"), buckets},
            {QStringLiteral("now"), QJsonObject{{QStringLiteral("callsPerMin"), summary.calls},
                                                {QStringLiteral("errorsPerMin"), summary.errors},
                                                {QStringLiteral("p50Ms"), summary.p50Ms},
                                                {QStringLiteral("p95Ms"), summary.p95Ms},
                                                {QStringLiteral("memoryKb"), summary.memoryKb}}}};
}

} // namespace manifold
