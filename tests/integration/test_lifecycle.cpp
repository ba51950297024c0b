// Child lifecycle through a real broker: crash, restart, crash loop, stop, process groups,
// linger, heartbeat, and the broker's socket ownership.
#include "brokerfixture.h"
#include "testclient.h"

#include "testsupport.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalServer>
#include <QSignalSpy>
#include <QTest>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using namespace manifold;
using State = ServerHost::State;

namespace {
bool processExists(qint64 pid)
{
    return testsupport::processRunning(pid);
}
bool logContains(const ServerHost *host, const QString &needle)
{
    for (const auto &entry : host->log().entries()) {
        if (entry.text.contains(needle))
            return true;
    }
    return false;
}
} // namespace

TEST_F(BrokerFixture, CrashAnswersInFlightRequestsAndRestarts)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    startBroker();
    TestClient a(m_socketPath), b(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("fake")));
    ASSERT_TRUE(b.connectAndInitialize(QStringLiteral("fake")));
    const qint64 firstPid = host(QStringLiteral("fake"))->pid();

    // Seen to complete without asking anything, slow_echo does not keep b's call waiting.
    a.sendJson(a.request(0, QStringLiteral("tools/call"),
                         callTool(QStringLiteral("slow_echo"), {{QStringLiteral("message"), QStringLiteral("quick")},
                                                               {QStringLiteral("delayMs"), 0}})));
    ASSERT_TRUE(a.waitForResponse(0));
    a.sendJson(a.request(1, QStringLiteral("tools/call"),
                         callTool(QStringLiteral("slow_echo"), {{QStringLiteral("message"), QStringLiteral("never")},
                                                               {QStringLiteral("delayMs"), 5000}})));
    ASSERT_TRUE(QTest::qWaitFor([&] { return host(QStringLiteral("fake"))->router().inFlightCount() == 1; }, 5000));
    b.sendJson(b.request(1, QStringLiteral("tools/call"), callTool(QStringLiteral("crash"), {{QStringLiteral("code"), 42}})));

    const auto errorA = a.waitForResponse(1);
    const auto errorB = b.waitForResponse(1);
    ASSERT_TRUE(errorA && errorB);
    const QString message = errorA->value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    EXPECT_TRUE(message.contains(QStringLiteral("'fake'"))) << message.toStdString();
    EXPECT_TRUE(message.contains(QStringLiteral("code 42"))) << message.toStdString();
    EXPECT_EQ(errorA->value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toInt(), -32000);

    ASSERT_TRUE(waitForState(QStringLiteral("fake"), State::Running));
    EXPECT_NE(host(QStringLiteral("fake"))->pid(), firstPid);
    EXPECT_EQ(serverStatus(QStringLiteral("fake")).value(QStringLiteral("restarts")).toInt(), 1);
    // Sessions stayed connected, were told to refresh, and work again.
    EXPECT_TRUE(a.waitFor([](const QJsonObject &o) {
        return o.value(QStringLiteral("method")) == QStringLiteral("notifications/tools/list_changed");
    }));
    a.sendJson(a.request(2, QStringLiteral("tools/call"), callTool(QStringLiteral("echo"), {{QStringLiteral("message"), QStringLiteral("again")}})));
    const auto again = a.waitForResponse(2);
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->contains(QStringLiteral("result")));
}

TEST_F(BrokerFixture, RequestsSentDuringRestartAreServedByTheNewChild)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    m_options.timing.restart = {300, 400, 4, 60000};
    startBroker();
    TestClient a(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("fake")));
    host(QStringLiteral("fake"))->kill();
    ASSERT_TRUE(waitForState(QStringLiteral("fake"), State::Backoff));
    a.sendJson(a.request(9, QStringLiteral("tools/call"), callTool(QStringLiteral("echo"), {{QStringLiteral("message"), QStringLiteral("queued")}})));
    const auto response = a.waitForResponse(9);
    ASSERT_TRUE(response);
    EXPECT_TRUE(response->contains(QStringLiteral("result")));
}

