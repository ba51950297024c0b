#include "unixsignalwatcher.h"

#include "autostart.h"
#include "broker/broker.h"
#include "broker/remoteaccess.h"
#include "clients/shimlauncher.h"
#include "control/localbrokerview.h"
#include "control/remotebrokerview.h"
#include "manifold/version.h"
#include "platform/allocator.h"
#include "platform/runtimepaths.h"
#include "secrets/secretstorefactory.h"
#include "trayapp.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDesktopServices>
#include <QUrl>
#include <QFileInfo>
#include <QMessageBox>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>

using namespace manifold;

namespace {

struct Options
{
    bool headless = false;
    bool minimized = false;
    Broker::Options broker;
};

Options parseOptions(const QCoreApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "Manifold: one shared process per MCP server for every MCP client."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption headless(QStringLiteral("headless"),
                                      QCoreApplication::translate("main", "Run the broker without a window or tray icon."));
    const QCommandLineOption minimized(QStringLiteral("minimized"),
                                       QCoreApplication::translate("main", "Start hidden in the system tray."));
    const QCommandLineOption configDir(
        QStringLiteral("config-dir"),
        QCoreApplication::translate("main", "Directory holding servers.json (default: $MANIFOLD_CONFIG_DIR or ~/.config/manifold)."),
        QStringLiteral("dir"));
    const QCommandLineOption socket(
        QStringLiteral("socket"),
        QCoreApplication::translate("main", "Broker socket path (default: $MANIFOLD_SOCKET, else the per-user %1).")
            .arg(platform::defaultSocketPath()),
        QStringLiteral("path"));
    parser.addOptions({headless, minimized, configDir, socket});
    parser.process(app);
    Options options;
    options.headless = parser.isSet(headless);
    options.minimized = parser.isSet(minimized);
    options.broker.configDir = parser.value(configDir);
    const platform::SocketChoice choice = platform::resolveSocket(parser.value(socket));
    options.broker.socketPath = choice.path;
    options.broker.socketSource = platform::socketSourceName(choice.source);
    return options;
}

// A window needs a display; without one `manifold` runs the broker headless instead of failing.
bool canShowWindows(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--headless") == 0)
            return false;
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0 ||
            std::strcmp(argv[i], "--version") == 0 || std::strcmp(argv[i], "-v") == 0)
            return false;
    }
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY") ||
           qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}

// exit(), not quit(): quit() asks every window to close first, and the main window refuses
// (closing it only hides it), so quit() would never end the tray app.
void stopOnSignals(UnixSignalWatcher &watcher, Broker &broker)
{
    QObject::connect(&watcher, &UnixSignalWatcher::terminationRequested, &broker, [&broker](int signal) {
#ifdef SIGHUP
        if (signal == SIGHUP) {
            QString error;
            if (broker.reloadRegistry(&error))
                std::fprintf(stderr, "manifold: SIGHUP: reloaded servers.json\n");
            return;
        }
#endif
        std::fprintf(stderr, "manifold: signal %d: stopping servers\n", signal);
        broker.shutdown([] { QCoreApplication::exit(0); });
    });
}

// Client configs name a launcher at a stable path; once setup has written it, every start points
// it at this installation's shim again (after an upgrade, a reinstall, a move of the AppImage):
// whichever installation (deb, AppImage, build tree) started last owns it.
void refreshShimLauncher()
{
    const QString launcher = shimlauncher::stablePath(ClientEnvironment::current());
    const QStringList shim = shimlauncher::bundledShim();
    QString error;
    if (QFileInfo::exists(launcher) && !shim.isEmpty() && !shimlauncher::install(launcher, shim, &error))
        std::fprintf(stderr, "manifold: %s\n", qPrintable(error));
}

// The same for the login item: an entry registered by an earlier start runs this installation.
void refreshAutostart()
{
    const std::unique_ptr<Autostart> autostart = Autostart::create();
    QString error;
    if (autostart->isEnabled() && !autostart->setEnabled(true, &error))
        std::fprintf(stderr, "manifold: %s\n", qPrintable(error));
}

int runHeadless(QCoreApplication &app, const Options &options)
{
    refreshShimLauncher();
    Broker broker(options.broker);
    QString message;
    switch (broker.listen(&message)) {
    case Broker::ListenResult::AlreadyRunning:
        std::fprintf(stdout, "manifold: %s\n", qPrintable(message));
        return 0;
    case Broker::ListenResult::Failed:
        std::fprintf(stderr, "manifold: %s\n", qPrintable(message));
        return 1;
    case Broker::ListenResult::Listening:
        std::fprintf(stderr, "manifold: %s\n", qPrintable(message));
        break;
    }
    UnixSignalWatcher signalWatcher;
    stopOnSignals(signalWatcher, broker);
    return app.exec();
}

