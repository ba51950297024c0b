#include "remotecommands.h"

#include "controlclient.h"

#include "config/serverconfig.h"
#include "secrets/secretstore.h"

#include <QJsonArray>
#include <QProcess>
#include <QProcessEnvironment>

#include <cstdio>

namespace manifold::ctl {

const char *const RemoteUsage =
    "  add NAME --url URL [--transport auto|http|sse] [--header K=V]... [--secret-header K]...\n"
    "           [--plain-header K]... [--client-id ID] [--scope S] [--no-resource]\n"
    "                                                register a remote server: one shared upstream\n"
    "                                                for every client; secret-looking header values\n"
    "                                                (Authorization, *token*, *key*) go to the keychain\n"
    "  login NAME [--no-browser]                     sign in to a remote server once for all clients\n"
    "                                                (opens the browser, or prints the URL)\n"
    "  logout NAME                                   revoke and forget the server's tokens\n";

namespace {

int fail(const QString &message, int code)
{
    std::fprintf(stderr, "manifoldctl: %s\n", qPrintable(message));
    return code;
}

// $MANIFOLD_URL_OPENER (tests, unusual desktops), else xdg-open on a desktop; false: print only.
bool openInBrowser(const QString &url)
{
    const QString opener = qEnvironmentVariable("MANIFOLD_URL_OPENER");
    if (!opener.isEmpty())
        return QProcess::startDetached(opener, {url});
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!env.contains(QStringLiteral("DISPLAY")) && !env.contains(QStringLiteral("WAYLAND_DISPLAY")))
        return false;
    return QProcess::startDetached(QStringLiteral("xdg-open"), {url});
}

} // namespace

QString parseRemoteAdd(const QString &name, QStringList args, QJsonObject *params)
{
    QString url;
    QJsonObject headers;
    QStringList secret;
    QStringList plain;
    QJsonObject oauth;
    QString transport = QStringLiteral("auto");
    while (!args.isEmpty()) {
        const QString option = args.takeFirst();
        const bool hasValue = !args.isEmpty();
        if (option == QLatin1String("--url") && hasValue) {
            url = args.takeFirst();
        } else if (option == QLatin1String("--transport") && hasValue) {
            transport = args.takeFirst();
            if (!ServerConfig::parseTransport(transport, nullptr))
                return QStringLiteral("--transport wants auto, http or sse, got '%1'").arg(transport);
        } else if (option == QLatin1String("--header") && hasValue) {
            // K=V or "K: V" (the form mcp-remote and curl take).
            const QString pair = args.takeFirst();
            qsizetype at = pair.indexOf(QLatin1Char('='));
            const qsizetype colon = pair.indexOf(QLatin1Char(':'));
            if (colon > 0 && (at < 0 || colon < at))
                at = colon;
            if (at <= 0)
                return QStringLiteral("--header wants K=V, got '%1'").arg(pair);
            const QString key = pair.left(at).trimmed();
            QString why;
            if (!ServerConfig::isSettableHeader(key, &why))
                return why;
            headers.insert(key, pair.mid(at + 1).trimmed());
        } else if ((option == QLatin1String("--secret-header") || option == QLatin1String("--plain-header")) && hasValue) {
            (option == QLatin1String("--secret-header") ? secret : plain).append(args.takeFirst());
        } else if (option == QLatin1String("--client-id") && hasValue) {
            oauth.insert(QStringLiteral("clientId"), args.takeFirst());
        } else if (option == QLatin1String("--scope") && hasValue) {
            oauth.insert(QStringLiteral("scope"), args.takeFirst());
        } else if (option == QLatin1String("--no-resource")) {
            oauth.insert(QStringLiteral("sendResource"), false);
        } else {
            return QStringLiteral("unexpected '%1' for a remote server (see manifoldctl --help)").arg(option);
        }
    }
    QString why;
    if (!ServerConfig::isValidRemoteUrl(url, &why))
        return why;
    for (const QString &header : secret + plain) {
        if (!headers.contains(header))
            return QStringLiteral("%1 is not set with --header").arg(header);
    }
    QStringList secretHeaders;
    for (auto it = headers.constBegin(); it != headers.constEnd(); ++it) {
        if ((looksLikeSecretHeader(it.key()) || secret.contains(it.key())) && !plain.contains(it.key()))
            secretHeaders.append(it.key());
    }
    params->insert(QStringLiteral("name"), name);
    params->insert(QStringLiteral("url"), url);
    params->insert(QStringLiteral("transport"), transport);
    params->insert(QStringLiteral("headers"), headers);
    params->insert(QStringLiteral("secretHeaders"), QJsonArray::fromStringList(secretHeaders));
    if (!oauth.isEmpty())
        params->insert(QStringLiteral("oauth"), oauth);
    return {};
}

bool isRemoteCommand(const QString &command)
{
    return command == QLatin1String("login") || command == QLatin1String("logout");
}

int runRemoteCommand(const QString &command, const QStringList &args,
                     const std::function<std::unique_ptr<ControlClient>(QString *error)> &connect)
{
    QStringList rest = args;
    const bool noBrowser = rest.removeAll(QStringLiteral("--no-browser")) > 0;
    if (rest.size() != 1 || rest.first().startsWith(QLatin1Char('-')))
        return fail(QStringLiteral("%1 needs exactly one server NAME").arg(command), 2);
    const QString name = rest.first();
    QString error;
    std::unique_ptr<ControlClient> client = connect(&error);
    if (!client)
        return fail(error, 1);
    QJsonObject result;
    if (command == QLatin1String("logout")) {
        if (!client->call(QStringLiteral("logout"), {{QStringLiteral("name"), name}}, &result, &error))
            return fail(error, 1);
        std::printf("signed out of %s%s\n", qPrintable(name),
                    result.value(QStringLiteral("revoked")).toBool() ? " (tokens revoked)" : "");
        return 0;
    }
    // The broker does not open a browser for us: this terminal's user is the one signing in.
    if (!client->call(QStringLiteral("login"), {{QStringLiteral("name"), name}, {QStringLiteral("openBrowser"), false}},
                      &result, &error))
        return fail(error, 1);
    const QString url = result.value(QStringLiteral("signInUrl")).toString();
    if (!url.isEmpty()) {
        const bool opened = !noBrowser && openInBrowser(url);
        std::printf("%s %s:\n  %s\n", opened ? "Your browser was opened to sign in to" : "Open this URL to sign in to",
                    qPrintable(name), qPrintable(url));
        std::fflush(stdout);
    }
    // Waits as long as the broker does for the browser (10 minutes).
    if (!client->call(QStringLiteral("loginWait"), {{QStringLiteral("name"), name}}, &result, &error, 11 * 60 * 1000))
        return fail(error, 1);
    std::printf("signed in to %s\n", qPrintable(name));
    return 0;
}

} // namespace manifold::ctl