TEST_F(BrokerFixture, CrashLoopEndsInFailedStateWithClearErrors)
{
    registerServer(fakeServer(QStringLiteral("broken"), {QStringLiteral("--exit-immediately"), QStringLiteral("3"),
                                                        QStringLiteral("--banner"), QStringLiteral("config file missing")}));
    startBroker();
    QSignalSpy loops(host(QStringLiteral("broken")), &ServerHost::crashLooped);
    TestClient a(m_socketPath);
    ASSERT_TRUE(a.hello(QStringLiteral("broken")).contains("welcome"));
    a.sendInitialize(1);
    const auto response = a.waitForResponse(1);
    ASSERT_TRUE(response);
    const QString message = response->value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    EXPECT_TRUE(message.contains(QStringLiteral("exited with code 3"))) << message.toStdString();
    EXPECT_EQ(host(QStringLiteral("broken"))->state(), State::Failed);
    ASSERT_EQ(loops.size(), 1);
    EXPECT_TRUE(loops.first().first().toStringList().join(QLatin1Char('\n')).contains(QStringLiteral("config file missing")));

    a.sendJson(a.request(2, QStringLiteral("tools/list")));
    const auto immediate = a.waitForResponse(2, 2000);
    ASSERT_TRUE(immediate);
    EXPECT_TRUE(immediate->contains(QStringLiteral("error")));
}

TEST_F(BrokerFixture, StopEscalatesToSigkillForStubbornChild)
{
    registerServer(fakeServer(QStringLiteral("stubborn"), {QStringLiteral("--ignore-stdin-close")}));
    startBroker();
    TestClient a(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("stubborn")));
    const qint64 pid = host(QStringLiteral("stubborn"))->pid();
    host(QStringLiteral("stubborn"))->stop();
    ASSERT_TRUE(waitForState(QStringLiteral("stubborn"), State::Stopped, 5000));
    EXPECT_TRUE(logContains(host(QStringLiteral("stubborn")), QStringLiteral("SIGTERM")));
    EXPECT_TRUE(logContains(host(QStringLiteral("stubborn")), QStringLiteral("SIGKILL")));
    EXPECT_FALSE(processExists(pid));
    EXPECT_EQ(host(QStringLiteral("stubborn"))->restarts(), 0);
}

TEST_F(BrokerFixture, KillTakesTheWholeProcessGroup)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    startBroker();
    TestClient a(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("fake")));
    a.sendJson(a.request(1, QStringLiteral("tools/call"), callTool(QStringLiteral("spawn_grandchild"), {})));
    const auto response = a.waitForResponse(1);
    ASSERT_TRUE(response);
    const qint64 grandchild = response->value(QStringLiteral("result")).toObject()
                                  .value(QStringLiteral("structuredContent")).toObject().value(QStringLiteral("pid")).toInteger();
    ASSERT_GT(grandchild, 0);
    ASSERT_TRUE(processExists(grandchild));
    host(QStringLiteral("fake"))->kill();
    EXPECT_TRUE(QTest::qWaitFor([&] { return !processExists(grandchild); }, 5000));
    EXPECT_TRUE(waitForState(QStringLiteral("fake"), State::Running));
}

TEST_F(BrokerFixture, IdleChildStopsAfterLinger)
{
    ServerConfig config = fakeServer(QStringLiteral("fake"));
    config.lingerMs = 200;
    registerServer(config);
    startBroker();
    {
        TestClient a(m_socketPath);
        ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("fake")));
        EXPECT_EQ(host(QStringLiteral("fake"))->state(), State::Running);
        a.close();
        ASSERT_TRUE(a.waitForDisconnected());
    }
    ASSERT_TRUE(waitForState(QStringLiteral("fake"), State::Stopped, 5000));
    // A new session brings it back.
    TestClient b(m_socketPath);
    ASSERT_TRUE(b.connectAndInitialize(QStringLiteral("fake")));
    EXPECT_EQ(host(QStringLiteral("fake"))->state(), State::Running);
}

TEST_F(BrokerFixture, HeartbeatRecordsAnswers)
{
    ServerConfig config = fakeServer(QStringLiteral("fake"));
    config.heartbeatMs = 100;
    registerServer(config);
    startBroker();
    QSignalSpy beats(host(QStringLiteral("fake")), &ServerHost::heartbeat);
    TestClient a(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("fake")));
    // On a loaded machine one ping may time out first; an answered one must follow.
    ASSERT_TRUE(QTest::qWaitFor([&] {
        return std::any_of(beats.cbegin(), beats.cend(), [](const QList<QVariant> &args) { return args.first().toBool(); });
    }, 5000));
    EXPECT_FALSE(serverStatus(QStringLiteral("fake")).value(QStringLiteral("lastHeartbeat")).isNull());
}

