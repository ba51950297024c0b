#include "mainwindow.h"

#include "aboutdialog.h"
#include "clientmappage.h"
#include "clientspage.h"
#include "dashboardpage.h"
#include "servercard.h"
#include "serverdialog.h"
#include "serversettingspage.h"
#include "statecolors.h"
#include "trafficpage.h"

#include "control/brokerview.h"
#include "manifold/version.h"
#include "models/logfilterproxy.h"
#include "models/logmodel.h"
#include "models/queuetablemodel.h"
#include "models/servertablemodel.h"
#include "models/sessiontablemodel.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIdentityProxyModel>
#include <QJsonArray>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

namespace manifold {

namespace {

QTableView *makeTable(QWidget *parent, const QString &accessibleName)
{
    auto *table = new QTableView(parent);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setHighlightSections(false);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setTabKeyNavigation(false);   // Tab leaves the table, arrows move inside it
    table->setAccessibleName(accessibleName);
    return table;
}

// The servers: a tree whose rows are servers and whose child rows are a server's instances.
QTreeView *makeServerTree(QWidget *parent, const QString &accessibleName)
{
    auto *tree = new QTreeView(parent);
    tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    tree->setSelectionMode(QAbstractItemView::SingleSelection);
    tree->setAlternatingRowColors(true);
    tree->setWordWrap(false);
    tree->setUniformRowHeights(true);
    tree->setAllColumnsShowFocus(true);
    tree->setExpandsOnDoubleClick(false); // double click opens the settings, the arrow expands
    tree->header()->setHighlightSections(false);
    tree->setAccessibleName(accessibleName);
    return tree;
}

QIcon themed(const char *name, QStyle::StandardPixmap fallback)
{
    return QIcon::fromTheme(QLatin1String(name), QApplication::style()->standardIcon(fallback));
}

// Adds the palette-aware state dot to the State column; rows map one to one.
class StateDotProxy final : public QIdentityProxyModel
{
public:
    using QIdentityProxyModel::QIdentityProxyModel;
    QVariant data(const QModelIndex &index, int role) const override
    {
        if (role == Qt::DecorationRole && index.column() == ServerTableModel::StateColumn) {
            const QJsonObject server = index.data(ServerTableModel::RawJsonRole).toJsonObject();
            return StateColors::dot(server.value(QLatin1String("state")).toString(),
                                    server.value(QLatin1String("unresponsive")).toBool(), QApplication::palette());
        }
        return QIdentityProxyModel::data(index, role);
    }
};

bool isOneOf(const QString &state, std::initializer_list<const char *> states)
{
    for (const char *s : states) {
        if (state == QLatin1String(s))
            return true;
    }
    return false;
}

} // namespace

MainWindow::MainWindow(BrokerView *view, QWidget *parent)
    : QMainWindow(parent)
    , m_view(view)
    , m_serverModel(new ServerTableModel(view, this))
    , m_sessionModel(new SessionTableModel(view, this))
    , m_queueModel(new QueueTableModel(view, this))
    , m_logModel(new LogModel(view, this))
    , m_logProxy(new LogFilterProxy(this))
    , m_servers(makeServerTree(this, tr("Servers")))
    , m_sessions(nullptr)
    , m_queue(nullptr)
    , m_log(nullptr)
    , m_logSearch(nullptr)
    , m_tabs(new QTabWidget(this))
    , m_pages(new QTabWidget(this))
    , m_clientsPage(new ClientsPage(this))
    , m_settingsPage(new ServerSettingsPage(view, this))
    , m_clock(new QTimer(this))
{
    setWindowTitle(tr("Manifold"));
    setWindowIcon(StateColors::appIcon(StateColors::Health::Good, palette()));

    auto *dots = new StateDotProxy(this);
    dots->setSourceModel(m_serverModel);
    m_servers->setModel(dots);
    m_servers->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_servers->header()->setSectionResizeMode(ServerTableModel::NameColumn, QHeaderView::Stretch);
    m_servers->header()->setStretchLastSection(false);
    m_logProxy->setSourceModel(m_logModel);

    createActions();
    createMenus();

    m_tabs->addTab(createSessionsTab(), tr("Se&ssions"));
    m_tabs->addTab(createQueueTab(), tr("&Queue"));
    m_tabs->addTab(createLogTab(), tr("&Log"));
    m_serverTraffic = new TrafficPage(view, {}, this);
    m_serverTraffic->setObjectName(QStringLiteral("serverTrafficPage"));
    m_tabs->addTab(m_serverTraffic, tr("T&raffic"));
    m_tabs->addTab(m_settingsPage, tr("Se&ttings"));
    // Health: the dashboard's card for the selected server, larger.
    m_dashboard = new DashboardPage(view, this);
    m_healthCard = new ServerCard(m_dashboard->model(), {}, ServerCard::Size::Large, this);
    m_healthCard->setSlowThresholdMs(m_dashboard->slowThresholdMs());
    m_healthCard->setAccessibleName(tr("Health"));
    m_tabs->addTab(m_healthCard, tr("H&ealth"));   // Alt+H is the Help menu
    connect(m_healthCard, &ServerCard::openTraffic, this, &MainWindow::openServerTraffic);
    connect(m_dashboard, &DashboardPage::openTraffic, this, &MainWindow::openServerTraffic);
    m_tabs->setDocumentMode(true);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_servers);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setChildrenCollapsible(false);
    m_pages->addTab(splitter, tr("Ser&vers"));
    m_pages->addTab(m_clientsPage, tr("&Clients"));
    m_clientMapPage = new ClientMapPage(view, this);
    m_clientMapPage->setObjectName(QStringLiteral("clientMapPage"));
    m_pages->addTab(m_clientMapPage, tr("Who &Uses What"));
    connect(m_clientMapPage, &ClientMapPage::openSession, this, &MainWindow::showSession);
    connect(m_clientMapPage, &ClientMapPage::openTraffic, this, &MainWindow::showTraffic);
    m_allTraffic = new TrafficPage(view, {}, this);
    m_allTraffic->setObjectName(QStringLiteral("trafficPage"));
    m_pages->addTab(m_allTraffic, tr("&Traffic"));
    m_pages->insertTab(0, m_dashboard, tr("&Dashboard"));
    m_pages->setObjectName(QStringLiteral("pages"));
    setCentralWidget(m_pages);
    // The server toolbar acts on the servers table; on the other pages it would only confuse.
    connect(m_pages, &QTabWidget::currentChanged, this,
            [this, splitter] { m_toolbar->setVisible(m_pages->currentWidget() == splitter); });

