// The traffic table model: a bounded ring fed in batches, with targeted signals only.

#include "modeltestsupport.h"

#include "trafficmodel.h"

#include <gtest/gtest.h>

using namespace manifold;

namespace {

constexpr qint64 t0 = 1796000000000000; // µs

TrafficRow request(qint64 seq, const QString &method, qint64 id, const QString &client = QStringLiteral("claude-code"),
                   qint64 timeUs = t0, const QString &server = QStringLiteral("memory"))
{
    TrafficRow row;
    row.server = server;
    row.seq = seq;
    row.timeUs = timeUs;
    row.session = 7;
    row.client = client;
    row.toServer = true;
    row.kind = TrafficRow::Kind::Request;
    row.method = method;
    row.id = id;
    row.size = 120;
    return row;
}

TrafficRow answer(qint64 seq, const TrafficRow &to, double durationMs, int errorCode = 0)
{
    TrafficRow row = to;
    row.seq = seq;
    row.timeUs = to.timeUs + qint64(durationMs * 1000);
    row.toServer = false;
    row.kind = errorCode ? TrafficRow::Kind::Error : TrafficRow::Kind::Result;
    row.durationMs = durationMs;
    row.requestSeq = to.seq;
    row.errorCode = errorCode;
    row.errorMessage = errorCode ? QStringLiteral("boom") : QString();
    return row;
}

QString cell(const TrafficModel &model, int row, int column)
{
    return model.index(row, column).data().toString();
}

} // namespace

TEST(TrafficModelTest, ScriptedBatchesWrapTheRingWithTargetedSignalsOnly)
{
    TrafficModel model;
    model.setCapacity(300);
    auto tester = testModel(&model);
    ModelSpies spies(&model);

    qint64 seq = 0;
    TrafficRows open; // requests not answered yet
    int pairedAcrossBatches = 0;
    for (int batch = 0; batch < 150; ++batch) {
        TrafficRows rows;
        int answersFromEarlier = 0;
        // Answer the requests of the previous batch, then send new ones.
        for (const TrafficRow &r : std::as_const(open)) {
            rows.append(answer(++seq, r, 3.5 + batch));
            ++answersFromEarlier;
        }
        open.clear();
        for (int i = 0; i < 2 + batch % 5; ++i) {
            ++seq;
            TrafficRow r = request(seq, QStringLiteral("tools/call"), seq, QStringLiteral("claude-code"), t0 + seq);
            rows.append(r);
            if (i % 2 == 0)
                open.append(r);
            else
                rows.append(answer(++seq, r, 1.0)); // answered in the same batch
        }
        const int before = model.rowCount();
        spies.clear();
        model.applyBatch(rows);

        ASSERT_TRUE(spies.noWholesaleChanges()) << "batch " << batch;
        ASSERT_EQ(spies.rowsInserted.count(), 1) << "batch " << batch;
        ASSERT_LE(spies.rowsRemoved.count(), 1) << "batch " << batch;
        const auto inserted = spies.rowsInserted.first();
        EXPECT_EQ(inserted.at(2).toInt() - inserted.at(1).toInt() + 1, rows.size());
        if (spies.rowsRemoved.isEmpty()) {
            EXPECT_EQ(model.rowCount(), before + rows.size());
        } else {
            EXPECT_EQ(spies.rowsRemoved.first().at(1).toInt(), 0); // always the oldest
            EXPECT_EQ(model.rowCount(), 300);
        }
        // Each request answered from an earlier batch: one dataChanged, unless it fell off the ring
        // (never here: one batch is far below the capacity), all adjacent so possibly merged.
        if (answersFromEarlier > 0) {
            ASSERT_GE(spies.dataChanged.count(), 1);
            for (const auto &arguments : std::as_const(spies.dataChanged)) {
                const Span span = spanOf(arguments);
                EXPECT_EQ(span.firstColumn, TrafficModel::DurationColumn);
                EXPECT_EQ(span.lastColumn, TrafficModel::StatusColumn);
            }
            ++pairedAcrossBatches;
        } else {
            EXPECT_TRUE(spies.dataChanged.isEmpty());
        }
    }
    EXPECT_GT(pairedAcrossBatches, 100);
    ASSERT_EQ(model.rowCount(), 300);
    // The ring kept the newest rows, in order.
    EXPECT_EQ(model.index(299, 0).data(TrafficModel::SeqRole).toLongLong(), seq);
    for (int row = 1; row < model.rowCount(); ++row)
        ASSERT_LT(model.row(row - 1).seq, model.row(row).seq);
    // Every request still in the ring and answered in the script shows its answer.
    for (int row = 0; row < model.rowCount(); ++row) {
        const TrafficRow &r = model.row(row);
        if (r.kind == TrafficRow::Kind::Request && r.seq < seq - 20) {
            EXPECT_EQ(cell(model, row, TrafficModel::StatusColumn), QStringLiteral("ok")) << r.seq;
        }
    }
}

