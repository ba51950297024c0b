// The clients map, offscreen: its layout for four clients sharing one memory instance, keyboard
// and mouse, accessible text, HiDPI rendering, the page around it and the window's click-through.

#include "clientmappage.h"
#include "clientmapview.h"
#include "clientspage.h"
#include "mainwindow.h"
#include "test_clientmap_fixtures.h"

#include "models/clientmapmodel.h"
#include "models/sessiontablemodel.h"

#include <QAccessible>
#include <QApplication>
#include <QComboBox>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTreeView>

#include <gtest/gtest.h>

using namespace manifold;
using namespace clientmapfixtures;

namespace {

enum : int { Desktop, Code, Cursor, Git, Memory }; // node indices for openFourClients

const ClientMapView::Edge *edgeBetween(const ClientMapView &map, int from, int to)
{
    for (const auto &edge : map.edges()) {
        if (edge.from == from && edge.to == to)
            return &edge;
    }
    return nullptr;
}

QColor pixelAt(const QImage &image, const QPointF &point, qreal ratio)
{
    return image.pixelColor((point * ratio).toPoint());
}

class ClientMapViewTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        openFourClients(m_view);
        m_map.resize(800, 500);
    }

    FakeBrokerView m_view;
    ClientMapModel m_model{&m_view};
    ClientMapView m_map{&m_model};
};

} // namespace

TEST_F(ClientMapViewTest, ClientsLeftInstancesRightOneEdgePerApplicationAndInstance)
{
    const auto &nodes = m_map.nodes();
    ASSERT_EQ(nodes.size(), 5);
    EXPECT_EQ(nodes.at(Code).name, QStringLiteral("claude-code"));
    EXPECT_EQ(nodes.at(Code).sessions, 3);
    EXPECT_EQ(nodes.at(Desktop).detail, QStringLiteral("claude-desktop"));
    EXPECT_EQ(nodes.at(Memory).kind, ClientMapView::Node::Instance);
    EXPECT_EQ(nodes.at(Memory).server, QStringLiteral("memory"));
    EXPECT_EQ(nodes.at(Memory).sessions, 4);
    for (int client : {Desktop, Code, Cursor}) {
        for (int instance : {Git, Memory})
            EXPECT_LT(nodes.at(client).rect.right(), nodes.at(instance).rect.left());
        EXPECT_GE(nodes.at(client).rect.left(), 0);
    }
    for (int a = 0; a < nodes.size(); ++a) {
        EXPECT_LE(nodes.at(a).rect.right(), m_map.width());
        for (int b = a + 1; b < nodes.size(); ++b)
            EXPECT_FALSE(nodes.at(a).rect.intersects(nodes.at(b).rect)) << a << " " << b;
    }
    ASSERT_EQ(m_map.edges().size(), 4);
    const auto *shared = edgeBetween(m_map, Code, Memory);
    const auto *single = edgeBetween(m_map, Cursor, Memory);
    ASSERT_TRUE(shared && single && edgeBetween(m_map, Desktop, Memory) &&
                edgeBetween(m_map, Code, Git));
    EXPECT_EQ(shared->sessions, 2);
    EXPECT_GT(shared->width, single->width); // two sessions draw a thicker line

    // By requests, Cursor (10 requests) outweighs claude-code's two sessions (3 requests).
    m_map.setEdgeWeight(ClientMapView::Weight::Requests);
    EXPECT_GT(edgeBetween(m_map, Cursor, Memory)->width, edgeBetween(m_map, Code, Memory)->width);

    // Live: a session closing thins the map without a rebuild by hand.
    m_view.closeSession(5);
    EXPECT_EQ(m_map.nodes().size(), 4);
    EXPECT_EQ(m_map.edges().size(), 3);
}

