#include "aboutdialog.h"
#include "autostart.h"
#include "brokerfixture.h"
#include "clientfixtures.h"
#include "clientspage.h"
#include "mainwindow.h"
#include "serverdialog.h"
#include "settingsdialog.h"
#include "testclient.h"
#include "trayapp.h"
#include "trayicon.h"

#include "clients/clientsetup.h"
#include "control/localbrokerview.h"
#include "manifold/version.h"
#include "models/clienttablemodel.h"
#include "models/servertablemodel.h"
#include "secrets/secretstore.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QFile>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QToolBar>
#include <QTreeView>

using namespace manifold;

namespace {

// A real broker with fake_mcp_server children, seen through a LocalBrokerView.
class TrayWidgets : public BrokerFixture
{
protected:
    void TearDown() override
    {
        m_window.reset();
        m_view.reset();
        BrokerFixture::TearDown();
    }

    void startWith(const QStringList &names,
                   ServerConfig::Sharing sharing = ServerConfig::Sharing::Shared)
    {
        for (const QString &name : names) {
            ServerConfig config = fakeServer(name);
            config.lingerMs = -1;
            config.sharing = sharing;
            registerServer(config);
        }
        startBroker();
        m_view = std::make_unique<LocalBrokerView>(m_broker.get());
        m_view->setCoalesceInterval(20);
        m_window = std::make_unique<MainWindow>(m_view.get());
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
    }

    QString cell(const QString &server, int column) const
    {
        ServerTableModel *model = m_window->serverModel();
        const int row = model->rowOf(server);
        return row < 0 ? QString() : model->index(row, column).data().toString();
    }

    QWidget *toolButton(QAction *action) const
    {
        return m_window->findChild<QToolBar *>(QStringLiteral("serverToolbar"))
            ->widgetForAction(action);
    }

    std::unique_ptr<LocalBrokerView> m_view;
    std::unique_ptr<MainWindow> m_window;
};

} // namespace

TEST_F(TrayWidgets, ToolbarStartShowsRunningAndKillRaisesRestarts)
{
    startWith({QStringLiteral("alpha"), QStringLiteral("beta")});
    m_window->selectServer(QStringLiteral("alpha"));
    EXPECT_EQ(m_window->selectedServer(), QStringLiteral("alpha"));
    EXPECT_EQ(cell(QStringLiteral("alpha"), ServerTableModel::StateColumn),
              QStringLiteral("stopped"));
    ASSERT_TRUE(m_window->startAction()->isEnabled());
    EXPECT_FALSE(m_window->killAction()->isEnabled());

    QTest::mouseClick(toolButton(m_window->startAction()), Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            return cell(QStringLiteral("alpha"), ServerTableModel::StateColumn) ==
                   QLatin1String("running");
        },
        10000))
        << cell(QStringLiteral("alpha"), ServerTableModel::StateColumn).toStdString();
    // Actions follow the state: a running server can be stopped and killed, not started.
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_window->killAction()->isEnabled(); }, 5000));
    EXPECT_FALSE(m_window->startAction()->isEnabled());
    EXPECT_TRUE(m_window->stopAction()->isEnabled());
    EXPECT_EQ(cell(QStringLiteral("beta"), ServerTableModel::StateColumn),
              QStringLiteral("stopped"));

    // With a client attached a killed child is restarted (without one it just stays stopped).
    TestClient client(m_socketPath);
    ASSERT_TRUE(client.connectAndInitialize(QStringLiteral("alpha"), QStringLiteral("widget-client")));
    const int restartsBefore =
        cell(QStringLiteral("alpha"), ServerTableModel::RestartsColumn).toInt();
    QTest::mouseClick(toolButton(m_window->killAction()), Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            return cell(QStringLiteral("alpha"), ServerTableModel::RestartsColumn).toInt() >
                   restartsBefore;
        },
        10000))
        << cell(QStringLiteral("alpha"), ServerTableModel::RestartsColumn).toStdString();
    // The crash policy brings it back.
    EXPECT_TRUE(QTest::qWaitFor(
        [&] {
            return cell(QStringLiteral("alpha"), ServerTableModel::StateColumn) ==
                   QLatin1String("running");
        },
        10000));
}