TEST(TrafficModelTest, AnAnswerUpdatesItsRequestWithOneDataChangedOverDurationToStatus)
{
    TrafficModel model;
    auto tester = testModel(&model);
    ModelSpies spies(&model);
    const TrafficRow call = request(1, QStringLiteral("tools/call"), 5);
    const TrafficRow other = request(2, QStringLiteral("tools/list"), 6);
    model.applyBatch({call, other});
    EXPECT_EQ(cell(model, 0, TrafficModel::StatusColumn), QStringLiteral("pending"));
    EXPECT_EQ(cell(model, 0, TrafficModel::DurationColumn), QString());
    EXPECT_EQ(cell(model, 0, TrafficModel::DirectionColumn), QStringLiteral("\u2192"));
    EXPECT_EQ(model.index(0, TrafficModel::DirectionColumn).data(Qt::AccessibleTextRole).toString(),
              QStringLiteral("to the server"));
    EXPECT_EQ(cell(model, 0, TrafficModel::ClientColumn), QStringLiteral("claude-code #7"));
    EXPECT_EQ(cell(model, 0, TrafficModel::IdColumn), QStringLiteral("5"));

    spies.clear();
    model.applyBatch({answer(3, other, 1234.5, -32603)});
    ASSERT_EQ(spies.dataChanged.count(), 1);
    const Span span = spanOf(spies.dataChanged.first());
    EXPECT_EQ(span.firstRow, 1);
    EXPECT_EQ(span.lastRow, 1);
    EXPECT_EQ(span.firstColumn, TrafficModel::DurationColumn);
    EXPECT_EQ(span.lastColumn, TrafficModel::StatusColumn);
    EXPECT_EQ(spies.rowsInserted.count(), 1);
    EXPECT_TRUE(spies.rowsRemoved.isEmpty());
    EXPECT_TRUE(spies.noWholesaleChanges());
    EXPECT_EQ(cell(model, 1, TrafficModel::DurationColumn), QStringLiteral("1.23 s"));
    EXPECT_EQ(cell(model, 1, TrafficModel::StatusColumn), QStringLiteral("error -32603: boom"));
    EXPECT_TRUE(model.index(1, 0).data(TrafficModel::ErrorRole).toBool());
    EXPECT_EQ(cell(model, 2, TrafficModel::DirectionColumn), QStringLiteral("\u2190"));
    EXPECT_EQ(cell(model, 2, TrafficModel::MethodColumn), QStringLiteral("tools/list"));
    EXPECT_EQ(cell(model, 0, TrafficModel::StatusColumn), QStringLiteral("pending")); // untouched

    spies.clear();
    model.applyBatch({answer(4, call, 2.5)});
    ASSERT_EQ(spies.dataChanged.count(), 1);
    EXPECT_EQ(spanOf(spies.dataChanged.first()).firstRow, 0);
    EXPECT_EQ(cell(model, 0, TrafficModel::DurationColumn), QStringLiteral("2.50 ms"));
    EXPECT_EQ(cell(model, 0, TrafficModel::StatusColumn), QStringLiteral("ok"));
}