TEST_F(BrokerFixture, ChildIgnoringPingIsMarkedButNotRestarted)
{
    ServerConfig config = fakeServer(QStringLiteral("deaf"), {QStringLiteral("--ignore-ping")});
    config.heartbeatMs = 100;
    registerServer(config);
    startBroker();
    QSignalSpy beats(host(QStringLiteral("deaf")), &ServerHost::heartbeat);
    TestClient a(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("deaf")));
    ASSERT_TRUE(beats.wait(5000));
    EXPECT_FALSE(beats.first().first().toBool());
    EXPECT_TRUE(host(QStringLiteral("deaf"))->unresponsive());
    EXPECT_EQ(host(QStringLiteral("deaf"))->restarts(), 0);
    EXPECT_EQ(host(QStringLiteral("deaf"))->state(), State::Running);
    a.sendJson(a.request(1, QStringLiteral("tools/call"), callTool(QStringLiteral("echo"), {{QStringLiteral("message"), QStringLiteral("still here")}})));
    EXPECT_TRUE(a.waitForResponse(1));
}

TEST_F(BrokerFixture, StderrIsKeptInABoundedRing)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    startBroker();
    TestClient a(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("fake")));
    a.sendJson(a.request(1, QStringLiteral("tools/call"), callTool(QStringLiteral("stderr"), {{QStringLiteral("lines"), 3000}})));
    ASSERT_TRUE(a.waitForResponse(1));
    ASSERT_TRUE(QTest::qWaitFor([&] { return logContains(host(QStringLiteral("fake")), QStringLiteral("stderr line 3000")); }, 5000));
    const auto &entries = host(QStringLiteral("fake"))->log().entries();
    EXPECT_LE(entries.size(), 2000);
    const bool firstLineKept = std::any_of(entries.cbegin(), entries.cend(), [](const RingLog::Entry &e) {
        return e.text == QStringLiteral("stderr line 1");
    });
    EXPECT_FALSE(firstLineKept);
}

TEST_F(BrokerFixture, SecondBrokerOnTheSameSocketStepsAside)
{
    startBroker();
    Broker second(m_options);
    QString message;
    EXPECT_EQ(second.listen(&message), Broker::ListenResult::AlreadyRunning);
    EXPECT_TRUE(message.contains(QStringLiteral("already running"))) << message.toStdString();
    TestClient a(m_socketPath);
    EXPECT_FALSE(a.hello(QStringLiteral("x")).isEmpty());   // the first one still answers
}

TEST_F(BrokerFixture, StaleSocketFromACrashedBrokerIsRecovered)
{
    // A socket file nobody listens on, as a SIGKILLed broker leaves behind.
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const QByteArray path = QFile::encodeName(m_socketPath);
    std::memcpy(address.sun_path, path.constData(), size_t(path.size()));
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
    ::close(fd);
    ASSERT_TRUE(QFileInfo::exists(m_socketPath));

    startBroker();
    TestClient a(m_socketPath);
    EXPECT_TRUE(a.hello(QStringLiteral("x")).contains("refused"));
}

TEST_F(BrokerFixture, SocketIsOwnerOnly)
{
    startBroker();
    struct stat info {};
    ASSERT_EQ(::stat(QFile::encodeName(m_socketPath).constData(), &info), 0);
    EXPECT_EQ(info.st_mode & 0077, 0u);
    EXPECT_EQ(info.st_uid, ::getuid());
}

TEST_F(BrokerFixture, MissingCommandFailsWithAClearErrorInsteadOfHanging)
{
    ServerConfig config = fakeServer(QStringLiteral("ghost"));
    config.command = path(QStringLiteral("no-such-server"));
    registerServer(config);
    startBroker();
    TestClient a(m_socketPath);
    ASSERT_TRUE(a.hello(QStringLiteral("ghost")).contains("welcome"));
    a.sendInitialize(1);
    const auto response = a.waitForResponse(1);
    ASSERT_TRUE(response);
    const QString message = response->value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    EXPECT_TRUE(message.contains(QStringLiteral("could not start"))) << message.toStdString();
    EXPECT_TRUE(message.contains(QStringLiteral("no-such-server"))) << message.toStdString();
    EXPECT_EQ(host(QStringLiteral("ghost"))->state(), State::Failed);
    EXPECT_EQ(serverStatus(QStringLiteral("ghost")).value(QStringLiteral("lastExit")).toString().isEmpty(), false);
}