TEST_F(TrayWidgets, ServerRowExpandsIntoItsInstances)
{
    startWith({QStringLiteral("alpha")}, ServerConfig::Sharing::PerClient);
    TestClient first(m_socketPath), second(m_socketPath);
    ASSERT_TRUE(first.connectAndInitialize(QStringLiteral("alpha"), QStringLiteral("first")));
    ASSERT_TRUE(second.connectAndInitialize(QStringLiteral("alpha"), QStringLiteral("second")));

    QTreeView *tree = m_window->serverTable();
    QAbstractItemModel *model = tree->model();
    const QModelIndex alpha = model->index(0, 0);
    ASSERT_TRUE(QTest::qWaitFor([&] { return model->rowCount(alpha) == 2; }, 10000));
    EXPECT_FALSE(tree->isExpanded(alpha));
    tree->expand(alpha);
    EXPECT_TRUE(tree->isExpanded(alpha));
    const QModelIndex child = model->index(1, 0, alpha);
    EXPECT_TRUE(tree->visualRect(child).isValid()); // on screen under its server
    EXPECT_TRUE(child.data().toString().contains(QStringLiteral("second")));
    EXPECT_FALSE(model->index(1, ServerTableModel::StateColumn, alpha)
                     .data(Qt::DecorationRole)
                     .isNull()); // each instance has its state dot
    // Selecting an instance selects its server: the tabs and actions apply to it.
    tree->selectionModel()->setCurrentIndex(child, QItemSelectionModel::ClearAndSelect |
                                                       QItemSelectionModel::Rows);
    EXPECT_EQ(m_window->selectedServer(), QStringLiteral("alpha"));
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return m_window->sessionTable()->model()->rowCount() == 2; }, 5000));
}

TEST_F(TrayWidgets, SessionsTabListsConnectedClientsAndShortcutsWork)
{
    startWith({QStringLiteral("alpha")});
    TestClient client(m_socketPath);
    ASSERT_TRUE(
        client.connectAndInitialize(QStringLiteral("alpha"), QStringLiteral("widget-client")));
    m_window->selectServer(QStringLiteral("alpha"));
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return m_window->sessionTable()->model()->rowCount() == 1; }, 5000));
    EXPECT_FALSE(m_window->disconnectAction()->isEnabled());
    m_window->sessionTable()->selectRow(0);
    EXPECT_TRUE(m_window->disconnectAction()->isEnabled());

    EXPECT_EQ(m_window->restartAction()->shortcut(), QKeySequence(Qt::Key_F5));
    EXPECT_EQ(m_window->addServerAction()->shortcut(), QKeySequence(QKeySequence::New));
    EXPECT_EQ(m_window->removeServerAction()->shortcut(), QKeySequence(QKeySequence::Delete));
    // Ctrl+F jumps to the log search.
    m_window->activateWindow();
    m_window->serverTable()->setFocus();
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    EXPECT_TRUE(QTest::qWaitFor([&] { return m_window->logSearch()->hasFocus(); }, 2000));
    EXPECT_EQ(m_window->tabs()->currentWidget(), m_window->logSearch()->parentWidget());
}

TEST_F(TrayWidgets, ClosingKeepsTheBrokerAndTrayMenuListsServers)
{
    startWith({QStringLiteral("alpha"), QStringLiteral("beta")});
    TestClient client(m_socketPath);
    ASSERT_TRUE(client.connectAndInitialize(QStringLiteral("beta"), QStringLiteral("menu-client")));

    TrayIcon tray(m_view.get());
    auto labels = [&] {
        QStringList texts;
        for (QAction *action : tray.menu()->actions())
            texts.append(action->text());
        return texts;
    };
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return labels().contains(QStringLiteral("beta — running (1 session)")); }, 5000))
        << labels().join(QLatin1Char('|')).toStdString();
    EXPECT_TRUE(labels().contains(QStringLiteral("alpha — stopped (0 sessions)")));

    m_window->close();
    QCoreApplication::processEvents();
    EXPECT_TRUE(m_window->isMinimized() || !m_window->isVisible());
    EXPECT_TRUE(m_broker->host(QStringLiteral("beta")) != nullptr);
    EXPECT_EQ(m_broker->host(QStringLiteral("beta"))->state(), ServerHost::State::Running);
}

TEST_F(TrayWidgets, QuitWithoutSessionsNeedsNoConfirmation)
{
    startWith({QStringLiteral("alpha")});
    TrayApp app(m_view.get(), TrayApp::Options{true, true});
    QSignalSpy quit(&app, &TrayApp::quitRequested);
    app.requestQuit();
    EXPECT_EQ(quit.count(), 1);
}