TEST(TrafficModelTest, TheClientCellNamesInstancesOnlyWhenTheyTellSomethingAndMutesNobodysRecords)
{
    TrafficModel model;
    auto tester = testModel(&model);
    TrafficRow shared = request(1, QStringLiteral("tools/list"), 1);
    shared.instance = QStringLiteral("shared");
    TrafficRow perProject = request(2, QStringLiteral("tools/list"), 2);
    perProject.instance = QStringLiteral("project:/home/u/app");
    TrafficRow nobodys = request(3, QStringLiteral("notifications/message"), 0, QString());
    nobodys.session = 0;
    nobodys.toServer = false;
    nobodys.kind = TrafficRow::Kind::Notification;
    nobodys.id = QJsonValue::Undefined;
    nobodys.instance = QStringLiteral("shared");
    TrafficRow brokers = request(4, QStringLiteral("ping"), 9, QStringLiteral("Manifold"));
    brokers.session = 0;
    TrafficRow unnamed = request(5, QStringLiteral("tools/call"), 3, QString());
    model.applyBatch({shared, perProject, nobodys, brokers, unnamed});
    ASSERT_EQ(model.rowCount(), 5);

    EXPECT_EQ(cell(model, 0, TrafficModel::ClientColumn), QStringLiteral("claude-code #7"));
    EXPECT_EQ(cell(model, 1, TrafficModel::ClientColumn), QStringLiteral("claude-code #7 (project:/home/u/app)"));
    EXPECT_EQ(cell(model, 2, TrafficModel::ClientColumn), QStringLiteral("all clients"));
    EXPECT_EQ(cell(model, 3, TrafficModel::ClientColumn), QStringLiteral("Manifold"));
    EXPECT_EQ(cell(model, 4, TrafficModel::ClientColumn), QStringLiteral("unknown #7"));
    for (int row = 0; row < model.rowCount(); ++row) {
        EXPECT_EQ(model.index(row, TrafficModel::ClientColumn).data(TrafficModel::MutedRole).toBool(), row == 2) << row;
        EXPECT_FALSE(model.index(row, TrafficModel::MethodColumn).data(TrafficModel::MutedRole).toBool()) << row;
    }

    // The arrow column's header is short; the full word is its tooltip and accessible text.
    EXPECT_EQ(model.headerData(TrafficModel::DirectionColumn, Qt::Horizontal).toString(), QStringLiteral("Dir."));
    EXPECT_EQ(model.headerData(TrafficModel::DirectionColumn, Qt::Horizontal, Qt::ToolTipRole).toString(),
              QStringLiteral("Direction"));
    EXPECT_EQ(model.headerData(TrafficModel::DirectionColumn, Qt::Horizontal, Qt::AccessibleTextRole).toString(),
              QStringLiteral("Direction"));
}

TEST(TrafficModelTest, FiltersInsideTheModelResetOnlyWhenTheUserChangesThem)
{
    TrafficModel model;
    auto tester = testModel(&model);
    ModelSpies spies(&model);
    const TrafficRow a = request(1, QStringLiteral("tools/call"), 1, QStringLiteral("cursor"));
    const TrafficRow b = request(2, QStringLiteral("resources/list"), 2, QStringLiteral("claude-code"));
    model.applyBatch({a, b, answer(3, a, 10, -32000), answer(4, b, 20)});
    ASSERT_EQ(model.rowCount(), 4);

    TrafficModel::Filter filter;
    filter.client = QStringLiteral("cursor");
    model.setFilter(filter);
    EXPECT_EQ(spies.modelReset.count(), 1);
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_EQ(model.row(0).seq, 1);
    EXPECT_EQ(model.row(1).seq, 3);

    // Live rows of another client are not inserted at all; matching ones are, without a reset.
    spies.clear();
    model.applyBatch({request(5, QStringLiteral("tools/call"), 3, QStringLiteral("claude-code"))});
    EXPECT_TRUE(spies.rowsInserted.isEmpty());
    model.applyBatch({request(6, QStringLiteral("tools/call"), 4, QStringLiteral("cursor"))});
    EXPECT_EQ(spies.rowsInserted.count(), 1);
    EXPECT_TRUE(spies.noWholesaleChanges());
    EXPECT_EQ(model.rowCount(), 3);

    filter = {};
    filter.method = QStringLiteral("LIST");
    model.setFilter(filter);
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_EQ(model.row(0).method, QStringLiteral("resources/list"));

    filter = {};
    filter.errorsOnly = true;
    model.setFilter(filter);
    ASSERT_EQ(model.rowCount(), 1);
    EXPECT_EQ(model.row(0).seq, 3);
    EXPECT_EQ(model.clients(), (QStringList{QStringLiteral("claude-code"), QStringLiteral("cursor")}));

    filter = {};
    model.setFilter(filter);
    EXPECT_EQ(model.rowCount(), 6);
}

