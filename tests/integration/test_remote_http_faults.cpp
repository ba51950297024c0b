// The HTTP upstreams (core/remote) when things go wrong: unreachable servers, HTTP errors, 401s
// with and without a sign-in gate (tests/e2e/lib/remote-everything.mjs for the servers).

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTcpServer>

#include <gtest/gtest.h>

#include <functional>

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

namespace {

// A sign-in gate under the test's control: records challenges, changes its token when told.
class FakeGate final : public AuthGate
{
public:
    using AuthGate::AuthGate;
    State state() const override { return m_state; }
    QByteArray authorizationHeader() const override { return m_header; }
    void challenged(const QByteArray &usedHeader, int status,
                    const QByteArray &wwwAuthenticate) override
    {
        challenges.append({usedHeader, status, wwwAuthenticate});
        if (onChallenge)
            onChallenge(usedHeader);
    }
    QString waitingMessage() const override
    {
        if (m_state == State::SigningIn)
            return QStringLiteral("sign in to remote-test: manifoldctl login remote-test (or "
                                  "open http://127.0.0.1:1/auth)");
        return m_state == State::SignInRequired
                   ? QStringLiteral("sign in to remote-test: manifoldctl login remote-test")
                   : QString();
    }
    void set(State state, const QByteArray &header)
    {
        m_state = state;
        m_header = header;
        emit changed();
    }

    struct Challenge
    {
        QByteArray usedHeader;
        int status;
        QByteArray wwwAuthenticate;
    };
    QList<Challenge> challenges;
    std::function<void(const QByteArray &usedHeader)> onChallenge;

private:
    State m_state = State::SignedIn;
    QByteArray m_header = "Bearer old";
};

} // namespace

TEST(RemoteHttpFaults, ConnectionRefusedIsUnreachableWithAClearMessage)
{
    const int port = freePort();
    auto upstream = makeHttp(QUrl(QStringLiteral("http://127.0.0.1:%1/mcp").arg(port)));
    UpstreamDriver driver(upstream.get());
    upstream->start();
    driver.initialize();
    ASSERT_TRUE(QTest::qWaitFor([&] { return driver.goneCount == 1; }, 5000));
    EXPECT_EQ(driver.goneKind, Upstream::GoneKind::Unreachable);
    EXPECT_EQ(
        driver.goneDescription,
        QStringLiteral("remote server 'remote-test' (127.0.0.1:%1): connection refused").arg(port));
}

TEST(RemoteHttpFaults, DnsFailureIsUnreachable)
{
    auto upstream = makeHttp(QUrl(QStringLiteral("http://nonexistent.invalid/mcp")));
    UpstreamDriver driver(upstream.get());
    upstream->start();
    driver.initialize();
    ASSERT_TRUE(QTest::qWaitFor([&] { return driver.goneCount == 1; }, 8000));
    EXPECT_EQ(driver.goneKind, Upstream::GoneKind::Unreachable);
    EXPECT_TRUE(driver.goneDescription.startsWith(
        QStringLiteral("remote server 'remote-test' (nonexistent.invalid): DNS lookup failed")))
        << driver.goneDescription.toStdString();
}

TEST(RemoteHttpFaults, Http500AnswersThatRequestOnly)
{
    RemoteFixture fixture(QStringLiteral("sdk"));
    ASSERT_TRUE(fixture.ok());
    auto upstream = makeHttp(fixture.url());
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    fixture.command("fail-next 500");
    driver.callTool(2, "echo", "{\"message\":\"x\"}");
    const QJsonObject failed = driver.response(2);
    EXPECT_EQ(
        failed.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toInt(),
        -32000);
    EXPECT_TRUE(
        errorMessage(failed).startsWith(QStringLiteral("remote server 'remote-test' (127.0.0.1:")));
    EXPECT_TRUE(errorMessage(failed).contains(QStringLiteral("HTTP 500: ")));
    EXPECT_TRUE(errorMessage(failed).contains(QStringLiteral("injected 500")));
    driver.callTool(3, "echo", "{\"message\":\"fine\"}");
    EXPECT_EQ(UpstreamDriver::toolText(driver.response(3)), QStringLiteral("Echo: fine"));
    EXPECT_EQ(driver.goneCount, 0);
}

