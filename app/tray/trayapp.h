#pragma once

#include <QObject>

#include <memory>

class QCoreApplication;

namespace manifold {

class Autostart;
class BrokerView;
class MainWindow;
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

    // Shows, raises and activates the window (tray "Open", a second launch).
    void showWindow();
    // Asks when sessions are connected, then emits quitRequested.
    void requestQuit();
    void showSettings();

signals:
    void quitRequested();

private:
    void updateWindowIcon();

    BrokerView *m_view;
    Options m_options;
    bool m_hasTray;
    std::unique_ptr<Autostart> m_autostart;
    MainWindow *m_window;
    TrayIcon *m_tray;
};

} // namespace manifold
