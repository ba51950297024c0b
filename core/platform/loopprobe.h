#pragma once

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <array>
#include <cstdint>

namespace manifold::platform {

// Measures how late the event loop runs a 10 ms precise timer (the thread's responsiveness),
// into a log-linear histogram: p50/p99/max, the sample count and how many ticks were over 50 ms.
// Used by the broker and the tray app (same thread) under MANIFOLD_LOOP_PROBE=1, and by tests.
class LoopProbe final : public QObject
{
    Q_OBJECT
public:
    explicit LoopProbe(QObject *parent = nullptr, int intervalMs = 10);

    // True when MANIFOLD_LOOP_PROBE is set to something other than "0" or empty.
    static bool enabledByEnvironment();

    void start();
    void stop();
    void reset(); // forget the samples (keeps running if it was)
    bool isRunning() const { return m_timer.isActive(); }
    int intervalMs() const { return m_intervalMs; }

    // Lateness is how much longer than intervalMs a tick took to arrive.
    void record(std::int64_t latenessNs);
    std::int64_t samples() const { return m_samples; }
    std::int64_t over50ms() const { return m_over50ms; }
    double maxMs() const { return double(m_maxNs) / 1e6; }
    // The q-quantile (0..1) in ms, from the histogram (within about 6%); 0 without samples.
    double percentileMs(double q) const;
    double p50Ms() const { return percentileMs(0.50); }
    double p99Ms() const { return percentileMs(0.99); }

    // {"intervalMs","samples","p50Ms","p99Ms","maxMs","over50ms","running","histogram"}; histogram
    // is
    // [[bucket upper bound in ns, count], ...] for the non-empty buckets, so a reader can subtract
    // two snapshots and get the percentiles of just the interval between them (a benchmark's
    // flood).
    QJsonObject toJson() const;

private:
    void onTick();
    static int bucketOf(std::uint64_t ns);
    static std::uint64_t bucketUpperNs(int bucket);

    static constexpr int SubBuckets = 16; // per power of two
    static constexpr int BucketCount = 64 * SubBuckets;

    int m_intervalMs;
    QTimer m_timer;
    QElapsedTimer m_clock;
    std::int64_t m_lastTickNs = -1;
    std::array<std::uint32_t, BucketCount> m_buckets{};
    std::int64_t m_samples = 0;
    std::int64_t m_over50ms = 0;
    std::int64_t m_maxNs = 0;
};

} // namespace manifold::platform