TEST(RemoteHttpFaults, RetryAfterRetriesThePost)
{
    RemoteFixture fixture(QStringLiteral("sdk"));
    ASSERT_TRUE(fixture.ok());
    auto upstream = makeHttp(fixture.url());
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    fixture.command("fail-next 429 1");
    QElapsedTimer timer;
    timer.start();
    driver.callTool(2, "echo", "{\"message\":\"patient\"}");
    EXPECT_EQ(UpstreamDriver::toolText(driver.response(2, 5000)), QStringLiteral("Echo: patient"));
    EXPECT_GE(timer.elapsed(), 900);
    EXPECT_EQ(driver.countResponses(2), 1);
}

TEST(RemoteHttpFaults, Unauthorized401AsksTheGateAndRetriesWithTheNewHeader)
{
    RemoteFixture fixture(QStringLiteral("sdk"));
    ASSERT_TRUE(fixture.ok());
    fixture.command("require-auth new-token");
    FakeGate gate;
    auto upstream = makeHttp(fixture.url(), &gate);
    UpstreamDriver driver(upstream.get());
    upstream->start();
    driver.request(0, "initialize",
                   "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{"
                   "\"name\":\"t\",\"version\":\"1\"}}");
    ASSERT_TRUE(QTest::qWaitFor([&] { return gate.challenges.size() == 1; }, 5000));
    EXPECT_EQ(gate.challenges.at(0).usedHeader, QByteArray("Bearer old"));
    EXPECT_EQ(gate.challenges.at(0).status, 401);
    EXPECT_TRUE(gate.challenges.at(0).wwwAuthenticate.contains("resource_metadata="));
    EXPECT_EQ(driver.countResponses(0), 0); // held

    gate.set(AuthGate::State::SignedIn, "Bearer new-token");
    const QJsonObject init = driver.response(0);
    ASSERT_TRUE(init.contains(QStringLiteral("result")))
        << QJsonDocument(init).toJson().constData();
    driver.notify("notifications/initialized");
    driver.callTool(1, "echo", "{\"message\":\"signed in\"}");
    EXPECT_EQ(UpstreamDriver::toolText(driver.response(1)), QStringLiteral("Echo: signed in"));
    EXPECT_EQ(gate.challenges.size(), 1);
}

TEST(RemoteHttpFaults, SignInRequiredAnswersHeldRequestsAndEndsTheInitialize)
{
    RemoteFixture fixture(QStringLiteral("sdk"));
    ASSERT_TRUE(fixture.ok());
    fixture.command("require-auth never-given");
    FakeGate gate;
    auto upstream = makeHttp(fixture.url(), &gate);
    UpstreamDriver driver(upstream.get());
    upstream->start();
    driver.request(0, "initialize",
                   "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{"
                   "\"name\":\"t\",\"version\":\"1\"}}");
    ASSERT_TRUE(QTest::qWaitFor([&] { return gate.challenges.size() == 1; }, 5000));
    gate.set(AuthGate::State::SignInRequired, {});
    ASSERT_TRUE(QTest::qWaitFor([&] { return driver.goneCount == 1; }, 2000));
    EXPECT_EQ(driver.goneKind, Upstream::GoneKind::SignInRequired);
    EXPECT_EQ(driver.goneDescription, gate.waitingMessage());
    EXPECT_EQ(errorMessage(driver.response(0, 0)), gate.waitingMessage());
}

TEST(RemoteHttpFaults, Unauthorized401WithoutAGateNeedsASignIn)
{
    RemoteFixture fixture(QStringLiteral("sdk"));
    ASSERT_TRUE(fixture.ok());
    fixture.command("require-auth secret");
    auto upstream = makeHttp(fixture.url());
    UpstreamDriver driver(upstream.get());
    upstream->start();
    driver.initialize();
    ASSERT_TRUE(QTest::qWaitFor([&] { return driver.goneCount == 1; }, 5000));
    EXPECT_EQ(driver.goneKind, Upstream::GoneKind::SignInRequired);
    EXPECT_TRUE(driver.goneDescription.contains(QStringLiteral("needs a sign-in")))
        << driver.goneDescription.toStdString();
}

// The server goes away while running: the next POST is refused and the upstream is gone
// (Unreachable), so the host backs off and reconnects.
TEST(RemoteHttpFaults, ServerGoneWhileRunningIsUnreachable)
{
    RemoteFixture fixture(QStringLiteral("everything-http"));
    ASSERT_TRUE(fixture.ok());
    auto upstream = makeHttp(fixture.url());
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    EXPECT_TRUE(fixture.command("stop").value(QStringLiteral("stopped")).toBool());
    driver.callTool(2, "echo", "{\"message\":\"anyone?\"}");
    ASSERT_TRUE(QTest::qWaitFor([&] { return driver.goneCount == 1; }, 5000));
    EXPECT_EQ(driver.goneKind, Upstream::GoneKind::Unreachable);
    EXPECT_TRUE(driver.goneDescription.endsWith(QStringLiteral(": connection refused")))
        << driver.goneDescription.toStdString();
}

