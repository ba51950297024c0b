// Who uses what: the clients map's tree from a scripted view and from a real broker (both views),
// by client and by server, under QAbstractItemModelTester, with only targeted signals on live
// session changes.

#include "brokerfixture.h"
#include "fakebrokerview.h"
#include "modeltestsupport.h"
#include "test_clientmap_fixtures.h"
#include "testclient.h"

#include "clientmapmodel.h"
#include "control/localbrokerview.h"
#include "control/remotebrokerview.h"

#include <QJsonArray>
#include <QTest>

#include <gtest/gtest.h>

using namespace manifold;
using namespace clientmapfixtures;

namespace {

QStringList column(const QAbstractItemModel &model, const QModelIndex &parent, int role,
                   int column = ClientMapModel::NameColumn)
{
    QStringList values;
    for (int row = 0; row < model.rowCount(parent); ++row)
        values.append(model.index(row, column, parent).data(role).toString());
    return values;
}

} // namespace

TEST(ClientMapModel, FourClientsShareOneMemoryInstanceByServer)
{
    FakeBrokerView view;
    openFourClients(view);
    ClientMapModel model(&view);
    const auto tester = testModel(&model);
    model.setGrouping(ClientMapModel::Grouping::ByServer);

    EXPECT_EQ(column(model, {}, Qt::DisplayRole), (QStringList{"git", "memory"}));
    const QModelIndex memory = model.indexOfTopLevel(QStringLiteral("memory"));
    ASSERT_TRUE(memory.isValid());
    EXPECT_EQ(memory.siblingAtColumn(ClientMapModel::SessionsColumn).data().toInt(), 4);
    EXPECT_EQ(memory.siblingAtColumn(ClientMapModel::RequestsColumn).data().toLongLong(), 17);
    EXPECT_EQ(memory.data(ClientMapModel::NodeKindRole).toInt(), ClientMapModel::ServerNode);
    ASSERT_EQ(model.rowCount(memory), 1); // ONE instance
    const QModelIndex shared = model.index(0, 0, memory);
    EXPECT_EQ(shared.data().toString(), QStringLiteral("shared"));
    EXPECT_EQ(shared.data(ClientMapModel::NodeKindRole).toInt(), ClientMapModel::InstanceNode);
    EXPECT_EQ(shared.data(ClientMapModel::ServerRole).toString(), QStringLiteral("memory"));
    EXPECT_EQ(column(model, shared, ClientMapModel::ClientNameRole),
              (QStringList{"Claude Desktop", "Cursor", "claude-code", "claude-code"}));
    EXPECT_EQ(column(model, shared, ClientMapModel::SessionIdRole),
              (QStringList{"1", "2", "3", "4"}));
    const QModelIndex session = model.index(2, 0, shared);
    EXPECT_EQ(session.data(ClientMapModel::ServerRole).toString(), QStringLiteral("memory"));
    EXPECT_EQ(session.data(ClientMapModel::NodeKindRole).toInt(), ClientMapModel::SessionNode);
    EXPECT_TRUE(session.data().toString().contains(QStringLiteral("/home/u/a")));

    const QModelIndex git = model.indexOfTopLevel(QStringLiteral("git"));
    ASSERT_EQ(model.rowCount(git), 1);
    EXPECT_EQ(model.index(0, ClientMapModel::InstanceColumn, git).data().toString(),
              QStringLiteral("project:/home/u/a"));
}

TEST(ClientMapModel, ByClientShowsApplicationsTheirServersAndSessions)
{
    FakeBrokerView view;
    openFourClients(view);
    ClientMapModel model(&view);
    const auto tester = testModel(&model);

    EXPECT_EQ(column(model, {}, ClientMapModel::ClientNameRole),
              (QStringList{"Claude Desktop", "claude-code", "Cursor"}));
    // The executable is shown when it says something the name does not.
    EXPECT_EQ(model.index(0, 0).data().toString(),
              QStringLiteral("Claude Desktop (claude-desktop)"));
    EXPECT_EQ(model.index(0, 0).data(ClientMapModel::ExecutableRole).toString(),
              QStringLiteral("claude-desktop"));

    const QModelIndex code = model.indexOfTopLevel(QStringLiteral("claude-code"));
    EXPECT_EQ(code.siblingAtColumn(ClientMapModel::SessionsColumn).data().toInt(), 3);
    EXPECT_EQ(code.siblingAtColumn(ClientMapModel::InstanceColumn).data().toString(),
              ClientMapModel::tr("%n instance(s)", nullptr, 2));
    EXPECT_EQ(code.data(ClientMapModel::ProjectsRole).toStringList(),
              (QStringList{"/home/u/a", "/home/u/b"}));
    EXPECT_EQ(column(model, code, Qt::DisplayRole), (QStringList{"git", "memory"}));
    const QModelIndex memory = model.index(1, 0, code);
    EXPECT_EQ(memory.data(ClientMapModel::ServerRole).toString(), QStringLiteral("memory"));
    EXPECT_EQ(memory.siblingAtColumn(ClientMapModel::InstanceColumn).data().toString(),
              QStringLiteral("shared"));
    EXPECT_EQ(column(model, memory, ClientMapModel::SessionIdRole), (QStringList{"3", "4"}));
    EXPECT_EQ(model.indexOfSession(4), model.index(1, 0, memory));
    EXPECT_EQ(model.index(1, ClientMapModel::RequestsColumn, memory).data().toLongLong(), 2);
    EXPECT_EQ(model.index(0, 0).data(ClientMapModel::SessionIdRole).toLongLong(), -1);
}

