// Multiplexing through a real broker and a real (fake) MCP child.
#include "brokerfixture.h"
#include "testclient.h"

#include "config/serverregistry.h"

#include <QFile>
#include <QJsonArray>
#include <QTest>

using namespace manifold;

namespace {
QString text(const QJsonObject &response)
{
    return response.value(QStringLiteral("result")).toObject().value(QStringLiteral("content")).toArray().at(0)
        .toObject().value(QStringLiteral("text")).toString();
}
qint64 childPid(TestClient &client, const QJsonValue &id)
{
    client.sendJson(client.request(id, QStringLiteral("tools/call"), callTool(QStringLiteral("pid"), {})));
    const auto response = client.waitForResponse(id);
    return response ? text(*response).toLongLong() : -1;
}
int countMethod(const QList<QJsonObject> &log, const QString &method)
{
    return int(std::count_if(log.cbegin(), log.cend(), [&](const QJsonObject &o) {
        return o.value(QStringLiteral("method")).toString() == method;
    }));
}
} // namespace

TEST_F(BrokerFixture, SessionsShareOneChildInitializedOnce)
{
    const QString log = path(QStringLiteral("requests.log"));
    registerServer(fakeServer(QStringLiteral("fake"), {QStringLiteral("--strict-init"), QStringLiteral("--request-log"), log}));
    startBroker();

    TestClient a(m_socketPath), b(m_socketPath), c(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("alpha")));
    ASSERT_TRUE(b.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("beta")));
    ASSERT_TRUE(c.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("gamma")));

    const qint64 pidA = childPid(a, 1);
    const qint64 pidB = childPid(b, 1);
    EXPECT_GT(pidA, 0);
    EXPECT_EQ(pidA, pidB);
    EXPECT_EQ(pidA, childPid(c, QStringLiteral("x")));

    const auto requests = readRequestLog(log);
    EXPECT_EQ(countMethod(requests, QStringLiteral("initialize")), 1);
    EXPECT_EQ(countMethod(requests, QStringLiteral("notifications/initialized")), 1);
    EXPECT_EQ(host(QStringLiteral("fake"))->state(), ServerHost::State::Running);

    const QJsonArray sessions = m_broker->status().value(QStringLiteral("sessions")).toArray();
    ASSERT_EQ(sessions.size(), 3);
    QStringList names;
    for (const QJsonValue &s : sessions)
        names << s.toObject().value(QStringLiteral("clientName")).toString();
    names.sort();
    EXPECT_EQ(names, (QStringList{QStringLiteral("alpha"), QStringLiteral("beta"), QStringLiteral("gamma")}));
}

TEST_F(BrokerFixture, SlowStartingChildAnswersEveryWaitingInitialize)
{
    const QString log = path(QStringLiteral("requests.log"));
    registerServer(fakeServer(QStringLiteral("slow"), {QStringLiteral("--slow-start"), QStringLiteral("400"),
                                                      QStringLiteral("--strict-init"), QStringLiteral("--request-log"), log}));
    startBroker();
    TestClient a(m_socketPath), b(m_socketPath);
    ASSERT_TRUE(a.hello(QStringLiteral("slow")).contains("welcome"));
    ASSERT_TRUE(b.hello(QStringLiteral("slow")).contains("welcome"));
    a.sendInitialize(0);
    b.sendInitialize(QStringLiteral("zero"));
    const auto ra = a.waitForResponse(0);
    const auto rb = b.waitForResponse(QStringLiteral("zero"));
    ASSERT_TRUE(ra && rb);
    EXPECT_EQ(ra->value(QStringLiteral("result")), rb->value(QStringLiteral("result")));
    EXPECT_EQ(countMethod(readRequestLog(log), QStringLiteral("initialize")), 1);
}