TEST_F(ClientMapViewTest, KeyboardMovesBetweenNodesAndEnterOpens)
{
    m_map.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&m_map));
    m_map.activateWindow();
    m_map.setFocus(Qt::TabFocusReason);
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_map.hasFocus(); }, 5000));
    EXPECT_EQ(m_map.currentNode(), Desktop); // focus starts on the first node
    QSignalSpy traffic(&m_map, &ClientMapView::openTraffic);
    QSignalSpy client(&m_map, &ClientMapView::clientActivated);

    QTest::keyClick(&m_map, Qt::Key_Down);
    EXPECT_EQ(m_map.currentNode(), Code);
    QTest::keyClick(&m_map, Qt::Key_Right); // to the first instance it uses
    EXPECT_EQ(m_map.currentNode(), Git);
    QTest::keyClick(&m_map, Qt::Key_Down);
    EXPECT_EQ(m_map.currentNode(), Memory);
    QTest::keyClick(&m_map, Qt::Key_Down); // the last one stays
    EXPECT_EQ(m_map.currentNode(), Memory);
    // The focused node's edges are highlighted, the others not.
    EXPECT_TRUE(m_map.isHighlighted(*edgeBetween(m_map, Cursor, Memory)));
    EXPECT_FALSE(m_map.isHighlighted(*edgeBetween(m_map, Code, Git)));

    QTest::keyClick(&m_map, Qt::Key_Return);
    ASSERT_EQ(traffic.size(), 1);
    EXPECT_EQ(traffic.first().first().toString(), QStringLiteral("memory"));

    QTest::keyClick(&m_map, Qt::Key_Left); // back to the first client of memory
    EXPECT_EQ(m_map.currentNode(), Desktop);
    QTest::keyClick(&m_map, Qt::Key_End);
    EXPECT_EQ(m_map.currentNode(), Cursor);
    QTest::keyClick(&m_map, Qt::Key_Enter);
    ASSERT_EQ(client.size(), 1);
    EXPECT_EQ(client.first().first().toString(), QStringLiteral("Cursor"));
}

TEST_F(ClientMapViewTest, HoverHighlightsAClientsEdges)
{
    m_map.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&m_map));
    QTest::mouseMove(&m_map, m_map.nodes().at(Code).rect.center().toPoint());
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_map.hoveredNode() == Code; }, 5000));
    EXPECT_TRUE(m_map.isHighlighted(*edgeBetween(m_map, Code, Git)));
    EXPECT_TRUE(m_map.isHighlighted(*edgeBetween(m_map, Code, Memory)));
    EXPECT_FALSE(m_map.isHighlighted(*edgeBetween(m_map, Cursor, Memory)));
    EXPECT_TRUE(m_map.toolTip().contains(QStringLiteral("claude-code")));
}

TEST_F(ClientMapViewTest, AccessibleNameAndDescriptionSummariseTheMap)
{
    EXPECT_FALSE(m_map.accessibleName().isEmpty());
    const QString description = m_map.accessibleDescription();
    EXPECT_TRUE(description.startsWith(ClientMapView::tr("%n client application(s)", nullptr, 3)))
        << description.toStdString();
    EXPECT_TRUE(description.contains(QStringLiteral("memory (shared)")))
        << description.toStdString();
    EXPECT_TRUE(description.contains(QStringLiteral("claude-code ×2")))
        << description.toStdString();
    QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(&m_map);
    ASSERT_NE(accessible, nullptr);
    EXPECT_EQ(accessible->text(QAccessible::Description), description);
    EXPECT_EQ(accessible->text(QAccessible::Name), m_map.accessibleName());

    m_map.setCurrentNode(Memory);
    EXPECT_TRUE(m_map.accessibleDescription().contains(m_map.nodeText(Memory)));

    FakeBrokerView empty;
    ClientMapModel none(&empty);
    ClientMapView nothing(&none);
    EXPECT_EQ(nothing.accessibleDescription(), ClientMapView::tr("No client is connected."));
}

TEST_F(ClientMapViewTest, RendersAtScaleFactorTwoInLightAndDarkPalettes)
{
    for (const bool dark : {false, true}) {
        QPalette palette = m_map.palette();
        palette.setColor(QPalette::Window,
                         dark ? QColor(0x20, 0x22, 0x25) : QColor(0xef, 0xef, 0xef));
        palette.setColor(QPalette::Base,
                         dark ? QColor(0x2b, 0x2d, 0x31) : QColor(0xff, 0xff, 0xff));
        palette.setColor(QPalette::Text,
                         dark ? QColor(0xee, 0xee, 0xee) : QColor(0x10, 0x10, 0x10));
        m_map.setPalette(palette);
        QPixmap pixmap(m_map.size() * 2);
        pixmap.setDevicePixelRatio(2);
        m_map.render(&pixmap);
        EXPECT_EQ(pixmap.deviceIndependentSize().toSize(), m_map.size());
        const QImage image = pixmap.toImage();
        EXPECT_EQ(image.size(), m_map.size() * 2);
        // The background is the window colour; inside a node (below its text) the base colour,
        // at twice the coordinates.
        EXPECT_EQ(pixelAt(image, QPointF(2, 2), 2), palette.color(QPalette::Window));
        const QRectF node = m_map.nodes().at(Memory).rect;
        EXPECT_EQ(pixelAt(image, QPointF(node.right() - 6, node.bottom() - 4), 2),
                  palette.color(QPalette::Base));
    }
}

