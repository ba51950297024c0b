// The Traffic page offscreen, against a scripted broker: polling only while visible with the
// right cursors, pause on Space, find and copy in the body, export as JSON Lines, body capture.
#include "fakebrokerview.h"
#include "jsondetail.h"
#include "mainwindow.h"
#include "trafficexport.h"
#include "trafficfeed.h"
#include "trafficpage.h"

#include "models/trafficmodel.h"

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeView>
#include <QHeaderView>

#include <gtest/gtest.h>

using namespace manifold;

namespace {

const QString memory = QStringLiteral("memory");
constexpr qint64 t0 = 1796000000000000;

QJsonObject record(qint64 seq, const QString &kind = QStringLiteral("request"), bool hasBody = false,
                   const QString &server = memory)
{
    QJsonObject r{{QStringLiteral("server"), server},
                  {QStringLiteral("seq"), seq},
                  {QStringLiteral("time"), QStringLiteral("2026-11-30T00:53:20.123Z")},
                  {QStringLiteral("timeUs"), t0 + seq},
                  {QStringLiteral("instance"), QString()},
                  {QStringLiteral("session"), 3},
                  {QStringLiteral("client"), QStringLiteral("cursor")},
                  {QStringLiteral("direction"), kind == QLatin1String("request") ? QStringLiteral("to-server")
                                                                                 : QStringLiteral("from-server")},
                  {QStringLiteral("kind"), kind},
                  {QStringLiteral("method"), QStringLiteral("tools/call")},
                  {QStringLiteral("id"), seq},
                  {QStringLiteral("size"), 100 + seq}};
    if (kind != QLatin1String("request")) {
        r.insert(QStringLiteral("durationMs"), 1.5);
        r.insert(QStringLiteral("requestSeq"), seq - 1);
    }
    if (hasBody)
        r.insert(QStringLiteral("hasBody"), true);
    return r;
}

QJsonObject trafficReply(const QJsonArray &records, const QJsonObject &cursor, qint64 skipped = 0,
                         bool more = false)
{
    return {{QStringLiteral("records"), records}, {QStringLiteral("cursor"), cursor},
            {QStringLiteral("missed"), 0},        {QStringLiteral("skipped"), skipped},
            {QStringLiteral("more"), more}};
}

QJsonObject server(bool captureBodies)
{
    return {{QStringLiteral("name"), memory},
            {QStringLiteral("state"), QStringLiteral("running")},
            {QStringLiteral("traffic"), QJsonObject{{QStringLiteral("records"), 0},
                                                    {QStringLiteral("captureBodies"), captureBodies}}}};
}

bool waitForCalls(FakeBrokerView &view, const QString &method, int count)
{
    return QTest::qWaitFor([&] { return view.pendingCalls(method).size() == count; }, 5000);
}

const QString bodyJson = QStringLiteral(
    R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"needle in json","note":"a second needle"}}})");

// A shown page for "memory" holding rows 1 (request) and 2 (its result, with a body).
std::unique_ptr<TrafficPage> pageWithRows(FakeBrokerView &view)
{
    view.addServer(server(true));
    auto page = std::make_unique<TrafficPage>(&view, memory);
    page->feed()->setInterval(20);
    page->show();
    EXPECT_TRUE(QTest::qWaitForWindowExposed(page.get()));
    EXPECT_TRUE(waitForCalls(view, QStringLiteral("traffic"), 1));
    view.answerCall(QStringLiteral("traffic"), true,
                    trafficReply({record(1), record(2, QStringLiteral("result"), true)}, {{memory, 2}}));
    EXPECT_TRUE(QTest::qWaitFor([&] { return page->model()->rowCount() == 2; }, 5000));
    return page;
}

void selectRow(TrafficPage &page, int row)
{
    page.table()->setCurrentIndex(page.model()->index(row, 0));
}