TEST_F(TrayWidgets, HelpAboutShowsOneVersionAndTheBrokers)
{
    startWith({QStringLiteral("alpha")});
    QAction *about = nullptr;
    for (QAction *action : m_window->findChildren<QAction *>()) {
        if (action->menuRole() == QAction::AboutRole)
            about = action;
    }
    ASSERT_NE(about, nullptr);
    about->trigger();
    auto *dialog = m_window->findChild<AboutDialog *>(QStringLiteral("aboutDialog"));
    ASSERT_NE(dialog, nullptr);
    ASSERT_TRUE(QTest::qWaitForWindowExposed(dialog));
    const QString version = QLatin1String(versionString());
    EXPECT_TRUE(dialog->findChild<QLabel *>(QStringLiteral("aboutTitle"))->text().contains(version));
    const QString broker = dialog->findChild<QLabel *>(QStringLiteral("aboutBroker"))->text();
    EXPECT_TRUE(broker.contains(QStringLiteral("Broker: version %1, process %2")
                                    .arg(version)
                                    .arg(QCoreApplication::applicationPid())))
        << broker.toStdString();
    EXPECT_FALSE(broker.contains(QStringLiteral("upgrade"))) << broker.toStdString();

    // A broker left over from before an upgrade is called out.
    QJsonObject status = m_view->status();
    QJsonObject brokerJson = status.value(QStringLiteral("broker")).toObject();
    brokerJson.insert(QStringLiteral("version"), QStringLiteral("0.0.1"));
    status.insert(QStringLiteral("broker"), brokerJson);
    // A socket other than the per-user default is called out too.
    const auto withSource = [&](const QString &source) {
        QJsonObject broker = brokerJson;
        broker.insert(QStringLiteral("socketSource"), source);
        QJsonObject changed = status;
        changed.insert(QStringLiteral("broker"), broker);
        return AboutDialog::brokerText(changed, true);
    };
    EXPECT_FALSE(withSource(QStringLiteral("default")).contains(QStringLiteral("chosen with")));
    EXPECT_TRUE(withSource(QStringLiteral("MANIFOLD_SOCKET")).contains(QStringLiteral("The socket was chosen with MANIFOLD_SOCKET")));
    const QString older = AboutDialog::brokerText(status, true);
    EXPECT_TRUE(older.contains(QStringLiteral("Broker: version 0.0.1"))) << older.toStdString();
    EXPECT_TRUE(older.contains(QStringLiteral("to finish the upgrade"))) << older.toStdString();
    EXPECT_EQ(AboutDialog::brokerText(status, false), QStringLiteral("Not connected to a broker."));
}

TEST_F(TrayWidgets, TrayMenuOpensTheClientsPage)
{
    startWith({QStringLiteral("alpha")});
    TrayApp app(m_view.get(), TrayApp::Options{true, false});
    MemorySecretStore store;
    app.setSecretStore(&store);
    ASSERT_NE(app.clientSetup(), nullptr);
    EXPECT_EQ(app.window()->clientsPage()->clientSetup(), app.clientSetup());
    // A temporary home instead of the real one before the page reads anything.
    QTemporaryDir home;
    ASSERT_TRUE(clientfixtures::writeFixtures(home.path()));
    ClientSetup setup(clientfixtures::environment(home.path()), m_configDir, &store);
    app.window()->setClientSetup(&setup);

    QAction *clients = app.trayIcon()->clientsAction();
    EXPECT_TRUE(app.trayIcon()->menu()->actions().contains(clients));
    clients->trigger();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(app.window()));
    EXPECT_EQ(app.window()->pages()->currentWidget(), app.window()->clientsPage());
    EXPECT_TRUE(QTest::qWaitFor(
        [&] { return app.window()->clientsPage()->table()->model()->rowCount() == 2; }, 5000));
    // The server toolbar belongs to the Servers page.
    EXPECT_FALSE(app.window()->findChild<QToolBar *>(QStringLiteral("serverToolbar"))->isVisible());
    app.window()->pages()->setCurrentWidget(app.window()->tabs()->parentWidget());   // Servers
    EXPECT_TRUE(app.window()->findChild<QToolBar *>(QStringLiteral("serverToolbar"))->isVisible());
    app.window()->showDashboard();
    EXPECT_FALSE(app.window()->findChild<QToolBar *>(QStringLiteral("serverToolbar"))->isVisible());
    app.window()->setClientSetup(nullptr);
}

