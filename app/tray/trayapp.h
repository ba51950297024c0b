#pragma once

#include <QObject>

#include <memory>

class QCoreApplication;

namespace manifold {

class Autostart;
class BrokerView;
class ClientSetup;
class MainWindow;
class MemorySecretStore;
class SecretStore;
class TrayIcon;

// The tray application: the window and the tray icon over one BrokerView, and the explicit
// Quit. Emits quitRequested once the user confirmed; the owner stops the broker and exits.
class TrayApp final : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        bool minimized = false;   // --minimized: start hidden in the tray (shown if there is no tray)
        bool confirmQuit = true;  // ask before quitting while sessions are connected
    };

    TrayApp(BrokerView *view, Options options, QObject *parent = nullptr);
    ~TrayApp() override;

    // Loads the translation for QLocale::system() (and Qt's own); false if none matched.
    static bool installTranslators(QCoreApplication *app);

    MainWindow *window() const { return m_window; }
    TrayIcon *trayIcon() const { return m_tray; }
    bool hasSystemTray() const { return m_hasTray; }
    ClientSetup *clientSetup() const { return m_clientSetup; }

    // Where client setup keeps secrets (the OS keychain); not owned, must outlive this. Without
    // one, secrets go to a store in memory. Call right after construction.
    void setSecretStore(SecretStore *store);
    // Manifold's config directory (servers.json); empty: ServerRegistry::defaultConfigDir().
    void setConfigDir(const QString &dir);

    // Shows, raises and activates the window (tray "Open", a second launch).
    void showWindow();
    // Shows the window on a page: "traffic", "dashboard", "map" (or any tab's objectName); for
    // MANIFOLD_OPEN (benchmarks, screenshots). False if that page is not in this build.
    bool showPage(const QString &page);
    // Asks when sessions are connected, then emits quitRequested.
    void requestQuit();
    void showSettings();
    // Shows the window on its Clients page (tray "Set Up Clients…").
    void showClients();

signals:
    void quitRequested();

private:
    void updateWindowIcon();
    void createClientSetup();

    BrokerView *m_view;
    Options m_options;
    bool m_hasTray;
    std::unique_ptr<Autostart> m_autostart;
    MainWindow *m_window;
    TrayIcon *m_tray;
    MemorySecretStore *m_memoryStore = nullptr;
    SecretStore *m_secretStore = nullptr;
    QString m_configDir;
    ClientSetup *m_clientSetup = nullptr;
};

} // namespace manifold
