#include "clientcommands.h"
#include "controlclient.h"
#include "remotecommands.h"
#include "statusprinter.h"
#include "trafficcommand.h"

#include "config/serverconfig.h"
#include "secrets/secretstore.h"
#include "manifold/version.h"
#include "platform/runtimepaths.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>

#include <cstdio>
#include <memory>

namespace {

constexpr const char *Usage =
    "Usage: manifoldctl [--socket PATH] COMMAND\n"
    "\n"
    "Commands:\n"
    "  status [--json]                               servers, their children and connected sessions\n"
    "  add NAME [--env K=V]... [--secret K]... [--plain K]... [--cwd DIR] -- COMMAND [ARGS...]\n"
    "                                                register a server in servers.json; secret-looking\n"
    "                                                variables (and --secret ones) go to the keychain,\n"
    "                                                --plain keeps one in servers.json\n"
    "  remove NAME                                   unregister a server (stops its child)\n"
    "  start NAME                                    start the server's child now\n"
    "  restart NAME                                  stop gracefully, then start again\n"
    "  stop NAME                                     close stdin, SIGTERM, SIGKILL (restarts on demand)\n"
    "  kill NAME                                     SIGKILL the child's process group (auto-restarts)\n"
    "  reload                                        re-read servers.json now (it is also watched)\n"
    "  set NAME KEY VALUE                            change a setting and save it: sharing (shared,\n"
    "                                                per-project, per-client, isolated),\n"
    "                                                max-in-flight (0 = no limit), linger-ms (-1 = keep warm), heartbeat-ms,\n"
    "                                                max-line-bytes, max-queued-bytes (0 = broker default),\n"
    "                                                capture-bodies (true: the traffic view keeps bodies)\n"
    "  http enable [--port N] [--address ADDR] [--tls-cert FILE --tls-key FILE | --behind-proxy]\n"
    "              [--host NAME]... [--no-token] | disable | status [--json]\n"
    "                                                the HTTP front door: every server at URL/mcp/NAME\n"
    "  http token add NAME | revoke NAME | list      per-client bearer tokens (the secret is shown once)\n"
    "  set-default KEY VALUE                         change a default for every server without its own:\n"
    "                                                max-queued-bytes (0 = the built-in 64 MiB),\n"
    "                                                traffic-memory-bytes (per server, 0 = the built-in 8 MiB)\n"
    "  logs NAME [--lines N]                         the server's recent stderr and broker events\n"
    "%3"
    "%1%2"
    "  --version                                     print the version\n";

void printHttp(const QString &method, const QJsonObject &result, bool json)
{
    if (json) {
        std::printf("%s", QJsonDocument(result).toJson(QJsonDocument::Indented).constData());
        return;
    }
    if (method == QLatin1String("http/tokenAdd")) {
        std::printf("token %s: %s\n(shown once: give it to that client as \"Authorization: Bearer ...\")\n",
                    qPrintable(result.value(QStringLiteral("name")).toString()),
                    qPrintable(result.value(QStringLiteral("secret")).toString()));
        return;
    }
    if (method == QLatin1String("http/tokenRevoke")) {
        std::printf("revoked %s\n", qPrintable(result.value(QStringLiteral("revoked")).toString()));
        return;
    }
    const bool on = result.value(QStringLiteral("enabled")).toBool();
    std::printf("HTTP front door: %s\n", !on ? "off"
                                         : result.value(QStringLiteral("listening")).toBool() ? "on" : "on, NOT listening");
    if (on)
        std::printf("  %s%s\n", qPrintable(result.value(QStringLiteral("url")).toString()),
                    result.value(QStringLiteral("allowNoToken")).toBool() ? "  (no token needed: every local user can reach the servers)" : "");
    const QJsonObject tls = result.value(QStringLiteral("tls")).toObject();
    if (!tls.value(QStringLiteral("certificate")).toString().isEmpty())
        std::printf("  TLS: %s (key %s)\n", qPrintable(tls.value(QStringLiteral("certificate")).toString()),
                    qPrintable(tls.value(QStringLiteral("key")).toString()));
    else if (result.value(QStringLiteral("behindProxy")).toBool())
        std::printf("  plain HTTP: your reverse proxy in front of it does TLS\n");
    const QJsonArray hosts = result.value(QStringLiteral("hosts")).toArray();
    if (!hosts.isEmpty())
        std::printf("  also reached as: %s\n", qPrintable(QVariant(hosts.toVariantList()).toStringList().join(QStringLiteral(", "))));
    if (result.contains(QStringLiteral("error")))
        std::printf("  error: %s\n", qPrintable(result.value(QStringLiteral("error")).toString()));
    const QJsonArray tokens = result.value(QStringLiteral("tokens")).toArray();
    std::printf("tokens: %s\n", tokens.isEmpty() ? "none" : "");
    for (const QJsonValue &value : tokens) {
        const QJsonObject token = value.toObject();
        std::printf("  %-24s created %s, last used %s\n", qPrintable(token.value(QStringLiteral("name")).toString()),
                    qPrintable(token.value(QStringLiteral("created")).toString()),
                    qPrintable(token.value(QStringLiteral("lastUsed")).toString(QStringLiteral("never"))));
    }
}

QString usage()
{
    return QString::fromLatin1(Usage).arg(QString::fromLatin1(manifold::ctl::RemoteUsage),
                                         QString::fromLatin1(manifold::ctl::ClientUsage),
                                         QString::fromLatin1(manifold::ctl::TrafficUsage));
}

int fail(const QString &message, int code = 1)
{
    std::fprintf(stderr, "manifoldctl: %s\n", qPrintable(message));
    return code;
}

// The broker at --socket, $MANIFOLD_SOCKET or the default rendezvous; for the default also
// where an older broker of this user may still serve (see platform::rendezvousCandidates).
std::unique_ptr<ControlClient> connectQuietly(const QString &socketOption, QString *error)
{
    const manifold::platform::SocketChoice choice = manifold::platform::resolveSocket(socketOption);
    const QStringList candidates = choice.source == manifold::platform::SocketSource::Default
                                       ? manifold::platform::defaultSocketCandidates()
                                       : QStringList{choice.path};
    QString firstError;
    for (const QString &candidate : candidates) {
        if (candidate != candidates.first() && !QFileInfo::exists(candidate))
            continue;
        auto client = std::make_unique<ControlClient>(candidate);
        QString attempt;
        if (client->connectToBroker(&attempt))
            return client;
        if (firstError.isEmpty())
            firstError = attempt;
    }
    *error = firstError;
    return nullptr;
}

std::unique_ptr<ControlClient> connectToBroker(const QString &socketOption)
{
    QString error;
    std::unique_ptr<ControlClient> client = connectQuietly(socketOption, &error);
    if (!client)
        fail(error);
    return client;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    QString socketOption;

    while (!args.isEmpty() && args.first().startsWith(QLatin1String("--"))) {
        const QString option = args.takeFirst();
        if (option == QLatin1String("--version")) {
            std::printf("manifoldctl %s\n", manifold::versionString());
            return 0;
        }
        if (option == QLatin1String("--help")) {
            std::printf("%s", qPrintable(usage()));
            return 0;
        }
        if (option == QLatin1String("--socket") && !args.isEmpty()) {
            socketOption = args.takeFirst();
            continue;
        }
        if (option.startsWith(QLatin1String("--socket="))) {
            socketOption = option.mid(9);
            continue;
        }
        return fail(QStringLiteral("unknown option '%1'\n%2").arg(option, usage()), 2);
    }
    if (args.isEmpty()) {
        std::fprintf(stderr, "%s", qPrintable(usage()));
        return 2;
    }

    const QString command = args.takeFirst();
    if (manifold::ctl::isClientCommand(command))
        return manifold::ctl::runClientCommand(command, args, [socketOption](QString *error) {
            return connectQuietly(socketOption, error);
        });
    if (manifold::ctl::isRemoteCommand(command))
        return manifold::ctl::runRemoteCommand(command, args, [socketOption](QString *error) {
            return connectQuietly(socketOption, error);
        });
    if (command == QLatin1String("traffic"))
        return manifold::ctl::runTrafficCommand(args, [socketOption](QString *error) { return connectQuietly(socketOption, error); });
    QString method = command;
    QJsonObject params;
    bool json = false;

    if (command == QLatin1String("status")) {
        json = args.removeAll(QStringLiteral("--json")) > 0;
        if (!args.isEmpty())
            return fail(QStringLiteral("status takes only --json"), 2);
    } else if (command == QLatin1String("add") && args.contains(QStringLiteral("--url"))) {
        const QString name = args.isEmpty() ? QString() : args.takeFirst();
        if (!manifold::ServerConfig::isValidName(name))
            return fail(QStringLiteral("'%1' is not a usable server name: use letters, digits, '.', '_' and '-'").arg(name), 2);
        const QString error = manifold::ctl::parseRemoteAdd(name, args, &params);
        if (!error.isEmpty())
            return fail(error, 2);
    } else if (command == QLatin1String("add")) {
        if (args.isEmpty() || args.first().startsWith(QLatin1Char('-')))
            return fail(QStringLiteral("add needs a NAME\n%1").arg(usage()), 2);
        const QString name = args.takeFirst();
        if (!manifold::ServerConfig::isValidName(name))
            return fail(QStringLiteral("'%1' is not a usable server name: use letters, digits, '.', '_' and '-'").arg(name), 2);
        QJsonObject env;
        QString cwd;
        QStringList secret;
        QStringList plain;
        while (!args.isEmpty() && args.first() != QLatin1String("--")) {
            const QString option = args.takeFirst();
            if ((option == QLatin1String("--secret") || option == QLatin1String("--plain")) && !args.isEmpty()) {
                (option == QLatin1String("--secret") ? secret : plain).append(args.takeFirst());
            } else if (option == QLatin1String("--env") && !args.isEmpty()) {
                const QString pair = args.takeFirst();
                const qsizetype eq = pair.indexOf(QLatin1Char('='));
                if (eq <= 0)
                    return fail(QStringLiteral("--env wants K=V, got '%1'").arg(pair), 2);
                env.insert(pair.left(eq), pair.mid(eq + 1));
            } else if (option == QLatin1String("--cwd") && !args.isEmpty()) {
                cwd = args.takeFirst();
            } else {
                return fail(QStringLiteral("unexpected '%1' (put the server command after --)").arg(option), 2);
            }
        }
        if (args.isEmpty() || args.size() < 2)
            return fail(QStringLiteral("add needs -- COMMAND [ARGS...] (or --url URL)"), 2);
        args.removeFirst();   // "--"
        params.insert(QStringLiteral("name"), name);
        params.insert(QStringLiteral("command"), args.takeFirst());
        params.insert(QStringLiteral("args"), QJsonArray::fromStringList(args));
        params.insert(QStringLiteral("env"), env);
        if (!secret.isEmpty() || !plain.isEmpty()) {
            // Without these flags the broker decides by name (KEY, TOKEN, SECRET, ...).
            QStringList secretEnv;
            for (auto it = env.constBegin(); it != env.constEnd(); ++it) {
                if ((manifold::looksLikeSecretName(it.key()) || secret.contains(it.key())) && !plain.contains(it.key()))
                    secretEnv.append(it.key());
            }
            for (const QString &variable : secret + plain) {
                if (!env.contains(variable))
                    return fail(QStringLiteral("%1 is not set with --env").arg(variable), 2);
            }
            params.insert(QStringLiteral("secretEnv"), QJsonArray::fromStringList(secretEnv));
        }
        if (!cwd.isEmpty())
            params.insert(QStringLiteral("cwd"), cwd);
    } else if (command == QLatin1String("set")) {
        if (args.size() != 3)
            return fail(QStringLiteral("set needs NAME KEY VALUE"), 2);
        static const QMap<QString, QString> keys{{QStringLiteral("sharing"), QStringLiteral("sharing")},
                                                 {QStringLiteral("max-in-flight"), QStringLiteral("maxInFlight")},
                                                 {QStringLiteral("linger-ms"), QStringLiteral("lingerMs")},
                                                 {QStringLiteral("heartbeat-ms"), QStringLiteral("heartbeatMs")},
                                                 {QStringLiteral("max-line-bytes"), QStringLiteral("maxLineBytes")},
                                                 {QStringLiteral("max-queued-bytes"), QStringLiteral("maxQueuedBytes")},
                                                 {QStringLiteral("capture-bodies"), QStringLiteral("captureBodies")}};
        const QString key = keys.value(args.at(1), args.at(1));
        params.insert(QStringLiteral("name"), args.at(0));
        params.insert(QStringLiteral("key"), key);
        params.insert(QStringLiteral("value"), args.at(2));
    } else if (command == QLatin1String("http")) {
        const QString sub = args.isEmpty() ? QString() : args.takeFirst();
        if (sub == QLatin1String("enable")) {
            method = QStringLiteral("http/enable");
            QJsonObject tls;
            QStringList hosts;
            for (qsizetype i = 0; i < args.size(); ++i) {
                const QString &flag = args.at(i);
                if (flag == QLatin1String("--no-token")) {
                    params.insert(QStringLiteral("allowNoToken"), true);
                } else if (flag == QLatin1String("--token")) {
                    params.insert(QStringLiteral("allowNoToken"), false);
                } else if (flag == QLatin1String("--behind-proxy")) {
                    params.insert(QStringLiteral("behindProxy"), true);
                } else if (flag == QLatin1String("--no-tls")) {
                    params.insert(QStringLiteral("tls"), QJsonObject{});
                } else if (flag == QLatin1String("--port") && i + 1 < args.size()) {
                    bool number = false;
                    const int port = args.at(++i).toInt(&number);
                    if (!number || port < 1 || port > 65535)
                        return fail(QStringLiteral("http enable --port: '%1' is not a port (1 to 65535)").arg(args.at(i)), 2);
                    params.insert(QStringLiteral("port"), port);
                } else if (flag == QLatin1String("--address") && i + 1 < args.size()) {
                    params.insert(QStringLiteral("address"), args.at(++i));
                } else if (flag == QLatin1String("--host") && i + 1 < args.size()) {
                    hosts.append(args.at(++i));
                } else if ((flag == QLatin1String("--tls-cert") || flag == QLatin1String("--tls-key")) && i + 1 < args.size()) {
                    // The broker runs elsewhere: a relative path means one from here.
                    tls.insert(flag == QLatin1String("--tls-cert") ? QStringLiteral("certificate") : QStringLiteral("key"),
                               QFileInfo(args.at(++i)).absoluteFilePath());
                } else {
                    return fail(QStringLiteral("http enable takes --port N, --address ADDR, --tls-cert FILE --tls-key FILE, "
                                               "--behind-proxy, --host NAME, --no-token, --token, --no-tls"), 2);
                }
            }
            if (tls.contains(QStringLiteral("certificate")) != tls.contains(QStringLiteral("key")))
                return fail(QStringLiteral("http enable: --tls-cert and --tls-key go together"), 2);
            if (!tls.isEmpty())
                params.insert(QStringLiteral("tls"), tls);
            if (!hosts.isEmpty())
                params.insert(QStringLiteral("hosts"), QJsonArray::fromStringList(hosts));
        } else if (sub == QLatin1String("disable") || sub == QLatin1String("status")) {
            method = QStringLiteral("http/") + sub;
            json = args.contains(QStringLiteral("--json"));
        } else if (sub == QLatin1String("token") && args.size() == 2 &&
                   (args.at(0) == QLatin1String("add") || args.at(0) == QLatin1String("revoke"))) {
            method = args.at(0) == QLatin1String("add") ? QStringLiteral("http/tokenAdd") : QStringLiteral("http/tokenRevoke");
            params.insert(QStringLiteral("name"), args.at(1));
        } else if (sub == QLatin1String("token") && args.size() == 1 && args.at(0) == QLatin1String("list")) {
            method = QStringLiteral("http/status");
        } else {
            return fail(QStringLiteral("usage: manifoldctl http enable [--port N] [--address ADDR] [--tls-cert FILE "
                                       "--tls-key FILE | --behind-proxy] [--host NAME]... [--no-token] | disable | "
                                       "status [--json] | token add|revoke NAME | token list"), 2);
        }
    } else if (command == QLatin1String("set-default")) {
        if (args.size() != 2)
            return fail(QStringLiteral("set-default needs KEY VALUE"), 2);
        static const QMap<QString, QString> defaults{
            {QStringLiteral("max-queued-bytes"), QStringLiteral("maxQueuedBytes")},
            {QStringLiteral("maxQueuedBytes"), QStringLiteral("maxQueuedBytes")},
            {QStringLiteral("traffic-memory-bytes"), QStringLiteral("trafficMemoryBytes")},
            {QStringLiteral("trafficMemoryBytes"), QStringLiteral("trafficMemoryBytes")}};
        if (!defaults.contains(args.at(0))) {
            return fail(QStringLiteral("set-default: unknown KEY '%1' (settable: max-queued-bytes, traffic-memory-bytes)")
                            .arg(args.at(0)),
                        2);
        }
        method = QStringLiteral("setDefault");
        params.insert(QStringLiteral("key"), defaults.value(args.at(0)));
        params.insert(QStringLiteral("value"), args.at(1));
    } else if (command == QLatin1String("reload")) {
        if (!args.isEmpty())
            return fail(QStringLiteral("reload takes no arguments"), 2);
    } else if (command == QLatin1String("logs")) {
        int lines = 200;
        const qsizetype at = args.indexOf(QStringLiteral("--lines"));
        if (at >= 0) {
            bool ok = false;
            lines = at + 1 < args.size() ? args.at(at + 1).toInt(&ok) : 0;
            if (!ok || lines <= 0)
                return fail(QStringLiteral("--lines wants a positive number"), 2);
            args.remove(at, 2);
        }
        if (args.size() != 1)
            return fail(QStringLiteral("logs needs exactly one server NAME"), 2);
        params.insert(QStringLiteral("name"), args.first());
        params.insert(QStringLiteral("lines"), lines);
    } else if (command == QLatin1String("remove") || command == QLatin1String("start") ||
               command == QLatin1String("restart") || command == QLatin1String("stop") ||
               command == QLatin1String("kill")) {
        if (args.size() != 1)
            return fail(QStringLiteral("%1 needs exactly one server NAME").arg(command), 2);
        params.insert(QStringLiteral("name"), args.first());
    } else {
        return fail(QStringLiteral("unknown command '%1'\n%2").arg(command, usage()), 2);
    }

    std::unique_ptr<ControlClient> client = connectToBroker(socketOption);
    if (!client)
        return 1;
    QString error;
    QJsonObject result;
    if (!client->call(method, params, &result, &error))
        return fail(error);

    if (command == QLatin1String("status")) {
        if (json)
            std::printf("%s", QJsonDocument(result).toJson(QJsonDocument::Indented).constData());
        else
            std::printf("%s", qPrintable(formatStatus(result)));
    } else if (command == QLatin1String("set")) {
        std::printf("%s: %s = %s\n", qPrintable(args.at(0)), qPrintable(args.at(1)), qPrintable(args.at(2)));
    } else if (command == QLatin1String("http")) {
        printHttp(method, result, json);
    } else if (command == QLatin1String("set-default")) {
        std::printf("default %s = %s\n", qPrintable(args.at(0)), qPrintable(args.at(1)));
    } else if (command == QLatin1String("reload")) {
        std::printf("servers: %s\n", qPrintable(result.value(QStringLiteral("servers")).toVariant().toStringList().join(QStringLiteral(", "))));
    } else if (command == QLatin1String("logs")) {
        for (const QJsonValue &value : result.value(QStringLiteral("lines")).toArray()) {
            const QJsonObject line = value.toObject();
            std::printf("%s %-6s %s\n", qPrintable(line.value(QStringLiteral("time")).toString()),
                        qPrintable(line.value(QStringLiteral("source")).toString()),
                        qPrintable(line.value(QStringLiteral("text")).toString()));
        }
    } else if (command == QLatin1String("add")) {
        std::printf("added %s\n", qPrintable(params.value(QStringLiteral("name")).toString()));
    } else if (command == QLatin1String("remove")) {
        std::printf("removed %s\n", qPrintable(params.value(QStringLiteral("name")).toString()));
    } else {
        std::printf("%s: %s\n", qPrintable(params.value(QStringLiteral("name")).toString()),
                    qPrintable(result.value(QStringLiteral("state")).toString()));
    }
    return 0;
}
