// The HTTP upstreams (core/remote) driven directly, without a broker, against server-everything
// (streamableHttp and sse modes) and an SDK Streamable HTTP server with fault switches
// (tests/e2e/lib/remote-everything.mjs).

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTcpServer>

#include <gtest/gtest.h>

#include "remote/authgate.h"
#include "remote/autoupstream.h"
#include "remote/legacysseupstream.h"
#include "remote/remoteendpoint.h"
#include "remote/streamablehttpupstream.h"
#include "remotefixture.h"

using namespace manifold;
using namespace manifold::remote;
using manifold::testing::errorMessage;
using manifold::testing::freePort;
using manifold::testing::makeHttp;
using manifold::testing::RemoteFixture;
using manifold::testing::UpstreamDriver;

TEST(RemoteHttp, InitializeListAndCallAgainstServerEverything)
{
    RemoteFixture fixture(QStringLiteral("everything-http"));
    ASSERT_TRUE(fixture.ok());
    auto upstream = makeHttp(fixture.url());
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(QTest::qWaitFor([&] { return driver.startedCount == 1; }, 5000));

    const QJsonObject init = driver.initialize();
    ASSERT_TRUE(init.contains(QStringLiteral("result")))
        << QJsonDocument(init).toJson().constData();
    EXPECT_FALSE(upstream->sessionId().isEmpty());
    EXPECT_FALSE(upstream->protocolVersion().isEmpty());
    EXPECT_TRUE(upstream->describe().contains(QStringLiteral("Streamable HTTP, session ")));

    driver.request(1, "tools/list");
    const QJsonObject list = driver.response(1);
    QStringList names;
    for (const QJsonValue tool :
         list.value(QStringLiteral("result")).toObject().value(QStringLiteral("tools")).toArray())
        names.append(tool.toObject().value(QStringLiteral("name")).toString());
    EXPECT_TRUE(names.contains(QStringLiteral("echo"))) << names.join(',').toStdString();

    driver.callTool(2, "echo", "{\"message\":\"hi there\"}");
    const QJsonObject echo = driver.response(2);
    EXPECT_EQ(UpstreamDriver::toolText(echo), QStringLiteral("Echo: hi there"));
    const auto *answer = driver.find([](const UpstreamDriver::Received &item) {
        return item.json.value(QStringLiteral("id")).toInt(-1) == 2;
    });
    ASSERT_NE(answer, nullptr);
    EXPECT_EQ(answer->related, QByteArray("2")); // came on the POST's own stream

    const QJsonObject remote = upstream->statusJson().value(QStringLiteral("remote")).toObject();
    EXPECT_EQ(remote.value(QStringLiteral("transport")).toString(),
              QStringLiteral("streamable-http"));
    EXPECT_EQ(remote.value(QStringLiteral("sessionId")).toString(),
              QString::fromLatin1(upstream->sessionId()));
    EXPECT_EQ(driver.goneCount, 0);

    upstream->stop();
    ASSERT_TRUE(QTest::qWaitFor([&] { return driver.goneCount == 1; }, 5000));
    EXPECT_EQ(driver.goneKind, Upstream::GoneKind::Stopped);
}

// Ten slow calls at once finish together: the QNAM pool avoids Qt 6.4's six connections per host.
// With a pool of one the same calls queue (the control that shows the test can fail).
TEST(RemoteHttp, TenConcurrentSlowCallsFinishTogether)
{
    RemoteFixture fixture(QStringLiteral("sdk"));
    ASSERT_TRUE(fixture.ok());
    auto runTen = [&](int poolSize) -> qint64 {
        StreamableHttpUpstream::Options options;
        options.poolSize = poolSize;
        auto upstream = makeHttp(fixture.url(), nullptr, options);
        UpstreamDriver driver(upstream.get());
        upstream->start();
        if (!driver.initialize().contains(QStringLiteral("result")))
            return -1;
        QElapsedTimer timer;
        timer.start();
        for (int id = 10; id < 20; ++id)
            driver.callTool(id, "sleep", "{\"ms\":1000}");
        const bool all = QTest::qWaitFor(
            [&] {
                for (int id = 10; id < 20; ++id) {
                    if (driver.countResponses(id) != 1)
                        return false;
                }
                return true;
            },
            8000);
        for (int id = 10; id < 20; ++id) {
            if (!UpstreamDriver::toolText(driver.response(id, 0))
                     .startsWith(QStringLiteral("slept")))
                return -1;
        }
        return all ? timer.elapsed() : -1;
    };
    const qint64 pooled = runTen(4);
    ASSERT_GT(pooled, 0);
    EXPECT_LT(pooled, 1900);
    const qint64 single = runTen(1);
    ASSERT_GT(single, 0);
    EXPECT_GE(single, 1900);
}

