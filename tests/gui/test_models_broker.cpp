// The tray models driven by a real in-process broker (LocalBrokerView) with fake_mcp_server
// children and test clients playing shims.

#include "brokerfixture.h"
#include "modeltestsupport.h"
#include "testclient.h"

#include "control/localbrokerview.h"
#include "logmodel.h"
#include "queuetablemodel.h"
#include "servertablemodel.h"
#include "sessiontablemodel.h"

#include <QJsonArray>
#include <QTest>

#include <gtest/gtest.h>

using namespace manifold;

namespace {

class TrayModelsBroker : public BrokerFixture
{
protected:
    void startWithFake(const QStringList &fakeArgs = {})
    {
        registerServer(fakeServer(QStringLiteral("fake"), fakeArgs));
        startBroker();
        m_view = std::make_unique<LocalBrokerView>(m_broker.get());
        m_view->setCoalesceInterval(20);
    }
    void TearDown() override
    {
        m_view.reset();
        BrokerFixture::TearDown();
    }

    // Waits until the row's cell shows what pred accepts.
    static bool waitForCell(const QAbstractItemModel &model, int row, int column,
                            const std::function<bool(const QString &)> &pred, int timeoutMs = 10000)
    {
        return QTest::qWaitFor(
            [&] {
                return row < model.rowCount() && pred(model.index(row, column).data().toString());
            },
            timeoutMs);
    }

    // True if one of the recorded dataChanged signals covered (row, column).
    static bool covered(const QSignalSpy &spy, int row, int column)
    {
        for (const QList<QVariant> &arguments : spy) {
            const Span span = spanOf(arguments);
            if (span.firstRow <= row && row <= span.lastRow && span.firstColumn <= column &&
                column <= span.lastColumn)
                return true;
        }
        return false;
    }

    std::unique_ptr<LocalBrokerView> m_view;
};

} // namespace

TEST_F(TrayModelsBroker, StartingAServerTurnsItsStateCellRunning)
{
    startWithFake();
    ServerTableModel model(m_view.get());
    const auto tester = testModel(&model);
    ASSERT_EQ(model.rowCount(), 1);
    EXPECT_EQ(model.index(0, ServerTableModel::StateColumn).data().toString(),
              QStringLiteral("stopped"));
    ModelSpies spies(&model);

    m_view->call(QStringLiteral("start"), {{QStringLiteral("name"), QStringLiteral("fake")}});

    ASSERT_TRUE(waitForCell(model, 0, ServerTableModel::StateColumn, [](const QString &state) {
        return state == QLatin1String("running");
    }));
    EXPECT_TRUE(covered(spies.dataChanged, 0, ServerTableModel::StateColumn));
    EXPECT_TRUE(spies.noWholesaleChanges());
    EXPECT_TRUE(spies.rowsInserted.isEmpty());
    EXPECT_EQ(model.index(0, ServerTableModel::PidColumn).data().toLongLong(),
              host(QStringLiteral("fake"))->statusJson().value(QStringLiteral("pid")).toInteger());
    ASSERT_TRUE(waitForCell(
        model, 0, ServerTableModel::MemoryColumn,
        [](const QString &memory) { return memory != QStringLiteral("\u2014"); }, 5000))
        << "memoryKb never reported";
}

TEST_F(TrayModelsBroker, AddedServerGetsARowAtItsSortedPosition)
{
    startWithFake();
    ServerTableModel model(m_view.get());
    const auto tester = testModel(&model);
    ModelSpies spies(&model);

    QString error;
    ASSERT_TRUE(m_broker->addServer(fakeServer(QStringLiteral("alpha")), &error))
        << error.toStdString();
    ASSERT_EQ(spies.rowsInserted.size(), 1);
    EXPECT_EQ(spies.rowsInserted.at(0).at(1).toInt(), 0);
    EXPECT_EQ(model.index(0, 0).data(ServerTableModel::NameRole).toString(),
              QStringLiteral("alpha"));
    EXPECT_TRUE(spies.noWholesaleChanges());
}

TEST_F(TrayModelsBroker, SessionsAppearAndTheirRequestCountRises)
{
    startWithFake();
    SessionTableModel sessions(m_view.get());
    sessions.setServer(QStringLiteral("fake"));
    const auto tester = testModel(&sessions);
    ModelSpies spies(&sessions);

    TestClient client(m_socketPath);
    ASSERT_TRUE(client.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("gui-test")));
    ASSERT_TRUE(QTest::qWaitFor([&] { return sessions.rowCount() == 1; }, 5000));
    EXPECT_EQ(spies.rowsInserted.size(), 1);
    ASSERT_TRUE(
        waitForCell(sessions, 0, SessionTableModel::ClientColumn, [](const QString &client) {
            return client.startsWith(QLatin1String("gui-test"));
        }));
    const qint64 before = sessions.index(0, SessionTableModel::RequestsColumn).data().toLongLong();

    spies.clear();
    client.sendJson(client.request(
        7, QStringLiteral("tools/call"),
        callTool(QStringLiteral("echo"), {{QStringLiteral("message"), QStringLiteral("hi")}})));
    ASSERT_TRUE(client.waitForResponse(7));
    ASSERT_TRUE(
        waitForCell(sessions, 0, SessionTableModel::RequestsColumn,
                    [before](const QString &count) { return count.toLongLong() > before; }));
    EXPECT_TRUE(covered(spies.dataChanged, 0, SessionTableModel::RequestsColumn));
    EXPECT_NE(sessions.index(0, SessionTableModel::LastActivityColumn).data().toString(),
              QStringLiteral("\u2014"));
    EXPECT_TRUE(spies.noWholesaleChanges());

    client.close();
    ASSERT_TRUE(QTest::qWaitFor([&] { return sessions.rowCount() == 0; }, 5000));
    EXPECT_EQ(spies.rowsRemoved.size(), 1);
}

