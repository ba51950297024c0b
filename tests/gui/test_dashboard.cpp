// The dashboard offscreen, against a scripted broker: a card per server, the `health` reply's
// numbers on the cards, Enter opening the server's traffic, the tray's summary and the
// window's Dashboard page and Health tab.

#include "fakebrokerview.h"
#include "test_health_fixtures.h"

#include "dashboardpage.h"
#include "healthfeed.h"
#include "mainwindow.h"
#include "trafficpage.h"
#include "models/modelformat.h"
#include "models/healthmodel.h"
#include "servercard.h"
#include "trayicon.h"
#include "widgets/sparkline.h"

#include <QAction>
#include <QMenu>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTest>

#include <gtest/gtest.h>

using namespace manifold;

namespace {

QJsonObject server(const QString &name, const QString &state = QStringLiteral("running"))
{
    return {{QStringLiteral("name"), name}, {QStringLiteral("state"), state}};
}

// Waits for the feed's `health` call and answers it.
bool answerHealth(FakeBrokerView &view, const QJsonObject &reply)
{
    if (!QTest::qWaitFor([&] {
            for (const auto &call : view.calls()) {
                if (call.method == QLatin1String("health"))
                    return true;
            }
            return false;
        }, 5000))
        return false;
    // Only one call of its kind outstanding.
    int health = 0;
    for (const auto &call : view.calls())
        health += call.method == QLatin1String("health");
    if (health != 1 || view.calls().first().method != QLatin1String("health"))
        return false;
    view.answer(true, reply);
    return true;
}

} // namespace

TEST(DashboardTest, CardsForServersNumbersFromHealthEnterOpensTraffic)
{
    FakeBrokerView view;
    view.addServer(server(QStringLiteral("memory")));
    view.addServer(server(QStringLiteral("github"), QStringLiteral("failed")));
    DashboardPage page(&view);
    page.resize(800, 600);
    page.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&page));
    ASSERT_EQ(page.cards().size(), 2);
    EXPECT_EQ(page.cards().at(0)->server(), QStringLiteral("github")); // name order
    ServerCard *memory = page.card(QStringLiteral("memory"));
    ASSERT_NE(memory, nullptr);
    EXPECT_EQ(memory->callsText(), ModelFormat::none());
    EXPECT_TRUE(memory->callsChart()->samples().isEmpty());

    QSignalSpy changed(page.feed(), &HealthFeed::healthChanged);
    ASSERT_TRUE(answerHealth(view, healthfixtures::reply(
                                       {healthfixtures::serverHealth(QStringLiteral("memory"), 42, 220, 3, 20480)})));
    ASSERT_TRUE(changed.wait(5000));
    EXPECT_EQ(memory->callsText(), QStringLiteral("42/min"));
    EXPECT_EQ(memory->latencyText(), QStringLiteral("p95 220 ms · p50 110 ms"));
    EXPECT_EQ(memory->errorsText(), QStringLiteral("3/min"));
    EXPECT_EQ(memory->memoryText(), QStringLiteral("20.0 MiB"));
    EXPECT_EQ(memory->callsChart()->samples().size(), 60);
    EXPECT_DOUBLE_EQ(memory->latencyChart()->samples().last(), 590);
    EXPECT_TRUE(memory->latencyChart()->hasThreshold());
    EXPECT_FALSE(memory->accessibleName().isEmpty());
    EXPECT_TRUE(memory->accessibleDescription().contains(QStringLiteral("42/min")));
    // The other card has no health yet and says so.
    EXPECT_EQ(page.card(QStringLiteral("github"))->callsText(), ModelFormat::none());

    // Tab reaches the cards; Enter on one asks for its traffic.
    QSignalSpy open(&page, &DashboardPage::openTraffic);
    memory->setFocus(Qt::TabFocusReason);
    ASSERT_TRUE(QTest::qWaitFor([&] { return memory->hasFocus(); }, 2000));
    QTest::keyClick(memory, Qt::Key_Return);
    ASSERT_EQ(open.size(), 1);
    EXPECT_EQ(open.first().first().toString(), QStringLiteral("memory"));
    EXPECT_EQ(memory->focusPolicy() & Qt::TabFocus, Qt::TabFocus);
    QTest::mouseDClick(page.card(QStringLiteral("github")), Qt::LeftButton);
    ASSERT_EQ(open.size(), 2);
    EXPECT_EQ(open.last().first().toString(), QStringLiteral("github"));
    // Other keys are not taken.
    QTest::keyClick(memory, Qt::Key_A);
    EXPECT_EQ(open.size(), 2);

    // Servers come and go with their cards.
    view.addServer(server(QStringLiteral("zeta")));
    EXPECT_EQ(page.cards().size(), 3);
    view.removeServer(QStringLiteral("github"));
    EXPECT_EQ(page.cards().size(), 2);
    EXPECT_EQ(page.card(QStringLiteral("github")), nullptr);
}

