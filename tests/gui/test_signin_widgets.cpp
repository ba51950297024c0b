// Remote servers' sign-in in the tray: the menu offers it per remote server, asks the broker for
// the URL (never opening a browser of its own accord) and opens that URL on the desktop.
#include "fakebrokerview.h"
#include "trayicon.h"

#include <QAction>
#include <QDesktopServices>
#include <QMenu>
#include <QTest>
#include <QUrl>

#include <gtest/gtest.h>

using namespace manifold;

namespace {

// Stands in for the desktop's browser: QDesktopServices hands it the URLs it would open.
class UrlCatcher final : public QObject
{
    Q_OBJECT

public:
    QList<QUrl> opened;

public slots:
    void open(const QUrl &url) { opened.append(url); }
};

QAction *findAction(QMenu *menu, const QString &text)
{
    for (QAction *action : menu->actions()) {
        if (action->menu()) {
            if (QAction *inner = findAction(action->menu(), text))
                return inner;
        }
        if (action->text() == text)
            return action;
    }
    return nullptr;
}

QJsonObject remoteServer(const QString &authState)
{
    return {{QStringLiteral("name"), QStringLiteral("linear")},
            {QStringLiteral("state"), QStringLiteral("sign-in-required")},
            {QStringLiteral("url"), QStringLiteral("https://mcp.linear.app/mcp")},
            {QStringLiteral("sessions"), 2},
            {QStringLiteral("auth"), QJsonObject{{QStringLiteral("state"), authState}}}};
}

} // namespace

TEST(TraySignIn, RemoteServerMenuSignsInThroughTheBrokerAndOpensItsUrl)
{
    UrlCatcher catcher;
    QDesktopServices::setUrlHandler(QStringLiteral("https"), &catcher, "open");
    FakeBrokerView view;
    view.addServer({{QStringLiteral("name"), QStringLiteral("memory")}, {QStringLiteral("state"), QStringLiteral("running")}});
    view.addServer(remoteServer(QStringLiteral("sign-in-required")));
    TrayIcon tray(&view);
    // A local server has nothing to sign in to.
    EXPECT_EQ(findAction(tray.menu(), QStringLiteral("Sign &In to memory…")), nullptr);
    QAction *signIn = findAction(tray.menu(), QStringLiteral("Sign &In to linear…"));
    ASSERT_NE(signIn, nullptr);
    EXPECT_TRUE(catcher.opened.isEmpty());
    signIn->trigger();
    ASSERT_EQ(view.calls().size(), 1);
    EXPECT_EQ(view.calls().first().method, QStringLiteral("login"));
    EXPECT_EQ(view.calls().first().params.value(QStringLiteral("name")).toString(), QStringLiteral("linear"));
    // The tray opens the URL itself: a headless broker in another process has no browser.
    EXPECT_FALSE(view.calls().first().params.value(QStringLiteral("openBrowser")).toBool(true));
    const QString url = QStringLiteral("https://auth.example/authorize?client_id=abc&state=xyz");
    view.answer(true, {{QStringLiteral("signInUrl"), url}});
    ASSERT_TRUE(QTest::qWaitFor([&] { return !catcher.opened.isEmpty(); }, 5000));
    EXPECT_EQ(catcher.opened, QList<QUrl>{QUrl(url)});

    // Signed in: the entry offers signing in again.
    view.changeServer(remoteServer(QStringLiteral("signed-in")));
    EXPECT_NE(findAction(tray.menu(), QStringLiteral("Sign &In Again…")), nullptr);
    QDesktopServices::unsetUrlHandler(QStringLiteral("https"));
}

#include "test_signin_widgets.moc"