TEST_F(BrokerFixture, SameIdsFromTwoSessionsGetTheirOwnReplies)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    startBroker();
    TestClient a(m_socketPath), b(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("fake")));
    ASSERT_TRUE(b.connectAndInitialize(QStringLiteral("fake")));
    // a's reply is slower, so a naive "first reader wins" would hand b's reply to a.
    a.sendJson(a.request(7, QStringLiteral("tools/call"),
                         callTool(QStringLiteral("slow_echo"), {{QStringLiteral("message"), QStringLiteral("from a ü")},
                                                               {QStringLiteral("delayMs"), 200}})));
    b.sendJson(b.request(7, QStringLiteral("tools/call"),
                         callTool(QStringLiteral("echo"), {{QStringLiteral("message"), QStringLiteral("from b ✓")}})));
    const auto rb = b.waitForResponse(7);
    const auto ra = a.waitForResponse(7);
    ASSERT_TRUE(ra && rb);
    EXPECT_EQ(text(*ra), QStringLiteral("from a ü"));
    EXPECT_EQ(text(*rb), QStringLiteral("from b ✓"));
    EXPECT_TRUE(ra->value(QStringLiteral("id")).isDouble());
    // Nobody got anything twice.
    EXPECT_FALSE(a.waitForResponse(7, 100));
    EXPECT_FALSE(b.waitForResponse(7, 100));
}

TEST_F(BrokerFixture, ProgressReachesOnlyTheCallerWithItsToken)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    startBroker();
    TestClient a(m_socketPath), b(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("fake")));
    ASSERT_TRUE(b.connectAndInitialize(QStringLiteral("fake")));
    a.sendJson(a.request(1, QStringLiteral("tools/call"),
                         callTool(QStringLiteral("progress"), {{QStringLiteral("steps"), 3}}, 1)));
    b.sendJson(b.request(1, QStringLiteral("tools/call"),
                         callTool(QStringLiteral("progress"), {{QStringLiteral("steps"), 2}}, QStringLiteral("1"))));
    ASSERT_TRUE(a.waitForResponse(1));
    ASSERT_TRUE(b.waitForResponse(1));
    auto progressOf = [](const TestClient &client) {
        QList<QJsonValue> tokens;
        for (const QJsonObject &o : client.received()) {
            if (o.value(QStringLiteral("method")) == QStringLiteral("notifications/progress"))
                tokens.append(o.value(QStringLiteral("params")).toObject().value(QStringLiteral("progressToken")));
        }
        return tokens;
    };
    const auto tokensA = progressOf(a);
    const auto tokensB = progressOf(b);
    ASSERT_EQ(tokensA.size(), 3);
    ASSERT_EQ(tokensB.size(), 2);
    for (const QJsonValue &token : tokensA)
        EXPECT_EQ(token, QJsonValue(1));
    for (const QJsonValue &token : tokensB)
        EXPECT_EQ(token, QJsonValue(QStringLiteral("1")));
}

TEST_F(BrokerFixture, BadLineHurtsOnlyItsSession)
{
    ServerConfig config = fakeServer(QStringLiteral("fake"));
    config.maxLineBytes = 4096;
    registerServer(config);
    startBroker();
    TestClient a(m_socketPath), b(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("fake")));
    ASSERT_TRUE(b.connectAndInitialize(QStringLiteral("fake")));

    b.sendJson(b.request(1, QStringLiteral("tools/call"),
                         callTool(QStringLiteral("slow_echo"), {{QStringLiteral("message"), QStringLiteral("b")},
                                                               {QStringLiteral("delayMs"), 100}})));
    a.send("this is not json");
    const auto parseError = a.waitFor([](const QJsonObject &o) { return o.contains(QStringLiteral("error")); });
    ASSERT_TRUE(parseError);
    EXPECT_EQ(parseError->value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toInt(), -32700);
    EXPECT_TRUE(parseError->value(QStringLiteral("id")).isNull());

    a.send(QByteArray(10000, 'x'));
    const auto tooLong = a.waitFor([](const QJsonObject &o) { return o.contains(QStringLiteral("error")); });
    ASSERT_TRUE(tooLong);
    EXPECT_TRUE(tooLong->value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QStringLiteral("4096")));

    const auto rb = b.waitForResponse(1);
    ASSERT_TRUE(rb);
    EXPECT_EQ(text(*rb), QStringLiteral("b"));
    EXPECT_EQ(childPid(a, 2), childPid(b, 2));   // a still works, same child
    for (const QJsonObject &o : b.received())
        EXPECT_FALSE(o.contains(QStringLiteral("error")));
}