TEST(DashboardTest, CardsFillTheWidthInEqualColumnsWithoutSidewaysScrolling)
{
    FakeBrokerView view;
    for (const char *name : {"alpha", "beta", "gamma", "delta", "epsilon"})
        view.addServer(server(QString::fromLatin1(name)));
    DashboardPage page(&view);
    page.resize(1100, 700);
    page.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&page));
    ASSERT_EQ(page.cards().size(), 5);

    // As many columns as hold a card at its minimum width; the cards share the width equally.
    const int width = page.viewport()->width();
    const int minimum = DashboardPage::minimumCardWidth();
    const int expected = page.columns();
    EXPECT_EQ(expected, 3) << width; // 1100 px: three of 320 px fit, four do not
    EXPECT_LE(expected * minimum, width);
    EXPECT_GT((expected + 1) * minimum, width - 40);
    const QList<ServerCard *> cards = page.cards();
    ASSERT_TRUE(QTest::qWaitFor([&] { return cards.at(0)->width() >= DashboardPage::minimumCardWidth(); }, 2000));
    for (ServerCard *card : cards) {
        EXPECT_NEAR(card->width(), cards.at(0)->width(), 1) << card->server().toStdString();
        EXPECT_LE(card->geometry().right(), width);
    }
    // Together they use the row: less than a card's width is left over.
    const int used = cards.at(expected - 1)->geometry().right() - cards.at(0)->geometry().left();
    EXPECT_GT(used, width - minimum);
    EXPECT_GT(cards.at(expected)->y(), cards.at(0)->y());
    EXPECT_EQ(cards.at(expected)->x(), cards.at(0)->x());
    EXPECT_FALSE(page.horizontalScrollBar()->isVisible());
    EXPECT_FALSE(page.verticalScrollBar()->isVisible()); // everything fits

    // Narrower: fewer columns, still no sideways scrolling; wider cards follow.
    page.resize(2 * minimum + 60, 700);
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.columns() == 2; }, 2000)) << page.columns();
    ASSERT_TRUE(QTest::qWaitFor([&] { return cards.at(2)->x() == cards.at(0)->x(); }, 2000));
    EXPECT_FALSE(page.horizontalScrollBar()->isVisible());

    // Fewer cards than fit: they share the whole width.
    for (const char *name : {"gamma", "delta", "epsilon"})
        view.removeServer(QString::fromLatin1(name));
    page.resize(1100, 700);
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.columns() == 2; }, 2000)) << page.columns();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.cards().at(1)->geometry().right() > page.viewport()->width() - 30; }, 2000))
        << page.cards().at(1)->geometry().right() << " of " << page.viewport()->width();
    EXPECT_NEAR(page.cards().at(0)->width(), page.cards().at(1)->width(), 1);
}

TEST(DashboardTest, WindowShowsDashboardFirstAndTheSelectedServersHealth)
{
    FakeBrokerView view;
    view.addServer(server(QStringLiteral("memory")));
    MainWindow window(&view);
    window.resize(1200, 760);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    window.pages()->setCurrentIndex(2);
    window.showDashboard();
    ASSERT_TRUE(QTest::qWaitFor([&] { return window.dashboardPage()->card(QStringLiteral("memory"))->width() > 1000; }, 2000));
    // One card fits: no scrollbars at all (the scroll area hides them on a queued call).
    EXPECT_TRUE(QTest::qWaitFor([&] { return !window.dashboardPage()->verticalScrollBar()->isVisible(); }, 2000))
        << window.dashboardPage()->widget()->minimumSizeHint().height() << " of "
        << window.dashboardPage()->viewport()->height();
    EXPECT_FALSE(window.dashboardPage()->horizontalScrollBar()->isVisible());
    EXPECT_EQ(window.pages()->widget(0), window.dashboardPage());
    EXPECT_EQ(window.pages()->widget(0)->objectName(), QStringLiteral("dashboardPage"));
    EXPECT_EQ(window.pages()->tabText(0), MainWindow::tr("&Dashboard"));
    EXPECT_EQ(window.pages()->indexOf(window.tabs()->parentWidget()), 1);
    ASSERT_NE(window.healthCard(), nullptr);
    EXPECT_EQ(window.healthCard()->server(), QStringLiteral("memory"));
    EXPECT_GE(window.tabs()->indexOf(window.healthCard()), 0);

    // A card's Enter shows the server on the Servers page with its Traffic tab.
    ServerCard *card = window.dashboardPage()->card(QStringLiteral("memory"));
    ASSERT_NE(card, nullptr);
    emit card->openTraffic(QStringLiteral("memory"));
    EXPECT_EQ(window.selectedServer(), QStringLiteral("memory"));
    EXPECT_EQ(window.tabs()->currentWidget(), static_cast<QWidget *>(window.serverTrafficPage()));
    EXPECT_EQ(window.serverTrafficPage()->server(), QStringLiteral("memory"));
    EXPECT_EQ(window.pages()->currentWidget(), window.tabs()->parentWidget());
    window.showDashboard();
    EXPECT_EQ(window.pages()->currentWidget(), window.dashboardPage());
}