    setTabOrder(m_servers, m_tabs);

    connect(m_servers->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::onSelectionChanged);
    // A removed or newly added row moves the selection without a selectionChanged of "our" server.
    connect(m_serverModel, &QAbstractItemModel::rowsRemoved, this, &MainWindow::onSelectionChanged);
    connect(m_view, &BrokerView::serverChanged, this, &MainWindow::onServerChanged);
    connect(m_view, &BrokerView::connected, this, &MainWindow::onConnectionChanged);
    connect(m_view, &BrokerView::disconnected, this, &MainWindow::onConnectionChanged);
    connect(m_servers, &QTreeView::doubleClicked, this, [this] { m_tabs->setCurrentWidget(m_settingsPage); });

    connect(m_clock, &QTimer::timeout, this, [this] {
        m_serverModel->refreshClock();
        m_queueModel->refreshClock();
    });
    m_clock->start(1000);

    if (m_serverModel->rowCount() > 0)
        selectServer(m_serverModel->index(0, 0).data(ServerTableModel::NameRole).toString());
    onSelectionChanged();
    onConnectionChanged();
    // Fits a 1366x768 screen with room for panels; layouts scale it on HiDPI.
    resize(1100, 680);
}

MainWindow::~MainWindow() = default;

void MainWindow::showClientsPage()
{
    m_pages->setCurrentWidget(m_clientsPage);
}

void MainWindow::showDashboard()
{
    m_pages->setCurrentWidget(m_dashboard);
}

// From a dashboard card or the clients map: the server's own traffic.
void MainWindow::openServerTraffic(const QString &server)
{
    showTraffic(server);
}