TEST(RemoteHttp, ProgressArrivesTaggedWithItsRequest)
{
    RemoteFixture fixture(QStringLiteral("sdk"));
    ASSERT_TRUE(fixture.ok());
    auto upstream = makeHttp(fixture.url());
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    driver.callTool(7, "progress", "{}", "{\"progressToken\":\"p7\"}");
    EXPECT_EQ(UpstreamDriver::toolText(driver.response(7)), QStringLiteral("progress done"));
    int progress = 0;
    for (const auto &item : driver.received) {
        if (item.json.value(QStringLiteral("method")).toString() ==
            QStringLiteral("notifications/progress")) {
            ++progress;
            EXPECT_EQ(item.related, QByteArray("7"));
        }
    }
    EXPECT_EQ(progress, 3);
}

TEST(RemoteHttp, SamplingRequestArrivesTaggedWithTheCallThatAsked)
{
    RemoteFixture fixture(QStringLiteral("sdk"));
    ASSERT_TRUE(fixture.ok());
    auto upstream = makeHttp(fixture.url());
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    driver.callTool(8, "sample", "{\"prompt\":\"hello\"}");
    auto isSampling = [](const UpstreamDriver::Received &item) {
        return item.json.value(QStringLiteral("method")).toString() ==
               QStringLiteral("sampling/createMessage");
    };
    ASSERT_TRUE(QTest::qWaitFor([&] { return driver.find(isSampling) != nullptr; }, 5000));
    const auto *sampling = driver.find(isSampling);
    EXPECT_EQ(sampling->related, QByteArray("8"));
    const QByteArray serverId =
        QJsonDocument(QJsonArray{sampling->json.value(QStringLiteral("id"))})
            .toJson(QJsonDocument::Compact)
            .mid(1)
            .chopped(1);
    upstream->send("{\"jsonrpc\":\"2.0\",\"id\":" + serverId +
                   ",\"result\":{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":"
                   "\"sampled text\"},"
                   "\"model\":\"test\",\"stopReason\":\"endTurn\"}}");
    EXPECT_EQ(UpstreamDriver::toolText(driver.response(8)),
              QStringLiteral("sampled: sampled text"));
}

// The proxy cuts the call's POST stream after its priming event: the answer comes on a GET with
// Last-Event-ID, exactly once.
TEST(RemoteHttp, ResumesACutPostStream)
{
    RemoteFixture fixture(QStringLiteral("sdk"), {QStringLiteral("--proxy")});
    ASSERT_TRUE(fixture.ok());
    auto upstream = makeHttp(fixture.url());
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    EXPECT_EQ(fixture.command("cut-after-event cut-me").value(QStringLiteral("armed")).toString(),
              QStringLiteral("cut-me"));
    driver.callTool(5, "sleep", "{\"ms\":600,\"tag\":\"cut-me\"}");
    EXPECT_EQ(UpstreamDriver::toolText(driver.response(5)), QStringLiteral("slept 600"));
    driver.callTool(6, "echo", "{\"message\":\"after\"}");
    EXPECT_EQ(UpstreamDriver::toolText(driver.response(6)), QStringLiteral("Echo: after"));
    EXPECT_EQ(driver.countResponses(5), 1);
    const QJsonObject stats = fixture.command("stats");
    EXPECT_EQ(stats.value(QStringLiteral("cuts")).toInt(), 1);
    EXPECT_GE(stats.value(QStringLiteral("resumeGets")).toInt(), 1);
    EXPECT_GE(upstream->statusJson()[QStringLiteral("remote")][QStringLiteral("resumes")].toInt(),
              1);
}