TEST(ClientMapViewDetail, PathsAreElidedOnTheLeftAfterTheExecutablesWhole)
{
    ClientMapView::Node node;
    node.kind = ClientMapView::Node::Client;
    node.name = QStringLiteral("claude-code");
    node.detailLead = QStringLiteral("node");
    node.detail = QStringLiteral("node · /tmp/manifold-tray-abcdef/projects/infra");
    const QFontMetricsF metrics(QApplication::font());
    const qreal full = metrics.horizontalAdvance(node.detail);
    EXPECT_EQ(ClientMapView::elidedDetail(node, metrics, full + 1), node.detail);

    const qreal narrow = metrics.horizontalAdvance(QStringLiteral("node · \u2026/projects/infra")) + 2;
    const QString shown = ClientMapView::elidedDetail(node, metrics, narrow);
    EXPECT_TRUE(shown.startsWith(QStringLiteral("node · \u2026"))) << shown.toStdString();
    EXPECT_TRUE(shown.endsWith(QStringLiteral("/projects/infra"))) << shown.toStdString();
    EXPECT_LE(metrics.horizontalAdvance(shown), narrow);

    // Without executables the path alone is elided on the left; an instance keeps the middle.
    node.detailLead.clear();
    node.detail = QStringLiteral("/tmp/manifold-tray-abcdef/projects/webshop");
    EXPECT_TRUE(ClientMapView::elidedDetail(node, metrics, metrics.horizontalAdvance(node.detail) / 2)
                    .endsWith(QStringLiteral("webshop")));
    node.kind = ClientMapView::Node::Instance;
    node.detail = QStringLiteral("project /tmp/manifold-tray-abcdef/projects/webshop");
    EXPECT_TRUE(ClientMapView::elidedDetail(node, metrics, metrics.horizontalAdvance(node.detail) / 2)
                    .startsWith(QStringLiteral("project")));
}

TEST(ClientMapPage, TheMapGetsMostOfTheWidthAndNeverScrollsSideways)
{
    QSettings().remove(QStringLiteral("clientMap"));
    FakeBrokerView view;
    openFourClients(view);
    ClientMapPage page(&view);
    page.resize(1000, 600);
    page.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&page));
    const QList<int> sizes = page.splitter()->sizes();
    ASSERT_EQ(sizes.size(), 2);
    const double share = double(sizes.at(0)) / (sizes.at(0) + sizes.at(1));
    EXPECT_NEAR(share, 0.6, 0.03) << sizes.at(0) << " " << sizes.at(1);
    auto *scroll = qobject_cast<QScrollArea *>(page.splitter()->widget(0));
    ASSERT_NE(scroll, nullptr);
    EXPECT_FALSE(scroll->horizontalScrollBar()->isVisible());
    EXPECT_FALSE(scroll->verticalScrollBar()->isVisible()); // four clients fit
    EXPECT_LE(page.map()->width(), scroll->viewport()->width());

    // Dragged as narrow as it goes, the map still fits and has no sideways scrollbar.
    page.splitter()->setSizes({1, 999});
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.splitter()->sizes().at(0) < sizes.at(0); }, 2000));
    EXPECT_GE(scroll->width(), page.map()->minimumSizeHint().width());
    EXPECT_LE(page.map()->width(), scroll->viewport()->width());
    EXPECT_FALSE(scroll->horizontalScrollBar()->isVisible());
    QSettings().remove(QStringLiteral("clientMap"));
}