TEST(ClientMapModel, SummaryHasOneSharedInstanceWithFourClientsEdges)
{
    FakeBrokerView view;
    openFourClients(view);
    ClientMapModel model(&view);

    const auto clients = model.clients();
    ASSERT_EQ(clients.size(), 3);
    EXPECT_EQ(clients.at(1).name, QStringLiteral("claude-code"));
    EXPECT_EQ(clients.at(1).sessions, 3);
    EXPECT_EQ(clients.at(1).executables, QStringList{QStringLiteral("node")});
    const auto instances = model.instances();
    ASSERT_EQ(instances.size(), 2);
    EXPECT_EQ(instances.at(1).server, QStringLiteral("memory"));
    EXPECT_EQ(instances.at(1).key, QStringLiteral("shared"));
    EXPECT_EQ(instances.at(1).sessions, 4);
    const auto edges = model.edges();
    ASSERT_EQ(edges.size(), 4);
    int toMemory = 0;
    for (const auto &edge : edges) {
        if (edge.instance == 1)
            ++toMemory;
    }
    EXPECT_EQ(toMemory, 3);           // three applications, one instance
    EXPECT_EQ(edges.at(2).client, 1); // claude-code -> memory: two sessions
    EXPECT_EQ(edges.at(2).instance, 1);
    EXPECT_EQ(edges.at(2).sessions, 2);
    EXPECT_EQ(edges.at(2).requests, 3);
}

TEST(ClientMapModel, LiveSessionsAreTargetedInsertsChangesAndRemovals)
{
    for (const auto grouping :
         {ClientMapModel::Grouping::ByClient, ClientMapModel::Grouping::ByServer}) {
        FakeBrokerView view;
        ClientMapModel model(&view);
        model.setGrouping(grouping);
        const auto tester = testModel(&model);
        ModelSpies spies(&model);
        QSignalSpy updated(&model, &ClientMapModel::sessionsUpdated);

        openFourClients(view);
        EXPECT_EQ(spies.rowsInserted.size(),
                  grouping == ClientMapModel::Grouping::ByClient ? 5 + 3 + 4 : 5 + 2 + 2);
        EXPECT_EQ(updated.size(), 5);
        EXPECT_TRUE(spies.noWholesaleChanges());

        // A request served: that session's row and its groups change, nothing moves.
        spies.clear();
        view.changeSession(sessionJson(2, QStringLiteral("memory"), QStringLiteral("Cursor"),
                                       QStringLiteral("/opt/cursor/cursor"),
                                       QStringLiteral("/home/u/web"), QStringLiteral("shared"),
                                       11));
        EXPECT_TRUE(spies.rowsInserted.isEmpty());
        EXPECT_TRUE(spies.rowsRemoved.isEmpty());
        EXPECT_EQ(spies.dataChanged.size(), 3);
        EXPECT_EQ(model
                      .index(model.indexOfSession(2).row(), ClientMapModel::RequestsColumn,
                             model.indexOfSession(2).parent())
                      .data()
                      .toLongLong(),
                  11);
        EXPECT_TRUE(spies.noWholesaleChanges());

        // The same object again: no signal at all.
        spies.clear();
        view.changeSession(
            view.status().value(QStringLiteral("sessions")).toArray().at(1).toObject());
        EXPECT_TRUE(spies.dataChanged.isEmpty());

        // A new session whose client has not said its name yet, then says it.
        spies.clear();
        view.openSession(sessionJson(6, QStringLiteral("memory"), QString(), QString(),
                                     QStringLiteral("/home/u/c")));
        EXPECT_EQ(model.indexOfSession(6).data(ClientMapModel::ClientNameRole).toString(),
                  ClientMapModel::tr("Unknown client"));
        view.changeSession(sessionJson(6, QStringLiteral("memory"), QStringLiteral("Cursor"),
                                       QStringLiteral("/opt/cursor/cursor"),
                                       QStringLiteral("/home/u/c")));
        EXPECT_EQ(model.indexOfSession(6).data(ClientMapModel::ClientNameRole).toString(),
                  QStringLiteral("Cursor"));
        // By client it moves to its application's group; by server it stays where it is.
        EXPECT_EQ(spies.rowsRemoved.isEmpty(), grouping == ClientMapModel::Grouping::ByServer);
        EXPECT_TRUE(spies.noWholesaleChanges());

        // Closing the only git session takes its empty groups away.
        spies.clear();
        view.closeSession(5);
        EXPECT_FALSE(model.indexOfSession(5).isValid());
        if (grouping == ClientMapModel::Grouping::ByServer) {
            EXPECT_FALSE(model.indexOfTopLevel(QStringLiteral("git")).isValid());
            EXPECT_EQ(spies.rowsRemoved.size(), 3); // session, instance, server
        } else {
            const QModelIndex code = model.indexOfTopLevel(QStringLiteral("claude-code"));
            EXPECT_EQ(column(model, code, Qt::DisplayRole), QStringList{QStringLiteral("memory")});
            EXPECT_EQ(spies.rowsRemoved.size(), 2); // session, server under the client
        }
        EXPECT_TRUE(spies.noWholesaleChanges());

        // A removed server takes its sessions with it.
        spies.clear();
        view.removeServer(QStringLiteral("memory"));
        EXPECT_EQ(model.rowCount(), 0);
        EXPECT_TRUE(model.edges().isEmpty());
        EXPECT_TRUE(spies.noWholesaleChanges());
    }
}