TEST(RemoteHttp, ForgottenSession404ReinitializesAndSendsTheHeldRequest)
{
    RemoteFixture fixture(QStringLiteral("sdk"));
    ASSERT_TRUE(fixture.ok());
    auto upstream = makeHttp(fixture.url());
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    const QByteArray firstSession = upstream->sessionId();
    EXPECT_EQ(fixture.command("forget-sessions").value(QStringLiteral("forgotten")).toInt(), 1);

    driver.callTool(3, "echo", "{\"message\":\"held\"}");
    ASSERT_TRUE(QTest::qWaitFor([&] { return driver.sessionLostCount == 1; }, 5000));
    EXPECT_EQ(driver.countResponses(3), 0);                // kept, not answered
    driver.callTool(4, "echo", "{\"message\":\"later\"}"); // held behind it
    ASSERT_TRUE(driver.initialize(100).contains(QStringLiteral("result")));
    EXPECT_EQ(UpstreamDriver::toolText(driver.response(3)), QStringLiteral("Echo: held"));
    EXPECT_EQ(UpstreamDriver::toolText(driver.response(4)), QStringLiteral("Echo: later"));
    EXPECT_NE(upstream->sessionId(), firstSession);
    EXPECT_EQ(upstream->statusJson()[QStringLiteral("remote")][QStringLiteral("reinitializations")]
                  .toInt(),
              1);
    EXPECT_EQ(fixture.command("stats").value(QStringLiteral("initializes")).toInt(), 2);
    EXPECT_EQ(driver.goneCount, 0);
}

// server-everything answers 400 "No valid session ID provided" for a session it does not know.
TEST(RemoteHttp, RestartedServerEverything400ReinitializesAndSendsTheHeldRequest)
{
    RemoteFixture fixture(QStringLiteral("everything-http"));
    ASSERT_TRUE(fixture.ok());
    auto upstream = makeHttp(fixture.url());
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    EXPECT_TRUE(fixture.command("restart").value(QStringLiteral("restarted")).toBool());

    driver.callTool(3, "echo", "{\"message\":\"after restart\"}");
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return driver.sessionLostCount == 1 || driver.goneCount > 0; }, 8000));
    ASSERT_EQ(driver.goneCount, 0) << driver.goneDescription.toStdString();
    ASSERT_TRUE(driver.initialize(100).contains(QStringLiteral("result")));
    EXPECT_EQ(UpstreamDriver::toolText(driver.response(3)), QStringLiteral("Echo: after restart"));
    EXPECT_EQ(driver.countResponses(3), 1);
}

TEST(RemoteHttp, LegacySseAgainstServerEverything)
{
    RemoteFixture fixture(QStringLiteral("everything-sse"));
    ASSERT_TRUE(fixture.ok());
    RemoteEndpoint endpoint{QStringLiteral("legacy"), fixture.url(), RemoteEndpoint::Sse, {}};
    std::unique_ptr<Upstream> upstream = makeRemoteUpstream(endpoint, nullptr, nullptr);
    ASSERT_NE(qobject_cast<LegacySseUpstream *>(upstream.get()), nullptr);
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return driver.startedCount == 1 || driver.goneCount > 0; }, 5000));
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    driver.callTool(2, "echo", "{\"message\":\"over sse\"}");
    EXPECT_EQ(UpstreamDriver::toolText(driver.response(2)), QStringLiteral("Echo: over sse"));
    EXPECT_TRUE(upstream->describe().contains(QStringLiteral("HTTP+SSE, session ")));
    EXPECT_EQ(
        upstream->statusJson()[QStringLiteral("remote")][QStringLiteral("transport")].toString(),
        QStringLiteral("sse"));
}

