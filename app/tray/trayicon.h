#pragma once

#include <QHash>
#include <QObject>
#include <QStringList>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace manifold {

class BrokerView;

// The system tray icon: its look tells overall health, its menu lists every server with its
// state and session count (Restart / Stop), and it notifies when a server fails.
class TrayIcon final : public QObject
{
    Q_OBJECT

public:
    explicit TrayIcon(BrokerView *view, QObject *parent = nullptr);
    ~TrayIcon() override;

    QMenu *menu() const { return m_menu; }
    QAction *clientsAction() const { return m_clients; }
    QSystemTrayIcon *systemTrayIcon() const { return m_tray; }
    // "name — state (N sessions)", as the menu shows it.
    static QString serverLabel(const QJsonObject &server);

    void show();

signals:
    void openRequested();
    void clientsRequested();
    void quitRequested();

private:
    void rebuildMenu();
    void updateIcon();
    void onServerFailed(const QString &name, const QStringList &lastStderr);
    void onSessionCutOff(const QString &server, qint64 session, const QString &message, const QString &reason);
    void pauseAll();
    void signIn(const QString &server);
    void noticeSignIn(const QJsonObject &server);   // one notification per entry into "needs you"
    BrokerView *m_view;
    QSystemTrayIcon *m_tray;
    QMenu *m_menu;
    QAction *m_open;
    QAction *m_clients;
    QAction *m_pause;
    QAction *m_quit;
    int m_health = -1;
    QHash<QString, QString> m_authStates;   // remote server -> its sign-in state last seen
};

} // namespace manifold