void MainWindow::showTraffic(const QString &server)
{
    m_pages->setCurrentWidget(m_tabs->parentWidget());
    selectServer(server);
    m_tabs->setCurrentWidget(m_serverTraffic);
}

void MainWindow::setClientSetup(ClientSetup *setup)
{
    m_clientsPage->setClientSetup(setup);
}

void MainWindow::createActions()
{
    m_start = new QAction(themed("media-playback-start", QStyle::SP_MediaPlay), tr("&Start"), this);
    m_start->setToolTip(tr("Start the selected server"));
    m_stop = new QAction(themed("media-playback-stop", QStyle::SP_MediaStop), tr("S&top"), this);
    m_stop->setToolTip(tr("Stop the selected server gracefully"));
    m_restart = new QAction(themed("view-refresh", QStyle::SP_BrowserReload), tr("&Restart"), this);
    m_restart->setShortcut(QKeySequence(Qt::Key_F5));
    m_restart->setToolTip(tr("Restart the selected server (F5)"));
    m_kill = new QAction(themed("process-stop", QStyle::SP_BrowserStop), tr("&Kill"), this);
    m_kill->setToolTip(tr("Kill the selected server's processes at once"));
    m_add = new QAction(themed("list-add", QStyle::SP_FileDialogNewFolder), tr("&Add Server…"), this);
    m_add->setShortcut(QKeySequence::New);
    m_add->setToolTip(tr("Add a server (Ctrl+N)"));
    m_edit = new QAction(themed("document-edit", QStyle::SP_FileDialogDetailedView), tr("&Edit Server…"), this);
    m_edit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_edit->setToolTip(tr("Edit the selected server's command, arguments and environment (Ctrl+E)"));
    m_remove = new QAction(themed("list-remove", QStyle::SP_TrashIcon), tr("Re&move Server"), this);
    m_remove->setShortcut(QKeySequence::Delete);
    m_remove->setToolTip(tr("Remove the selected server (Delete)"));
    // Delete only removes a server while the servers table has focus, never while editing text.
    m_remove->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_servers->addAction(m_remove);
    m_disconnect = new QAction(tr("&Disconnect Session"), this);
    m_disconnect->setToolTip(tr("Disconnect the selected client session"));
    m_settings = new QAction(tr("&Preferences…"), this);
    m_settings->setShortcut(QKeySequence::Preferences);
    m_quit = new QAction(tr("&Quit"), this);
    m_quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    m_about = new QAction(tr("&About Manifold"), this);
    m_about->setMenuRole(QAction::AboutRole);
    m_findLog = new QAction(tr("&Find in Log"), this);
    m_findLog->setShortcut(QKeySequence::Find);
    m_setUpClients = new QAction(tr("Set Up &Clients…"), this);
    m_setUpClients->setToolTip(tr("Make your MCP clients use Manifold's shared servers"));

    connect(m_start, &QAction::triggered, this, [this] { serverAction(QStringLiteral("start")); });
    connect(m_stop, &QAction::triggered, this, [this] { serverAction(QStringLiteral("stop")); });
    connect(m_restart, &QAction::triggered, this, [this] { serverAction(QStringLiteral("restart")); });
    connect(m_kill, &QAction::triggered, this, [this] { serverAction(QStringLiteral("kill")); });
    connect(m_add, &QAction::triggered, this, &MainWindow::onAddServer);
    connect(m_edit, &QAction::triggered, this, &MainWindow::onEditServer);
    connect(m_remove, &QAction::triggered, this, &MainWindow::onRemoveServer);
    connect(m_disconnect, &QAction::triggered, this, &MainWindow::onDisconnectSession);
    connect(m_settings, &QAction::triggered, this, &MainWindow::settingsRequested);
    connect(m_quit, &QAction::triggered, this, &MainWindow::quitRequested);
    connect(m_setUpClients, &QAction::triggered, this, &MainWindow::showClientsPage);
    connect(m_about, &QAction::triggered, this, &MainWindow::showAbout);
    connect(m_findLog, &QAction::triggered, this, [this] {
        m_pages->setCurrentWidget(m_tabs->parentWidget());
        m_tabs->setCurrentIndex(m_tabs->indexOf(m_logSearch->parentWidget()));
        m_logSearch->setFocus(Qt::ShortcutFocusReason);
        m_logSearch->selectAll();
    });
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_add);
    file->addAction(m_setUpClients);
    file->addAction(m_settings);
    file->addSeparator();
    file->addAction(m_quit);

    QMenu *server = menuBar()->addMenu(tr("&Server"));
    server->addAction(m_start);
    server->addAction(m_stop);
    server->addAction(m_restart);
    server->addAction(m_kill);
    server->addSeparator();
    server->addAction(m_edit);
    server->addAction(m_remove);
    server->addSeparator();
    server->addAction(m_disconnect);
    server->addAction(m_findLog);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_about);

    QToolBar *toolbar = addToolBar(tr("Server Actions"));
    m_toolbar = toolbar;
    toolbar->setObjectName(QStringLiteral("serverToolbar"));
    toolbar->setMovable(false);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(m_start);
    toolbar->addAction(m_stop);
    toolbar->addAction(m_restart);
    toolbar->addAction(m_kill);
    toolbar->addSeparator();
    toolbar->addAction(m_add);
    toolbar->addAction(m_remove);
}

