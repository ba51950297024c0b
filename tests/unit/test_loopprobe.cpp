#include "platform/loopprobe.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QTimer>

#include <gtest/gtest.h>

using manifold::platform::LoopProbe;

namespace {

// Runs the event loop until the probe has at least `samples` ticks (or 10 s pass).
void runUntilSamples(const LoopProbe &probe, std::int64_t samples)
{
    const QDeadlineTimer deadline(10000);
    while (probe.samples() < samples && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
}

// Keeps the thread busy without returning to the event loop, like a slow handler would.
void blockFor(int ms)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < ms) {
    }
}

} // namespace

TEST(LoopProbe, HistogramPercentilesFollowRecordedValues)
{
    LoopProbe probe;
    for (int i = 0; i < 98; ++i)
        probe.record(1'000'000); // 1 ms
    probe.record(40'000'000);    // 40 ms
    probe.record(120'000'000);   // 120 ms
    EXPECT_EQ(probe.samples(), 100);
    EXPECT_NEAR(probe.p50Ms(), 1.0, 0.07);
    EXPECT_NEAR(probe.p99Ms(), 40.0, 40.0 * 0.07);
    EXPECT_DOUBLE_EQ(probe.maxMs(), 120.0);
    EXPECT_EQ(probe.over50ms(), 1);
    const QJsonArray histogram = probe.toJson().value(QStringLiteral("histogram")).toArray();
    ASSERT_EQ(histogram.size(), 3);
    qint64 counted = 0;
    for (const QJsonValue &bucket : histogram)
        counted += bucket.toArray().at(1).toInteger();
    EXPECT_EQ(counted, 100);
    EXPECT_EQ(histogram.at(0).toArray().at(1).toInteger(), 98);
    EXPECT_NEAR(double(histogram.at(2).toArray().at(0).toInteger()), 120e6, 120e6 * 0.07);
    probe.record(-5); // early ticks count as on time
    EXPECT_EQ(probe.samples(), 101);
    probe.reset();
    EXPECT_EQ(probe.samples(), 0);
    EXPECT_EQ(probe.p99Ms(), 0.0);
}

TEST(LoopProbe, BlockedLoopShowsInMaxAndOver50)
{
    LoopProbe probe;
    probe.start();
    runUntilSamples(probe, 3);
    QTimer::singleShot(0, [] { blockFor(120); });
    const std::int64_t before = probe.samples();
    runUntilSamples(probe, before + 3);
    probe.stop();

    EXPECT_GE(probe.maxMs(), 100.0);
    EXPECT_GE(probe.over50ms(), 1);
    const QJsonObject json = probe.toJson();
    EXPECT_GE(json.value(QStringLiteral("maxMs")).toDouble(), 100.0);
    EXPECT_GE(json.value(QStringLiteral("over50ms")).toInteger(), 1);
    EXPECT_EQ(json.value(QStringLiteral("samples")).toInteger(), probe.samples());
    EXPECT_FALSE(json.value(QStringLiteral("running")).toBool());
}

TEST(LoopProbe, IdleLoopIsPunctual)
{
    LoopProbe probe;
    probe.start();
    EXPECT_TRUE(probe.isRunning());
    runUntilSamples(probe, 50);
    ASSERT_GE(probe.samples(), 50);
    // Generous for a loaded 2-core CI machine (ASan, fuzzers beside it), still below the 120 ms
    // of the blocked case.
    EXPECT_LT(probe.p99Ms(), 80.0);
    EXPECT_EQ(probe.toJson().value(QStringLiteral("intervalMs")).toInt(), 10);
}

TEST(LoopProbe, EnvironmentSwitch)
{
    qunsetenv("MANIFOLD_LOOP_PROBE");
    EXPECT_FALSE(LoopProbe::enabledByEnvironment());
    qputenv("MANIFOLD_LOOP_PROBE", "0");
    EXPECT_FALSE(LoopProbe::enabledByEnvironment());
    qputenv("MANIFOLD_LOOP_PROBE", "1");
    EXPECT_TRUE(LoopProbe::enabledByEnvironment());
    qunsetenv("MANIFOLD_LOOP_PROBE");
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