// No response headers in time for the initialize: gone (Unreachable), naming the wait.
TEST(RemoteHttpFaults, SilentServerTimesOutTheInitialize)
{
    QTcpServer silent; // accepts, never answers
    ASSERT_TRUE(silent.listen(QHostAddress::LocalHost, 0));
    StreamableHttpUpstream::Options options;
    options.headersTimeoutMs = 300;
    auto upstream = makeHttp(
        QUrl(QStringLiteral("http://127.0.0.1:%1/mcp").arg(silent.serverPort())), nullptr, options);
    UpstreamDriver driver(upstream.get());
    upstream->start();
    driver.request(0, "initialize",
                   "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{"
                   "\"name\":\"t\",\"version\":\"1\"}}");
    ASSERT_TRUE(QTest::qWaitFor([&] { return driver.goneCount == 1; }, 3000));
    EXPECT_EQ(driver.goneKind, Upstream::GoneKind::Unreachable);
    EXPECT_TRUE(driver.goneDescription.endsWith(QStringLiteral(": no response within 0.3 s")))
        << driver.goneDescription.toStdString();
}

TEST(RemoteHttpFaults, StreamableHttpOnALegacyServerIsFatal)
{
    RemoteFixture fixture(QStringLiteral("everything-sse"));
    ASSERT_TRUE(fixture.ok());
    auto upstream = makeHttp(fixture.url());
    UpstreamDriver driver(upstream.get());
    upstream->start();
    driver.initialize();
    ASSERT_TRUE(QTest::qWaitFor([&] { return driver.goneCount == 1; }, 5000));
    EXPECT_EQ(driver.goneKind, Upstream::GoneKind::Fatal);
    EXPECT_TRUE(driver.goneDescription.contains(QStringLiteral("HTTP 404")))
        << driver.goneDescription.toStdString();
}

// 403 insufficient_scope: the gate is asked (step-up), and the call is retried once with the new
// header.
TEST(RemoteHttpFaults, InsufficientScopeAsksTheGateAndRetriesOnce)
{
    RemoteFixture fixture(QStringLiteral("sdk"));
    ASSERT_TRUE(fixture.ok());
    FakeGate gate;
    auto upstream = makeHttp(fixture.url(), &gate);
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    fixture.command("scope-next");
    driver.callTool(2, "echo", "{\"message\":\"scoped\"}");
    ASSERT_TRUE(QTest::qWaitFor([&] { return gate.challenges.size() == 1; }, 5000));
    EXPECT_EQ(gate.challenges.at(0).status, 403);
    EXPECT_TRUE(gate.challenges.at(0).wwwAuthenticate.contains("insufficient_scope"));
    gate.set(AuthGate::State::SignedIn, "Bearer wider");
    EXPECT_EQ(UpstreamDriver::toolText(driver.response(2)), QStringLiteral("Echo: scoped"));
    EXPECT_EQ(fixture.command("stats").value(QStringLiteral("forbidden")).toInt(), 1);
}

// The gate declines a 403 (a step-up already tried): the call fails with its message at once, and
// the upstream keeps working.
TEST(RemoteHttpFaults, ADeclinedStepUpAnswersTheRefusedCall)
{
    RemoteFixture fixture(QStringLiteral("sdk"));
    ASSERT_TRUE(fixture.ok());
    FakeGate gate;
    auto upstream = makeHttp(fixture.url(), &gate);
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    const QString message = QStringLiteral("remote-test still refuses (403 insufficient_scope)");
    bool declinedOnce = false;
    gate.onChallenge = [&](const QByteArray &usedHeader) {
        if (!declinedOnce) {
            declinedOnce = true;
            emit gate.declined(usedHeader, message);
        }
    };
    fixture.command("scope-next");
    driver.callTool(2, "echo", "{\"message\":\"scoped\"}");
    EXPECT_EQ(errorMessage(driver.response(2, 5000)), message);
    EXPECT_EQ(gate.challenges.size(), 1);
    driver.callTool(3, "echo", "{\"message\":\"still fine\"}");
    EXPECT_EQ(UpstreamDriver::toolText(driver.response(3)), QStringLiteral("Echo: still fine"));
    EXPECT_EQ(driver.goneCount, 0);
}

