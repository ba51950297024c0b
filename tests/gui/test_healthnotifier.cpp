// HealthNotifier with a hand-moved clock: one notification per problem, merged when many
// arrive at once, a cool-down before the same problem speaks again, nothing for what was
// already there when the tray (re)connected.

#include "fakebrokerview.h"
#include "healthnotifier.h"

#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace manifold;

namespace {

HealthSeries sample(const QString &server, double p95Ms, double calls = 100, double errors = 0)
{
    HealthSeries series;
    series.server = server;
    series.callsPerMin = calls;
    series.errorsPerMin = errors;
    series.p50Ms = p95Ms / 2;
    series.p95Ms = p95Ms;
    return series;
}

class HealthNotifierTest : public ::testing::Test
{
protected:
    HealthNotifierTest()
    {
        notifier.setClock([this] { return now; });
    }
    // One health poll every 5 s.
    void feed(const QString &server, double p95Ms, double calls = 100, double errors = 0)
    {
        now += 5000;
        notifier.onHealth(server, sample(server, p95Ms, calls, errors));
    }
    QString title(int i) const { return spy.at(i).at(0).toString(); }
    QString message(int i) const { return spy.at(i).at(1).toString(); }

    qint64 now = 1000000;
    HealthNotifier notifier;
    QSignalSpy spy{&notifier, &HealthNotifier::notify};
};

} // namespace

TEST_F(HealthNotifierTest, FlappingAtTheThresholdNotifiesOnce)
{
    feed(QStringLiteral("github"), 100); // the first sample: a healthy baseline
    // Above the threshold twice, then under: not yet three in a row.
    feed(QStringLiteral("github"), 2500);
    feed(QStringLiteral("github"), 2500);
    feed(QStringLiteral("github"), 1900);
    EXPECT_EQ(spy.size(), 0);
    feed(QStringLiteral("github"), 2100);
    feed(QStringLiteral("github"), 2200);
    feed(QStringLiteral("github"), 2300);
    ASSERT_EQ(spy.size(), 1);
    EXPECT_EQ(title(0), QStringLiteral("\"github\" is slow"));
    EXPECT_TRUE(message(0).contains(QStringLiteral("2300"))) << message(0).toStdString();
    // Hovering around the threshold (and briefly well under it) for an hour: still one.
    for (int i = 0; i < 720; ++i)
        feed(QStringLiteral("github"), i % 3 == 0 ? 1000 : (i % 2 ? 1900 : 2100));
    EXPECT_EQ(spy.size(), 1);
}

TEST_F(HealthNotifierTest, ClearCoolDownThenRaiseNotifiesTwice)
{
    feed(QStringLiteral("memory"), 100);
    for (int i = 0; i < 3; ++i)
        feed(QStringLiteral("memory"), 3000);
    ASSERT_EQ(spy.size(), 1);
    // Under 0.8 × threshold for two minutes clears it...
    for (int i = 0; i < 25; ++i)
        feed(QStringLiteral("memory"), 500);
    // ...but slow again within the cool-down stays quiet.
    for (int i = 0; i < 3; ++i)
        feed(QStringLiteral("memory"), 3000);
    EXPECT_EQ(spy.size(), 1);
    // Clear again, wait out the ten minutes, and the next raise speaks.
    for (int i = 0; i < 25; ++i)
        feed(QStringLiteral("memory"), 500);
    now += 10 * 60 * 1000;
    for (int i = 0; i < 3; ++i)
        feed(QStringLiteral("memory"), 3000);
    EXPECT_EQ(spy.size(), 2);
}

TEST_F(HealthNotifierTest, FiveServersFailingAtOnceGiveOnePlusOneSummary)
{
    const QStringList servers{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"),
                              QStringLiteral("d"), QStringLiteral("e")};
    for (const QString &server : servers)
        notifier.onServerFailed(server, {QStringLiteral("boom")});
    ASSERT_EQ(spy.size(), 1);
    EXPECT_EQ(title(0), QStringLiteral("Server \"a\" failed"));
    EXPECT_EQ(message(0), QStringLiteral("boom"));
    EXPECT_EQ(notifier.pendingCount(), 4);
    // Within the 30 s gap nothing more...
    now += 29000;
    notifier.deliverPending();
    EXPECT_EQ(spy.size(), 1);
    // ...then one summary for the other four, and nothing after it.
    now += 1000;
    notifier.deliverPending();
    ASSERT_EQ(spy.size(), 2);
    // (The plural form comes from the translations.)
    EXPECT_TRUE(message(1).startsWith(QLatin1String("Server \"b\" failed; 3 more server"))) << message(1).toStdString();
    EXPECT_TRUE(message(1).endsWith(QLatin1String("need attention"))) << message(1).toStdString();
    now += 60000;
    notifier.deliverPending();
    EXPECT_EQ(spy.size(), 2);
    // The same crash loop again, without running in between: no new notification.
    notifier.onServerFailed(QStringLiteral("a"), {});
    EXPECT_EQ(spy.size(), 2);
}

