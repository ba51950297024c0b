// Unit tests of the tray models against a scripted BrokerView.

#include "fakebrokerview.h"
#include "modeltestsupport.h"

#include "logfilterproxy.h"
#include "logmodel.h"
#include "queuetablemodel.h"
#include "servertablemodel.h"
#include "sessiontablemodel.h"

#include <QDateTime>
#include <QJsonArray>
#include <QTest>

#include <gtest/gtest.h>

using namespace manifold;

namespace {

QJsonObject serverJson(const QString &name, const QString &state = QStringLiteral("stopped"),
                       QJsonObject extra = {})
{
    QJsonObject server{{QStringLiteral("name"), name},
                       {QStringLiteral("state"), state},
                       {QStringLiteral("pid"), QJsonValue()},
                       {QStringLiteral("uptimeMs"), 0},
                       {QStringLiteral("restarts"), 0},
                       {QStringLiteral("sessions"), 0},
                       {QStringLiteral("inFlight"), 0},
                       {QStringLiteral("queued"), 0},
                       {QStringLiteral("queue"), QJsonArray()},
                       {QStringLiteral("lastHeartbeat"), QJsonValue()},
                       {QStringLiteral("unresponsive"), false},
                       {QStringLiteral("lastExit"), QJsonValue()},
                       {QStringLiteral("command"), QStringLiteral("npx")},
                       {QStringLiteral("args"),
                        QJsonArray{QStringLiteral("-y"), QStringLiteral("server-memory")}}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        server.insert(it.key(), it.value());
    return server;
}

QJsonObject sessionJson(qint64 id, const QString &server, QJsonObject extra = {})
{
    QJsonObject session{{QStringLiteral("id"), id},
                        {QStringLiteral("server"), server},
                        {QStringLiteral("clientName"), QStringLiteral("cursor")},
                        {QStringLiteral("clientVersion"), QStringLiteral("1.2")},
                        {QStringLiteral("shimPid"), 4000 + id},
                        {QStringLiteral("parentPid"), 1200},
                        {QStringLiteral("parentExe"), QStringLiteral("/usr/share/cursor/cursor")},
                        {QStringLiteral("connectedSince"),
                         QDateTime::currentDateTime().toString(Qt::ISODateWithMs)},
                        {QStringLiteral("requestsServed"), 0}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        session.insert(it.key(), it.value());
    return session;
}

QJsonObject queueEntry(const QString &method, qint64 session, qint64 ageMs, const QString &state)
{
    return {{QStringLiteral("method"), method},
            {QStringLiteral("session"), session},
            {QStringLiteral("ageMs"), ageMs},
            {QStringLiteral("state"), state}};
}

QJsonObject logLine(const QString &text, const QString &source = QStringLiteral("stderr"),
                    int second = 0)
{
    return {{QStringLiteral("time"),
             QStringLiteral("2026-03-01T10:00:%1.000").arg(second, 2, 10, QLatin1Char('0'))},
            {QStringLiteral("source"), source},
            {QStringLiteral("text"), text}};
}

QString cell(const QAbstractItemModel &model, int row, int column, int role = Qt::DisplayRole)
{
    return model.index(row, column).data(role).toString();
}

QStringList column(const QAbstractItemModel &model, int columnIndex, int role = Qt::DisplayRole)
{
    QStringList values;
    for (int row = 0; row < model.rowCount(); ++row)
        values.append(cell(model, row, columnIndex, role));
    return values;
}

// A clock the test moves by hand.
struct ManualClock
{
    qint64 now = 1'000'000;
    ModelFormat::Clock function()
    {
        return [this] { return now; };
    }
};

} // namespace

// --- ServerTableModel -----------------------------------------------------------------------

TEST(ServerTableModel, StartsFromStatusSortedByName)
{
    FakeBrokerView view;
    view.setStatusQuietly({serverJson(QStringLiteral("memory")),
                           serverJson(QStringLiteral("Github")),
                           serverJson(QStringLiteral("browser"))},
                          {});
    ServerTableModel model(&view);
    const auto tester = testModel(&model);
    EXPECT_EQ(model.columnCount(), ServerTableModel::ColumnCount);
    EXPECT_EQ(column(model, ServerTableModel::NameColumn),
              QStringList(
                  {QStringLiteral("browser"), QStringLiteral("Github"), QStringLiteral("memory")}));
    EXPECT_EQ(model.headerData(ServerTableModel::InFlightColumn, Qt::Horizontal).toString(),
              QStringLiteral("In flight"));
    EXPECT_EQ(model.headerData(ServerTableModel::MemoryColumn, Qt::Horizontal).toString(),
              QStringLiteral("Memory"));
}

TEST(ServerTableModel, AddedServerIsInsertedAtItsSortedPosition)
{
    FakeBrokerView view;
    view.setStatusQuietly(
        {serverJson(QStringLiteral("alpha")), serverJson(QStringLiteral("gamma"))}, {});
    ServerTableModel model(&view);
    const auto tester = testModel(&model);
    ModelSpies spies(&model);

    view.addServer(serverJson(QStringLiteral("beta")));

    ASSERT_EQ(spies.rowsInserted.size(), 1);
    EXPECT_EQ(spies.rowsInserted.at(0).at(1).toInt(), 1);
    EXPECT_EQ(spies.rowsInserted.at(0).at(2).toInt(), 1);
    EXPECT_TRUE(spies.noWholesaleChanges());
    EXPECT_TRUE(spies.dataChanged.isEmpty());
    EXPECT_EQ(
        column(model, ServerTableModel::NameColumn),
        QStringList({QStringLiteral("alpha"), QStringLiteral("beta"), QStringLiteral("gamma")}));

    view.addServer(serverJson(QStringLiteral("zeta")));
    ASSERT_EQ(spies.rowsInserted.size(), 2);
    EXPECT_EQ(spies.rowsInserted.at(1).at(1).toInt(), 3);
}

TEST(ServerTableModel, ChangedServerEmitsOneDataChangedForItsRowOnly)
{
    FakeBrokerView view;
    view.setStatusQuietly({serverJson(QStringLiteral("a")), serverJson(QStringLiteral("b")),
                           serverJson(QStringLiteral("c"))},
                          {});
    ServerTableModel model(&view);
    const auto tester = testModel(&model);
    ModelSpies spies(&model);

    view.changeServer(
        serverJson(QStringLiteral("b"), QStringLiteral("running"),
                   {{QStringLiteral("pid"), 4242}, {QStringLiteral("uptimeMs"), 1500}}));

    ASSERT_EQ(spies.dataChanged.size(), 1);
    const Span span = spanOf(spies.dataChanged.at(0));
    EXPECT_EQ(span.firstRow, 1);
    EXPECT_EQ(span.lastRow, 1);
    EXPECT_LE(span.firstColumn, int(ServerTableModel::StateColumn));
    EXPECT_GE(span.lastColumn, int(ServerTableModel::UptimeColumn));
    EXPECT_TRUE(spies.noWholesaleChanges());
    EXPECT_TRUE(spies.rowsInserted.isEmpty());
    EXPECT_TRUE(spies.rowsRemoved.isEmpty());
    EXPECT_EQ(cell(model, 1, ServerTableModel::StateColumn), QStringLiteral("running"));
    EXPECT_EQ(cell(model, 1, ServerTableModel::PidColumn), QStringLiteral("4242"));
    EXPECT_EQ(
        model.index(1, ServerTableModel::MemoryColumn).data(ServerTableModel::StateRole).toString(),
        QStringLiteral("running"));
    EXPECT_EQ(model.index(1, 0).data(ServerTableModel::NameRole).toString(), QStringLiteral("b"));
    EXPECT_EQ(model.index(1, 0)
                  .data(ServerTableModel::RawJsonRole)
                  .toJsonObject()
                  .value(QStringLiteral("pid"))
                  .toInt(),
              4242);
}

TEST(ServerTableModel, ChangeOfOneCountTouchesOnlyThatCell)
{
    FakeBrokerView view;
    view.setStatusQuietly({serverJson(QStringLiteral("a"))}, {});
    ServerTableModel model(&view);
    const auto tester = testModel(&model);
    ModelSpies spies(&model);

    view.changeServer(serverJson(QStringLiteral("a"), QStringLiteral("stopped"),
                                 {{QStringLiteral("inFlight"), 3}}));
    ASSERT_EQ(spies.dataChanged.size(), 1);
    const Span span = spanOf(spies.dataChanged.at(0));
    EXPECT_EQ(span.firstColumn, int(ServerTableModel::InFlightColumn));
    EXPECT_EQ(span.lastColumn, int(ServerTableModel::InFlightColumn));
    EXPECT_EQ(cell(model, 0, ServerTableModel::InFlightColumn), QStringLiteral("3"));

    // The same object again changes nothing.
    spies.clear();
    view.changeServer(serverJson(QStringLiteral("a"), QStringLiteral("stopped"),
                                 {{QStringLiteral("inFlight"), 3}}));
    EXPECT_TRUE(spies.dataChanged.isEmpty());

    // A field no column shows still tells RawJsonRole users, across the row.
    view.changeServer(
        serverJson(QStringLiteral("a"), QStringLiteral("stopped"),
                   {{QStringLiteral("inFlight"), 3}, {QStringLiteral("maxInFlight"), 4}}));
    ASSERT_EQ(spies.dataChanged.size(), 1);
    EXPECT_EQ(spanOf(spies.dataChanged.at(0)).roles, QList<int>{ServerTableModel::RawJsonRole});
    EXPECT_TRUE(spies.noWholesaleChanges());
}

TEST(ServerTableModel, RemovedServerRemovesItsRow)
{
    FakeBrokerView view;
    view.setStatusQuietly({serverJson(QStringLiteral("a")), serverJson(QStringLiteral("b")),
                           serverJson(QStringLiteral("c"))},
                          {});
    ServerTableModel model(&view);
    const auto tester = testModel(&model);
    ModelSpies spies(&model);

    view.removeServer(QStringLiteral("b"));
    ASSERT_EQ(spies.rowsRemoved.size(), 1);
    EXPECT_EQ(spies.rowsRemoved.at(0).at(1).toInt(), 1);
    EXPECT_EQ(spies.rowsRemoved.at(0).at(2).toInt(), 1);
    EXPECT_TRUE(spies.noWholesaleChanges());
    EXPECT_EQ(column(model, ServerTableModel::NameColumn),
              QStringList({QStringLiteral("a"), QStringLiteral("c")}));

    view.removeServer(QStringLiteral("nope"));
    EXPECT_EQ(spies.rowsRemoved.size(), 1);
}

TEST(ServerTableModel, UptimeTicksFromTheReceivedBase)
{
    ManualClock clock;
    FakeBrokerView view;
    ServerTableModel model(&view);
    model.setClock(clock.function());
    const auto tester = testModel(&model);
    view.addServer(serverJson(QStringLiteral("idle")));
    view.addServer(serverJson(QStringLiteral("live"), QStringLiteral("running"),
                              {{QStringLiteral("pid"), 77}, {QStringLiteral("uptimeMs"), 5000}}));
    EXPECT_EQ(cell(model, 0, ServerTableModel::UptimeColumn), QStringLiteral("\u2014"));
    EXPECT_EQ(cell(model, 1, ServerTableModel::UptimeColumn), QStringLiteral("5s"));

    ModelSpies spies(&model);
    clock.now += 61'000;
    model.refreshClock();
    ASSERT_EQ(spies.dataChanged.size(), 1);
    const Span span = spanOf(spies.dataChanged.at(0));
    EXPECT_EQ(span.firstColumn, int(ServerTableModel::UptimeColumn));
    EXPECT_EQ(span.lastColumn, int(ServerTableModel::UptimeColumn));
    EXPECT_EQ(span.firstRow, 1); // only the running server ticks
    EXPECT_EQ(span.lastRow, 1);
    EXPECT_EQ(cell(model, 1, ServerTableModel::UptimeColumn), QStringLiteral("1m 06s"));

    // A fresh report replaces the base.
    view.changeServer(serverJson(
        QStringLiteral("live"), QStringLiteral("running"),
        {{QStringLiteral("pid"), 77}, {QStringLiteral("uptimeMs"), 2 * 3600 * 1000 + 180'000}}));
    EXPECT_EQ(cell(model, 1, ServerTableModel::UptimeColumn), QStringLiteral("2h 03m"));

    // Nothing running: nothing to tick.
    view.changeServer(serverJson(QStringLiteral("live")));
    spies.clear();
    model.refreshClock();
    EXPECT_TRUE(spies.dataChanged.isEmpty());
}

TEST(ServerTableModel, FormatsMemoryHeartbeatAndTooltips)
{
    FakeBrokerView view;
    ServerTableModel model(&view);
    const auto tester = testModel(&model);
    view.addServer(serverJson(QStringLiteral("a"), QStringLiteral("restarting"),
                              {{QStringLiteral("lastExit"), QStringLiteral("exit code 1")}}));
    EXPECT_EQ(cell(model, 0, ServerTableModel::MemoryColumn), QStringLiteral("\u2014"));
    EXPECT_EQ(cell(model, 0, ServerTableModel::HeartbeatColumn), QStringLiteral("\u2014"));
    EXPECT_EQ(cell(model, 0, ServerTableModel::PidColumn), QStringLiteral("\u2014"));
    EXPECT_EQ(cell(model, 0, ServerTableModel::StateColumn, Qt::ToolTipRole),
              QStringLiteral("Last exit: exit code 1"));
    EXPECT_EQ(cell(model, 0, ServerTableModel::NameColumn, Qt::ToolTipRole),
              QStringLiteral("npx -y server-memory"));

    const QString beat = QDateTime::currentDateTime().toString(Qt::ISODateWithMs);
    view.changeServer(serverJson(QStringLiteral("a"), QStringLiteral("running"),
                                 {{QStringLiteral("pid"), 9},
                                  {QStringLiteral("memoryKb"), 2048},
                                  {QStringLiteral("unresponsive"), true},
                                  {QStringLiteral("lastHeartbeat"), beat}}));
    EXPECT_EQ(cell(model, 0, ServerTableModel::MemoryColumn), QStringLiteral("2.0 MiB"));
    EXPECT_EQ(cell(model, 0, ServerTableModel::HeartbeatColumn),
              QDateTime::fromString(beat, Qt::ISODateWithMs).toString(QStringLiteral("HH:mm:ss")));
    EXPECT_EQ(cell(model, 0, ServerTableModel::StateColumn),
              QStringLiteral("running (unresponsive)"));
    EXPECT_EQ(model.index(0, ServerTableModel::MemoryColumn)
                  .data(ServerTableModel::SortRole)
                  .toLongLong(),
              2048);

    // Several instances: their pids and the sum of their memory.
    view.changeServer(
        serverJson(QStringLiteral("a"), QStringLiteral("running"),
                   {{QStringLiteral("instances"),
                     QJsonArray{QJsonObject{{QStringLiteral("key"), QStringLiteral("cursor")},
                                            {QStringLiteral("pid"), 10},
                                            {QStringLiteral("memoryKb"), 1024},
                                            {QStringLiteral("uptimeMs"), 3000}},
                                QJsonObject{{QStringLiteral("key"), QStringLiteral("claude")},
                                            {QStringLiteral("pid"), 11},
                                            {QStringLiteral("memoryKb"), 1024},
                                            {QStringLiteral("uptimeMs"), 9000}}}}}));
    EXPECT_EQ(cell(model, 0, ServerTableModel::PidColumn), QStringLiteral("10, 11"));
    EXPECT_EQ(cell(model, 0, ServerTableModel::MemoryColumn), QStringLiteral("2.0 MiB"));
    EXPECT_EQ(cell(model, 0, ServerTableModel::UptimeColumn), QStringLiteral("9s"));
}

TEST(ServerTableModel, ReconnectResyncsWithTargetedSignals)
{
    FakeBrokerView view;
    view.setStatusQuietly({serverJson(QStringLiteral("a")), serverJson(QStringLiteral("b"))}, {});
    ServerTableModel model(&view);
    const auto tester = testModel(&model);
    ModelSpies spies(&model);

    view.setStatusQuietly({serverJson(QStringLiteral("b"), QStringLiteral("failed")),
                           serverJson(QStringLiteral("c"))},
                          {});
    view.reconnect();

    EXPECT_TRUE(spies.noWholesaleChanges());
    EXPECT_EQ(spies.rowsRemoved.size(), 1);
    EXPECT_EQ(spies.rowsInserted.size(), 1);
    EXPECT_EQ(spies.dataChanged.size(), 1);
    EXPECT_EQ(column(model, ServerTableModel::NameColumn),
              QStringList({QStringLiteral("b"), QStringLiteral("c")}));
    EXPECT_EQ(cell(model, 0, ServerTableModel::StateColumn), QStringLiteral("failed"));
}

// --- SessionTableModel ----------------------------------------------------------------------

TEST(SessionTableModel, SetServerShowsThatServersSessionsOnly)
{
    FakeBrokerView view;
    view.setStatusQuietly({}, {sessionJson(3, QStringLiteral("memory")),
                               sessionJson(1, QStringLiteral("memory")),
                               sessionJson(2, QStringLiteral("github"))});
    SessionTableModel model(&view);
    const auto tester = testModel(&model);
    EXPECT_EQ(model.rowCount(), 0);
    ModelSpies spies(&model);

    model.setServer(QStringLiteral("memory"));
    EXPECT_EQ(spies.modelReset.size(), 1);
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_EQ(model.index(0, 0).data(SessionTableModel::SessionIdRole).toLongLong(), 1);
    EXPECT_EQ(model.index(1, 0).data(SessionTableModel::SessionIdRole).toLongLong(), 3);
    EXPECT_EQ(cell(model, 0, SessionTableModel::ClientColumn), QStringLiteral("cursor 1.2"));
    EXPECT_EQ(cell(model, 0, SessionTableModel::ShimPidColumn), QStringLiteral("4001"));
    EXPECT_EQ(cell(model, 0, SessionTableModel::ProcessColumn), QStringLiteral("cursor (1200)"));
    EXPECT_EQ(cell(model, 0, SessionTableModel::LastActivityColumn), QStringLiteral("\u2014"));
    EXPECT_EQ(model.headerData(SessionTableModel::ProcessColumn, Qt::Horizontal).toString(),
              QStringLiteral("Client process"));

    model.setServer(QStringLiteral("memory")); // same server: nothing to do
    EXPECT_EQ(spies.modelReset.size(), 1);
}

TEST(SessionTableModel, ShimOfAnotherVersionIsMarked)
{
    FakeBrokerView view;
    view.setStatusQuietly({}, {sessionJson(1, QStringLiteral("memory"),
                                           {{QStringLiteral("shimVersion"), QStringLiteral("0.0.8")},
                                            {QStringLiteral("versionMismatch"), true}}),
                               sessionJson(2, QStringLiteral("memory"),
                                           {{QStringLiteral("shimVersion"), QStringLiteral("0.1.0")},
                                            {QStringLiteral("versionMismatch"), false}})});
    SessionTableModel model(&view);
    const auto tester = testModel(&model);
    model.setServer(QStringLiteral("memory"));
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_EQ(cell(model, 0, SessionTableModel::ShimPidColumn), QStringLiteral("4001 (v0.0.8)"));
    const QString tip = model.index(0, SessionTableModel::ShimPidColumn).data(Qt::ToolTipRole).toString();
    EXPECT_TRUE(tip.contains(QStringLiteral("manifold-shim 0.0.8"))) << tip.toStdString();
    EXPECT_TRUE(tip.contains(QStringLiteral("restart the client"))) << tip.toStdString();
    EXPECT_FALSE(cell(model, 1, SessionTableModel::ShimPidColumn).contains(QStringLiteral("(v")));
    EXPECT_EQ(model.index(1, SessionTableModel::ShimPidColumn).data(Qt::ToolTipRole).toString(),
              QStringLiteral("manifold-shim 0.1.0"));
}

// Sessions through the HTTP front door: their transport, the token they came with and where
// from; the shim's PID and client process do not apply to them.
TEST(SessionTableModel, FrontDoorSessionsShowTransportTokenAndRemoteAddress)
{
    FakeBrokerView view;
    const QJsonObject noShim{{QStringLiteral("shimPid"), -1},
                             {QStringLiteral("parentPid"), -1},
                             {QStringLiteral("tokenName"), QStringLiteral("claude-code")},
                             {QStringLiteral("remoteAddress"), QStringLiteral("127.0.0.1:53122")},
                             {QStringLiteral("parentExe"), QStringLiteral("claude-code via http from 127.0.0.1:53122")}};
    QJsonObject http = sessionJson(2, QStringLiteral("memory"), noShim);
    http.insert(QStringLiteral("transport"), QStringLiteral("http"));
    QJsonObject sse = sessionJson(3, QStringLiteral("memory"), noShim);
    sse.insert(QStringLiteral("transport"), QStringLiteral("sse"));
    sse.insert(QStringLiteral("tokenName"), QStringLiteral("inspector"));
    sse.insert(QStringLiteral("remoteAddress"), QStringLiteral("::1:40000"));
    view.setStatusQuietly({}, {sessionJson(1, QStringLiteral("memory"), {{QStringLiteral("transport"), QStringLiteral("shim")}}),
                               http, sse,
                               sessionJson(4, QStringLiteral("memory"))});   // a broker from before the front door
    SessionTableModel model(&view);
    const auto tester = testModel(&model);
    model.setServer(QStringLiteral("memory"));
    ASSERT_EQ(model.rowCount(), 4);
    EXPECT_TRUE(model.hasFrontDoorSessions());

    EXPECT_EQ(model.headerData(SessionTableModel::TransportColumn, Qt::Horizontal).toString(), QStringLiteral("Transport"));
    EXPECT_EQ(model.headerData(SessionTableModel::TokenColumn, Qt::Horizontal).toString(), QStringLiteral("Token"));
    EXPECT_EQ(model.headerData(SessionTableModel::RemoteAddressColumn, Qt::Horizontal).toString(),
              QStringLiteral("Remote address"));

    const QStringList transports{cell(model, 0, SessionTableModel::TransportColumn), cell(model, 1, SessionTableModel::TransportColumn),
                                 cell(model, 2, SessionTableModel::TransportColumn), cell(model, 3, SessionTableModel::TransportColumn)};
    EXPECT_EQ(transports, (QStringList{QStringLiteral("shim"), QStringLiteral("HTTP"), QStringLiteral("SSE"), QStringLiteral("shim")}));
    EXPECT_TRUE(model.index(1, SessionTableModel::TransportColumn).data(Qt::ToolTipRole).toString().contains(QStringLiteral("/mcp/memory")));
    EXPECT_TRUE(model.index(2, SessionTableModel::TransportColumn).data(Qt::ToolTipRole).toString().contains(QStringLiteral("/sse/memory")));

    // A shim session: no token, no remote address; its PID and process as before.
    EXPECT_EQ(cell(model, 0, SessionTableModel::TokenColumn), QStringLiteral("\u2014"));
    EXPECT_EQ(cell(model, 0, SessionTableModel::RemoteAddressColumn), QStringLiteral("\u2014"));
    EXPECT_EQ(cell(model, 0, SessionTableModel::ShimPidColumn), QStringLiteral("4001"));
    EXPECT_EQ(cell(model, 0, SessionTableModel::ProcessColumn), QStringLiteral("cursor (1200)"));

    EXPECT_EQ(cell(model, 1, SessionTableModel::TokenColumn), QStringLiteral("claude-code"));
    EXPECT_EQ(cell(model, 1, SessionTableModel::RemoteAddressColumn), QStringLiteral("127.0.0.1:53122"));
    EXPECT_EQ(cell(model, 1, SessionTableModel::ShimPidColumn), QStringLiteral("\u2014"));
    EXPECT_EQ(cell(model, 1, SessionTableModel::ProcessColumn), QStringLiteral("\u2014"));
    EXPECT_FALSE(model.index(1, SessionTableModel::ProcessColumn).data(Qt::ToolTipRole).isValid());
    EXPECT_EQ(cell(model, 2, SessionTableModel::TokenColumn), QStringLiteral("inspector"));
    EXPECT_EQ(cell(model, 2, SessionTableModel::RemoteAddressColumn), QStringLiteral("::1:40000"));

    // An HTTP session in no-token mode has no token name.
    ModelSpies spies(&model);
    QJsonObject anonymous = http;
    anonymous.remove(QStringLiteral("tokenName"));
    view.changeSession(anonymous);
    ASSERT_EQ(spies.dataChanged.size(), 1);
    EXPECT_EQ(spanOf(spies.dataChanged.at(0)).firstColumn, int(SessionTableModel::TokenColumn));
    EXPECT_EQ(spanOf(spies.dataChanged.at(0)).lastColumn, int(SessionTableModel::TokenColumn));
    EXPECT_EQ(cell(model, 1, SessionTableModel::TokenColumn), QStringLiteral("\u2014"));

    view.closeSession(2);
    EXPECT_TRUE(model.hasFrontDoorSessions());
    view.closeSession(3);
    EXPECT_FALSE(model.hasFrontDoorSessions());   // shims only
}

TEST(SessionTableModel, OpenChangeCloseAreTargeted)
{
    FakeBrokerView view;
    view.setStatusQuietly({}, {sessionJson(1, QStringLiteral("memory"))});
    SessionTableModel model(&view);
    model.setServer(QStringLiteral("memory"));
    const auto tester = testModel(&model);
    ModelSpies spies(&model);

    view.openSession(sessionJson(5, QStringLiteral("github")));
    EXPECT_TRUE(spies.rowsInserted.isEmpty());

    view.openSession(
        sessionJson(6, QStringLiteral("memory"), {{QStringLiteral("clientName"), QString()}}));
    ASSERT_EQ(spies.rowsInserted.size(), 1);
    EXPECT_EQ(spies.rowsInserted.at(0).at(1).toInt(), 1);
    EXPECT_EQ(cell(model, 1, SessionTableModel::ClientColumn), QStringLiteral("\u2014"));

    const QString activity = QDateTime::currentDateTime().toString(Qt::ISODateWithMs);
    view.changeSession(sessionJson(6, QStringLiteral("memory"),
                                   {{QStringLiteral("clientName"), QStringLiteral("claude-code")},
                                    {QStringLiteral("requestsServed"), 4},
                                    {QStringLiteral("lastActivity"), activity}}));
    ASSERT_EQ(spies.dataChanged.size(), 1);
    const Span span = spanOf(spies.dataChanged.at(0));
    EXPECT_EQ(span.firstRow, 1);
    EXPECT_EQ(span.lastRow, 1);
    EXPECT_EQ(span.firstColumn, int(SessionTableModel::ClientColumn));
    EXPECT_EQ(span.lastColumn, int(SessionTableModel::LastActivityColumn));
    EXPECT_EQ(cell(model, 1, SessionTableModel::ClientColumn), QStringLiteral("claude-code 1.2"));
    EXPECT_EQ(cell(model, 1, SessionTableModel::RequestsColumn), QStringLiteral("4"));
    EXPECT_NE(cell(model, 1, SessionTableModel::LastActivityColumn), QStringLiteral("\u2014"));

    spies.clear();
    view.changeSession(
        sessionJson(1, QStringLiteral("memory"), {{QStringLiteral("requestsServed"), 1}}));
    ASSERT_EQ(spies.dataChanged.size(), 1);
    EXPECT_EQ(spanOf(spies.dataChanged.at(0)).firstColumn, int(SessionTableModel::RequestsColumn));
    EXPECT_EQ(spanOf(spies.dataChanged.at(0)).lastColumn, int(SessionTableModel::RequestsColumn));

    view.closeSession(1);
    ASSERT_EQ(spies.rowsRemoved.size(), 1);
    EXPECT_EQ(spies.rowsRemoved.at(0).at(1).toInt(), 0);
    view.closeSession(5); // another server's
    EXPECT_EQ(spies.rowsRemoved.size(), 1);
    EXPECT_TRUE(spies.noWholesaleChanges());
    EXPECT_EQ(model.rowCount(), 1);
}

TEST(SessionTableModel, CutOffSessionKeepsItsRowWithWhy)
{
    FakeBrokerView view;
    view.setStatusQuietly({}, {sessionJson(1, QStringLiteral("memory")), sessionJson(2, QStringLiteral("memory"))});
    SessionTableModel model(&view);
    model.setServer(QStringLiteral("memory"));
    const auto tester = testModel(&model);
    ModelSpies spies(&model);
    EXPECT_EQ(cell(model, 1, SessionTableModel::StateColumn), QStringLiteral("Connected"));

    const QString reason = QStringLiteral("the client stopped reading: 5.0 MiB were waiting for it (limit 4.0 MiB)");
    const QString message = QStringLiteral("session 2 of cursor (shim pid 4002) disconnected: ") + reason;
    emit view.sessionCutOff(QStringLiteral("github"), 2, message, reason);   // another server's
    EXPECT_TRUE(spies.dataChanged.isEmpty());
    emit view.sessionCutOff(QStringLiteral("memory"), 2, message, reason);
    ASSERT_EQ(spies.dataChanged.size(), 1);
    EXPECT_EQ(spanOf(spies.dataChanged.at(0)).firstColumn, int(SessionTableModel::StateColumn));
    EXPECT_EQ(cell(model, 1, SessionTableModel::StateColumn), QStringLiteral("Cut off: ") + reason);
    EXPECT_EQ(model.index(1, SessionTableModel::StateColumn).data(Qt::ToolTipRole).toString(), message);
    EXPECT_FALSE(model.index(1, 0).data(SessionTableModel::EndedRole).toBool());

    view.closeSession(2);
    EXPECT_TRUE(spies.rowsRemoved.isEmpty());
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_TRUE(model.index(1, 0).data(SessionTableModel::EndedRole).toBool());
    EXPECT_EQ(cell(model, 1, SessionTableModel::StateColumn), QStringLiteral("Cut off: ") + reason);
    view.closeSession(1);   // closed without a reason: gone
    ASSERT_EQ(spies.rowsRemoved.size(), 1);
    EXPECT_EQ(model.rowCount(), 1);

    // A reconnect keeps the ended row, unless a new broker's session has taken its id.
    view.setStatusQuietly({}, {});
    emit view.connected();
    EXPECT_EQ(model.rowCount(), 1);
    view.setStatusQuietly({}, {sessionJson(2, QStringLiteral("memory"))});
    emit view.connected();
    ASSERT_EQ(model.rowCount(), 1);
    EXPECT_FALSE(model.index(0, 0).data(SessionTableModel::EndedRole).toBool());
    EXPECT_EQ(cell(model, 0, SessionTableModel::StateColumn), QStringLiteral("Connected"));
}

// --- QueueTableModel ------------------------------------------------------------------------

TEST(QueueTableModel, FollowsTheSelectedServersQueueWithMinimalChanges)
{
    ManualClock clock;
    FakeBrokerView view;
    const QJsonArray two{
        queueEntry(QStringLiteral("tools/call"), 1, 900, QStringLiteral("in-flight")),
        queueEntry(QStringLiteral("resources/read"), 2, 10, QStringLiteral("queued"))};
    view.setStatusQuietly({serverJson(QStringLiteral("memory"), QStringLiteral("running"),
                                      {{QStringLiteral("queue"), two}}),
                           serverJson(QStringLiteral("other"))},
                          {sessionJson(1, QStringLiteral("memory"))});
    QueueTableModel model(&view);
    model.setClock(clock.function());
    model.setServer(QStringLiteral("memory"));
    const auto tester = testModel(&model);
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_EQ(cell(model, 0, QueueTableModel::MethodColumn), QStringLiteral("tools/call"));
    EXPECT_EQ(cell(model, 0, QueueTableModel::SessionColumn), QStringLiteral("#1 cursor"));
    EXPECT_EQ(cell(model, 1, QueueTableModel::SessionColumn), QStringLiteral("#2"));
    EXPECT_EQ(cell(model, 0, QueueTableModel::AgeColumn), QStringLiteral("900 ms"));
    EXPECT_EQ(cell(model, 0, QueueTableModel::StateColumn), QStringLiteral("in flight"));
    EXPECT_EQ(model.index(1, 0).data(QueueTableModel::StateRole).toString(),
              QStringLiteral("queued"));
    ModelSpies spies(&model);

    // Same two entries, older, plus a third: Age cells change, one row is appended.
    const QJsonArray three{
        queueEntry(QStringLiteral("tools/call"), 1, 1900, QStringLiteral("in-flight")),
        queueEntry(QStringLiteral("resources/read"), 2, 1010, QStringLiteral("queued")),
        queueEntry(QStringLiteral("tools/list"), 1, 0, QStringLiteral("queued"))};
    view.changeServer(serverJson(QStringLiteral("memory"), QStringLiteral("running"),
                                 {{QStringLiteral("queue"), three}}));
    ASSERT_EQ(spies.dataChanged.size(), 1);
    Span span = spanOf(spies.dataChanged.at(0));
    EXPECT_EQ(span.firstRow, 0);
    EXPECT_EQ(span.lastRow, 1);
    EXPECT_EQ(span.firstColumn, int(QueueTableModel::AgeColumn));
    EXPECT_EQ(span.lastColumn, int(QueueTableModel::AgeColumn));
    ASSERT_EQ(spies.rowsInserted.size(), 1);
    EXPECT_EQ(spies.rowsInserted.at(0).at(1).toInt(), 2);
    EXPECT_EQ(spies.rowsInserted.at(0).at(2).toInt(), 2);
    EXPECT_EQ(cell(model, 1, QueueTableModel::AgeColumn), QStringLiteral("1.0 s"));

    // Another server's change leaves the table alone.
    spies.clear();
    view.changeServer(serverJson(QStringLiteral("other"), QStringLiteral("running"),
                                 {{QStringLiteral("queue"), two}}));
    EXPECT_TRUE(spies.dataChanged.isEmpty());
    EXPECT_TRUE(spies.rowsInserted.isEmpty());

    // Ages tick between reports, in the Age column only.
    clock.now += 2000;
    model.refreshClock();
    ASSERT_EQ(spies.dataChanged.size(), 1);
    span = spanOf(spies.dataChanged.at(0));
    EXPECT_EQ(span.firstColumn, int(QueueTableModel::AgeColumn));
    EXPECT_EQ(span.lastColumn, int(QueueTableModel::AgeColumn));
    EXPECT_EQ(span.firstRow, 0);
    EXPECT_EQ(span.lastRow, 2);
    EXPECT_EQ(cell(model, 0, QueueTableModel::AgeColumn), QStringLiteral("3.9 s"));

    // Drained to one entry: the tail is removed.
    spies.clear();
    view.changeServer(serverJson(QStringLiteral("memory"), QStringLiteral("running"),
                                 {{QStringLiteral("queue"), QJsonArray{three.at(2)}}}));
    ASSERT_EQ(spies.rowsRemoved.size(), 1);
    EXPECT_EQ(spies.rowsRemoved.at(0).at(1).toInt(), 1);
    EXPECT_EQ(spies.rowsRemoved.at(0).at(2).toInt(), 2);
    EXPECT_EQ(cell(model, 0, QueueTableModel::MethodColumn), QStringLiteral("tools/list"));

    // The server goes away: so does its queue.
    view.removeServer(QStringLiteral("memory"));
    EXPECT_EQ(model.rowCount(), 0);
    EXPECT_TRUE(spies.noWholesaleChanges());
}

// --- LogModel and LogFilterProxy ------------------------------------------------------------

TEST(LogModel, LoadsHistoryThenAppendsLiveLinesWithoutDuplicates)
{
    FakeBrokerView view;
    LogModel model(&view);
    const auto tester = testModel(&model);
    QSignalSpy loaded(&model, &LogModel::historyLoaded);

    model.setServer(QStringLiteral("memory"));
    ASSERT_EQ(view.calls().size(), 1);
    EXPECT_EQ(view.calls().at(0).method, QStringLiteral("logs"));
    EXPECT_EQ(view.calls().at(0).params.value(QStringLiteral("name")).toString(),
              QStringLiteral("memory"));
    EXPECT_EQ(view.calls().at(0).params.value(QStringLiteral("lines")).toInt(), 2000);
    EXPECT_TRUE(model.isLoading());

    // Live lines race the reply: the first is in the history already, the second is not.
    view.appendLog(QStringLiteral("memory"),
                   logLine(QStringLiteral("live one"), QStringLiteral("stderr"), 3));
    view.appendLog(QStringLiteral("other"), logLine(QStringLiteral("not mine")));
    view.appendLog(QStringLiteral("memory"),
                   logLine(QStringLiteral("live two"), QStringLiteral("stderr"), 4));
    EXPECT_EQ(model.rowCount(), 0);
    ModelSpies spies(&model);
    view.answer(true,
                {{QStringLiteral("lines"),
                  QJsonArray{logLine(QStringLiteral("started"), QStringLiteral("broker"), 1),
                             logLine(QStringLiteral("hello"), QStringLiteral("stderr"), 2),
                             logLine(QStringLiteral("live one"), QStringLiteral("stderr"), 3)}}});
    ASSERT_TRUE(loaded.wait(2000));
    EXPECT_TRUE(loaded.at(0).at(0).toBool());
    EXPECT_EQ(column(model, 0, LogModel::TextRole),
              QStringList({QStringLiteral("started"), QStringLiteral("hello"),
                           QStringLiteral("live one"), QStringLiteral("live two")}));
    EXPECT_EQ(spies.rowsInserted.size(), 1);
    EXPECT_EQ(model.index(0, 0).data(LogModel::SourceRole).toString(), QStringLiteral("broker"));
    EXPECT_TRUE(model.index(0, 0).data(LogModel::TimeRole).toDateTime().isValid());
    EXPECT_TRUE(cell(model, 0, 0).endsWith(QStringLiteral("[broker] started")));
    EXPECT_TRUE(cell(model, 1, 0).endsWith(QStringLiteral("  hello")));

    // Then live lines go to the end.
    spies.clear();
    view.appendLog(QStringLiteral("memory"), logLine(QStringLiteral("three")));
    ASSERT_EQ(spies.rowsInserted.size(), 1);
    EXPECT_EQ(spies.rowsInserted.at(0).at(1).toInt(), 4);
    EXPECT_EQ(spies.rowsInserted.at(0).at(2).toInt(), 4);
    EXPECT_TRUE(spies.noWholesaleChanges());
}

TEST(LogModel, AReplyForAnEarlierServerIsIgnored)
{
    FakeBrokerView view;
    LogModel model(&view);
    const auto tester = testModel(&model);
    QSignalSpy loaded(&model, &LogModel::historyLoaded);
    model.setServer(QStringLiteral("a"));
    model.setServer(QStringLiteral("b"));
    view.answer(true, {{QStringLiteral("lines"), QJsonArray{logLine(QStringLiteral("from a"))}}});
    view.answer(false, {}, QStringLiteral("no server named 'b'"));
    ASSERT_TRUE(loaded.wait(2000));
    QCoreApplication::processEvents();   // a stale reply, if it were delivered, would be by now
    ASSERT_EQ(loaded.size(), 1);
    EXPECT_FALSE(loaded.at(0).at(0).toBool());
    EXPECT_EQ(loaded.at(0).at(1).toString(), QStringLiteral("no server named 'b'"));
    EXPECT_EQ(model.rowCount(), 0);
}

TEST(LogModel, IsBoundedAndDropsTheOldest)
{
    FakeBrokerView view;
    LogModel model(&view);
    model.setMaxLines(3);
    const auto tester = testModel(&model);
    QSignalSpy loaded(&model, &LogModel::historyLoaded);
    model.setServer(QStringLiteral("a"));
    view.answer(true, {{QStringLiteral("lines"),
                        QJsonArray{logLine(QStringLiteral("1")), logLine(QStringLiteral("2")),
                                   logLine(QStringLiteral("3")), logLine(QStringLiteral("4"))}}});
    ASSERT_TRUE(loaded.wait(2000));
    EXPECT_EQ(column(model, 0, LogModel::TextRole),
              QStringList({QStringLiteral("2"), QStringLiteral("3"), QStringLiteral("4")}));

    ModelSpies spies(&model);
    view.appendLog(QStringLiteral("a"), logLine(QStringLiteral("5")));
    view.appendLog(QStringLiteral("a"), logLine(QStringLiteral("6")));
    EXPECT_EQ(column(model, 0, LogModel::TextRole),
              QStringList({QStringLiteral("4"), QStringLiteral("5"), QStringLiteral("6")}));
    ASSERT_EQ(spies.rowsRemoved.size(), 2);
    EXPECT_EQ(spies.rowsRemoved.at(0).at(1).toInt(), 0);
    EXPECT_EQ(spies.rowsRemoved.at(0).at(2).toInt(), 0);
    EXPECT_EQ(spies.rowsInserted.size(), 2);
    EXPECT_TRUE(spies.noWholesaleChanges());
}

TEST(LogFilterProxy, SearchesTextIgnoringCase)
{
    FakeBrokerView view;
    LogModel model(&view);
    LogFilterProxy proxy;
    proxy.setSourceModel(&model);
    const auto tester = testModel(&model);
    const auto proxyTester = testModel(&proxy);
    QSignalSpy loaded(&model, &LogModel::historyLoaded);
    model.setServer(QStringLiteral("a"));
    view.answer(true,
                {{QStringLiteral("lines"),
                  QJsonArray{logLine(QStringLiteral("Listening on stdio")),
                             logLine(QStringLiteral("ERROR: disk full")),
                             logLine(QStringLiteral("child started"), QStringLiteral("broker"))}}});
    ASSERT_TRUE(loaded.wait(2000));
    EXPECT_EQ(proxy.rowCount(), 3);

    proxy.setSearchText(QStringLiteral("error"));
    ASSERT_EQ(proxy.rowCount(), 1);
    EXPECT_EQ(proxy.index(0, 0).data(LogModel::TextRole).toString(),
              QStringLiteral("ERROR: disk full"));

    view.appendLog(QStringLiteral("a"), logLine(QStringLiteral("another Error")));
    view.appendLog(QStringLiteral("a"), logLine(QStringLiteral("fine")));
    EXPECT_EQ(proxy.rowCount(), 2);

    proxy.setSearchText(QStringLiteral("10:00")); // the time is not searched, only the text
    EXPECT_EQ(proxy.rowCount(), 0);
    proxy.setSearchText(QString());
    EXPECT_EQ(proxy.rowCount(), 5);
}
