#include "brokerfixture.h"
#include "clientfixtures.h"
#include "clientsetupdialog.h"
#include "clientspage.h"
#include "frontdoorrequest.h"
#include "httpfrontdoorpage.h"
#include "httptokensbox.h"
#include "mainwindow.h"
#include "settingsdialog.h"
#include "testclient.h"
#include "trayapp.h"
#include "trayicon.h"

#include "clients/clientsetup.h"
#include "control/localbrokerview.h"
#include "models/servertablemodel.h"
#include "secrets/secretstore.h"

#include <QApplication>
#include <QDir>
#include <QPushButton>
#include <QTemporaryDir>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QLocalSocket>
#include <QProcess>
#include <QScreen>
#include <QImage>
#include <QMenu>
#include <QSet>
#include <QTabWidget>
#include <QTableView>
#include <QTcpServer>
#include <QTreeWidget>
#include <QLabel>
#include <QTest>

using namespace manifold;

namespace {

// Distinct colours in a sample of the image: a blank or single-colour grab has one or two.
int colourCount(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3) {
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    }
    return int(colours.size());
}

QString artifact(const QString &file)
{
    QDir().mkpath(QStringLiteral(MANIFOLD_ARTIFACTS_DIR));
    return QDir(QStringLiteral(MANIFOLD_ARTIFACTS_DIR)).filePath(file);
}

class Screenshot : public BrokerFixture
{
};

} // namespace

// The tray app with two servers and three connected sessions, saved as PNGs for a person to
// look at: the main window and the tray menu.
TEST_F(Screenshot, MainWindowAndTrayMenu)
{
    for (const QString &name : {QStringLiteral("memory"), QStringLiteral("github")}) {
        ServerConfig config = fakeServer(name);
        config.lingerMs = -1;
        config.env.insert(QStringLiteral("GITHUB_TOKEN"), QStringLiteral("ghp_secret"));
        registerServer(config);
    }
    startBroker();
    LocalBrokerView view(m_broker.get());
    view.setCoalesceInterval(20);

    TestClient claude(m_socketPath), cursor(m_socketPath), code(m_socketPath);
    ASSERT_TRUE(claude.connectAndInitialize(QStringLiteral("memory"), QStringLiteral("claude-ai")));
    ASSERT_TRUE(cursor.connectAndInitialize(QStringLiteral("memory"), QStringLiteral("cursor-vscode")));
    ASSERT_TRUE(code.connectAndInitialize(QStringLiteral("github"), QStringLiteral("claude-code")));

    TrayApp app(&view, TrayApp::Options{false, false});
    MainWindow *window = app.window();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window));
    window->selectServer(QStringLiteral("memory"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return window->sessionTable()->model()->rowCount() == 2; }, 10000));
    ServerTableModel *servers = window->serverModel();
    ASSERT_TRUE(QTest::qWaitFor([&] {
        for (int row = 0; row < servers->rowCount(); ++row) {
            if (servers->index(row, ServerTableModel::StateColumn).data().toString() != QLatin1String("running"))
                return false;
        }
        return servers->rowCount() == 2;
    }, 10000));

    const QImage windowImage = window->grab().toImage();
    ASSERT_TRUE(windowImage.save(artifact(QStringLiteral("main_window.png"))));
    EXPECT_FALSE(windowImage.isNull());
    EXPECT_EQ(window->size(), QSize(1100, 680));
    EXPECT_GT(colourCount(windowImage), 16);

    window->tabs()->setCurrentIndex(3);   // Settings, with the masked env value
    ASSERT_TRUE(window->grab().toImage().save(artifact(QStringLiteral("main_window_settings.png"))));
    window->tabs()->setCurrentIndex(0);

    QMenu *menu = app.trayIcon()->menu();
    menu->popup(QPoint(200, 200));
    ASSERT_TRUE(QTest::qWaitForWindowExposed(menu));
    const QImage menuImage = menu->grab().toImage();
    menu->hide();
    ASSERT_TRUE(menuImage.save(artifact(QStringLiteral("tray_menu.png"))));
    EXPECT_FALSE(menuImage.isNull());
    EXPECT_GT(menuImage.width(), 100);
    EXPECT_GT(menuImage.height(), 100);
    EXPECT_GT(colourCount(menuImage), 4);
}