TEST(ClientMapModel, SwitchingGroupingResetsOnceAndKeepsTheSessions)
{
    FakeBrokerView view;
    openFourClients(view);
    ClientMapModel model(&view);
    const auto tester = testModel(&model);
    ModelSpies spies(&model);
    model.setGrouping(ClientMapModel::Grouping::ByServer);
    EXPECT_EQ(spies.modelReset.size(), 1);
    model.setGrouping(ClientMapModel::Grouping::ByServer);
    EXPECT_EQ(spies.modelReset.size(), 1);
    EXPECT_EQ(model.headerData(0, Qt::Horizontal).toString(),
              ClientMapModel::tr("Server / instance / session"));
    for (qint64 id = 1; id <= 5; ++id)
        EXPECT_TRUE(model.indexOfSession(id).isValid()) << id;
    model.setGrouping(ClientMapModel::Grouping::ByClient);
    EXPECT_EQ(model.rowCount(), 3);
}

TEST(ClientMapModel, ReconnectResyncsByTargetedSteps)
{
    FakeBrokerView view;
    openFourClients(view);
    ClientMapModel model(&view);
    const auto tester = testModel(&model);
    ModelSpies spies(&model);
    QJsonArray sessions = view.status().value(QStringLiteral("sessions")).toArray();
    sessions.removeAt(0); // Claude Desktop went while the view was away
    sessions.append(sessionJson(9, QStringLiteral("fetch"), QStringLiteral("Zed"),
                                QStringLiteral("/usr/bin/zed"), QStringLiteral("/home/u/z")));
    view.setStatusQuietly(view.status().value(QStringLiteral("servers")).toArray(), sessions);
    view.reconnect();
    EXPECT_EQ(column(model, {}, ClientMapModel::ClientNameRole),
              (QStringList{"claude-code", "Cursor", "Zed"}));
    EXPECT_TRUE(spies.noWholesaleChanges());
}

// Four clients of one shared server, through a real broker: one instance, four sessions.
class ClientMapBroker : public BrokerFixture, public ::testing::WithParamInterface<bool>
{
protected:
    void SetUp() override
    {
        BrokerFixture::SetUp();
        registerServer(fakeServer(QStringLiteral("memory")));
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

TEST_P(ClientMapBroker, FourClientsShareOneInstance)
{
    ClientMapModel model(m_view.get());
    model.setGrouping(ClientMapModel::Grouping::ByServer);
    const auto tester = testModel(&model);
    ModelSpies spies(&model);
    TestClient desktop(m_socketPath), cursor(m_socketPath), code1(m_socketPath),
        code2(m_socketPath);
    ASSERT_TRUE(
        desktop.connectAndInitialize(QStringLiteral("memory"), QStringLiteral("Claude Desktop")));
    ASSERT_TRUE(cursor.connectAndInitialize(QStringLiteral("memory"), QStringLiteral("Cursor")));
    ASSERT_TRUE(
        code1.connectAndInitialize(QStringLiteral("memory"), QStringLiteral("claude-code")));
    ASSERT_TRUE(
        code2.connectAndInitialize(QStringLiteral("memory"), QStringLiteral("claude-code")));

    const auto clientsOfTheInstance = [&] {
        const QModelIndex memory = model.indexOfTopLevel(QStringLiteral("memory"));
        if (model.rowCount(memory) != 1)
            return QStringList();
        return column(model, model.index(0, 0, memory), ClientMapModel::ClientNameRole);
    };
    const QStringList expected{"Claude Desktop", "Cursor", "claude-code", "claude-code"};
    ASSERT_TRUE(QTest::qWaitFor([&] { return clientsOfTheInstance() == expected; }, 10000))
        << clientsOfTheInstance().join(',').toStdString();
    EXPECT_EQ(model.instances().size(), 1);
    EXPECT_EQ(model.clients().size(), 3);
    EXPECT_EQ(model.edges().size(), 3);

    cursor.close();
    ASSERT_TRUE(QTest::qWaitFor([&] { return clientsOfTheInstance().size() == 3; }, 10000));
    EXPECT_FALSE(clientsOfTheInstance().contains(QStringLiteral("Cursor")));
    EXPECT_TRUE(spies.noWholesaleChanges());
}

INSTANTIATE_TEST_SUITE_P(BothViews, ClientMapBroker, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool> &info) {
                             return info.param ? std::string("Remote") : std::string("Local");
                         });
