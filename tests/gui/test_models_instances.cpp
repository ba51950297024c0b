// The Servers table as a tree: a server's instances as child rows (key, pid, sessions), from a
// scripted view, and from a real broker through both views (in process and control socket).

#include "brokerfixture.h"
#include "fakebrokerview.h"
#include "modeltestsupport.h"
#include "testclient.h"

#include "control/localbrokerview.h"
#include "control/remotebrokerview.h"
#include "servertablemodel.h"
#include "sessiontablemodel.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

using namespace manifold;

namespace {

QJsonObject instanceJson(const QString &key, qint64 pid, const QJsonArray &sessions)
{
    return {{QStringLiteral("key"), key},
            {QStringLiteral("keyParts"), QJsonObject{{QStringLiteral("project"), key.mid(8)}}},
            {QStringLiteral("state"), QStringLiteral("running")},
            {QStringLiteral("pid"), pid},
            {QStringLiteral("uptimeMs"), 1000},
            {QStringLiteral("sessions"), sessions},
            {QStringLiteral("inFlight"), 0},
            {QStringLiteral("queued"), 0},
            {QStringLiteral("restarts"), 0}};
}

QJsonObject perProjectServer(const QJsonArray &instances)
{
    qint64 sessions = 0;
    for (const QJsonValue &instance : instances)
        sessions += instance.toObject().value(QStringLiteral("sessions")).toArray().size();
    return {{QStringLiteral("name"), QStringLiteral("memory")},
            {QStringLiteral("state"), QStringLiteral("running")},
            {QStringLiteral("pid"), QJsonValue()},
            {QStringLiteral("sharing"), QStringLiteral("per-project")},
            {QStringLiteral("sessions"), sessions},
            {QStringLiteral("instances"), instances}};
}

QJsonObject sharedServer(const QString &name, qint64 pid)
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("state"), QStringLiteral("running")},
            {QStringLiteral("pid"), pid},
            {QStringLiteral("sharing"), QStringLiteral("shared")},
            {QStringLiteral("sessions"), 1},
            {QStringLiteral("instances"),
             QJsonArray{QJsonObject{{QStringLiteral("key"), QStringLiteral("shared")},
                                    {QStringLiteral("pid"), pid},
                                    {QStringLiteral("sessions"), 1}}}}};
}

QStringList childColumn(const QAbstractItemModel &model, const QModelIndex &parent, int column)
{
    QStringList values;
    for (int row = 0; row < model.rowCount(parent); ++row)
        values.append(model.index(row, column, parent).data().toString());
    return values;
}

const QString kProjectA = QStringLiteral("project /home/u/a");
const QString kProjectB = QStringLiteral("project /home/u/b");

} // namespace

TEST(ServerTree, ServerWithTwoInstancesHasTwoChildRows)
{
    FakeBrokerView view;
    view.addServer(sharedServer(QStringLiteral("git"), 900));
    view.addServer(perProjectServer(
        {instanceJson(kProjectB, 1240, {7}), instanceJson(kProjectA, 1234, {3, 5})}));
    ServerTableModel model(&view);
    const auto tester = testModel(&model);

    ASSERT_EQ(model.rowCount(), 2);
    const QModelIndex git = model.index(0, 0);
    const QModelIndex memory = model.index(1, 0);
    EXPECT_EQ(git.data().toString(), QStringLiteral("git"));
    EXPECT_EQ(model.rowCount(git), 0); // plainly shared: the row is its only instance
    ASSERT_EQ(model.rowCount(memory), 2);
    EXPECT_EQ(childColumn(model, memory, ServerTableModel::NameColumn),
              (QStringList{kProjectA, kProjectB}));
    EXPECT_EQ(childColumn(model, memory, ServerTableModel::PidColumn),
              (QStringList{QStringLiteral("1234"), QStringLiteral("1240")}));
    EXPECT_EQ(childColumn(model, memory, ServerTableModel::SessionsColumn),
              (QStringList{QStringLiteral("2"), QStringLiteral("1")}));
    EXPECT_EQ(model.index(1, ServerTableModel::SessionsColumn).data().toString(),
              QStringLiteral("3")); // the server row: every instance's sessions
    EXPECT_EQ(model.index(1, ServerTableModel::PidColumn).data().toString(),
              QStringLiteral("1240, 1234")); // as the broker listed them
    const QModelIndex child = model.index(0, 0, memory);
    EXPECT_EQ(child.parent(), memory);
    EXPECT_EQ(child.data(ServerTableModel::NameRole).toString(), QStringLiteral("memory"));
    EXPECT_EQ(child.data(ServerTableModel::InstanceKeyRole).toString(), kProjectA);
    EXPECT_TRUE(memory.data(ServerTableModel::InstanceKeyRole).toString().isEmpty());
    EXPECT_TRUE(child.data(Qt::ToolTipRole).toString().contains(QStringLiteral("3, 5")));
}