TEST_F(HealthNotifierTest, ConditionsPresentAtStartupAreNotAnnounced)
{
    // Already slow and already failing calls in the first sample: remembered, not announced.
    feed(QStringLiteral("slow"), 5000);
    feed(QStringLiteral("errors"), 100, 50, 40);
    for (int i = 0; i < 5; ++i) {
        feed(QStringLiteral("slow"), 5000);
        feed(QStringLiteral("errors"), 100, 50, 40);
    }
    EXPECT_EQ(spy.size(), 0);
    // A server that turns bad later is news.
    feed(QStringLiteral("fine"), 100, 50, 0);
    feed(QStringLiteral("fine"), 100, 50, 20);
    ASSERT_EQ(spy.size(), 1);
    EXPECT_EQ(title(0), QStringLiteral("\"fine\" keeps failing calls"));
    // After reconnecting, the first sample is a baseline again.
    now += 60000;
    notifier.onConnected();
    feed(QStringLiteral("late"), 100, 50, 0);
    feed(QStringLiteral("late"), 100, 50, 30);
    EXPECT_EQ(spy.size(), 2);
}

TEST_F(HealthNotifierTest, ErrorsNeedCountAndShareAndAFailedServerIsQuiet)
{
    feed(QStringLiteral("busy"), 100, 1000, 0);
    feed(QStringLiteral("busy"), 100, 1000, 50); // 5%: many errors, small share
    feed(QStringLiteral("busy"), 100, 20, 5);    // 25%, but only 5
    EXPECT_EQ(spy.size(), 0);

    feed(QStringLiteral("down"), 100);
    now += 60000;
    notifier.onServerFailed(QStringLiteral("down"), {});
    ASSERT_EQ(spy.size(), 1);
    // While it is failed, its errors and slowness are the crash loop's story.
    for (int i = 0; i < 5; ++i)
        feed(QStringLiteral("down"), 9000, 10, 10);
    EXPECT_EQ(spy.size(), 1);
}

TEST(HealthNotifierViewTest, SignInStalledClientAndCrashLoopComeFromTheView)
{
    FakeBrokerView view;
    const auto remote = [](const QString &state) {
        return QJsonObject{{QStringLiteral("name"), QStringLiteral("linear")},
                           {QStringLiteral("state"), QStringLiteral("running")},
                           {QStringLiteral("auth"), QJsonObject{{QStringLiteral("state"), state}}}};
    };
    // Needing sign-in before the tray started is not news.
    view.addServer(remote(QStringLiteral("sign-in-required")));
    qint64 now = 0;
    HealthNotifier notifier(&view);
    notifier.setClock([&now] { return now; });
    QSignalSpy spy(&notifier, &HealthNotifier::notify);
    view.changeServer(remote(QStringLiteral("sign-in-required")));
    EXPECT_EQ(spy.size(), 0);
    view.changeServer(remote(QStringLiteral("signed-in")));
    now += 11 * 60 * 1000;
    view.changeServer(remote(QStringLiteral("sign-in-required")));
    ASSERT_EQ(spy.size(), 1);
    EXPECT_EQ(spy.at(0).at(0).toString(), QStringLiteral("Sign in to \"linear\""));
    view.changeServer(remote(QStringLiteral("signing-in"))); // the same need
    EXPECT_EQ(spy.size(), 1);

    // A stalled client: one per server, not one per cut-off.
    now += 60000;
    emit view.sessionCutOff(QStringLiteral("memory"), 3, QStringLiteral("cursor stopped reading"), {});
    emit view.sessionCutOff(QStringLiteral("memory"), 4, QStringLiteral("cursor stopped reading"), {});
    ASSERT_EQ(spy.size(), 2);
    EXPECT_EQ(spy.at(1).at(1).toString(), QStringLiteral("cursor stopped reading"));
    now += 60000;
    notifier.deliverPending();
    EXPECT_EQ(spy.size(), 2);

    // Crash loop: raised by serverFailed, cleared by running again.
    emit view.serverFailed(QStringLiteral("linear"), {});
    EXPECT_EQ(spy.size(), 3);
}