// The Clients page over a temporary home with Claude Desktop and Cursor configs, and the preview
// dialog of "Set Up All" (diff with the secret masked).
TEST_F(Screenshot, ClientsPageAndSetupPreview)
{
    registerServer(fakeServer(QStringLiteral("memory")));
    startBroker();
    LocalBrokerView view(m_broker.get());
    QTemporaryDir home;
    QTemporaryDir config;
    ASSERT_TRUE(clientfixtures::writeFixtures(home.path()));
    MemorySecretStore store;
    ClientSetup setup(clientfixtures::environment(home.path()), config.path(), &store);
    setup.setShimPath(clientfixtures::shimPath(home.path()));
    setup.setRealShim(QString());

    TrayApp app(&view, TrayApp::Options{true, false});
    MainWindow *window = app.window();
    window->setClientSetup(&setup);
    app.showClients();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window));
    ClientsPage *page = window->clientsPage();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page->table()->model()->rowCount() == 2; }, 5000));
    const QImage pageImage = window->grab().toImage();
    ASSERT_TRUE(pageImage.save(artifact(QStringLiteral("clients_page.png"))));
    EXPECT_GT(colourCount(pageImage), 16);

    QTest::mouseClick(page->setUpAllButton(), Qt::LeftButton);
    ClientSetupDialog *dialog = nullptr;
    ASSERT_TRUE(QTest::qWaitFor([&] {
        for (QWidget *widget : QApplication::topLevelWidgets()) {
            if (auto *found = qobject_cast<ClientSetupDialog *>(widget); found && found->isVisible())
                dialog = found;
        }
        return dialog != nullptr;
    }, 10000));
    ASSERT_TRUE(QTest::qWaitForWindowExposed(dialog));
    const QImage previewImage = dialog->grab().toImage();
    ASSERT_TRUE(previewImage.save(artifact(QStringLiteral("client_setup_preview.png"))));
    EXPECT_GT(colourCount(previewImage), 16);
    dialog->reject();
    window->setClientSetup(nullptr);
}

// Preferences, HTTP Front Door: listening on loopback, with two tokens; saved for a person to
// look at.
TEST_F(Screenshot, PreferencesHttpFrontDoor)
{
    registerServer(fakeServer(QStringLiteral("memory")));
    startBroker();
    LocalBrokerView view(m_broker.get());
    quint16 port = 0;
    {
        QTcpServer probe;   // a port that was free a moment ago
        ASSERT_TRUE(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    int answered = 0;
    view.call(QStringLiteral("http/enable"), {{QStringLiteral("port"), port}},
              [&](bool ok, const QJsonObject &, const QString &error) {
                  EXPECT_TRUE(ok) << error.toStdString();
                  ++answered;
              });
    QString secret;
    for (const QString &token : {QStringLiteral("claude-code"), QStringLiteral("cursor")}) {
        view.call(QStringLiteral("http/tokenAdd"), {{QStringLiteral("name"), token}},
                  [&](bool, const QJsonObject &result, const QString &) {
                      if (secret.isEmpty())
                          secret = result.value(QStringLiteral("secret")).toString();
                      ++answered;
                  });
    }
    ASSERT_TRUE(QTest::qWaitFor([&] { return answered == 3; }, 5000));

    SettingsDialog dialog(nullptr, &view);
    dialog.tabs()->setCurrentWidget(dialog.httpPage());
    dialog.resize(640, 620);
    dialog.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&dialog));
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog.httpPage()->tokens()->list()->topLevelItemCount() == 2; }, 5000));
    EXPECT_TRUE(dialog.httpPage()->stateLabel()->text().startsWith(QStringLiteral("Listening at")));
    const QImage image = dialog.grab().toImage();
    ASSERT_TRUE(image.save(artifact(QStringLiteral("preferences_http_front_door.png"))));
    EXPECT_GT(colourCount(image), 16);
    dialog.reject();

    // The Sessions tab with a shim's session and one through the front door.
    view.setCoalesceInterval(20);
    TestClient shim(m_socketPath);
    ASSERT_TRUE(shim.connectAndInitialize(QStringLiteral("memory"), QStringLiteral("cursor-vscode")));
    const QByteArray initialized =
        frontdoorrequest::exchange(port, frontdoorrequest::mcpRequest(port, QStringLiteral("memory"), secret, {}, "claude-code"));
    ASSERT_TRUE(initialized.startsWith("HTTP/1.1 200")) << initialized.toStdString();
    TrayApp app(&view, TrayApp::Options{false, false});
    MainWindow *window = app.window();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(window));
    window->selectServer(QStringLiteral("memory"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return window->sessionTable()->model()->rowCount() == 2; }, 10000));
    const QImage sessions = window->grab().toImage();
    ASSERT_TRUE(sessions.save(artifact(QStringLiteral("main_window_http_session.png"))));
    EXPECT_GT(colourCount(sessions), 16);
}