QWidget *MainWindow::createSessionsTab()
{
    auto *page = new QWidget(this);
    m_sessions = makeTable(page, tr("Sessions"));
    m_sessions->setModel(m_sessionModel);
    m_sessions->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_sessions->horizontalHeader()->setSectionResizeMode(SessionTableModel::ProcessColumn, QHeaderView::Stretch);
    m_sessions->horizontalHeader()->setStretchLastSection(false);
    m_sessions->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_sessions->addAction(m_disconnect);
    m_disconnectButton = new QPushButton(m_disconnect->text(), page);
    m_disconnectButton->setToolTip(m_disconnect->toolTip());
    connect(m_disconnectButton, &QPushButton::clicked, m_disconnect, &QAction::trigger);
    connect(m_sessions->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MainWindow::updateActions);
    connect(m_sessionModel, &QAbstractItemModel::dataChanged, this, &MainWindow::updateActions);
    connect(m_sessionModel, &QAbstractItemModel::modelReset, this, &MainWindow::updateActions);
    connect(m_sessionModel, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateActions);
    connect(m_sessionModel, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateSessionColumns);
    connect(m_sessionModel, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateSessionColumns);
    connect(m_sessionModel, &QAbstractItemModel::modelReset, this, &MainWindow::updateSessionColumns);
    updateSessionColumns();

    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_disconnectButton);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_sessions);
    layout->addLayout(buttons);
    return page;
}

QWidget *MainWindow::createQueueTab()
{
    auto *page = new QWidget(this);
    m_queue = makeTable(page, tr("Queue"));
    m_queue->setModel(m_queueModel);
    m_queue->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_queue->horizontalHeader()->setSectionResizeMode(QueueTableModel::MethodColumn, QHeaderView::Stretch);
    m_queue->horizontalHeader()->setStretchLastSection(false);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_queue);
    return page;
}

QWidget *MainWindow::createLogTab()
{
    auto *page = new QWidget(this);
    m_logSearch = new QLineEdit(page);
    m_logSearch->setPlaceholderText(tr("Search the log (Ctrl+F)"));
    m_logSearch->setClearButtonEnabled(true);
    m_logSearch->setAccessibleName(tr("Search the log"));
    m_log = new QListView(page);
    m_log->setModel(m_logProxy);
    m_log->setUniformItemSizes(true);
    m_log->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_log->setAccessibleName(tr("Log"));
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    connect(m_logSearch, &QLineEdit::textChanged, m_logProxy, &LogFilterProxy::setSearchText);
    // Live: follow new lines while the view is scrolled to the bottom.
    connect(m_logProxy, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_log->verticalScrollBar()->isSliderDown() &&
            m_log->verticalScrollBar()->value() >= m_log->verticalScrollBar()->maximum() - 2)
            QTimer::singleShot(0, m_log, &QListView::scrollToBottom);
    });

    auto *search = new QHBoxLayout;
    auto *label = new QLabel(tr("&Find:"), page);
    label->setBuddy(m_logSearch);
    search->addWidget(label);
    search->addWidget(m_logSearch, 1);
    auto *layout = new QVBoxLayout(page);
    layout->addLayout(search);
    layout->addWidget(m_log);
    return page;
}