TEST(DashboardTest, TraySummarisesServersClientsFailingAndSlowest)
{
    FakeBrokerView view;
    view.addServer(server(QStringLiteral("memory")));
    view.addServer(server(QStringLiteral("github"), QStringLiteral("failed")));
    view.openSession({{QStringLiteral("id"), 1}, {QStringLiteral("server"), QStringLiteral("memory")}});
    TrayIcon tray(&view);
    // One program with shims for two servers is one client; another program is a second one.
    view.openSession({{QStringLiteral("id"), 2}, {QStringLiteral("server"), QStringLiteral("memory")},
                      {QStringLiteral("parentPid"), 4242}});
    view.openSession({{QStringLiteral("id"), 3}, {QStringLiteral("server"), QStringLiteral("github")},
                      {QStringLiteral("parentPid"), 4242}});
    EXPECT_TRUE(tray.summaryText().contains(QLatin1String(", 2 client"))) << tray.summaryText().toStdString();
    view.closeSession(2);
    view.closeSession(3);
    // Plural forms come from the translations; the counts are what matter here.
    const auto summaryHas = [&tray](const char *text) {
        return tray.summaryText().contains(QLatin1String(text));
    };
    EXPECT_TRUE(summaryHas("2 server")) << tray.summaryText().toStdString();
    EXPECT_TRUE(summaryHas(", 1 client"));
    EXPECT_TRUE(summaryHas(", 1 failing"));
    EXPECT_FALSE(summaryHas("slowest"));
    EXPECT_EQ(tray.menu()->actions().first(), tray.summaryAction());
    EXPECT_FALSE(tray.summaryAction()->isEnabled());
    EXPECT_TRUE(tray.menu()->actions().contains(tray.dashboardAction()));
    QSignalSpy dashboard(&tray, &TrayIcon::dashboardRequested);
    tray.dashboardAction()->trigger();
    EXPECT_EQ(dashboard.size(), 1);

    QSignalSpy changed(tray.healthFeed(), &HealthFeed::healthChanged);
    ASSERT_TRUE(answerHealth(view, healthfixtures::reply(
                                       {healthfixtures::serverHealth(QStringLiteral("memory"), 42, 220)})));
    ASSERT_TRUE(changed.wait(5000));
    EXPECT_TRUE(tray.summaryText().endsWith(QLatin1String(", slowest: p95 220 ms"))) << tray.summaryText().toStdString();
    EXPECT_EQ(tray.systemTrayIcon()->toolTip(), QStringLiteral("Manifold — ") + tray.summaryText());
    view.closeSession(1);
    EXPECT_TRUE(tray.summaryAction()->text().contains(QLatin1String(", 0 client"))) << tray.summaryAction()->text().toStdString();
}

TEST(HealthFeedTest, PollsOnItsIntervalWithOneCallOutstanding)
{
    FakeBrokerView view;
    HealthFeed *feed = HealthFeed::forView(&view);
    EXPECT_EQ(HealthFeed::forView(&view), feed); // one per view, shared
    EXPECT_EQ(feed->interval(), HealthFeed::defaultIntervalMs);
    feed->setInterval(20);
    QSignalSpy polled(feed, &HealthFeed::polled);
    feed->start();
    EXPECT_TRUE(view.calls().isEmpty()); // not from inside start()
    ASSERT_TRUE(QTest::qWaitFor([&] { return !view.calls().isEmpty(); }, 2000));
    EXPECT_EQ(view.calls().first().method, QStringLiteral("health"));
    // Unanswered, it does not ask again however long the interval has passed.
    QTest::qWait(100);
    EXPECT_EQ(view.calls().size(), 1);
    EXPECT_TRUE(feed->isPending());
    // A failed reply is dropped; polling goes on.
    view.answer(false, {}, QStringLiteral("unknown method"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return view.calls().size() == 1; }, 2000));
    EXPECT_EQ(polled.size(), 0);
    view.answer(true, healthfixtures::reply({healthfixtures::serverHealth(QStringLiteral("memory"), 1, 2)}));
    ASSERT_TRUE(polled.wait(2000));
    ASSERT_EQ(feed->latest().size(), 1);
    EXPECT_EQ(feed->latest().first().server, QStringLiteral("memory"));
    feed->stop();
    ASSERT_TRUE(QTest::qWaitFor([&] { return !feed->isPending(); }, 2000));
    const qsizetype calls = view.calls().size();
    QTest::qWait(100);
    EXPECT_EQ(view.calls().size(), calls);
}