QList<QJsonObject> readJsonLines(const QString &path)
{
    QFile file(path);
    EXPECT_TRUE(file.open(QIODevice::ReadOnly));
    QList<QJsonObject> lines;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.isEmpty())
            continue;
        QJsonParseError error{};
        const QJsonDocument document = QJsonDocument::fromJson(line, &error);
        EXPECT_EQ(error.error, QJsonParseError::NoError) << line.toStdString();
        EXPECT_TRUE(document.isObject());
        lines.append(document.object());
    }
    return lines;
}

} // namespace

TEST(TrafficPageTest, PollsOnlyWhileVisibleOneCallAtATimeWithTheCursors)
{
    FakeBrokerView view;
    view.addServer(server(false));
    TrafficPage page(&view, memory);
    page.feed()->setInterval(20);
    EXPECT_FALSE(page.feed()->isRunning());
    EXPECT_TRUE(view.pendingCalls(QStringLiteral("traffic")).isEmpty());

    page.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&page));
    EXPECT_TRUE(page.feed()->isRunning());
    ASSERT_TRUE(waitForCalls(view, QStringLiteral("traffic"), 1));
    const QJsonObject first = view.pendingCalls(QStringLiteral("traffic")).first().params;
    EXPECT_EQ(first.value(QStringLiteral("name")).toString(), memory);
    EXPECT_TRUE(first.value(QStringLiteral("skipOld")).toBool());
    EXPECT_EQ(first.value(QStringLiteral("limit")).toInt(), 500);
    EXPECT_FALSE(first.contains(QStringLiteral("after")));

    // Ticks while the call is outstanding ask nothing more.
    auto *timer = page.feed()->findChild<QTimer *>();
    ASSERT_NE(timer, nullptr);
    QSignalSpy ticks(timer, &QTimer::timeout);
    ASSERT_TRUE(QTest::qWaitFor([&] { return ticks.count() >= 3; }, 5000));
    EXPECT_EQ(view.pendingCalls(QStringLiteral("traffic")).size(), 1);

    view.answerCall(QStringLiteral("traffic"), true,
                    trafficReply({record(1), record(2, QStringLiteral("result"))}, {{memory, 2}}, 40));
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.model()->rowCount() == 2; }, 5000));
    EXPECT_EQ(page.droppedLabel()->text(), QStringLiteral("40 row(s) skipped to keep up"));
    EXPECT_TRUE(page.droppedLabel()->isVisible());
    ASSERT_TRUE(waitForCalls(view, QStringLiteral("traffic"), 1));
    EXPECT_EQ(view.pendingCalls(QStringLiteral("traffic")).first().params.value(QStringLiteral("after")).toObject(),
              (QJsonObject{{memory, 2}}));

    // A reconnect keeps the cursor and forgets the call that was in flight.
    view.reconnect();
    ASSERT_TRUE(waitForCalls(view, QStringLiteral("traffic"), 2));
    EXPECT_EQ(view.pendingCalls(QStringLiteral("traffic")).last().params.value(QStringLiteral("after")).toObject(),
              (QJsonObject{{memory, 2}}));
    view.answerCall(QStringLiteral("traffic"), true, trafficReply({record(3)}, {{memory, 3}})); // stale
    // A broker that restarted reports a lower cursor: read again from its oldest record.
    QSignalSpy reset(page.feed(), &TrafficFeed::cursorReset);
    view.answerCall(QStringLiteral("traffic"), true, trafficReply({record(1)}, {{memory, 1}}));
    ASSERT_TRUE(reset.wait(5000));
    EXPECT_EQ(page.model()->rowCount(), 2);
    ASSERT_TRUE(waitForCalls(view, QStringLiteral("traffic"), 1));
    EXPECT_FALSE(view.pendingCalls(QStringLiteral("traffic")).first().params.contains(QStringLiteral("after")));

    // A broker without the traffic method (or any failure) says so under the table.
    view.answerCall(QStringLiteral("traffic"), false, {}, QStringLiteral("Method not found"));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return page.droppedLabel()->text().contains(QStringLiteral("Traffic is not available: Method not found")); },
        5000));

    page.hide();
    EXPECT_FALSE(page.feed()->isRunning());
}