// A sign-in that stays in the browser: held messages wait heldTimeoutMs, no longer. The request is
// answered with the gate's message, a held notification is dropped, the upstream stays.
TEST(RemoteHttpFaults, HeldRequestsExpireWhileTheGateSignsIn)
{
    RemoteFixture fixture(QStringLiteral("sdk"));
    ASSERT_TRUE(fixture.ok());
    FakeGate gate;
    StreamableHttpUpstream::Options options;
    options.heldTimeoutMs = 300;
    auto upstream = makeHttp(fixture.url(), &gate, options);
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    fixture.command("require-auth never-given");
    QElapsedTimer clock;
    clock.start();
    driver.callTool(2, "echo", "{\"message\":\"held\"}");
    ASSERT_TRUE(QTest::qWaitFor([&] { return !gate.challenges.isEmpty(); }, 5000));
    gate.set(AuthGate::State::SigningIn, {}); // and stays there
    driver.notify("notifications/roots/list_changed");
    const QJsonObject answered = driver.response(2, 5000);
    EXPECT_EQ(errorMessage(answered), gate.waitingMessage())
        << QJsonDocument(answered).toJson().constData();
    EXPECT_GE(clock.elapsed(), 300);
    EXPECT_LT(clock.elapsed(), 5000);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            return std::any_of(driver.events.cbegin(), driver.events.cend(), [](const QString &e) {
                return e.contains(QStringLiteral(
                    "dropped the held notification notifications/roots/list_changed after 0.3 s"));
            });
        },
        2000))
        << driver.events.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(driver.countResponses(2), 1);
    EXPECT_EQ(driver.goneCount, 0);

    // The sign-in completes later: what is sent then goes out with the new token.
    fixture.command("require-auth late-token");
    gate.set(AuthGate::State::SignedIn, "Bearer late-token");
    driver.callTool(3, "echo", "{\"message\":\"after\"}");
    EXPECT_EQ(UpstreamDriver::toolText(driver.response(3)), QStringLiteral("Echo: after"));
    EXPECT_EQ(driver.countResponses(2), 1);
}

// The server forgot the session and nobody makes a new one: the held request is answered.
TEST(RemoteHttpFaults, HeldRequestsExpireWithoutANewSession)
{
    RemoteFixture fixture(QStringLiteral("sdk"));
    ASSERT_TRUE(fixture.ok());
    StreamableHttpUpstream::Options options;
    options.heldTimeoutMs = 300;
    auto upstream = makeHttp(fixture.url(), nullptr, options);
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    EXPECT_EQ(fixture.command("forget-sessions").value(QStringLiteral("forgotten")).toInt(), 1);
    driver.callTool(2, "echo", "{\"message\":\"lost\"}");
    ASSERT_TRUE(QTest::qWaitFor([&] { return driver.sessionLostCount == 1; }, 5000));
    // The driver does not re-initialize (a host would).
    EXPECT_EQ(errorMessage(driver.response(2, 5000)),
              QStringLiteral("remote server 'remote-test' (%1): no new session within 0.3 s")
                  .arg(QStringLiteral("127.0.0.1:%1").arg(fixture.url().port())));
    EXPECT_EQ(driver.goneCount, 0);
}

TEST(RemoteHttpFaults, KillAbortsAndReportsCrashed)
{
    RemoteFixture fixture(QStringLiteral("sdk"));
    ASSERT_TRUE(fixture.ok());
    auto upstream = makeHttp(fixture.url());
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    driver.callTool(2, "sleep", "{\"ms\":3000}");
    upstream->kill();
    EXPECT_EQ(upstream->openStreams(), 0);
    ASSERT_TRUE(QTest::qWaitFor([&] { return driver.goneCount == 1; }, 2000));
    EXPECT_EQ(driver.goneKind, Upstream::GoneKind::Crashed);
    EXPECT_EQ(driver.countResponses(2), 0); // the host's router answers in-flight requests
}

TEST(RemoteHttpFaults, ShutdownBlockingEndsTheSession)
{
    RemoteFixture fixture(QStringLiteral("sdk"));
    ASSERT_TRUE(fixture.ok());
    auto upstream = makeHttp(fixture.url());
    UpstreamDriver driver(upstream.get());
    upstream->start();
    ASSERT_TRUE(driver.initialize().contains(QStringLiteral("result")));
    upstream->shutdownBlocking(2000);
    EXPECT_EQ(upstream->openStreams(), 0);
    EXPECT_EQ(fixture.command("stats").value(QStringLiteral("deletes")).toInt(), 1);
}
