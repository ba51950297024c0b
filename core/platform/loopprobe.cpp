#include "platform/loopprobe.h"

#include <QJsonArray>
#include <QtGlobal>

#include <algorithm>
#include <cmath>

namespace manifold::platform {

namespace {
constexpr std::int64_t FiftyMsNs = 50'000'000;

int highestBit(std::uint64_t value)
{
    int bit = -1;
    while (value) {
        value >>= 1;
        ++bit;
    }
    return bit;
}
} // namespace

LoopProbe::LoopProbe(QObject *parent, int intervalMs)
    : QObject(parent), m_intervalMs(std::max(1, intervalMs))
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(m_intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &LoopProbe::onTick);
}

bool LoopProbe::enabledByEnvironment()
{
    const QByteArray value = qgetenv("MANIFOLD_LOOP_PROBE");
    return !value.isEmpty() && value != "0";
}

void LoopProbe::start()
{
    if (m_timer.isActive())
        return;
    m_clock.start();
    m_lastTickNs = 0;
    m_timer.start();
}

void LoopProbe::stop()
{
    m_timer.stop();
    m_lastTickNs = -1;
}

void LoopProbe::reset()
{
    m_buckets.fill(0);
    m_samples = 0;
    m_over50ms = 0;
    m_maxNs = 0;
    if (m_timer.isActive()) {
        m_clock.start();
        m_lastTickNs = 0;
    }
}

void LoopProbe::onTick()
{
    const std::int64_t now = m_clock.nsecsElapsed();
    if (m_lastTickNs >= 0)
        record(now - m_lastTickNs - std::int64_t(m_intervalMs) * 1'000'000);
    m_lastTickNs = now;
}

void LoopProbe::record(std::int64_t latenessNs)
{
    // A tick a little early (timer slack) counts as on time.
    const std::int64_t lateness = std::max<std::int64_t>(0, latenessNs);
    ++m_buckets[size_t(bucketOf(std::uint64_t(lateness)))];
    ++m_samples;
    if (lateness > FiftyMsNs)
        ++m_over50ms;
    m_maxNs = std::max(m_maxNs, lateness);
}

// Log-linear: values below 16 ns have their own bucket; above, 16 buckets per power of two.
int LoopProbe::bucketOf(std::uint64_t ns)
{
    if (ns < SubBuckets)
        return int(ns);
    const int exponent = highestBit(ns); // >= 4
    const int sub = int((ns >> (exponent - 4)) & (SubBuckets - 1));
    return std::min(BucketCount - 1, (exponent - 3) * SubBuckets + sub);
}

std::uint64_t LoopProbe::bucketUpperNs(int bucket)
{
    if (bucket < SubBuckets)
        return std::uint64_t(bucket);
    const int exponent = bucket / SubBuckets + 3;
    const std::uint64_t sub = std::uint64_t(bucket % SubBuckets);
    return ((SubBuckets + sub + 1) << (exponent - 4)) - 1;
}

double LoopProbe::percentileMs(double q) const
{
    if (m_samples == 0)
        return 0.0;
    const auto rank = std::int64_t(std::ceil(std::clamp(q, 0.0, 1.0) * double(m_samples)));
    std::int64_t seen = 0;
    for (int bucket = 0; bucket < BucketCount; ++bucket) {
        seen += m_buckets[size_t(bucket)];
        if (seen >= std::max<std::int64_t>(1, rank))
            return double(std::min<std::uint64_t>(bucketUpperNs(bucket), std::uint64_t(m_maxNs))) /
                   1e6;
    }
    return maxMs();
}

QJsonObject LoopProbe::toJson() const
{
    const auto round3 = [](double ms) { return std::round(ms * 1000.0) / 1000.0; };
    QJsonArray histogram;
    for (int bucket = 0; bucket < BucketCount; ++bucket) {
        if (m_buckets[size_t(bucket)])
            histogram.append(
                QJsonArray{qint64(bucketUpperNs(bucket)), qint64(m_buckets[size_t(bucket)])});
    }
    return QJsonObject{{QStringLiteral("intervalMs"), m_intervalMs},
                       {QStringLiteral("samples"), qint64(m_samples)},
                       {QStringLiteral("p50Ms"), round3(p50Ms())},
                       {QStringLiteral("p99Ms"), round3(p99Ms())},
                       {QStringLiteral("maxMs"), round3(maxMs())},
                       {QStringLiteral("over50ms"), qint64(m_over50ms)},
                       {QStringLiteral("running"), isRunning()},
                       {QStringLiteral("histogram"), histogram}};
}

} // namespace manifold::platform