TEST(TrafficPageTest, SpaceInTheTablePausesAndResumes)
{
    FakeBrokerView view;
    auto page = pageWithRows(view);
    page->table()->setFocus();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page->table()->hasFocus(); }, 5000));
    QTest::keyClick(page->table(), Qt::Key_Space);
    EXPECT_TRUE(page->pauseButton()->isChecked());
    EXPECT_TRUE(page->model()->isPaused());
    EXPECT_EQ(page->pauseButton()->text(), QStringLiteral("&Resume"));

    ASSERT_TRUE(waitForCalls(view, QStringLiteral("traffic"), 1));
    view.answerCall(QStringLiteral("traffic"), true, trafficReply({record(3), record(4)}, {{memory, 4}}));
    ASSERT_TRUE(QTest::qWaitFor([&] { return page->model()->heldRows() == 2; }, 5000));
    EXPECT_EQ(page->model()->rowCount(), 2);
    EXPECT_EQ(page->droppedLabel()->text(), QStringLiteral("Paused: 2 new message(s) waiting"));

    QSignalSpy inserted(page->model(), &QAbstractItemModel::rowsInserted);
    QTest::keyClick(page->table(), Qt::Key_Space);
    EXPECT_FALSE(page->pauseButton()->isChecked());
    EXPECT_EQ(inserted.count(), 1);
    EXPECT_EQ(page->model()->rowCount(), 4);
}

TEST(TrafficPageTest, TheBodyIsIndentedAndCtrlFFindsCtrlCCopies)
{
    FakeBrokerView view;
    auto page = pageWithRows(view);
    selectRow(*page, 1);
    ASSERT_TRUE(waitForCalls(view, QStringLiteral("trafficBody"), 1));
    const QJsonObject params = view.pendingCalls(QStringLiteral("trafficBody")).first().params;
    EXPECT_EQ(params, (QJsonObject{{QStringLiteral("name"), memory}, {QStringLiteral("seq"), 2}}));
    view.answerCall(QStringLiteral("trafficBody"), true,
                    {{QStringLiteral("seq"), 2}, {QStringLiteral("body"), bodyJson},
                     {QStringLiteral("size"), bodyJson.size()}, {QStringLiteral("truncated"), false}});
    JsonDetail *detail = page->detail();
    ASSERT_TRUE(QTest::qWaitFor([&] { return detail->hasBody(); }, 5000));
    const QString indented = QString::fromUtf8(QJsonDocument::fromJson(bodyJson.toUtf8()).toJson()).trimmed();
    EXPECT_EQ(detail->bodyText(), indented);
    EXPECT_TRUE(detail->bodyText().contains(QStringLiteral("\n    \"method\": \"tools/call\"")));

    detail->editor()->setFocus();
    ASSERT_TRUE(QTest::qWaitFor([&] { return detail->editor()->hasFocus(); }, 5000));
    // Ctrl+C with nothing selected copies the whole body.
    QApplication::clipboard()->clear();
    QTest::keyClick(detail->editor(), Qt::Key_C, Qt::ControlModifier);
    EXPECT_EQ(QApplication::clipboard()->text(), indented);

    QTest::keyClick(detail->editor(), Qt::Key_F, Qt::ControlModifier);
    ASSERT_TRUE(detail->findField()->isVisible());
    EXPECT_TRUE(detail->findField()->hasFocus());
    QTest::keyClicks(detail->findField(), QStringLiteral("needle"));
    QTest::keyClick(detail->findField(), Qt::Key_Return);
    EXPECT_EQ(detail->editor()->textCursor().selectedText(), QStringLiteral("needle"));
    EXPECT_TRUE(detail->findStatus()->text().isEmpty());

    // Ctrl+C with a selection copies just that.
    detail->editor()->setFocus();
    QTest::keyClick(detail->editor(), Qt::Key_C, Qt::ControlModifier);
    EXPECT_EQ(QApplication::clipboard()->text(), QStringLiteral("needle"));

    // F3 and Shift+F3 move between matches, wrapping at the ends.
    const int first = detail->editor()->textCursor().selectionStart();
    QTest::keyClick(detail->editor(), Qt::Key_F3);
    const int second = detail->editor()->textCursor().selectionStart();
    EXPECT_GT(second, first);
    EXPECT_EQ(detail->editor()->textCursor().selectedText(), QStringLiteral("needle"));
    QTest::keyClick(detail->editor(), Qt::Key_F3);
    EXPECT_EQ(detail->editor()->textCursor().selectionStart(), first);
    QTest::keyClick(detail->editor(), Qt::Key_F3, Qt::ShiftModifier);
    EXPECT_EQ(detail->editor()->textCursor().selectionStart(), second);
    detail->findField()->setText(QStringLiteral("haystack"));
    QTest::keyClick(detail->findField(), Qt::Key_Return);
    EXPECT_EQ(detail->findStatus()->text(), QStringLiteral("Not found"));
}