TEST_F(TrayModelsBroker, KillingTheChildRaisesRestarts)
{
    startWithFake();
    ServerTableModel model(m_view.get());
    const auto tester = testModel(&model);
    TestClient client(m_socketPath);
    ASSERT_TRUE(client.connectAndInitialize(QStringLiteral("fake")));
    ASSERT_TRUE(waitForCell(model, 0, ServerTableModel::StateColumn, [](const QString &state) {
        return state == QLatin1String("running");
    }));
    const QString firstPid = model.index(0, ServerTableModel::PidColumn).data().toString();
    EXPECT_EQ(model.index(0, ServerTableModel::RestartsColumn).data().toInt(), 0);
    ModelSpies spies(&model);

    m_view->call(QStringLiteral("kill"), {{QStringLiteral("name"), QStringLiteral("fake")}});

    ASSERT_TRUE(waitForCell(model, 0, ServerTableModel::RestartsColumn,
                            [](const QString &restarts) { return restarts.toInt() >= 1; }));
    EXPECT_TRUE(covered(spies.dataChanged, 0, ServerTableModel::RestartsColumn));
    ASSERT_TRUE(waitForCell(model, 0, ServerTableModel::StateColumn, [](const QString &state) {
        return state == QLatin1String("running");
    }));
    EXPECT_NE(model.index(0, ServerTableModel::PidColumn).data().toString(), firstPid);
    EXPECT_TRUE(spies.noWholesaleChanges());
    EXPECT_EQ(model.rowCount(), 1);
}

TEST_F(TrayModelsBroker, QueueShowsARequestWhileItIsInFlight)
{
    startWithFake();
    QueueTableModel queue(m_view.get());
    queue.setServer(QStringLiteral("fake"));
    const auto tester = testModel(&queue);
    ModelSpies spies(&queue);
    TestClient client(m_socketPath);
    ASSERT_TRUE(client.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("slowpoke")));

    client.sendJson(client.request(
        3, QStringLiteral("tools/call"),
        callTool(QStringLiteral("slow_echo"), {{QStringLiteral("message"), QStringLiteral("x")},
                                               {QStringLiteral("delayMs"), 1500}})));
    ASSERT_TRUE(QTest::qWaitFor([&] { return queue.rowCount() == 1; }, 5000));
    EXPECT_EQ(queue.index(0, QueueTableModel::MethodColumn).data().toString(),
              QStringLiteral("tools/call"));
    EXPECT_EQ(queue.index(0, QueueTableModel::StateColumn).data().toString(),
              QStringLiteral("in flight"));
    EXPECT_TRUE(queue.index(0, QueueTableModel::SessionColumn)
                    .data()
                    .toString()
                    .endsWith(QLatin1String("slowpoke")));

    ASSERT_TRUE(client.waitForResponse(3));
    ASSERT_TRUE(QTest::qWaitFor([&] { return queue.rowCount() == 0; }, 5000));
    EXPECT_EQ(spies.rowsInserted.size(), 1);
    EXPECT_EQ(spies.rowsRemoved.size(), 1);
    EXPECT_TRUE(spies.noWholesaleChanges());
}

TEST_F(TrayModelsBroker, LogShowsHistoryThenLiveStderr)
{
    startWithFake({QStringLiteral("--banner"), QStringLiteral("fake banner line")});
    TestClient client(m_socketPath);
    ASSERT_TRUE(client.connectAndInitialize(QStringLiteral("fake")));

    LogModel log(m_view.get());
    const auto tester = testModel(&log);
    QSignalSpy loaded(&log, &LogModel::historyLoaded);
    log.setServer(QStringLiteral("fake"));
    ASSERT_TRUE(loaded.wait(5000));
    EXPECT_TRUE(loaded.at(0).at(0).toBool());
    const auto texts = [&log] {
        QStringList lines;
        for (int row = 0; row < log.rowCount(); ++row)
            lines.append(log.index(row, 0).data(LogModel::TextRole).toString());
        return lines;
    };
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return texts().contains(QStringLiteral("fake banner line")); }, 5000))
        << texts().join(QLatin1Char('\n')).toStdString();
    const int historyRows = log.rowCount();
    ModelSpies spies(&log);

    client.sendJson(
        client.request(4, QStringLiteral("tools/call"),
                       callTool(QStringLiteral("stderr"), {{QStringLiteral("lines"), 3}})));
    ASSERT_TRUE(client.waitForResponse(4));
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return texts().contains(QStringLiteral("stderr line 3")); }, 5000));
    ASSERT_FALSE(spies.rowsInserted.isEmpty());
    EXPECT_EQ(spies.rowsInserted.at(0).at(1).toInt(), historyRows);
    EXPECT_EQ(texts().count(QStringLiteral("stderr line 1")), 1);
    EXPECT_TRUE(spies.noWholesaleChanges());
}