TEST(RemoteHttp, AutoFallsBackToLegacySse)
{
    RemoteFixture fixture(QStringLiteral("everything-sse"));
    ASSERT_TRUE(fixture.ok());
    RemoteEndpoint endpoint{QStringLiteral("auto"), fixture.url(), RemoteEndpoint::Auto, {}};
    std::unique_ptr<Upstream> upstream = makeRemoteUpstream(endpoint, nullptr, nullptr);
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(QTest::qWaitFor([&] { return driver.startedCount == 1; }, 5000));
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    EXPECT_TRUE(driver.events.join('\n').contains(QStringLiteral("legacy HTTP+SSE")))
        << driver.events.join('\n').toStdString();
    EXPECT_EQ(driver.startedCount, 1);
    driver.callTool(2, "echo", "{\"message\":\"auto\"}");
    EXPECT_EQ(UpstreamDriver::toolText(driver.response(2)), QStringLiteral("Echo: auto"));
    EXPECT_EQ(
        upstream->statusJson()[QStringLiteral("remote")][QStringLiteral("transport")].toString(),
        QStringLiteral("sse"));
}

TEST(RemoteHttp, AutoStaysOnStreamableHttpWhenItWorks)
{
    RemoteFixture fixture(QStringLiteral("sdk"));
    ASSERT_TRUE(fixture.ok());
    RemoteEndpoint endpoint{QStringLiteral("auto"), fixture.url(), RemoteEndpoint::Auto, {}};
    std::unique_ptr<Upstream> upstream = makeRemoteUpstream(endpoint, nullptr, nullptr);
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    EXPECT_FALSE(static_cast<AutoUpstream *>(upstream.get())->fellBack());
    EXPECT_EQ(
        upstream->statusJson()[QStringLiteral("remote")][QStringLiteral("transport")].toString(),
        QStringLiteral("streamable-http"));
}

TEST(RemoteHttp, CancelledRequestIsNotAnswered)
{
    RemoteFixture fixture(QStringLiteral("sdk"));
    ASSERT_TRUE(fixture.ok());
    auto upstream = makeHttp(fixture.url());
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    driver.callTool(2, "sleep", "{\"ms\":1500}");
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return upstream->openStreams() >= 2; }, 2000)); // POST + GET streams
    driver.notify("notifications/cancelled", "{\"requestId\":2,\"reason\":\"test\"}");
    ASSERT_TRUE(QTest::qWaitFor([&] { return upstream->openStreams() <= 1; }, 3000));
    driver.callTool(3, "sleep", "{\"ms\":1600}");
    EXPECT_EQ(UpstreamDriver::toolText(driver.response(3)), QStringLiteral("slept 1600"));
    EXPECT_EQ(driver.countResponses(2), 0);
}

// The server forgets the new session as soon as it was made: no second re-initialize (no loop).
TEST(RemoteHttp, SecondExpiryRightAfterReinitializeDoesNotLoop)
{
    RemoteFixture fixture(QStringLiteral("sdk"));
    ASSERT_TRUE(fixture.ok());
    auto upstream = makeHttp(fixture.url());
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    fixture.command("forget-sessions");
    driver.callTool(3, "echo", "{\"message\":\"held\"}");
    ASSERT_TRUE(QTest::qWaitFor([&] { return driver.sessionLostCount == 1; }, 5000));
    driver.request(100, "initialize",
                   "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{"
                   "\"name\":\"t\",\"version\":\"1\"}}");
    ASSERT_TRUE(driver.response(100).contains(QStringLiteral("result")));
    fixture.command("forget-sessions");
    driver.notify("notifications/initialized");
    ASSERT_TRUE(QTest::qWaitFor([&] { return driver.goneCount == 1; }, 5000));
    EXPECT_EQ(driver.goneKind, Upstream::GoneKind::Unreachable);
    EXPECT_TRUE(driver.goneDescription.contains(QStringLiteral("forgot its session again")))
        << driver.goneDescription.toStdString();
    EXPECT_EQ(driver.sessionLostCount, 1);
}