TEST(TrafficPageTest, EveryControlHasAnAccessibleName)
{
    FakeBrokerView view;
    auto page = pageWithRows(view);
    int checked = 0;
    for (QWidget *widget : page->findChildren<QWidget *>()) {
        const bool inner = qobject_cast<QAbstractSpinBox *>(widget->parentWidget()) ||
                           qobject_cast<QComboBox *>(widget->parentWidget()) ||
                           qobject_cast<QLineEdit *>(widget->parentWidget());
        const bool control = qobject_cast<QAbstractButton *>(widget) || qobject_cast<QComboBox *>(widget) ||
                             qobject_cast<QLineEdit *>(widget) || qobject_cast<QAbstractSpinBox *>(widget) ||
                             qobject_cast<QTreeView *>(widget) || qobject_cast<QPlainTextEdit *>(widget);
        if (!control || inner)
            continue;
        EXPECT_FALSE(widget->accessibleName().isEmpty()) << widget->metaObject()->className();
        ++checked;
    }
    EXPECT_GE(checked, 14);
}

TEST(TrafficPageTest, DefaultColumnsFitTheirContentUntilTheUserSizesThem)
{
    QSettings().remove(QStringLiteral("traffic/header"));
    FakeBrokerView view;
    int savedTimeWidth = 0;
    {
        auto page = pageWithRows(view);
        QHeaderView *header = page->table()->header();
        const QFontMetrics metrics = page->table()->fontMetrics();
        EXPECT_GE(header->sectionSize(TrafficModel::TimeColumn), metrics.horizontalAdvance(QStringLiteral("05:11:54.466")));
        EXPECT_GE(header->sectionSize(TrafficModel::ClientColumn),
                  metrics.horizontalAdvance(QStringLiteral("cursor-vscode #12")));
        EXPECT_GE(header->sectionSize(TrafficModel::DirectionColumn),
                  header->sectionSizeHint(TrafficModel::DirectionColumn)); // "Dir." whole
        EXPECT_LT(header->sectionSize(TrafficModel::DirectionColumn), header->sectionSize(TrafficModel::ClientColumn));
        EXPECT_EQ(header->sectionResizeMode(TrafficModel::MethodColumn), QHeaderView::Stretch);
        EXPECT_EQ(header->sectionResizeMode(TrafficModel::ClientColumn), QHeaderView::Interactive);
        // The detail pane names the arrow column in full.
        const QStringList names = [&] {
            QStringList all;
            for (const QLabel *label : page->findChildren<QLabel *>())
                all << label->text();
            return all;
        }();
        EXPECT_TRUE(names.contains(QStringLiteral("Direction:"))) << names.join(QLatin1Char('|')).toStdString();

        savedTimeWidth = header->sectionSize(TrafficModel::TimeColumn) + 57;
        header->resizeSection(TrafficModel::TimeColumn, savedTimeWidth);
        page->hide(); // saves the layout
    }
    ASSERT_TRUE(QSettings().contains(QStringLiteral("traffic/header")));
    auto again = std::make_unique<TrafficPage>(&view, memory);
    EXPECT_EQ(again->table()->header()->sectionSize(TrafficModel::TimeColumn), savedTimeWidth);
    QSettings().remove(QStringLiteral("traffic/header"));
}

