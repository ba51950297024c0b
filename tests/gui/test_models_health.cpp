// HealthModel against a scripted BrokerView: rows follow the servers, a health update is one
// targeted dataChanged, and the `health` reply parses into HealthSeries as the contract says.

#include "fakebrokerview.h"
#include "modeltestsupport.h"
#include "test_health_fixtures.h"

#include "healthmodel.h"
#include "healthseries.h"

#include <gtest/gtest.h>

using namespace manifold;

namespace {

QJsonObject server(const QString &name, const QString &state = QStringLiteral("running"))
{
    return {{QStringLiteral("name"), name}, {QStringLiteral("state"), state}};
}

HealthSeries seriesFor(const QString &name, double calls, double p95)
{
    return HealthSeries::fromJson(healthfixtures::serverHealth(name, calls, p95, 3, 4096));
}

} // namespace

TEST(HealthSeriesTest, ParsesTheContractsReply)
{
    const QList<HealthSeries> list = HealthSeries::listFromReply(healthfixtures::reply(
        {healthfixtures::serverHealth(QStringLiteral("memory"), 42, 220, 3, 4096),
         healthfixtures::serverHealth(QStringLiteral("github"), 7, 80)}));
    ASSERT_EQ(list.size(), 2);
    const HealthSeries &memory = list.first();
    EXPECT_EQ(memory.server, QStringLiteral("memory"));
    EXPECT_EQ(memory.bucketMs, 60000);
    ASSERT_EQ(memory.buckets.size(), 60);
    EXPECT_EQ(memory.firstBucketMs(), healthfixtures::kHourStartMs);
    EXPECT_DOUBLE_EQ(memory.callsPerMin, 42);
    EXPECT_DOUBLE_EQ(memory.errorsPerMin, 3);
    EXPECT_DOUBLE_EQ(memory.p95Ms, 220);
    EXPECT_DOUBLE_EQ(memory.p50Ms, 110);
    EXPECT_DOUBLE_EQ(memory.memoryKb, 4096);
    const QList<double> p95 = memory.values(HealthSeries::Metric::P95);
    ASSERT_EQ(p95.size(), 60);
    EXPECT_DOUBLE_EQ(p95.at(0), 0);
    EXPECT_DOUBLE_EQ(p95.at(59), 590);
    EXPECT_DOUBLE_EQ(memory.values(HealthSeries::Metric::Calls).at(12), 12);
    EXPECT_DOUBLE_EQ(memory.values(HealthSeries::Metric::Errors).at(10), 1);
    EXPECT_DOUBLE_EQ(memory.values(HealthSeries::Metric::Errors).at(11), 0);
    // Entries without a name are dropped, not shown as a nameless card.
    EXPECT_TRUE(HealthSeries::listFromReply(healthfixtures::reply({QJsonObject{}})).isEmpty());
}

TEST(HealthModelTest, RowsFollowServersAndHealthIsOneTargetedChange)
{
    FakeBrokerView view;
    view.addServer(server(QStringLiteral("memory")));
    HealthModel model(&view);
    const auto tester = testModel(&model);
    ModelSpies spies(&model);
    ASSERT_EQ(model.rowCount(), 1);

    // Added servers go in name order.
    view.addServer(server(QStringLiteral("github")));
    view.addServer(server(QStringLiteral("zeta"), QStringLiteral("stopped")));
    ASSERT_EQ(model.rowCount(), 3);
    EXPECT_EQ(model.index(0).data(HealthModel::NameRole).toString(), QStringLiteral("github"));
    EXPECT_EQ(model.index(2).data(HealthModel::StateRole).toString(), QStringLiteral("stopped"));
    EXPECT_EQ(spies.rowsInserted.size(), 2);
    EXPECT_FALSE(model.index(1).data(HealthModel::HasHealthRole).toBool());

    spies.clear();
    model.setHealth(QStringLiteral("memory"), seriesFor(QStringLiteral("memory"), 42, 220));
    ASSERT_EQ(spies.dataChanged.size(), 1);
    const Span span = spanOf(spies.dataChanged.first());
    EXPECT_EQ(span.firstRow, 1);
    EXPECT_EQ(span.lastRow, 1);
    EXPECT_TRUE(span.roles.contains(HealthModel::P95SeriesRole));
    const QModelIndex memory = model.index(1);
    EXPECT_TRUE(memory.data(HealthModel::HasHealthRole).toBool());
    EXPECT_DOUBLE_EQ(memory.data(HealthModel::CallsPerMinRole).toDouble(), 42);
    EXPECT_DOUBLE_EQ(memory.data(HealthModel::P95Role).toDouble(), 220);
    EXPECT_DOUBLE_EQ(memory.data(HealthModel::P50Role).toDouble(), 110);
    EXPECT_DOUBLE_EQ(memory.data(HealthModel::ErrorsPerMinRole).toDouble(), 3);
    EXPECT_DOUBLE_EQ(memory.data(HealthModel::MemoryKbRole).toDouble(), 4096);
    const auto calls = memory.data(HealthModel::CallsSeriesRole).value<QList<double>>();
    ASSERT_EQ(calls.size(), 60);
    EXPECT_DOUBLE_EQ(calls.at(30), 30);
    EXPECT_EQ(memory.data(HealthModel::SeriesStartRole).toLongLong(), healthfixtures::kHourStartMs);
    EXPECT_EQ(memory.data(HealthModel::BucketMsRole).toLongLong(), 60000);
    // Health for a server without a row changes nothing.
    model.setHealth(QStringLiteral("ghost"), seriesFor(QStringLiteral("ghost"), 1, 1));
    EXPECT_EQ(spies.dataChanged.size(), 1);

    // A state change is one row too.
    spies.clear();
    view.changeServer(server(QStringLiteral("github"), QStringLiteral("failed")));
    ASSERT_EQ(spies.dataChanged.size(), 1);
    EXPECT_EQ(spanOf(spies.dataChanged.first()).firstRow, 0);
    EXPECT_EQ(model.index(0).data(HealthModel::StateRole).toString(), QStringLiteral("failed"));

    view.removeServer(QStringLiteral("memory"));
    ASSERT_EQ(spies.rowsRemoved.size(), 1);
    EXPECT_EQ(model.rowOf(QStringLiteral("memory")), -1);
    EXPECT_EQ(model.rowCount(), 2);
    EXPECT_TRUE(spies.noWholesaleChanges());
}

TEST(HealthModelTest, ReconnectResyncsWithoutAReset)
{
    FakeBrokerView view;
    view.addServer(server(QStringLiteral("a")));
    view.addServer(server(QStringLiteral("b")));
    HealthModel model(&view);
    const auto tester = testModel(&model);
    model.setHealth(QStringLiteral("a"), seriesFor(QStringLiteral("a"), 5, 50));
    ModelSpies spies(&model);
    // While disconnected, b went away and c came.
    view.setStatusQuietly({server(QStringLiteral("a")), server(QStringLiteral("c"))}, {});
    view.reconnect();
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_EQ(model.index(1).data(HealthModel::NameRole).toString(), QStringLiteral("c"));
    EXPECT_EQ(spies.rowsRemoved.size(), 1);
    EXPECT_EQ(spies.rowsInserted.size(), 1);
    // a kept its health through the resync.
    EXPECT_DOUBLE_EQ(model.index(0).data(HealthModel::CallsPerMinRole).toDouble(), 5);
    EXPECT_TRUE(spies.noWholesaleChanges());
}