TEST(ServerDialogTest, ValidatesNameAndCommand)
{
    ServerDialog dialog({QStringLiteral("memory")});
    auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    EXPECT_FALSE(ok->isEnabled());
    dialog.nameEdit()->setText(QStringLiteral("memory"));
    dialog.commandEdit()->setText(QStringLiteral(FAKE_MCP_SERVER_PATH));
    EXPECT_FALSE(dialog.validationError().isEmpty()); // taken
    dialog.nameEdit()->setText(QStringLiteral("-bad name"));
    EXPECT_FALSE(dialog.validationError().isEmpty());
    dialog.nameEdit()->setText(QStringLiteral("fresh"));
    EXPECT_TRUE(dialog.validationError().isEmpty()) << dialog.validationError().toStdString();
    EXPECT_TRUE(ok->isEnabled());
    dialog.commandEdit()->setText(QStringLiteral("/nonexistent/server"));
    EXPECT_FALSE(ok->isEnabled());
    dialog.commandEdit()->setText(QStringLiteral("sh")); // found on PATH
    EXPECT_TRUE(ok->isEnabled());

    dialog.argsEdit()->setText(QStringLiteral("-c \"echo hi\""));
    const QJsonObject params = dialog.serverParams();
    EXPECT_EQ(params.value(QLatin1String("name")).toString(), QStringLiteral("fresh"));
    EXPECT_EQ(params.value(QLatin1String("args")).toArray(),
              (QJsonArray{QStringLiteral("-c"), QStringLiteral("echo hi")}));
    EXPECT_EQ(params.value(QLatin1String("lingerMs")).toInt(), TraySettings::defaultLingerMs());
}

TEST(ServerDialogTest, TestStartListsTheServersTools)
{
    ServerDialog dialog({});
    dialog.nameEdit()->setText(QStringLiteral("probe"));
    dialog.commandEdit()->setText(QStringLiteral(FAKE_MCP_SERVER_PATH));
    ASSERT_TRUE(dialog.testButton()->isEnabled());
    QTest::mouseClick(dialog.testButton(), Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog.toolList()->count() > 0; }, 10000))
        << dialog.testStatus()->text().toStdString();
    EXPECT_FALSE(dialog.toolList()->findItems(QStringLiteral("echo"), Qt::MatchExactly).isEmpty());
    EXPECT_TRUE(dialog.testStatus()->text().contains(QStringLiteral("fake_mcp_server")));
}

TEST(ServerDialogTest, TestStartReportsACommandThatExitsEarly)
{
    ServerDialog dialog({});
    dialog.commandEdit()->setText(QStringLiteral("false"));
    QTest::mouseClick(dialog.testButton(), Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return dialog.testStatus()->text().contains(QStringLiteral("exited")); }, 10000))
        << dialog.testStatus()->text().toStdString();
    EXPECT_EQ(dialog.toolList()->count(), 0);
}

TEST(AutostartTest, XdgEntryHonoursXdgConfigHome)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QByteArray saved = qgetenv("XDG_CONFIG_HOME");
    qputenv("XDG_CONFIG_HOME", dir.path().toUtf8());
    EXPECT_EQ(XdgAutostart::defaultDesktopFile(),
              dir.filePath(QStringLiteral("autostart/manifold.desktop")));
    XdgAutostart autostart({}, QStringLiteral("/opt/my apps/manifold"));
    if (saved.isNull())
        qunsetenv("XDG_CONFIG_HOME");
    else
        qputenv("XDG_CONFIG_HOME", saved);

    EXPECT_FALSE(autostart.isEnabled());
    QString error;
    ASSERT_TRUE(autostart.setEnabled(true, &error)) << error.toStdString();
    EXPECT_TRUE(autostart.isEnabled());
    QFile file(autostart.desktopFile());
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QByteArray content = file.readAll();
    EXPECT_TRUE(content.contains("Exec=\"/opt/my apps/manifold\" --minimized\n"))
        << content.toStdString();
    EXPECT_TRUE(content.startsWith("[Desktop Entry]\n"));
    file.close();
    ASSERT_TRUE(autostart.setEnabled(false, &error));
    EXPECT_FALSE(autostart.isEnabled());
    EXPECT_FALSE(QFile::exists(autostart.desktopFile()));
}

// Run by ctest a second time with LANG=de_DE.UTF-8 and MANIFOLD_EXPECT_GERMAN=1.
TEST(Translation, FollowsTheSystemLocale)
{
    const bool german = QLocale::system().language() == QLocale::German;
    if (!qEnvironmentVariableIsSet("MANIFOLD_EXPECT_GERMAN")) {
        if (!german)
            GTEST_SKIP() << "system locale is " << QLocale::system().name().toStdString();
    }
    ASSERT_TRUE(german) << QLocale::system().name().toStdString();
    SettingsDialog settings(nullptr, nullptr);
    EXPECT_EQ(settings.windowTitle(), QStringLiteral("Manifold-Einstellungen"));
    ServerDialog dialog({});
    EXPECT_EQ(dialog.windowTitle(), QStringLiteral("Server hinzufügen"));
    EXPECT_EQ(dialog.testButton()->text(), QStringLiteral("&Test-Start"));
}
