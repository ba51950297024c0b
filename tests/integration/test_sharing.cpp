// Sharing modes, the in-flight queue and the list cache through a real broker.
#include "brokerfixture.h"
#include "testclient.h"

#include <QJsonArray>
#include <QTest>

using namespace manifold;

namespace {
qint64 childPid(TestClient &client, const QJsonValue &id)
{
    client.sendJson(client.request(id, QStringLiteral("tools/call"), callTool(QStringLiteral("pid"), {})));
    const auto response = client.waitForResponse(id);
    return response ? response->value(QStringLiteral("result")).toObject().value(QStringLiteral("structuredContent"))
                          .toObject().value(QStringLiteral("pid")).toInteger()
                    : -1;
}
QJsonObject slowEcho(const QString &message, int delayMs)
{
    return callTool(QStringLiteral("slow_echo"), {{QStringLiteral("message"), message}, {QStringLiteral("delayMs"), delayMs}});
}
QStringList calledMessages(const QString &log)
{
    QStringList messages;
    for (const QJsonObject &line : readRequestLog(log)) {
        if (line.value(QStringLiteral("method")) == QStringLiteral("tools/call"))
            messages << line.value(QStringLiteral("params")).toObject().value(QStringLiteral("arguments")).toObject()
                            .value(QStringLiteral("message")).toString();
    }
    return messages;
}
} // namespace

TEST_F(BrokerFixture, PerClientSharingGivesEachClientApplicationItsOwnChild)
{
    ServerConfig config = fakeServer(QStringLiteral("fake"));
    config.sharing = ServerConfig::Sharing::PerClient;
    registerServer(config);
    startBroker();
    TestClient alpha1(m_socketPath), beta(m_socketPath), alpha2(m_socketPath);
    ASSERT_TRUE(alpha1.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("alpha")));
    ASSERT_TRUE(beta.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("beta")));
    ASSERT_TRUE(alpha2.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("alpha")));
    const qint64 a1 = childPid(alpha1, 1), b = childPid(beta, 1), a2 = childPid(alpha2, 1);
    EXPECT_GT(a1, 0);
    EXPECT_EQ(a1, a2);
    EXPECT_NE(a1, b);
    const QJsonObject status = serverStatus(QStringLiteral("fake"));
    EXPECT_EQ(status.value(QStringLiteral("sharing")).toString(), QStringLiteral("per-client"));
    EXPECT_EQ(status.value(QStringLiteral("instances")).toArray().size(), 2);
    EXPECT_EQ(status.value(QStringLiteral("sessions")).toInt(), 3);
}

TEST_F(BrokerFixture, IsolatedSharingGivesEachSessionAChildThatEndsWithIt)
{
    ServerConfig config = fakeServer(QStringLiteral("solo"));
    config.sharing = ServerConfig::Sharing::Isolated;
    registerServer(config);
    startBroker();
    auto first = std::make_unique<TestClient>(m_socketPath);
    TestClient second(m_socketPath);
    ASSERT_TRUE(first->connectAndInitialize(QStringLiteral("solo")));
    ASSERT_TRUE(second.connectAndInitialize(QStringLiteral("solo")));
    const qint64 p1 = childPid(*first, 1), p2 = childPid(second, 1);
    EXPECT_GT(p1, 0);
    EXPECT_NE(p1, p2);
    EXPECT_EQ(serverStatus(QStringLiteral("solo")).value(QStringLiteral("instances")).toArray().size(), 2);

    first->close();
    first.reset();
    ASSERT_TRUE(QTest::qWaitFor([&] {
        return serverStatus(QStringLiteral("solo")).value(QStringLiteral("instances")).toArray().size() == 1;
    }, 5000));
    EXPECT_EQ(childPid(second, 2), p2);
}

