#pragma once

#include <QHash>
#include <QObject>
#include <QStringList>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace manifold {

class BrokerView;
class HealthFeed;
class HealthNotifier;
struct HealthSeries;

// The system tray icon: its look tells overall health, its menu lists every server with its
// state and session count (Restart / Stop), a summary line and its tooltip sum up servers,
// clients and health; desktop notifications come from a HealthNotifier only (no storms).
class TrayIcon final : public QObject
{
    Q_OBJECT

public:
    explicit TrayIcon(BrokerView *view, QObject *parent = nullptr);
    ~TrayIcon() override;

    QMenu *menu() const { return m_menu; }
    QAction *clientsAction() const { return m_clients; }
    QAction *dashboardAction() const { return m_dashboard; }
    // The disabled first menu entry: "3 servers, 2 clients, 1 failing".
    QAction *summaryAction() const { return m_summary; }
    HealthNotifier *notifier() const { return m_notifier; }
    HealthFeed *healthFeed() const { return m_feed; }
    // "3 servers, 2 clients[, 1 failing][, slowest: p95 220 ms]".
    QString summaryText() const;
    QSystemTrayIcon *systemTrayIcon() const { return m_tray; }
    // "name — state (N sessions)", as the menu shows it.
    static QString serverLabel(const QJsonObject &server);

    void show();

signals:
    void openRequested();
    void clientsRequested();
    void dashboardRequested();
    void quitRequested();

private:
    void rebuildMenu();
    void updateIcon();
    void updateSummary();
    void onHealth(const QString &server, const HealthSeries &series);
    void showNotification(const QString &title, const QString &message);
    void pauseAll();
    void signIn(const QString &server);
    BrokerView *m_view;
    QSystemTrayIcon *m_tray;
    QMenu *m_menu;
    QAction *m_open;
    QAction *m_clients;
    QAction *m_dashboard;
    QAction *m_summary;
    QAction *m_pause;
    QAction *m_quit;
    int m_health = -1;
    HealthFeed *m_feed;
    HealthNotifier *m_notifier;
    QHash<QString, double> m_p95;   // server -> last minute's p95 (ms), while it had calls
};

} // namespace manifold