TEST(TrafficModelTest, PauseHoldsBatchesAndResumeInsertsThemAtOnce)
{
    TrafficModel model;
    auto tester = testModel(&model);
    ModelSpies spies(&model);
    model.applyBatch({request(1, QStringLiteral("ping"), 1)});
    model.setPaused(true);
    spies.clear();
    const TrafficRow held = request(2, QStringLiteral("tools/call"), 2);
    model.applyBatch({held});
    model.applyBatch({answer(3, held, 7), request(4, QStringLiteral("tools/call"), 3)});
    model.applyBatch({request(5, QStringLiteral("tools/call"), 4)});
    EXPECT_EQ(model.rowCount(), 1);
    EXPECT_EQ(model.heldRows(), 4);
    EXPECT_TRUE(spies.rowsInserted.isEmpty());
    EXPECT_TRUE(spies.dataChanged.isEmpty());

    model.setPaused(false);
    ASSERT_EQ(spies.rowsInserted.count(), 1);
    EXPECT_EQ(spies.rowsInserted.first().at(1).toInt(), 1);
    EXPECT_EQ(spies.rowsInserted.first().at(2).toInt(), 4);
    EXPECT_TRUE(spies.noWholesaleChanges());
    EXPECT_EQ(model.rowCount(), 5);
    EXPECT_EQ(model.heldRows(), 0);
    EXPECT_EQ(cell(model, 1, TrafficModel::StatusColumn), QStringLiteral("ok")); // paired while held
}

TEST(TrafficModelTest, PausedHoldingIsBoundedByTheCapacity)
{
    TrafficModel model;
    model.setCapacity(10);
    auto tester = testModel(&model);
    model.setPaused(true);
    for (int i = 1; i <= 25; ++i)
        model.applyBatch({request(i, QStringLiteral("tools/call"), i)});
    EXPECT_EQ(model.heldRows(), 10);
    EXPECT_EQ(model.heldDropped(), 15);
    model.setPaused(false);
    ASSERT_EQ(model.rowCount(), 10);
    EXPECT_EQ(model.row(0).seq, 16);
}