QString MainWindow::selectedServer() const
{
    const QModelIndexList rows = m_servers->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(ServerTableModel::NameRole).toString();
}

QJsonObject MainWindow::selectedServerJson() const
{
    const int row = m_serverModel->rowOf(selectedServer());
    return row < 0 ? QJsonObject() : m_serverModel->server(row);
}

void MainWindow::selectServer(const QString &name)
{
    const int row = m_serverModel->rowOf(name);
    if (row < 0)
        return;
    const QModelIndex index = m_servers->model()->index(row, 0);
    m_servers->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void MainWindow::showSession(const QString &server, qint64 sessionId)
{
    selectServer(server);
    if (selectedServer() != server)
        return;
    m_pages->setCurrentIndex(0);
    m_tabs->setCurrentIndex(m_tabs->indexOf(m_sessions->parentWidget()));
    const int row = m_sessionModel->rowOf(sessionId);
    if (row >= 0)
        m_sessions->selectRow(row);
    m_sessions->setFocus(Qt::OtherFocusReason);
}

void MainWindow::onSelectionChanged()
{
    const QString name = selectedServer();
    if (m_sessionModel->server() != name)
        m_sessionModel->setServer(name);
    m_queueModel->setServer(name);
    m_logModel->setServer(name);
    m_serverTraffic->setServer(name);
    m_settingsPage->setServer(selectedServerJson());
    m_healthCard->setServer(name);
    m_tabs->setEnabled(!name.isEmpty());
    updateActions();
}

void MainWindow::onServerChanged(const QJsonObject &server)
{
    if (server.value(QLatin1String("name")).toString() != selectedServer())
        return;
    m_settingsPage->setServer(server);
    updateActions();
}

void MainWindow::onConnectionChanged()
{
    if (m_view->isConnected()) {
        const QString brokerVersion =
            m_view->status().value(QStringLiteral("broker")).toObject().value(QStringLiteral("version")).toString();
        if (brokerVersion != QLatin1String(manifold::versionString()))
            statusBar()->showMessage(tr("The broker runs Manifold %1, this window is %2: quit Manifold and start it "
                                        "again to finish the upgrade.")
                                         .arg(brokerVersion, QLatin1String(manifold::versionString())));
        else
            statusBar()->clearMessage();
    } else
        statusBar()->showMessage(tr("Not connected to the broker."));
    updateActions();
}

// Token and Remote address say something only for sessions through the HTTP front door.
void MainWindow::updateSessionColumns()
{
    const bool shown = m_sessionModel->hasFrontDoorSessions();
    m_sessions->setColumnHidden(SessionTableModel::TokenColumn, !shown);
    m_sessions->setColumnHidden(SessionTableModel::RemoteAddressColumn, !shown);
}

void MainWindow::updateActions()
{
    const bool connected = m_view->isConnected();
    const QJsonObject server = selectedServerJson();
    const bool selected = connected && !server.isEmpty();
    const QString state = server.value(QLatin1String("state")).toString();
    m_start->setEnabled(selected && isOneOf(state, {"stopped", "failed"}));
    m_stop->setEnabled(selected && isOneOf(state, {"starting", "running", "restarting"}));
    m_restart->setEnabled(selected && !isOneOf(state, {"stopping"}));
    m_kill->setEnabled(selected && isOneOf(state, {"starting", "running", "stopping"}));
    m_remove->setEnabled(selected);
    m_edit->setEnabled(selected);
    m_add->setEnabled(connected);
    // A row kept to show how a session ended has nothing left to disconnect.
    const QModelIndexList sessionRows = m_sessions ? m_sessions->selectionModel()->selectedRows() : QModelIndexList();
    const bool session = connected && !sessionRows.isEmpty() &&
                         !sessionRows.first().data(SessionTableModel::EndedRole).toBool();
    m_disconnect->setEnabled(session);
    if (m_disconnectButton)
        m_disconnectButton->setEnabled(session);
}

void MainWindow::report(bool ok, const QString &error)
{
    if (!ok)
        statusBar()->showMessage(error, 10000);
}

void MainWindow::serverAction(const QString &method)
{
    const QString name = selectedServer();
    if (name.isEmpty())
        return;
    const QPointer<MainWindow> self(this);
    m_view->call(method, {{QStringLiteral("name"), name}}, [self](bool ok, const QJsonObject &, const QString &error) {
        if (self)
            self->report(ok, error);
    });
}

void MainWindow::onAddServer()
{
    QStringList names;
    for (const QJsonValue &server : m_view->status().value(QLatin1String("servers")).toArray())
        names.append(server.toObject().value(QLatin1String("name")).toString());
    ServerDialog dialog(names, {}, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QJsonObject params = dialog.serverParams();
    const QString name = params.value(QLatin1String("name")).toString();
    const QPointer<MainWindow> self(this);
    m_view->call(QStringLiteral("add"), params, [self, name](bool ok, const QJsonObject &, const QString &error) {
        if (!self)
            return;
        if (!ok) {
            QMessageBox::warning(self, tr("Add Server"), tr("Could not add \"%1\": %2").arg(name, error));
            return;
        }
        self->selectServer(name);
    });
}

void MainWindow::onEditServer()
{
    const QJsonObject server = selectedServerJson();
    const QString name = server.value(QLatin1String("name")).toString();
    if (name.isEmpty())
        return;
    ServerDialog dialog({}, server, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QPointer<MainWindow> self(this);
    m_view->call(QStringLiteral("update"), dialog.serverParams(), [self, name](bool ok, const QJsonObject &, const QString &error) {
        if (self && !ok)
            QMessageBox::warning(self, tr("Edit Server"), tr("Could not change \"%1\": %2").arg(name, error));
        else if (self)
            self->statusBar()->showMessage(tr("Saved; \"%1\" uses it from its next start.").arg(name), 5000);
    });
}

void MainWindow::onRemoveServer()
{
    const QJsonObject server = selectedServerJson();
    const QString name = server.value(QLatin1String("name")).toString();
    if (name.isEmpty())
        return;
    const int sessions = server.value(QLatin1String("sessions")).toInt();
    QString question = tr("Remove the server \"%1\"? Its process is stopped.").arg(name);
    if (sessions > 0)
        question += QLatin1Char('\n') + tr("%n connected session(s) will be disconnected.", nullptr, sessions);
    if (QMessageBox::question(this, tr("Remove Server"), question, QMessageBox::Yes | QMessageBox::No,
                              QMessageBox::No) != QMessageBox::Yes)
        return;
    const QPointer<MainWindow> self(this);
    m_view->call(QStringLiteral("remove"), {{QStringLiteral("name"), name}},
                 [self](bool ok, const QJsonObject &, const QString &error) {
                     if (self)
                         self->report(ok, error);
                 });
}

void MainWindow::onDisconnectSession()
{
    const QModelIndexList rows = m_sessions->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const qint64 id = rows.first().data(SessionTableModel::SessionIdRole).toLongLong();
    const QPointer<MainWindow> self(this);
    m_view->call(QStringLiteral("disconnect"), {{QStringLiteral("session"), id}},
                 [self](bool ok, const QJsonObject &, const QString &error) {
                     if (self)
                         self->report(ok, error);
                 });
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // Closing never stops the broker: its sessions keep running. Quit is explicit.
    event->ignore();
    if (m_closeToTray && QSystemTrayIcon::isSystemTrayAvailable())
        hide();
    else
        showMinimized();
}

void MainWindow::showAbout()
{
    if (!m_aboutDialog)
        m_aboutDialog = new AboutDialog(m_view, this);
    m_aboutDialog->show();
    m_aboutDialog->raise();
    m_aboutDialog->activateWindow();
}

} // namespace manifold