// Another process holds the broker. If it is a tray app, it shows its window and we are done;
// if it is a headless broker (started by a shim), this window attaches to it.
int attachToRunningBroker(QApplication &app, const Options &options, const QString &socketPath)
{
    RemoteBrokerView view(socketPath);
    std::unique_ptr<SecretStore> secrets; // declared before the window, which uses it
    std::unique_ptr<TrayApp> tray;
    int exitCode = 0;
    QObject::connect(&view, &BrokerView::connected, &app, [&] {
        view.call(QStringLiteral("show"), {}, [&](bool ok, const QJsonObject &result, const QString &) {
            if (ok && result.value(QStringLiteral("shown")).toBool()) {
                std::fprintf(stdout, "manifold: raised the window of the running Manifold\n");
                QCoreApplication::exit(0);
                return;
            }
            std::fprintf(stderr, "manifold: attached to the running broker at %s\n", qPrintable(socketPath));
            tray = std::make_unique<TrayApp>(&view, TrayApp::Options{options.minimized, false});
            tray->setConfigDir(options.broker.configDir);
            if (!secrets)
                secrets = createSecretStore();
            tray->setSecretStore(secrets.get());
            // Quitting an attached window leaves the broker (and every session) running.
            QObject::connect(tray.get(), &TrayApp::quitRequested, &app, [] { QCoreApplication::exit(0); });
        });
    });
    QObject::connect(&view, &BrokerView::disconnected, &app, [&] {
        if (tray)
            QMessageBox::warning(nullptr, QObject::tr("Manifold"), QObject::tr("The Manifold broker stopped."));
        else
            std::fprintf(stderr, "manifold: cannot reach the running broker at %s\n", qPrintable(socketPath));
        exitCode = tray ? 0 : 1;
        QCoreApplication::exit(0);
    });
    view.open();
    const int code = app.exec();
    tray.reset();
    return code != 0 ? code : exitCode;
}

int runTray(QApplication &app, const Options &options)
{
    refreshShimLauncher();
    refreshAutostart();
    TrayApp::installTranslators(&app);
    Broker broker(options.broker);
    QString message;
    switch (broker.listen(&message)) {
    case Broker::ListenResult::AlreadyRunning:
        return attachToRunningBroker(app, options, broker.socketPath());
    case Broker::ListenResult::Failed:
        std::fprintf(stderr, "manifold: %s\n", qPrintable(message));
        QMessageBox::critical(nullptr, QObject::tr("Manifold"), message);
        return 1;
    case Broker::ListenResult::Listening:
        std::fprintf(stderr, "manifold: %s\n", qPrintable(message));
        break;
    }
    UnixSignalWatcher signalWatcher;
    stopOnSignals(signalWatcher, broker);
    LocalBrokerView view(&broker);
    TrayApp tray(&view, TrayApp::Options{options.minimized, true});
    // A sign-in a remote server needs opens in the user's browser, once per sign-in.
    broker.remoteAccess()->setOpener([](const QString &, const QUrl &url) { QDesktopServices::openUrl(url); });
    // Client setup stores secrets where the broker reads them, and edits the broker's registry.
    tray.setConfigDir(options.broker.configDir);
    tray.setSecretStore(broker.secretStore());
    broker.setWindowHost(true);
    QObject::connect(&broker, &Broker::showWindowRequested, &tray, &TrayApp::showWindow);
    // Benchmarks and screenshots: MANIFOLD_OPEN=traffic|dashboard|map opens the window on that page.
    if (const QString page = qEnvironmentVariable("MANIFOLD_OPEN"); !page.isEmpty() && !tray.showPage(page))
        std::fprintf(stderr, "manifold: MANIFOLD_OPEN=%s: no such page; showing the window\n", qPrintable(page));
    QObject::connect(&tray, &TrayApp::quitRequested, &broker, [&broker] {
        broker.shutdown([] { QCoreApplication::exit(0); });
    });
    return app.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    platform::tuneAllocator();
    if (!qEnvironmentVariableIsSet("QT_MESSAGE_PATTERN"))
        qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{if-category}%{category}: %{endif}%{message}"));
    QCoreApplication::setOrganizationName(QStringLiteral("manifold"));
    QCoreApplication::setApplicationName(QStringLiteral("manifold"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(versionString()));

    if (!canShowWindows(argc, argv)) {
        // GLib's dispatcher, as Qt picks it: measured (bench/, issue 17) Qt's own saves nothing
        // per call once nothing posts an event per message. QT_NO_GLIB=1 still works, keychain
        // included (GlibPump turns GLib's context while a keychain job waits).
        QCoreApplication app(argc, argv);
        Options options = parseOptions(app);
        if (!options.headless)
            std::fprintf(stderr, "manifold: no display; running the broker headless\n");
        return runHeadless(app, options);
    }
    QApplication app(argc, argv);
    // Ties the window to packaging/linux/dev.manifold.Manifold.desktop (Wayland app id, icon).
    QGuiApplication::setDesktopFileName(QStringLiteral("dev.manifold.Manifold"));
    const Options options = parseOptions(app);
    return runTray(app, options);
}