TEST_F(BrokerFixture, InFlightLimitServesSessionsRoundRobin)
{
    const QString log = path(QStringLiteral("requests.log"));
    ServerConfig config = fakeServer(QStringLiteral("fake"), {QStringLiteral("--request-log"), log});
    config.maxInFlight = 1;
    registerServer(config);
    startBroker();
    TestClient a(m_socketPath), b(m_socketPath), c(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("fake")));
    ASSERT_TRUE(b.connectAndInitialize(QStringLiteral("fake")));
    ASSERT_TRUE(c.connectAndInitialize(QStringLiteral("fake")));

    // The first call holds the only slot while the others line up.
    a.sendJson(a.request(1, QStringLiteral("tools/call"), slowEcho(QStringLiteral("a1"), 300)));
    ASSERT_TRUE(QTest::qWaitFor([&] { return host(QStringLiteral("fake"))->router().inFlightCount() == 1; }, 5000));
    a.sendJson(a.request(2, QStringLiteral("tools/call"), slowEcho(QStringLiteral("a2"), 10)));
    a.sendJson(a.request(3, QStringLiteral("tools/call"), slowEcho(QStringLiteral("a3"), 10)));
    b.sendJson(b.request(1, QStringLiteral("tools/call"), slowEcho(QStringLiteral("b1"), 10)));
    c.sendJson(c.request(1, QStringLiteral("tools/call"), slowEcho(QStringLiteral("c1"), 10)));
    a.sendJson(a.request(4, QStringLiteral("tools/call"), slowEcho(QStringLiteral("a4"), 10)));
    ASSERT_TRUE(QTest::qWaitFor([&] { return host(QStringLiteral("fake"))->router().waitingCount() == 5; }, 5000));

    const QJsonArray queue = serverStatus(QStringLiteral("fake")).value(QStringLiteral("queue")).toArray();
    ASSERT_EQ(queue.size(), 6);
    EXPECT_EQ(queue.at(0).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("in-flight"));
    EXPECT_EQ(queue.at(1).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("queued"));
    EXPECT_EQ(queue.at(1).toObject().value(QStringLiteral("method")).toString(), QStringLiteral("tools/call"));
    EXPECT_TRUE(queue.at(1).toObject().contains(QStringLiteral("ageMs")));

    for (TestClient *client : {&a, &b, &c}) {
        for (const QJsonObject &o : client->received())
            EXPECT_FALSE(o.contains(QStringLiteral("error"))) << "unexpected error";
    }
    ASSERT_TRUE(a.waitForResponse(4, 10000));
    ASSERT_TRUE(b.waitForResponse(1));
    ASSERT_TRUE(c.waitForResponse(1));
    // Fair order: a was just served, so b and c go first; then a's remaining ones.
    EXPECT_EQ(calledMessages(log), (QStringList{QStringLiteral("a1"), QStringLiteral("b1"), QStringLiteral("c1"),
                                                QStringLiteral("a2"), QStringLiteral("a3"), QStringLiteral("a4")}));
}

TEST_F(BrokerFixture, CancelledQueuedRequestNeverReachesTheServer)
{
    const QString log = path(QStringLiteral("requests.log"));
    ServerConfig config = fakeServer(QStringLiteral("fake"), {QStringLiteral("--request-log"), log});
    config.maxInFlight = 1;
    registerServer(config);
    startBroker();
    TestClient a(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("fake")));
    a.sendJson(a.request(1, QStringLiteral("tools/call"), slowEcho(QStringLiteral("first"), 300)));
    a.sendJson(a.request(2, QStringLiteral("tools/call"), slowEcho(QStringLiteral("doomed"), 10)));
    a.sendJson({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                {QStringLiteral("method"), QStringLiteral("notifications/cancelled")},
                {QStringLiteral("params"), QJsonObject{{QStringLiteral("requestId"), 2}}}});
    a.sendJson(a.request(3, QStringLiteral("tools/call"), slowEcho(QStringLiteral("last"), 10)));
    ASSERT_TRUE(a.waitForResponse(3));
    EXPECT_FALSE(a.waitForResponse(2, 200));
    EXPECT_EQ(calledMessages(log), (QStringList{QStringLiteral("first"), QStringLiteral("last")}));
}

TEST_F(BrokerFixture, LaterClientsGetInitializeAndToolsListWithoutWaitingForTheChild)
{
    const QString log = path(QStringLiteral("requests.log"));
    ServerConfig config = fakeServer(QStringLiteral("fake"), {QStringLiteral("--request-log"), log});
    config.maxInFlight = 1;
    registerServer(config);
    startBroker();
    TestClient a(m_socketPath);
    ASSERT_TRUE(a.connectAndInitialize(QStringLiteral("fake")));
    a.sendJson(a.request(1, QStringLiteral("tools/list")));
    const auto firstList = a.waitForResponse(1);
    ASSERT_TRUE(firstList);
    // The child is now busy with the only slot for seconds.
    a.sendJson(a.request(2, QStringLiteral("tools/call"), slowEcho(QStringLiteral("busy"), 5000)));
    ASSERT_TRUE(QTest::qWaitFor([&] { return host(QStringLiteral("fake"))->router().inFlightCount() == 1; }, 5000));

    TestClient b(m_socketPath);
    ASSERT_TRUE(b.connectAndInitialize(QStringLiteral("fake")));
    b.sendJson(b.request(QStringLiteral("l"), QStringLiteral("tools/list")));
    const auto cached = b.waitForResponse(QStringLiteral("l"), 2000);
    ASSERT_TRUE(cached);
    EXPECT_EQ(cached->value(QStringLiteral("result")), firstList->value(QStringLiteral("result")));
    EXPECT_EQ(host(QStringLiteral("fake"))->router().inFlightCount(), 1);   // still busy
    int listCalls = 0;
    for (const QJsonObject &line : readRequestLog(log))
        listCalls += line.value(QStringLiteral("method")) == QStringLiteral("tools/list") ? 1 : 0;
    EXPECT_EQ(listCalls, 1);
}