TEST(TrafficPageTest, ExportsTheSelectionAndEverythingKeptAsJsonLines)
{
    FakeBrokerView view;
    view.addServer(server(true));
    TrafficPage page(&view, memory); // hidden: the feed stays quiet
    const QJsonObject request = record(1);
    const QJsonObject result = record(2, QStringLiteral("result"), true);
    page.model()->applyBatch({TrafficRow::fromJson(request), TrafficRow::fromJson(result),
                              TrafficRow::fromJson(record(3))});
    page.table()->selectionModel()->select(page.model()->index(0, 0),
                                           QItemSelectionModel::Select | QItemSelectionModel::Rows);
    page.table()->selectionModel()->select(page.model()->index(1, 0),
                                           QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    QSignalSpy finished(page.exporter(), &TrafficExport::finished);

    const QString selection = dir.filePath(QStringLiteral("selection.jsonl"));
    ASSERT_TRUE(page.exportSelection(selection));
    ASSERT_TRUE(waitForCalls(view, QStringLiteral("trafficBody"), 1));
    view.answerCall(QStringLiteral("trafficBody"), true, {{QStringLiteral("seq"), 2}, {QStringLiteral("body"), bodyJson}});
    ASSERT_TRUE(finished.wait(5000));
    EXPECT_TRUE(finished.first().at(0).toBool());
    QList<QJsonObject> lines = readJsonLines(selection);
    ASSERT_EQ(lines.size(), 2);
    QJsonObject withBody = result;
    withBody.insert(QStringLiteral("body"), bodyJson);
    lines[0].remove(QStringLiteral("time"));
    lines[1].remove(QStringLiteral("time"));
    QJsonObject expectedRequest = request;
    expectedRequest.remove(QStringLiteral("time"));
    withBody.remove(QStringLiteral("time"));
    EXPECT_EQ(lines[0], expectedRequest);
    EXPECT_EQ(lines[1], withBody);

    // Everything kept: paged with bodies through the cursor until nothing more waits.
    finished.clear();
    const QString all = dir.filePath(QStringLiteral("all.jsonl"));
    ASSERT_TRUE(page.exportAllKept(all));
    ASSERT_TRUE(waitForCalls(view, QStringLiteral("traffic"), 1));
    QJsonObject params = view.pendingCalls(QStringLiteral("traffic")).first().params;
    EXPECT_TRUE(params.value(QStringLiteral("bodies")).toBool());
    EXPECT_FALSE(params.contains(QStringLiteral("after")));
    EXPECT_FALSE(params.value(QStringLiteral("skipOld")).toBool());
    QJsonObject keptResult = result;
    keptResult.insert(QStringLiteral("body"), bodyJson);
    view.answerCall(QStringLiteral("traffic"), true, trafficReply({request, keptResult}, {{memory, 2}}, 0, true));
    ASSERT_TRUE(waitForCalls(view, QStringLiteral("traffic"), 1));
    params = view.pendingCalls(QStringLiteral("traffic")).first().params;
    EXPECT_EQ(params.value(QStringLiteral("after")).toObject(), (QJsonObject{{memory, 2}}));
    view.answerCall(QStringLiteral("traffic"), true, trafficReply({record(3)}, {{memory, 3}}));
    ASSERT_TRUE(finished.wait(5000));
    EXPECT_EQ(finished.first().at(1).toInt(), 3);
    lines = readJsonLines(all);
    ASSERT_EQ(lines.size(), 3);
    EXPECT_EQ(lines[0], request);
    EXPECT_EQ(lines[1], keptResult);
    EXPECT_EQ(lines[2], record(3));
}

TEST(TrafficPageTest, CaptureBodiesSendsSetAndMirrorsTheServer)
{
    FakeBrokerView view;
    view.addServer(server(false));
    TrafficPage page(&view, memory);
    EXPECT_TRUE(page.captureBodies()->isEnabled());
    EXPECT_FALSE(page.captureBodies()->isChecked());

    page.captureBodies()->click();
    ASSERT_EQ(view.pendingCalls(QStringLiteral("set")).size(), 1);
    EXPECT_EQ(view.pendingCalls(QStringLiteral("set")).first().params,
              (QJsonObject{{QStringLiteral("name"), memory}, {QStringLiteral("key"), QStringLiteral("captureBodies")},
                           {QStringLiteral("value"), QStringLiteral("true")}}));
    view.changeServer(server(true));
    view.answerCall(QStringLiteral("set"), true, {});
    ASSERT_TRUE(QTest::qWaitFor([&] { return view.pendingCalls(QStringLiteral("set")).isEmpty(); }, 5000));
    EXPECT_TRUE(page.captureBodies()->isChecked());
    view.changeServer(server(false)); // changed elsewhere (manifoldctl set)
    EXPECT_FALSE(page.captureBodies()->isChecked());

    // A row without a body on a server that does not capture: the pane says how to turn it on.
    page.model()->applyBatch({TrafficRow::fromJson(record(1))});
    selectRow(page, 0);
    EXPECT_FALSE(page.detail()->hasBody());
    QPushButton *turnOn = nullptr;
    for (QPushButton *button : page.findChildren<QPushButton *>()) {
        if (button->text() == QStringLiteral("Capture Bodies of \"memory\""))
            turnOn = button;
    }
    ASSERT_NE(turnOn, nullptr);
    EXPECT_TRUE(turnOn->isVisibleTo(&page));
    turnOn->click();
    ASSERT_EQ(view.pendingCalls(QStringLiteral("set")).size(), 1);
    EXPECT_EQ(view.pendingCalls(QStringLiteral("set")).first().params.value(QStringLiteral("value")).toString(),
              QStringLiteral("true"));

    TrafficPage all(&view, QString());
    EXPECT_FALSE(all.captureBodies()->isEnabled());
}

TEST(TrafficPageTest, MainWindowHasAllServersAndPerServerTrafficPages)
{
    FakeBrokerView view;
    view.addServer(server(false));
    QJsonObject other = server(false);
    other.insert(QStringLiteral("name"), QStringLiteral("github"));
    view.addServer(other);
    MainWindow window(&view);
    auto *all = window.findChild<TrafficPage *>(QStringLiteral("trafficPage"));
    ASSERT_NE(all, nullptr);
    EXPECT_EQ(all->server(), QString());
    EXPECT_EQ(window.pages()->tabText(window.pages()->indexOf(all)), QStringLiteral("&Traffic"));
    TrafficPage *perServer = window.serverTrafficPage();
    EXPECT_EQ(window.tabs()->tabText(window.tabs()->indexOf(perServer)), QStringLiteral("T&raffic"));

    window.showTraffic(QStringLiteral("github"));
    EXPECT_EQ(window.selectedServer(), QStringLiteral("github"));
    EXPECT_EQ(window.pages()->currentWidget(), window.tabs()->parentWidget());   // the Servers page
    EXPECT_EQ(window.tabs()->currentWidget(), perServer);
    EXPECT_EQ(perServer->server(), QStringLiteral("github"));
    window.selectServer(memory);
    EXPECT_EQ(perServer->server(), memory);

    // Ctrl+F in the traffic table opens the message's find bar, not the window's log search.
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    perServer->table()->setFocus();
    ASSERT_TRUE(QTest::qWaitFor([&] { return perServer->table()->hasFocus(); }, 5000));
    QTest::keyClick(perServer->table(), Qt::Key_F, Qt::ControlModifier);
    EXPECT_EQ(window.tabs()->currentWidget(), perServer);
    EXPECT_TRUE(perServer->detail()->findField()->isVisible());
    EXPECT_TRUE(perServer->detail()->findField()->hasFocus());
    EXPECT_FALSE(window.logSearch()->hasFocus());
}
