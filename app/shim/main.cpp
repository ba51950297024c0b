#include "shim.h"

#include "manifold/version.h"
#include "platform/allocator.h"
#include "platform/leaneventloop.h"
#include "platform/runtimepaths.h"

#include <QCoreApplication>

#include <csignal>
#include <cstdio>
#include <cstring>

int main(int argc, char *argv[])
{
    manifold::platform::tuneAllocator();
    manifold::platform::LeanEventLoop leanLoop;
    QCoreApplication app(argc, argv);
    leanLoop.restoreEnvironment();
    QString socketPath;
    QString name;
    const QStringList args = app.arguments().mid(1);
    for (int i = 0; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        if (arg == QLatin1String("--version")) {
            std::printf("manifold-shim %s\n", manifold::versionString());
            return 0;
        }
        if (arg == QLatin1String("--help") || arg == QLatin1String("-h")) {
            std::printf("Usage: manifold-shim [--socket PATH] NAME\n\n"
                        "Point an MCP client's server command at this. It relays the client's stdio\n"
                        "to the shared server NAME in the Manifold broker, starting the broker if needed.\n");
            return 0;
        }
        if (arg == QLatin1String("--socket") && i + 1 < args.size()) {
            socketPath = args.at(++i);
        } else if (arg.startsWith(QLatin1String("--socket="))) {
            socketPath = arg.mid(9);
        } else if (name.isEmpty() && !arg.startsWith(QLatin1Char('-'))) {
            name = arg;
        } else {
            std::fprintf(stderr, "manifold-shim: unexpected argument '%s'\nUsage: manifold-shim [--socket PATH] NAME\n",
                         qPrintable(arg));
            return 2;
        }
    }
    if (name.isEmpty()) {
        std::fprintf(stderr, "Usage: manifold-shim [--socket PATH] NAME\n");
        return 2;
    }
    if (socketPath.isEmpty())
        socketPath = manifold::platform::resolveSocket().path;
#ifdef SIGPIPE
    std::signal(SIGPIPE, SIG_IGN);
#endif

    Shim shim(socketPath, name);
    QObject::connect(&shim, &Shim::finished, &app, [](int code) { QCoreApplication::exit(code); },
                     Qt::QueuedConnection);
    shim.start();
    return app.exec();
}