TEST(ClientMapPage, TreeActivationOpensSessionsAndServersAndGroupingIsRemembered)
{
    QSettings().remove(QStringLiteral("clientMap"));
    FakeBrokerView view;
    openFourClients(view);
    auto page = std::make_unique<ClientMapPage>(&view);
    page->resize(1000, 600);
    page->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(page.get()));
    EXPECT_FALSE(page->groupingBox()->accessibleName().isEmpty());
    EXPECT_FALSE(page->tree()->accessibleName().isEmpty());
    QSignalSpy sessions(page.get(), &ClientMapPage::openSession);
    QSignalSpy traffic(page.get(), &ClientMapPage::openTraffic);

    QTreeView *tree = page->tree();
    tree->setFocus();
    tree->setCurrentIndex(page->model()->indexOfSession(4));
    QTest::keyClick(tree, Qt::Key_Return);
    ASSERT_EQ(sessions.size(), 1);
    EXPECT_EQ(sessions.first().at(0).toString(), QStringLiteral("memory"));
    EXPECT_EQ(sessions.first().at(1).toLongLong(), 4);
    tree->setCurrentIndex(page->model()->indexOfSession(5).parent());
    QTest::keyClick(tree, Qt::Key_Return);
    ASSERT_EQ(traffic.size(), 1);
    EXPECT_EQ(traffic.first().first().toString(), QStringLiteral("git"));

    // Tab reaches the switches, then the map, then the list; Enter on an instance opens its
    // traffic.
    page->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(page.get()));
    page->groupingBox()->setFocus(Qt::TabFocusReason);
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    EXPECT_EQ(QApplication::focusWidget(), page->weightBox());
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    ASSERT_EQ(QApplication::focusWidget(), page->map());
    page->map()->setCurrentNode(Memory);
    QTest::keyClick(page->map(), Qt::Key_Return);
    ASSERT_EQ(traffic.size(), 2);
    EXPECT_EQ(traffic.last().first().toString(), QStringLiteral("memory"));
    QTest::keyClick(page->map(), Qt::Key_Tab);
    EXPECT_EQ(QApplication::focusWidget(), tree);

    // Enter on a client in the map leads to its branch in the list.
    page->map()->setCurrentNode(Cursor);
    page->map()->setFocus();
    QTest::keyClick(page->map(), Qt::Key_Return);
    EXPECT_EQ(tree->currentIndex().data(ClientMapModel::ClientNameRole).toString(),
              QStringLiteral("Cursor"));

    page->groupingBox()->setCurrentIndex(1);
    EXPECT_EQ(page->model()->grouping(), ClientMapModel::Grouping::ByServer);
    EXPECT_TRUE(tree->isExpanded(page->model()->indexOfTopLevel(QStringLiteral("memory"))));
    page->weightBox()->setCurrentIndex(1);
    EXPECT_EQ(page->map()->edgeWeight(), ClientMapView::Weight::Requests);
    page->splitter()->setSizes({300, 700});
    const QList<int> sizes = page->splitter()->sizes();
    page.reset();

    ClientMapPage again(&view);
    EXPECT_EQ(again.model()->grouping(), ClientMapModel::Grouping::ByServer);
    EXPECT_EQ(again.map()->edgeWeight(), ClientMapView::Weight::Requests);
    again.resize(1000, 600);
    again.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&again));
    EXPECT_EQ(again.splitter()->sizes(), sizes);
    QSettings().remove(QStringLiteral("clientMap"));
}

TEST(ClientMapPage, WindowShowsItAfterClientsAndOpensTheSessionsTab)
{
    QSettings().remove(QStringLiteral("clientMap"));
    FakeBrokerView view;
    for (const char *name : {"git", "memory"})
        view.addServer({{QStringLiteral("name"), QLatin1String(name)},
                        {QStringLiteral("state"), QStringLiteral("running")}});
    openFourClients(view);
    MainWindow window(&view);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    auto *page = window.findChild<ClientMapPage *>(QStringLiteral("clientMapPage"));
    ASSERT_NE(page, nullptr);
    const int tab = window.pages()->indexOf(page);
    EXPECT_EQ(tab, window.pages()->indexOf(window.clientsPage()) + 1);
    EXPECT_EQ(window.pages()->tabText(tab), MainWindow::tr("Who &Uses What"));
    window.selectServer(QStringLiteral("git"));
    window.pages()->setCurrentIndex(tab);
    window.tabs()->setCurrentIndex(window.tabs()->count() - 1);

    emit page->openSession(QStringLiteral("memory"), 3);
    EXPECT_EQ(window.pages()->currentIndex(), 0);
    EXPECT_EQ(window.selectedServer(), QStringLiteral("memory"));
    EXPECT_EQ(window.tabs()->currentWidget(), window.sessionTable()->parentWidget());
    const QModelIndexList rows = window.sessionTable()->selectionModel()->selectedRows();
    ASSERT_EQ(rows.size(), 1);
    EXPECT_EQ(rows.first().data(SessionTableModel::SessionIdRole).toLongLong(), 3);
}
