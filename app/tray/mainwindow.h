#pragma once

#include <QMainWindow>
#include <QPointer>

class QAction;
class QLineEdit;
class QListView;
class QPushButton;
class QTabWidget;
class QTableView;
class QTreeView;
class QTimer;
class QToolBar;

namespace manifold {

class AboutDialog;
class BrokerView;
class ClientMapPage;
class ClientSetup;
class ClientsPage;
class DashboardPage;
class ServerCard;
class LogFilterProxy;
class LogModel;
class QueueTableModel;
class ServerSettingsPage;
class ServerTableModel;
class SessionTableModel;
class TrafficPage;

// The Manifold window: every server in a table with a toolbar to act on the selected one, and
// tabs for its sessions, queue, log and settings; a second page sets up the MCP clients.
// Closing it keeps the broker running.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(BrokerView *view, QWidget *parent = nullptr);
    ~MainWindow() override;

    QString selectedServer() const;
    void selectServer(const QString &name);
    // With a tray, closing hides the window; without one it minimises (quitting stays explicit).
    void setCloseToTray(bool closeToTray) { m_closeToTray = closeToTray; }

    QTreeView *serverTable() const { return m_servers; }
    QTableView *sessionTable() const { return m_sessions; }
    QTableView *queueTable() const { return m_queue; }
    QTabWidget *tabs() const { return m_tabs; }
    // The top-level pages: the servers (with the tabs above) and the clients.
    QTabWidget *pages() const { return m_pages; }
    ClientsPage *clientsPage() const { return m_clientsPage; }
    ClientMapPage *clientMapPage() const { return m_clientMapPage; }
    void showClientsPage();
    // The first page: a health card per server.
    DashboardPage *dashboardPage() const { return m_dashboard; }
    void showDashboard();
    // The selected server's Health tab.
    ServerCard *healthCard() const { return m_healthCard; }
    // The Servers page with this server selected and its Traffic tab shown (click-through).
    void showTraffic(const QString &server);
    TrafficPage *serverTrafficPage() const { return m_serverTraffic; }
    TrafficPage *allTrafficPage() const { return m_allTraffic; }
    void showAbout();
    // The engine behind the Clients page; not owned.
    void setClientSetup(ClientSetup *setup);
    QLineEdit *logSearch() const { return m_logSearch; }
    ServerTableModel *serverModel() const { return m_serverModel; }
    ServerSettingsPage *settingsPage() const { return m_settingsPage; }
    QAction *startAction() const { return m_start; }
    QAction *stopAction() const { return m_stop; }
    QAction *restartAction() const { return m_restart; }
    QAction *killAction() const { return m_kill; }
    QAction *addServerAction() const { return m_add; }
    QAction *removeServerAction() const { return m_remove; }
    QAction *editServerAction() const { return m_edit; }
    QAction *disconnectAction() const { return m_disconnect; }
    QAction *setUpClientsAction() const { return m_setUpClients; }

signals:
    void quitRequested();
    void settingsRequested();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createMenus();
    QWidget *createSessionsTab();
    QWidget *createQueueTab();
    QWidget *createLogTab();
    void onSelectionChanged();
    void onServerChanged(const QJsonObject &server);
    void updateActions();
    void updateSessionColumns();
    void serverAction(const QString &method);
    void onAddServer();
    void onEditServer();
    void onRemoveServer();
    void onDisconnectSession();
    void onConnectionChanged();
    void report(bool ok, const QString &error);
    QJsonObject selectedServerJson() const;
    // From the clients map: the server on the Servers page, its Sessions tab on the session.
    void showSession(const QString &server, qint64 sessionId);
    void openServerTraffic(const QString &server);

    BrokerView *m_view;
    ServerTableModel *m_serverModel;
    SessionTableModel *m_sessionModel;
    QueueTableModel *m_queueModel;
    LogModel *m_logModel;
    LogFilterProxy *m_logProxy;
    QTreeView *m_servers;
    QTableView *m_sessions;
    QTableView *m_queue;
    QListView *m_log;
    QLineEdit *m_logSearch;
    QTabWidget *m_tabs;
    QTabWidget *m_pages;
    ClientsPage *m_clientsPage;
    ClientMapPage *m_clientMapPage = nullptr;
    QToolBar *m_toolbar = nullptr;
    ServerSettingsPage *m_settingsPage;
    QTimer *m_clock;
    QAction *m_start = nullptr;
    QAction *m_stop = nullptr;
    QAction *m_restart = nullptr;
    QAction *m_kill = nullptr;
    QAction *m_add = nullptr;
    QAction *m_edit = nullptr;
    QAction *m_remove = nullptr;
    QAction *m_disconnect = nullptr;
    QAction *m_settings = nullptr;
    QAction *m_quit = nullptr;
    QAction *m_findLog = nullptr;
    QAction *m_about = nullptr;
    QPointer<AboutDialog> m_aboutDialog;
    QAction *m_setUpClients = nullptr;
    QPushButton *m_disconnectButton = nullptr;
    bool m_closeToTray = true;
    DashboardPage *m_dashboard = nullptr;
    ServerCard *m_healthCard = nullptr;
    TrafficPage *m_serverTraffic = nullptr; // the selected server's, in m_tabs
    TrafficPage *m_allTraffic = nullptr;    // every server's, in m_pages
};

} // namespace manifold
