#pragma once

#include <QJsonObject>
#include <QtGlobal>

#include <array>

namespace manifold {

// A server's health over the last hour, in one-minute buckets: calls answered, errors, latency
// percentiles and memory. Independent of the traffic ring, so a flood that scrolls the ring in
// seconds still leaves an exact hour here. Latencies go into a fixed log-scale histogram
// (each bin 25% wider than the one before, 50 µs to ~17 min), so p50/p95 are within about 12%
// and a bucket costs the same however many calls it holds.
class TrafficHealth final
{
public:
    static constexpr int Minutes = 60;
    static constexpr qint64 BucketMs = 60 * 1000;
    static constexpr int Bins = 76;

    // A request answered at nowMs after durationUs; error: answered with a JSON-RPC error.
    void addCall(qint64 nowMs, qint64 durationUs, bool error);
    // The server's resident memory now (the sum over its instances); a bucket keeps its highest.
    void addMemorySample(qint64 nowMs, qint64 memoryKb);

    struct Summary
    {
        qint64 calls = 0;
        qint64 errors = 0;
        double p50Ms = 0;
        double p95Ms = 0;
        qint64 memoryKb = 0;
    };
    // The last 60 s: the current minute plus the part of the previous one they reach into.
    Summary now(qint64 nowMs) const;
    // {"bucketMs","buckets":[{t,calls,errors,p50Ms,p95Ms,memoryKb} x 60, oldest first],"now":{...}}
    QJsonObject toJson(qint64 nowMs) const;

    static int binOf(qint64 durationUs);
    static double binValueMs(int bin);   // the geometric middle of a bin

private:
    struct Bucket
    {
        qint64 minute = -1;   // nowMs / BucketMs it holds; another: empty
        qint64 calls = 0;
        qint64 errors = 0;
        qint64 memoryKb = 0;   // the highest sample in this minute
        bool memorySampled = false;
        std::array<quint32, Bins> bins{};
    };
    Bucket &bucketAt(qint64 nowMs);
    const Bucket *bucketFor(qint64 minute) const;
    static double percentileMs(const std::array<quint32, Bins> &bins, qint64 count, double fraction);

    std::array<Bucket, Minutes> m_buckets;
    qint64 m_lastMemoryKb = 0;
};

} // namespace manifold