// Legacy HTTP+SSE: the GET stream is the session; when it drops, the upstream is gone.
TEST(RemoteHttp, LegacySseStreamDropIsUnreachable)
{
    RemoteFixture fixture(QStringLiteral("everything-sse"));
    ASSERT_TRUE(fixture.ok());
    RemoteEndpoint endpoint{QStringLiteral("legacy"), fixture.url(), RemoteEndpoint::Sse, {}};
    std::unique_ptr<Upstream> upstream = makeRemoteUpstream(endpoint, nullptr, nullptr);
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    EXPECT_TRUE(fixture.command("restart").value(QStringLiteral("restarted")).toBool());
    ASSERT_TRUE(QTest::qWaitFor([&] { return driver.goneCount == 1; }, 5000));
    EXPECT_EQ(driver.goneKind, Upstream::GoneKind::Unreachable);
    EXPECT_TRUE(driver.goneDescription.contains(QStringLiteral("the session is gone")))
        << driver.goneDescription.toStdString();
}

// Messages not tied to a request come on the GET stream, opened after notifications/initialized.
TEST(RemoteHttp, GetStreamCarriesUnrelatedNotifications)
{
    RemoteFixture fixture(QStringLiteral("everything-http"));
    ASSERT_TRUE(fixture.ok());
    auto upstream = makeHttp(fixture.url());
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return upstream->openStreams() == 1; }, 3000)); // the GET stream
    driver.request(1, "logging/setLevel", "{\"level\":\"debug\"}");
    ASSERT_TRUE(driver.response(1).contains(QStringLiteral("result")));
    driver.callTool(2, "toggle-simulated-logging");
    ASSERT_TRUE(driver.response(2).contains(QStringLiteral("result")));
    auto isLog = [](const UpstreamDriver::Received &item) {
        return item.json.value(QStringLiteral("method")).toString() ==
               QStringLiteral("notifications/message");
    };
    // One comes at once, then one every 5 s (the first may pass before the server has the stream).
    const bool logged = QTest::qWaitFor([&] { return driver.find(isLog) != nullptr; }, 7000);
    QStringList seen;
    for (const auto &item : driver.received)
        seen.append(QString::fromUtf8(item.message.left(120)) + QStringLiteral(" @") +
                    QString::fromUtf8(item.related));
    ASSERT_TRUE(logged) << seen.join('\n').toStdString() << driver.events.join('\n').toStdString();
    EXPECT_TRUE(driver.find(isLog)->related.isEmpty());
}

// A stream cut before it carried any event id cannot be resumed: the call gets an error (never a
// second POST, which might run the tool twice).
TEST(RemoteHttp, StreamCutBeforeAnEventIdAnswersWithAnError)
{
    RemoteFixture fixture(QStringLiteral("sdk"), {QStringLiteral("--proxy")});
    ASSERT_TRUE(fixture.ok());
    auto upstream = makeHttp(fixture.url());
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    // Right after the response headers, before the priming event. (Qt 6.4 itself re-sends a POST
    // whose connection closes before the headers are complete; nothing above QNAM can stop that.)
    fixture.command("cut-after-bytes cut-early 0");
    driver.callTool(5, "sleep", "{\"ms\":300,\"tag\":\"cut-early\"}");
    const QJsonObject answer = driver.response(5);
    EXPECT_EQ(
        errorMessage(answer),
        QStringLiteral(
            "remote server 'remote-test' (%1): the connection was lost before an answer; "
            "the call may or may not have run")
            .arg(fixture.url().host() + QLatin1Char(':') + QString::number(fixture.url().port())));
    const QJsonObject stats = fixture.command("stats");
    EXPECT_EQ(stats.value(QStringLiteral("cuts")).toInt(), 1);
    EXPECT_EQ(stats.value(QStringLiteral("toolCalls")).toInt(), 1); // never posted again
    EXPECT_EQ(driver.goneCount, 0);
}