TEST_F(BrokerFixture, ChildThatDiesRightAfterInitializeStillEndsInACrashLoop)
{
    registerServer(fakeServer(QStringLiteral("flaky"), {QStringLiteral("--crash-after-init")}));
    startBroker();
    TestClient a(m_socketPath);
    ASSERT_TRUE(a.hello(QStringLiteral("flaky")).contains("welcome"));
    a.sendInitialize(1);
    // Every start answers initialize, then exits: that must not reset the crash count.
    EXPECT_TRUE(waitForState(QStringLiteral("flaky"), State::Failed, 15000));
    EXPECT_LE(host(QStringLiteral("flaky"))->restarts(), 4);
}

TEST_F(BrokerFixture, ChildThatNeverAnswersInitializeIsKilledAndReported)
{
    registerServer(fakeServer(QStringLiteral("mute"), {QStringLiteral("--slow-start"), QStringLiteral("600000")}));
    m_options.timing.initializeTimeoutMs = 300;
    startBroker();
    TestClient a(m_socketPath);
    ASSERT_TRUE(a.hello(QStringLiteral("mute")).contains("welcome"));
    a.sendInitialize(1);
    const auto response = a.waitForResponse(1, 20000);
    ASSERT_TRUE(response);
    EXPECT_TRUE(response->contains(QStringLiteral("error")));
    EXPECT_EQ(host(QStringLiteral("mute"))->state(), State::Failed);
    EXPECT_TRUE(logContains(host(QStringLiteral("mute")), QStringLiteral("no answer to initialize")));
}

TEST_F(BrokerFixture, RequestsSentWhileStoppingAreServedByTheNextChild)
{
    registerServer(fakeServer(QStringLiteral("stubborn"), {QStringLiteral("--ignore-stdin-close")}));
    startBroker();
    TestClient a(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("stubborn")));
    const qint64 firstPid = host(QStringLiteral("stubborn"))->pid();
    host(QStringLiteral("stubborn"))->stop();
    ASSERT_EQ(host(QStringLiteral("stubborn"))->state(), State::Stopping);
    a.sendJson(a.request(2, QStringLiteral("tools/call"), callTool(QStringLiteral("echo"), {{QStringLiteral("message"), QStringLiteral("later")}})));
    const auto response = a.waitForResponse(2, 10000);
    ASSERT_TRUE(response);
    EXPECT_TRUE(response->contains(QStringLiteral("result"))) << QJsonDocument(*response).toJson().constData();
    EXPECT_NE(host(QStringLiteral("stubborn"))->pid(), firstPid);
}

TEST_F(BrokerFixture, StoppingDuringRestartBackoffAnswersWaitingRequests)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    m_options.timing.restart = {5000, 5000, 4, 60000};
    startBroker();
    TestClient a(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("fake")));
    host(QStringLiteral("fake"))->kill();
    ASSERT_TRUE(waitForState(QStringLiteral("fake"), State::Backoff));
    a.sendJson(a.request(3, QStringLiteral("tools/call"), callTool(QStringLiteral("echo"), {{QStringLiteral("message"), QStringLiteral("x")}})));
    ASSERT_TRUE(QTest::qWaitFor([&] { return host(QStringLiteral("fake"))->router().waitingCount() == 1; }, 5000));
    host(QStringLiteral("fake"))->stop();
    const auto response = a.waitForResponse(3, 2000);
    ASSERT_TRUE(response);
    EXPECT_TRUE(response->value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QStringLiteral("stopped")));
}

TEST_F(BrokerFixture, ShutdownWaitsForEveryServerEvenWithOneInBackoff)
{
    registerServer(fakeServer(QStringLiteral("a")));
    registerServer(fakeServer(QStringLiteral("b")));
    m_options.timing.restart = {5000, 5000, 4, 60000};
    startBroker();
    TestClient ca(m_socketPath), cb(m_socketPath);
    ASSERT_TRUE(ca.connectAndInitialize(QStringLiteral("a")));
    ASSERT_TRUE(cb.connectAndInitialize(QStringLiteral("b")));
    host(QStringLiteral("a"))->kill();
    ASSERT_TRUE(waitForState(QStringLiteral("a"), State::Backoff));
    bool done = false;
    State bAtDone = State::Running;
    m_broker->shutdown([&] {
        done = true;
        bAtDone = host(QStringLiteral("b"))->state();
    });
    ASSERT_TRUE(QTest::qWaitFor([&] { return done; }, 10000));
    EXPECT_EQ(bAtDone, State::Stopped);
}
