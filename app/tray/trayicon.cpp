#include "trayicon.h"

#include "healthfeed.h"
#include "healthnotifier.h"
#include "servercard.h"
#include "statecolors.h"

#include "control/brokerview.h"

#include <QAction>
#include <QApplication>
#include <QJsonArray>
#include <QSet>
#include <QDesktopServices>
#include <QJsonObject>
#include <QMenu>
#include <QSettings>
#include <QUrl>
#include <QSystemTrayIcon>

namespace manifold {

TrayIcon::TrayIcon(BrokerView *view, QObject *parent)
    : QObject(parent)
    , m_view(view)
    , m_tray(new QSystemTrayIcon(this))
    , m_menu(new QMenu)
    , m_feed(HealthFeed::forView(view))
    , m_notifier(new HealthNotifier(view, this))
{
    m_open = new QAction(tr("&Open Manifold"), this);
    m_clients = new QAction(tr("Set Up &Clients…"), this);
    m_dashboard = new QAction(tr("&Dashboard…"), this);
    m_summary = new QAction(this);
    m_summary->setEnabled(false);
    m_pause = new QAction(tr("&Pause (Stop All Servers)"), this);
    m_quit = new QAction(tr("&Quit Manifold"), this);
    connect(m_open, &QAction::triggered, this, &TrayIcon::openRequested);
    connect(m_clients, &QAction::triggered, this, &TrayIcon::clientsRequested);
    connect(m_dashboard, &QAction::triggered, this, &TrayIcon::dashboardRequested);
    connect(m_pause, &QAction::triggered, this, &TrayIcon::pauseAll);
    connect(m_quit, &QAction::triggered, this, &TrayIcon::quitRequested);

    m_tray->setContextMenu(m_menu);
    m_tray->setToolTip(tr("Manifold"));
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
            emit openRequested();
    });

    // Server rows are few; rebuilding the menu on a change is cheaper than bookkeeping.
    connect(m_view, &BrokerView::serverAdded, this, &TrayIcon::rebuildMenu);
    connect(m_view, &BrokerView::serverChanged, this, &TrayIcon::rebuildMenu);
    connect(m_view, &BrokerView::serverRemoved, this, &TrayIcon::rebuildMenu);
    connect(m_view, &BrokerView::serverRemoved, this, [this](const QString &name) {
        m_p95.remove(name);
        updateSummary();
    });
    connect(m_view, &BrokerView::connected, this, &TrayIcon::rebuildMenu);
    connect(m_view, &BrokerView::disconnected, this, &TrayIcon::rebuildMenu);
    connect(m_view, &BrokerView::serverFailed, this, &TrayIcon::updateIcon);
    connect(m_view, &BrokerView::sessionOpened, this, &TrayIcon::updateSummary);
    connect(m_view, &BrokerView::sessionClosed, this, &TrayIcon::updateSummary);
    // The same "slow" line as the dashboard's latency charts.
    HealthNotifier::Limits limits = m_notifier->limits();
    limits.slowP95Ms = QSettings().value(QStringLiteral("dashboard/slowThresholdMs"), limits.slowP95Ms).toDouble();
    m_notifier->setLimits(limits);
    // Notifications come from the notifier only: one per problem, merged when many arrive.
    connect(m_feed, &HealthFeed::healthChanged, m_notifier, &HealthNotifier::onHealth);
    connect(m_feed, &HealthFeed::healthChanged, this, &TrayIcon::onHealth);
    connect(m_notifier, &HealthNotifier::notify, this, &TrayIcon::showNotification);
    rebuildMenu();
    m_feed->start();
}

TrayIcon::~TrayIcon()
{
    delete m_menu;
}

void TrayIcon::show()
{
    m_tray->show();
}

QString TrayIcon::serverLabel(const QJsonObject &server)
{
    const int sessions = server.value(QLatin1String("sessions")).toInt();
    const QString state = StateColors::stateText(server.value(QLatin1String("unresponsive")).toBool()
                                                     ? QStringLiteral("unresponsive")
                                                     : server.value(QLatin1String("state")).toString());
    //: Tray menu entry for a server: name — state (session count)
    return tr("%1 — %2 (%n session(s))", nullptr, sessions)
        .arg(server.value(QLatin1String("name")).toString(), state);
}