// The real `manifold` binary on the X server: its window, grabbed from the screen by this
// process, with two servers and three sessions connected through the socket it owns.
TEST_F(Screenshot, RealManifoldBinaryWindow)
{
    if (QGuiApplication::platformName() != QLatin1String("xcb"))
        GTEST_SKIP() << "needs an X server (run under xvfb-run)";
    for (const QString &name : {QStringLiteral("memory"), QStringLiteral("github")})
        registerServer(fakeServer(name));
    QProcess manifold;
    manifold.setProcessChannelMode(QProcess::ForwardedChannels);
    manifold.start(QStringLiteral(MANIFOLD_PATH), {QStringLiteral("--socket"), m_socketPath, QStringLiteral("--config-dir"), m_configDir});
    ASSERT_TRUE(QTest::qWaitFor([&] {
        QLocalSocket probe;
        probe.connectToServer(m_socketPath);
        return probe.waitForConnected(100);
    }, 15000));
    TestClient claude(m_socketPath), cursor(m_socketPath), code(m_socketPath);
    ASSERT_TRUE(claude.connectAndInitialize(QStringLiteral("memory"), QStringLiteral("claude-ai")));
    ASSERT_TRUE(cursor.connectAndInitialize(QStringLiteral("memory"), QStringLiteral("cursor-vscode")));
    ASSERT_TRUE(code.connectAndInitialize(QStringLiteral("github"), QStringLiteral("claude-code")));

    // Both children are up (the clients initialized through them), so the window will show
    // them running; it is done once the screen has shown the same picture for half a second.
    QImage screen;
    QElapsedTimer unchangedFor;
    unchangedFor.start();
    ASSERT_TRUE(QTest::qWaitFor([&] {
        const QImage now = QGuiApplication::primaryScreen()->grabWindow(0).toImage();
        if (now != screen) {
            screen = now;
            unchangedFor.restart();
            return false;
        }
        return colourCount(screen) > 16 && unchangedFor.elapsed() >= 500;
    }, 20000));
    ASSERT_TRUE(screen.save(artifact(QStringLiteral("manifold_binary_screen.png"))));
    EXPECT_EQ(screen.size(), QSize(1366, 768));

    manifold.terminate();
    ASSERT_TRUE(QTest::qWaitFor([&] { return manifold.state() == QProcess::NotRunning; }, 15000));
    EXPECT_EQ(manifold.exitStatus(), QProcess::NormalExit);
}
