// The front ends' view of a broker: in-process (LocalBrokerView) and over the control socket
// (RemoteBrokerView), both driven by a real broker with fake_mcp_server children.
#include "brokerfixture.h"
#include "testclient.h"

#include "control/localbrokerview.h"
#include "control/remotebrokerview.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace manifold;

namespace {
bool anyWith(const QSignalSpy &spy, const std::function<bool(const QJsonObject &)> &pred, int arg = 0)
{
    return std::any_of(spy.cbegin(), spy.cend(), [&](const QList<QVariant> &args) {
        return pred(args.at(arg).toJsonObject());
    });
}
} // namespace

TEST_F(BrokerFixture, LocalViewReportsServersSessionsAndLogsAsTheyChange)
{
    registerServer(fakeServer(QStringLiteral("fake"), {QStringLiteral("--banner"), QStringLiteral("hello from fake")}));
    startBroker();
    LocalBrokerView view(m_broker.get());
    view.setCoalesceInterval(20);
    QSignalSpy serverChanged(&view, &BrokerView::serverChanged);
    QSignalSpy opened(&view, &BrokerView::sessionOpened);
    QSignalSpy changed(&view, &BrokerView::sessionChanged);
    QSignalSpy closed(&view, &BrokerView::sessionClosed);
    QSignalSpy logs(&view, &BrokerView::logAppended);
    EXPECT_EQ(view.status().value(QStringLiteral("servers")).toArray().size(), 1);

    auto client = std::make_unique<TestClient>(m_socketPath);
    ASSERT_TRUE(client->connectAndInitialize(QStringLiteral("fake"), QStringLiteral("viewer")));
    client->sendJson(client->request(1, QStringLiteral("tools/call"),
                                     callTool(QStringLiteral("echo"), {{QStringLiteral("message"), QStringLiteral("x")}})));
    ASSERT_TRUE(client->waitForResponse(1));
    ASSERT_TRUE(QTest::qWaitFor([&] {
        return anyWith(serverChanged, [](const QJsonObject &s) { return s.value(QStringLiteral("state")) == QStringLiteral("running"); }) &&
               anyWith(changed, [](const QJsonObject &s) {
                   return s.value(QStringLiteral("clientName")) == QStringLiteral("viewer") &&
                          s.value(QStringLiteral("requestsServed")).toInt() == 1;
               });
    }, 5000));
    EXPECT_EQ(opened.size(), 1);
    EXPECT_TRUE(QTest::qWaitFor([&] {
        return std::any_of(logs.cbegin(), logs.cend(), [](const QList<QVariant> &args) {
            return args.at(1).toJsonObject().value(QStringLiteral("text")).toString() == QStringLiteral("hello from fake") &&
                   args.at(1).toJsonObject().value(QStringLiteral("source")).toString() == QStringLiteral("stderr");
        });
    }, 5000));

    // Disconnect from the front end: the client sees its connection end.
    bool replied = false;
    view.call(QStringLiteral("disconnect"), {{QStringLiteral("session"), opened.first().first().toJsonObject().value(QStringLiteral("id"))}},
              [&](bool ok, const QJsonObject &, const QString &error) {
                  EXPECT_TRUE(ok) << error.toStdString();
                  replied = true;
              });
    ASSERT_TRUE(QTest::qWaitFor([&] { return replied; }, 5000));
    EXPECT_TRUE(client->waitForDisconnected());
    EXPECT_TRUE(QTest::qWaitFor([&] { return closed.size() == 1; }, 5000));
}

TEST_F(BrokerFixture, LocalViewReportsACrashLoop)
{
    registerServer(fakeServer(QStringLiteral("broken"), {QStringLiteral("--exit-immediately"), QStringLiteral("3"),
                                                        QStringLiteral("--banner"), QStringLiteral("missing API key")}));
    startBroker();
    LocalBrokerView view(m_broker.get());
    QSignalSpy failed(&view, &BrokerView::serverFailed);
    view.call(QStringLiteral("start"), {{QStringLiteral("name"), QStringLiteral("broken")}});
    TestClient client(m_socketPath);
    ASSERT_TRUE(client.hello(QStringLiteral("broken")).contains("welcome"));
    client.sendInitialize(1);
    ASSERT_TRUE(failed.wait(10000));
    EXPECT_EQ(failed.first().at(0).toString(), QStringLiteral("broken"));
    EXPECT_TRUE(failed.first().at(1).toStringList().join(QLatin1Char('\n')).contains(QStringLiteral("missing API key")));
}