void TrayIcon::rebuildMenu()
{
    // Not while the menu is open: the user's hover target would vanish under the pointer.
    if (m_menu->isVisible()) {
        updateIcon();
        return;
    }
    m_menu->clear();
    const QJsonArray servers = m_view->status().value(QLatin1String("servers")).toArray();
    m_menu->addAction(m_summary);
    m_menu->addSeparator();
    if (servers.isEmpty()) {
        QAction *none = m_menu->addAction(tr("No servers configured"));
        none->setEnabled(false);
    }
    for (const QJsonValue &value : servers) {
        const QJsonObject server = value.toObject();
        const QString name = server.value(QLatin1String("name")).toString();
        const QString state = server.value(QLatin1String("state")).toString();
        QMenu *sub = m_menu->addMenu(StateColors::dot(state, server.value(QLatin1String("unresponsive")).toBool(),
                                                      m_menu->palette()),
                                     serverLabel(server));
        const QString authState = server.value(QLatin1String("auth")).toObject().value(QLatin1String("state")).toString();
        if (server.contains(QLatin1String("url"))) {
            // A remote server: one sign-in for every client, started from here.
            QAction *signInAction = sub->addAction(authState == QLatin1String("signed-in") ||
                                                           authState == QLatin1String("refreshing")
                                                       ? tr("Sign &In Again…")
                                                       : tr("Sign &In to %1…").arg(name));
            connect(signInAction, &QAction::triggered, this, [this, name] { signIn(name); });
        }
        QAction *restart = sub->addAction(tr("&Restart"));
        QAction *stop = sub->addAction(tr("&Stop"));
        stop->setEnabled(state != QLatin1String("stopped") && state != QLatin1String("failed"));
        connect(restart, &QAction::triggered, this, [this, name] {
            m_view->call(QStringLiteral("restart"), {{QStringLiteral("name"), name}});
        });
        connect(stop, &QAction::triggered, this, [this, name] {
            m_view->call(QStringLiteral("stop"), {{QStringLiteral("name"), name}});
        });
    }
    m_menu->addSeparator();
    m_menu->addAction(m_open);
    m_menu->addAction(m_dashboard);
    m_menu->addAction(m_clients);
    m_menu->addAction(m_pause);
    m_menu->addSeparator();
    m_menu->addAction(m_quit);
    m_pause->setEnabled(m_view->isConnected() && !servers.isEmpty());
    updateIcon();
}

void TrayIcon::updateIcon()
{
    const QJsonArray servers = m_view->status().value(QLatin1String("servers")).toArray();
    const StateColors::Health health = StateColors::health(servers);
    if (int(health) != m_health) {
        m_health = int(health);
        m_tray->setIcon(StateColors::appIcon(health, QApplication::palette()));
    }
    updateSummary();
}

QString TrayIcon::summaryText() const
{
    const QJsonObject status = m_view->status();
    const QJsonArray servers = status.value(QLatin1String("servers")).toArray();
    int failing = 0;
    for (const QJsonValue &server : servers) {
        if (server.toObject().value(QLatin1String("state")).toString() == QLatin1String("failed"))
            ++failing;
    }
    // A client is a running client program: Claude Desktop's shims for five servers are one, two
    // Claude Code windows are two. A session without a known process (HTTP) counts on its own.
    QSet<QString> programs;
    for (const QJsonValue &value : status.value(QLatin1String("sessions")).toArray()) {
        const QJsonObject session = value.toObject();
        const qint64 parent = session.value(QLatin1String("parentPid")).toInteger(-1);
        programs.insert(parent > 0 ? QStringLiteral("pid:%1").arg(parent)
                                   : QStringLiteral("session:%1").arg(session.value(QLatin1String("id")).toInteger()));
    }
    const int clients = int(programs.size());
    //: Tray summary: server and client counts
    QString text = tr("%n server(s)", nullptr, int(servers.size())) + tr(", %n client(s)", nullptr, clients);
    if (failing > 0)
        text += tr(", %n failing", nullptr, failing);
    double slowest = 0;
    for (auto it = m_p95.cbegin(); it != m_p95.cend(); ++it)
        slowest = qMax(slowest, it.value());
    if (slowest > 0)
        text += tr(", slowest: p95 %1").arg(ServerCard::formatMs(slowest));
    return text;
}

void TrayIcon::updateSummary()
{
    const QString summary = summaryText();
    m_summary->setText(summary);
    //: Tray tooltip: Manifold — summary
    m_tray->setToolTip(tr("Manifold — %1").arg(summary));
}

void TrayIcon::onHealth(const QString &server, const HealthSeries &series)
{
    if (series.callsPerMin > 0)
        m_p95.insert(server, series.p95Ms);
    else
        m_p95.remove(server);
    updateSummary();
}

void TrayIcon::showNotification(const QString &title, const QString &message)
{
    if (QSystemTrayIcon::isSystemTrayAvailable() && QSystemTrayIcon::supportsMessages())
        m_tray->showMessage(title, message, QSystemTrayIcon::Warning, 10000);
}

// The URL comes back from the broker and is opened here: the broker may run headless, in
// another process, where it has no browser to open.
void TrayIcon::signIn(const QString &server)
{
    m_view->call(QStringLiteral("login"), {{QStringLiteral("name"), server}, {QStringLiteral("openBrowser"), false}},
                 [this, server](bool ok, const QJsonObject &result, const QString &error) {
                     const QString url = result.value(QLatin1String("signInUrl")).toString();
                     if (ok && !url.isEmpty()) {
                         QDesktopServices::openUrl(QUrl(url));
                     } else if (!ok && QSystemTrayIcon::isSystemTrayAvailable() && QSystemTrayIcon::supportsMessages()) {
                         m_tray->showMessage(tr("Could not sign in to \"%1\"").arg(server), error,
                                             QSystemTrayIcon::Warning, 10000);
                     }
                 });
}

void TrayIcon::pauseAll()
{
    const QJsonArray servers = m_view->status().value(QLatin1String("servers")).toArray();
    for (const QJsonValue &value : servers)
        m_view->call(QStringLiteral("stop"), {{QStringLiteral("name"), value.toObject().value(QLatin1String("name"))}});
}

} // namespace manifold