TEST_F(BrokerFixture, GarbageFromChildIsSkipped)
{
    registerServer(fakeServer(QStringLiteral("fake"), {QStringLiteral("--garbage-at-start")}));
    startBroker();
    TestClient a(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("fake")));
    a.sendJson(a.request(1, QStringLiteral("tools/call"), callTool(QStringLiteral("garbage"), {})));
    const auto response = a.waitForResponse(1);
    ASSERT_TRUE(response);
    EXPECT_EQ(text(*response), QStringLiteral("after garbage"));
    bool logged = false;
    for (const auto &entry : host(QStringLiteral("fake"))->log().entries())
        logged |= entry.text.contains(QStringLiteral("this is not json"));
    EXPECT_TRUE(logged);
}

TEST_F(BrokerFixture, DisconnectCancelsInFlightUpstream)
{
    const QString log = path(QStringLiteral("requests.log"));
    registerServer(fakeServer(QStringLiteral("fake"), {QStringLiteral("--request-log"), log}));
    startBroker();
    auto a = std::make_unique<TestClient>(m_socketPath);
    TestClient b(m_socketPath);
    ASSERT_TRUE(a->connectAndInitialize(QStringLiteral("fake")));
    ASSERT_TRUE(b.connectAndInitialize(QStringLiteral("fake")));
    a->sendJson(a->request(5, QStringLiteral("tools/call"),
                           callTool(QStringLiteral("slow_echo"), {{QStringLiteral("message"), QStringLiteral("x")},
                                                                 {QStringLiteral("delayMs"), 5000}})));
    ASSERT_TRUE(QTest::qWaitFor([&] { return host(QStringLiteral("fake"))->router().inFlightCount() == 1; }, 5000));
    a->close();
    a.reset();
    ASSERT_TRUE(QTest::qWaitFor([&] { return countMethod(readRequestLog(log), QStringLiteral("notifications/cancelled")) == 1; }, 5000));
    QJsonObject forwardedCall;
    QJsonObject cancel;
    for (const QJsonObject &o : readRequestLog(log)) {
        if (o.value(QStringLiteral("method")) == QStringLiteral("tools/call"))
            forwardedCall = o;
        if (o.value(QStringLiteral("method")) == QStringLiteral("notifications/cancelled"))
            cancel = o;
    }
    EXPECT_EQ(cancel.value(QStringLiteral("params")).toObject().value(QStringLiteral("requestId")),
              forwardedCall.value(QStringLiteral("id")));
    EXPECT_EQ(host(QStringLiteral("fake"))->router().inFlightCount(), 0);
    EXPECT_EQ(serverStatus(QStringLiteral("fake")).value(QStringLiteral("sessions")).toInt(), 1);
    EXPECT_GT(childPid(b, 1), 0);
}

TEST_F(BrokerFixture, PingIsAnsweredByTheBroker)
{
    const QString log = path(QStringLiteral("requests.log"));
    registerServer(fakeServer(QStringLiteral("fake"), {QStringLiteral("--request-log"), log}));
    startBroker();
    TestClient a(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("fake")));
    a.sendJson(a.request(QStringLiteral("p"), QStringLiteral("ping")));
    const auto pong = a.waitForResponse(QStringLiteral("p"));
    ASSERT_TRUE(pong);
    EXPECT_TRUE(pong->value(QStringLiteral("result")).isObject());
    EXPECT_EQ(countMethod(readRequestLog(log), QStringLiteral("ping")), 0);
}

TEST_F(BrokerFixture, ListChangedIsBroadcast)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    startBroker();
    TestClient a(m_socketPath), b(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("fake")));
    ASSERT_TRUE(b.connectAndInitialize(QStringLiteral("fake")));
    a.sendJson(a.request(1, QStringLiteral("tools/call"), callTool(QStringLiteral("notify_list_changed"), {})));
    auto isListChanged = [](const QJsonObject &o) {
        return o.value(QStringLiteral("method")) == QStringLiteral("notifications/tools/list_changed");
    };
    EXPECT_TRUE(a.waitFor(isListChanged));
    EXPECT_TRUE(b.waitFor(isListChanged));
}