TEST_F(BrokerFixture, RemoteViewMirrorsTheBrokerThroughTheControlSocket)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    startBroker();
    RemoteBrokerView view(m_socketPath);
    QSignalSpy connected(&view, &BrokerView::connected);
    QSignalSpy opened(&view, &BrokerView::sessionOpened);
    QSignalSpy serverChanged(&view, &BrokerView::serverChanged);
    QSignalSpy added(&view, &BrokerView::serverAdded);
    view.open();
    ASSERT_TRUE(connected.wait(5000));
    ASSERT_EQ(view.status().value(QStringLiteral("servers")).toArray().size(), 1);

    TestClient client(m_socketPath);
    ASSERT_TRUE(client.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("remote-viewer")));
    ASSERT_TRUE(QTest::qWaitFor([&] { return opened.size() == 1; }, 5000));
    ASSERT_TRUE(QTest::qWaitFor([&] {
        const QJsonArray sessions = view.status().value(QStringLiteral("sessions")).toArray();
        return sessions.size() == 1 &&
               sessions.first().toObject().value(QStringLiteral("clientName")) == QStringLiteral("remote-viewer");
    }, 5000));

    // Actions go through the same socket and their effects come back as events.
    const qint64 pid = host(QStringLiteral("fake"))->pid();
    bool killed = false;
    view.call(QStringLiteral("kill"), {{QStringLiteral("name"), QStringLiteral("fake")}},
              [&](bool ok, const QJsonObject &, const QString &) { killed = ok; });
    ASSERT_TRUE(QTest::qWaitFor([&] {
        return killed && anyWith(serverChanged, [&](const QJsonObject &s) {
                   return s.value(QStringLiteral("restarts")).toInt() == 1 &&
                          s.value(QStringLiteral("state")) == QStringLiteral("running") &&
                          s.value(QStringLiteral("pid")).toInteger() != pid;
               });
    }, 10000));

    QString error;
    ASSERT_TRUE(m_broker->addServer(fakeServer(QStringLiteral("second")), &error)) << error.toStdString();
    ASSERT_TRUE(added.wait(5000));
    EXPECT_EQ(added.first().first().toJsonObject().value(QStringLiteral("name")).toString(), QStringLiteral("second"));
    EXPECT_EQ(view.status().value(QStringLiteral("servers")).toArray().size(), 2);
}

TEST_F(BrokerFixture, FrontEndsEditServersWithoutSeeingSecrets)
{
    ServerConfig config = fakeServer(QStringLiteral("fake"));
    config.env.insert(QStringLiteral("API_TOKEN"), QStringLiteral("s3cret"));
    registerServer(config);
    startBroker();
    LocalBrokerView view(m_broker.get());
    const QJsonObject server = view.status().value(QStringLiteral("servers")).toArray().first().toObject();
    EXPECT_TRUE(server.value(QStringLiteral("env")).toObject().contains(QStringLiteral("API_TOKEN")));
    EXPECT_FALSE(QJsonDocument(view.status()).toJson().contains("s3cret"));

    // An edit that leaves the secret alone (null) keeps it; a new variable is added.
    bool updated = false;
    view.call(QStringLiteral("update"),
              {{QStringLiteral("name"), QStringLiteral("fake")},
               {QStringLiteral("args"), QJsonArray{QStringLiteral("--banner"), QStringLiteral("edited")}},
               {QStringLiteral("env"), QJsonObject{{QStringLiteral("API_TOKEN"), QJsonValue()}, {QStringLiteral("MODE"), QStringLiteral("fast")}}}},
              [&](bool ok, const QJsonObject &, const QString &error) {
                  EXPECT_TRUE(ok) << error.toStdString();
                  updated = true;
              });
    ASSERT_TRUE(QTest::qWaitFor([&] { return updated; }, 5000));
    const ServerConfig *stored = m_broker->registry().find(QStringLiteral("fake"));
    ASSERT_NE(stored, nullptr);
    EXPECT_EQ(stored->env.value(QStringLiteral("API_TOKEN")), QStringLiteral("s3cret"));
    EXPECT_EQ(stored->env.value(QStringLiteral("MODE")), QStringLiteral("fast"));
    EXPECT_EQ(stored->args, (QStringList{QStringLiteral("--banner"), QStringLiteral("edited")}));

    QString revealed;
    view.call(QStringLiteral("revealEnv"), {{QStringLiteral("name"), QStringLiteral("fake")}, {QStringLiteral("key"), QStringLiteral("API_TOKEN")}},
              [&](bool ok, const QJsonObject &result, const QString &) {
                  revealed = ok ? result.value(QStringLiteral("value")).toString() : QStringLiteral("error");
              });
    ASSERT_TRUE(QTest::qWaitFor([&] { return !revealed.isEmpty(); }, 5000));
    EXPECT_EQ(revealed, QStringLiteral("s3cret"));
}
