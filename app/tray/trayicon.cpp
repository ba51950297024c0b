#include "trayicon.h"

#include "statecolors.h"

#include "control/brokerview.h"

#include <QAction>
#include <QApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QDesktopServices>
#include <QJsonObject>
#include <QMenu>
#include <QUrl>
#include <QSystemTrayIcon>

namespace manifold {

TrayIcon::TrayIcon(BrokerView *view, QObject *parent)
    : QObject(parent)
    , m_view(view)
    , m_tray(new QSystemTrayIcon(this))
    , m_menu(new QMenu)
{
    m_open = new QAction(tr("&Open Manifold"), this);
    m_clients = new QAction(tr("Set Up &Clients…"), this);
    m_pause = new QAction(tr("&Pause (Stop All Servers)"), this);
    m_quit = new QAction(tr("&Quit Manifold"), this);
    connect(m_open, &QAction::triggered, this, &TrayIcon::openRequested);
    connect(m_clients, &QAction::triggered, this, &TrayIcon::clientsRequested);
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
    connect(m_view, &BrokerView::serverChanged, this, &TrayIcon::noticeSignIn);
    connect(m_view, &BrokerView::serverRemoved, this, &TrayIcon::rebuildMenu);
    connect(m_view, &BrokerView::connected, this, &TrayIcon::rebuildMenu);
    connect(m_view, &BrokerView::disconnected, this, &TrayIcon::rebuildMenu);
    connect(m_view, &BrokerView::serverFailed, this, &TrayIcon::onServerFailed);
    connect(m_view, &BrokerView::sessionCutOff, this, &TrayIcon::onSessionCutOff);
    rebuildMenu();
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
    if (int(health) == m_health)
        return;
    m_health = int(health);
    m_tray->setIcon(StateColors::appIcon(health, QApplication::palette()));
    switch (health) {
    case StateColors::Health::Good:
        m_tray->setToolTip(tr("Manifold: all servers fine"));
        break;
    case StateColors::Health::Degraded:
        m_tray->setToolTip(tr("Manifold: a server is restarting or not responding"));
        break;
    case StateColors::Health::Failed:
        m_tray->setToolTip(tr("Manifold: a server has failed"));
        break;
    }
}

void TrayIcon::onServerFailed(const QString &name, const QStringList &lastStderr)
{
    updateIcon();
    QString body = lastStderr.mid(qMax(0, int(lastStderr.size()) - 5)).join(QLatin1Char('\n'));
    if (body.isEmpty())
        body = tr("It left no error output.");
    if (QSystemTrayIcon::isSystemTrayAvailable() && QSystemTrayIcon::supportsMessages())
        m_tray->showMessage(tr("Server \"%1\" failed").arg(name), body, QSystemTrayIcon::Critical, 10000);
}

void TrayIcon::onSessionCutOff(const QString &server, qint64, const QString &message, const QString &)
{
    if (QSystemTrayIcon::isSystemTrayAvailable() && QSystemTrayIcon::supportsMessages())
        m_tray->showMessage(tr("A client of \"%1\" stopped reading; disconnected").arg(server), message,
                            QSystemTrayIcon::Warning, 10000);
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

void TrayIcon::noticeSignIn(const QJsonObject &server)
{
    const QString name = server.value(QLatin1String("name")).toString();
    const QJsonObject auth = server.value(QLatin1String("auth")).toObject();
    if (auth.isEmpty())
        return;
    const QString state = auth.value(QLatin1String("state")).toString();
    const QString before = std::exchange(m_authStates[name], state);
    if (state == before || (state != QLatin1String("sign-in-required") && state != QLatin1String("signing-in")))
        return;
    if (before == QLatin1String("sign-in-required") || before == QLatin1String("signing-in"))
        return;   // still the same need: one notification, not a storm
    if (QSystemTrayIcon::isSystemTrayAvailable() && QSystemTrayIcon::supportsMessages())
        m_tray->showMessage(tr("Sign in to \"%1\"").arg(name),
                            state == QLatin1String("signing-in")
                                ? tr("A browser window was opened to sign in. Every client uses this one sign-in.")
                                : tr("%1\nUse \"Sign In\" in the Manifold menu.").arg(auth.value(QLatin1String("message")).toString()),
                            QSystemTrayIcon::Information, 15000);
}

void TrayIcon::pauseAll()
{
    const QJsonArray servers = m_view->status().value(QLatin1String("servers")).toArray();
    for (const QJsonValue &value : servers)
        m_view->call(QStringLiteral("stop"), {{QStringLiteral("name"), value.toObject().value(QLatin1String("name"))}});
}

} // namespace manifold
