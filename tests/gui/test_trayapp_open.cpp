// TrayApp::showPage, what MANIFOLD_OPEN=traffic|dashboard|map calls at start (benchmarks,
// screenshots): the window shows, on the page found by its objectName.
#include "fakebrokerview.h"
#include "mainwindow.h"
#include "trayapp.h"

#include <QTabWidget>
#include <QTest>

#include <gtest/gtest.h>

using namespace manifold;

TEST(TrayAppOpen, ShowPageSelectsTheTabByObjectName)
{
    FakeBrokerView view;
    TrayApp app(&view, TrayApp::Options{true, false});
    QTabWidget *pages = app.window()->pages();
    ASSERT_GE(pages->count(), 2);

    // The map page is in this build: "map" names it.
    ASSERT_NE(pages->findChild<QWidget *>(QStringLiteral("clientMapPage")), nullptr);
    pages->setCurrentIndex(0);
    EXPECT_TRUE(app.showPage(QStringLiteral("map")));
    ASSERT_TRUE(QTest::qWaitForWindowExposed(app.window()));
    EXPECT_EQ(pages->currentWidget()->objectName(), QStringLiteral("clientMapPage"));

    // Any tab by its objectName, and the named pages whenever they are in the build.
    for (int i = 0; i < pages->count(); ++i) {
        const QString name = pages->widget(i)->objectName();
        if (name.isEmpty())
            continue;
        pages->setCurrentIndex(i == 0 ? 1 : 0);
        EXPECT_TRUE(app.showPage(name)) << name.toStdString();
        EXPECT_EQ(pages->currentIndex(), i) << name.toStdString();
    }
    for (const auto &[page, objectName] :
         {std::pair{"traffic", "trafficPage"}, std::pair{"dashboard", "dashboardPage"}}) {
        const bool present = pages->findChild<QWidget *>(QLatin1String(objectName)) != nullptr;
        EXPECT_EQ(app.showPage(QLatin1String(page)), present) << page;
    }

    // An unknown page still shows the window, on the page it was on.
    pages->setCurrentIndex(0);
    EXPECT_FALSE(app.showPage(QStringLiteral("no-such-page")));
    EXPECT_TRUE(app.window()->isVisible());
    EXPECT_EQ(pages->currentIndex(), 0);
}