TEST_F(BrokerFixture, UnknownServerIsRefusedWithKnownNames)
{
    registerServer(fakeServer(QStringLiteral("alpha")));
    registerServer(fakeServer(QStringLiteral("beta")));
    startBroker();
    TestClient a(m_socketPath);
    const QByteArray reply = a.hello(QStringLiteral("nope"));
    EXPECT_TRUE(reply.contains("refused")) << reply.constData();
    EXPECT_TRUE(reply.contains("no server named 'nope'; known: alpha, beta")) << reply.constData();
    EXPECT_TRUE(a.waitForDisconnected());
}

TEST_F(BrokerFixture, ControlCommandsAddAndRemoveServers)
{
    startBroker();
    ServerConfig config = fakeServer(QStringLiteral("late"));
    QString error;
    ASSERT_TRUE(m_broker->addServer(config, &error)) << error.toStdString();
    EXPECT_FALSE(m_broker->addServer(config, &error));
    TestClient a(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("late")));
    ASSERT_TRUE(m_broker->removeServer(QStringLiteral("late"), &error)) << error.toStdString();
    EXPECT_TRUE(a.waitForDisconnected());
    EXPECT_EQ(m_broker->host(QStringLiteral("late")), nullptr);
}

TEST_F(BrokerFixture, EditsToServersJsonAreAppliedLive)
{
    registerServer(fakeServer(QStringLiteral("first")));
    startBroker();
    TestClient a(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("first")));

    // Another program (an editor, the installer) rewrites the file while the broker runs.
    registerServer(fakeServer(QStringLiteral("second")));
    ASSERT_TRUE(QTest::qWaitFor([&] { return host(QStringLiteral("second")) != nullptr; }, 5000));
    TestClient b(m_socketPath);
    EXPECT_TRUE(b.connectAndInitialize(QStringLiteral("second")));

    ServerRegistry registry(m_configDir);
    QString error;
    ASSERT_TRUE(registry.load(&error));
    ASSERT_TRUE(registry.remove(QStringLiteral("first"), &error));
    ASSERT_TRUE(registry.save(&error));
    ASSERT_TRUE(QTest::qWaitFor([&] { return host(QStringLiteral("first")) == nullptr; }, 5000));
    EXPECT_TRUE(a.waitForDisconnected());

    // A broken edit is reported and changes nothing.
    QFile file(m_configDir + QStringLiteral("/servers.json"));
    ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("{ broken");
    file.close();
    ASSERT_TRUE(QTest::qWaitFor([&] { return !m_broker->registryError().isEmpty(); }, 5000));
    EXPECT_NE(host(QStringLiteral("second")), nullptr);
    EXPECT_TRUE(m_broker->status().value(QStringLiteral("broker")).toObject().contains(QStringLiteral("registryError")));
}

TEST_F(BrokerFixture, OversizedAnswerFromTheServerFailsOnlyItsRequest)
{
    ServerConfig config = fakeServer(QStringLiteral("fake"));
    config.maxLineBytes = 4096;
    registerServer(config);
    startBroker();
    TestClient a(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("fake")));
    // The request fits; the echo of it (message twice) does not.
    a.sendJson(a.request(1, QStringLiteral("tools/call"),
                         callTool(QStringLiteral("echo"), {{QStringLiteral("message"), QString(2500, QLatin1Char('x'))}})));
    const auto error = a.waitForResponse(1);
    ASSERT_TRUE(error);
    EXPECT_TRUE(error->value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QStringLiteral("larger than 4096")));
    a.sendJson(a.request(2, QStringLiteral("tools/call"), callTool(QStringLiteral("echo"), {{QStringLiteral("message"), QStringLiteral("small")}})));
    const auto ok = a.waitForResponse(2);
    ASSERT_TRUE(ok);
    EXPECT_TRUE(ok->contains(QStringLiteral("result")));
    EXPECT_EQ(host(QStringLiteral("fake"))->router().inFlightCount(), 0);
}
