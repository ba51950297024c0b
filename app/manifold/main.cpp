#include "unixsignalwatcher.h"

#include "broker/broker.h"
#include "manifold/version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTimer>

#include <csignal>
#include <cstdio>

using namespace manifold;

int main(int argc, char *argv[])
{
    if (!qEnvironmentVariableIsSet("QT_MESSAGE_PATTERN"))
        qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{if-category}%{category}: %{endif}%{message}"));
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("manifold"));
    QCoreApplication::setApplicationVersion(QString::fromLatin1(versionString()));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Manifold: one shared process per MCP server for every MCP client."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption headless(QStringLiteral("headless"), QStringLiteral("Run the broker without a window or tray icon."));
    QCommandLineOption configDir(QStringLiteral("config-dir"),
                                 QStringLiteral("Directory holding servers.json (default: $MANIFOLD_CONFIG_DIR or ~/.config/manifold)."),
                                 QStringLiteral("dir"));
    QCommandLineOption socket(QStringLiteral("socket"),
                              QStringLiteral("Broker socket path (default: $XDG_RUNTIME_DIR/manifold/broker.sock)."),
                              QStringLiteral("path"));
    QCommandLineOption minimized(QStringLiteral("minimized"), QStringLiteral("Start hidden in the system tray."));
    parser.addOptions({headless, minimized, configDir, socket});
    parser.process(app);

    if (!parser.isSet(headless)) {
        std::fprintf(stderr, "manifold: the tray window is not part of this build yet; "
                             "running the broker headless.\n");
    }

    Broker::Options options;
    options.configDir = parser.value(configDir);
    options.socketPath = parser.isSet(socket) ? parser.value(socket) : qEnvironmentVariable("MANIFOLD_SOCKET");
    Broker broker(options);
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
    QObject::connect(&signalWatcher, &UnixSignalWatcher::terminationRequested, &app, [&](int signal) {
        if (signal == SIGHUP) {
            QString error;
            if (broker.reloadRegistry(&error))
                std::fprintf(stderr, "manifold: SIGHUP: reloaded servers.json\n");
            return;
        }
        std::fprintf(stderr, "manifold: signal %d: stopping servers\n", signal);
        broker.shutdown([] { QCoreApplication::quit(); });
    });
    return app.exec();
}