TEST(ServerTree, InstancesComeAndGoAsTargetedChildRows)
{
    FakeBrokerView view;
    view.addServer(perProjectServer({instanceJson(kProjectB, 1240, {7})}));
    ServerTableModel model(&view);
    const auto tester = testModel(&model);
    const QModelIndex memory = model.index(0, 0);
    ASSERT_EQ(model.rowCount(memory), 1);
    ModelSpies spies(&model);

    view.changeServer(
        perProjectServer({instanceJson(kProjectA, 1234, {3}), instanceJson(kProjectB, 1240, {7})}));
    ASSERT_EQ(spies.rowsInserted.size(), 1);
    EXPECT_EQ(spies.rowsInserted.at(0).at(0).value<QModelIndex>(), memory);
    EXPECT_EQ(spies.rowsInserted.at(0).at(1).toInt(), 0); // A sorts before B
    EXPECT_EQ(childColumn(model, memory, 0), (QStringList{kProjectA, kProjectB}));

    spies.clear();
    view.changeServer(perProjectServer(
        {instanceJson(kProjectA, 1234, {3, 9}), instanceJson(kProjectB, 1240, {7})}));
    EXPECT_TRUE(spies.rowsInserted.isEmpty());
    EXPECT_TRUE(spies.rowsRemoved.isEmpty());
    EXPECT_EQ(model.index(0, ServerTableModel::SessionsColumn, memory).data().toString(),
              QStringLiteral("2"));

    spies.clear();
    view.changeServer(perProjectServer({instanceJson(kProjectA, 1234, {3, 9})}));
    ASSERT_EQ(spies.rowsRemoved.size(), 1);
    EXPECT_EQ(spies.rowsRemoved.at(0).at(1).toInt(), 1);
    EXPECT_TRUE(spies.noWholesaleChanges());

    // Uptime of instance rows ticks too.
    spies.clear();
    model.refreshClock();
    bool childTicked = false;
    for (const QList<QVariant> &arguments : spies.dataChanged)
        childTicked = childTicked || arguments.at(0).value<QModelIndex>().parent() == memory;
    EXPECT_TRUE(childTicked);

    // A server added before it keeps the child rows attached to the right parent.
    view.addServer(sharedServer(QStringLiteral("aardvark"), 1));
    const QModelIndex moved = model.index(model.rowOf(QStringLiteral("memory")), 0);
    ASSERT_EQ(model.rowCount(moved), 1);
    EXPECT_EQ(model.index(0, 0, moved).parent(), moved);
}

TEST(SessionTable, ShowsEachSessionsInstanceKey)
{
    FakeBrokerView view;
    view.openSession({{QStringLiteral("id"), 3},
                      {QStringLiteral("server"), QStringLiteral("memory")},
                      {QStringLiteral("instance"), kProjectA}});
    SessionTableModel sessions(&view);
    sessions.setServer(QStringLiteral("memory"));
    const auto tester = testModel(&sessions);
    ASSERT_EQ(sessions.rowCount(), 1);
    EXPECT_EQ(sessions.index(0, SessionTableModel::InstanceColumn).data().toString(), kProjectA);
    EXPECT_EQ(sessions.headerData(SessionTableModel::InstanceColumn, Qt::Horizontal).toString(),
              QStringLiteral("Instance"));
}

// A per-client server with two clients: two instances, seen the same through either view.
class ServerTreeBroker : public BrokerFixture, public ::testing::WithParamInterface<bool>
{
protected:
    void SetUp() override
    {
        BrokerFixture::SetUp();
        ServerConfig config = fakeServer(QStringLiteral("fake"));
        config.sharing = ServerConfig::Sharing::PerClient;
        registerServer(config);
        startBroker();
        if (GetParam()) {
            auto remote = std::make_unique<RemoteBrokerView>(m_socketPath);
            QSignalSpy connected(remote.get(), &BrokerView::connected);
            remote->open();
            ASSERT_TRUE(connected.wait(5000));
            m_view = std::move(remote);
        } else {
            auto local = std::make_unique<LocalBrokerView>(m_broker.get());
            local->setCoalesceInterval(20);
            m_view = std::move(local);
        }
    }
    void TearDown() override
    {
        m_view.reset();
        BrokerFixture::TearDown();
    }

    std::unique_ptr<BrokerView> m_view;
};

TEST_P(ServerTreeBroker, TwoClientsShowAsTwoInstanceRows)
{
    ServerTableModel model(m_view.get());
    const auto tester = testModel(&model);
    SessionTableModel sessions(m_view.get());
    sessions.setServer(QStringLiteral("fake"));
    TestClient alpha(m_socketPath), beta(m_socketPath);
    ASSERT_TRUE(alpha.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("alpha")));
    ASSERT_TRUE(beta.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("beta")));

    const QModelIndex fake = model.index(0, 0);
    const auto pidsShown = [&] {
        const QStringList pids = childColumn(model, fake, ServerTableModel::PidColumn);
        return pids.size() == 2 && !pids.contains(QStringLiteral("\u2014"));
    };
    ASSERT_TRUE(QTest::qWaitFor(pidsShown, 10000))
        << childColumn(model, fake, 0).join(' ').toStdString();
    const QStringList keys = childColumn(model, fake, ServerTableModel::NameColumn);
    EXPECT_TRUE(keys.at(0).contains(QStringLiteral("alpha"))) << keys.join(' ').toStdString();
    EXPECT_TRUE(keys.at(1).contains(QStringLiteral("beta"))) << keys.join(' ').toStdString();
    EXPECT_EQ(childColumn(model, fake, ServerTableModel::SessionsColumn),
              (QStringList{QStringLiteral("1"), QStringLiteral("1")}));
    const QStringList pids = childColumn(model, fake, ServerTableModel::PidColumn);
    EXPECT_NE(pids.at(0), pids.at(1));

    ASSERT_TRUE(QTest::qWaitFor([&] { return sessions.rowCount() == 2; }, 5000));
    QStringList shown;
    for (int row = 0; row < 2; ++row)
        shown.append(sessions.index(row, SessionTableModel::InstanceColumn).data().toString());
    shown.sort();
    EXPECT_EQ(shown, keys);
}

INSTANTIATE_TEST_SUITE_P(BothViews, ServerTreeBroker, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool> &info) {
                             return info.param ? std::string("Remote") : std::string("Local");
                         });