TEST(TrafficModelTest, SlowOnlyShowsAPendingRequestOnceItWaitedLongerThanTheThreshold)
{
    qint64 now = t0;
    TrafficModel model;
    model.setClock([&now] { return now; });
    auto tester = testModel(&model);
    TrafficModel::Filter filter;
    filter.slowOnly = true;
    filter.slowThresholdMs = 100;
    model.setFilter(filter);
    ModelSpies spies(&model);

    const TrafficRow slowCall = request(1, QStringLiteral("tools/call"), 1, QStringLiteral("cursor"), t0);
    const TrafficRow fastCall = request(2, QStringLiteral("tools/call"), 2, QStringLiteral("cursor"), t0 + 1000);
    const TrafficRow slowAnswered = request(3, QStringLiteral("tools/list"), 3, QStringLiteral("cursor"), t0 + 2000);
    now = t0 + 10 * 1000;
    model.applyBatch({slowCall, fastCall, slowAnswered});
    EXPECT_EQ(model.rowCount(), 0);
    EXPECT_TRUE(spies.rowsInserted.isEmpty());

    now = t0 + 60 * 1000; // the third answered slowly: its answer row shows, the rest still waits
    model.applyBatch({answer(4, fastCall, 5), answer(5, slowAnswered, 150)});
    ASSERT_EQ(model.rowCount(), 1);
    EXPECT_EQ(model.row(0).seq, 5);

    // 100 ms later the first and the third request count as slow; they go in before row 5, at once.
    now = t0 + 101 * 1000;
    spies.clear();
    model.showNewlySlow();
    ASSERT_EQ(spies.rowsInserted.count(), 1);
    EXPECT_EQ(spies.rowsInserted.first().at(1).toInt(), 0);
    EXPECT_EQ(spies.rowsInserted.first().at(2).toInt(), 1);
    EXPECT_TRUE(spies.noWholesaleChanges());
    ASSERT_EQ(model.rowCount(), 3);
    EXPECT_EQ(model.row(0).seq, 1);
    EXPECT_EQ(model.row(1).seq, 3);
    EXPECT_TRUE(model.index(0, 0).data(TrafficModel::SlowRole).toBool());
    EXPECT_EQ(cell(model, 0, TrafficModel::StatusColumn), QStringLiteral("pending"));

    // The fast one never shows; nothing changes on the next sweep.
    now = t0 + 10 * 1000 * 1000;
    spies.clear();
    model.showNewlySlow();
    EXPECT_TRUE(spies.rowsInserted.isEmpty());
    EXPECT_EQ(model.rowCount(), 3);
}

TEST(TrafficModelTest, ABatchLargerThanTheCapacityKeepsItsNewestRows)
{
    TrafficModel model;
    model.setCapacity(50);
    auto tester = testModel(&model);
    ModelSpies spies(&model);
    TrafficRows rows;
    for (int i = 1; i <= 30; ++i)
        rows.append(request(i, QStringLiteral("a"), i));
    model.applyBatch(rows);
    rows.clear();
    for (int i = 31; i <= 120; ++i)
        rows.append(request(i, QStringLiteral("b"), i));
    spies.clear();
    model.applyBatch(rows);
    EXPECT_EQ(spies.rowsRemoved.count(), 1);
    EXPECT_EQ(spies.rowsInserted.count(), 1);
    ASSERT_EQ(model.rowCount(), 50);
    EXPECT_EQ(model.row(0).seq, 71);
    EXPECT_EQ(model.row(49).seq, 120);
    model.clear();
    EXPECT_EQ(model.rowCount(), 0);
}

TEST(TrafficModelTest, RecordJsonRoundTrips)
{
    const QJsonObject record{{QStringLiteral("server"), QStringLiteral("memory")},
                             {QStringLiteral("seq"), 42},
                             {QStringLiteral("timeUs"), qint64(1796000000123456)},
                             {QStringLiteral("instance"), QStringLiteral("proj")},
                             {QStringLiteral("session"), 7},
                             {QStringLiteral("client"), QStringLiteral("claude-code")},
                             {QStringLiteral("direction"), QStringLiteral("from-server")},
                             {QStringLiteral("kind"), QStringLiteral("error")},
                             {QStringLiteral("method"), QStringLiteral("tools/call")},
                             {QStringLiteral("id"), QStringLiteral("abc")},
                             {QStringLiteral("size"), 123},
                             {QStringLiteral("durationMs"), 1.234},
                             {QStringLiteral("requestSeq"), 41},
                             {QStringLiteral("errorCode"), -32603},
                             {QStringLiteral("errorMessage"), QStringLiteral("bad")},
                             {QStringLiteral("byBroker"), true},
                             {QStringLiteral("hasBody"), true}};
    const TrafficRow row = TrafficRow::fromJson(record);
    EXPECT_EQ(row.seq, 42);
    EXPECT_FALSE(row.toServer);
    EXPECT_EQ(row.kind, TrafficRow::Kind::Error);
    EXPECT_EQ(row.id, QJsonValue(QStringLiteral("abc")));
    EXPECT_EQ(row.requestSeq, 41);
    QJsonObject back = row.toJson();
    EXPECT_EQ(back.take(QStringLiteral("time")).toString(), QStringLiteral("2026-11-30T00:53:20.123Z"));
    EXPECT_EQ(back, record);
}
