#include "clients/remoteimport.h"

#include "clients/clientcatalog.h"
#include "secrets/secretstore.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrl>

#include <algorithm>

namespace manifold {

namespace {

const QString kMcpRemote = QStringLiteral("mcp-remote");

bool isMcpRemotePackage(const QString &arg)
{
    return arg == kMcpRemote || arg.startsWith(kMcpRemote + QLatin1Char('@'));
}

QString programName(const QString &command)
{
    QString name = QFileInfo(command).fileName();
    for (const char *suffix : {".cmd", ".exe"}) {
        if (name.endsWith(QLatin1String(suffix)))
            name.chop(int(qstrlen(suffix)));
    }
    return name;
}

// ${VAR}, ${env:VAR}, ${VAR:-default}, ${input:...}, ${workspaceFolder}...; and Gemini's $VAR.
const QRegularExpression &placeholderPattern(bool bareDollar)
{
    static const QRegularExpression braces(QStringLiteral(R"(\$\{([^}]*)\})"));
    static const QRegularExpression both(
        QStringLiteral(R"(\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*))"));
    return bareDollar ? both : braces;
}

// text with its placeholders filled in from env; *problem says which one cannot be.
QString resolve(const QString &text, const QMap<QString, QString> &env, bool bareDollar,
                QStringList *used, QString *problem)
{
    QString out;
    qsizetype last = 0;
    auto it = placeholderPattern(bareDollar).globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        QString name = match.captured(1).isNull() ? match.captured(2) : match.captured(1);
        if (name.startsWith(QLatin1String("env:")))
            name.remove(0, 4);
        name = name.section(QLatin1String(":-"), 0, 0);
        if (!env.contains(name)) {
            if (problem->isEmpty())
                *problem = QStringLiteral("not imported: %1 is filled in by the client when it "
                                          "connects, not known at setup")
                               .arg(match.captured(0));
            return QString();
        }
        out += text.mid(last, match.capturedStart() - last) + env.value(name);
        last = match.capturedEnd();
        if (!used->contains(name))
            used->append(name);
    }
    return out + text.mid(last);
}

// Adds one header; a resolved placeholder or a secret-looking name makes it a secret.
bool addHeader(RemoteImport *import, const ClientEntry &entry, const QString &name,
               const QString &value, bool bareDollar, bool *secretLiteral)
{
    QString why;
    if (!ServerConfig::isSettableHeader(name, &why)) {
        import->problem = QStringLiteral("not imported: header \"%1\": %2").arg(name, why);
        return false;
    }
    QStringList used;
    const QString resolved = resolve(value, entry.env, bareDollar, &used, &import->problem);
    if (!import->ok())
        return false;
    import->headers.insert(name, resolved);
    const bool secret = !used.isEmpty() || looksLikeSecretHeader(name);
    *secretLiteral = secret && used.isEmpty();
    if (secret && !import->secretHeaders.contains(name))
        import->secretHeaders.append(name);
    for (const QString &variable : used) {
        if (!import->secretEnv.contains(variable))
            import->secretEnv.append(variable);
    }
    return true;
}

bool readTransport(const ClientKind &kind, const ClientEntry &entry, RemoteImport *import)
{
    const QString type = entry.remoteType;
    using Transport = ServerConfig::Transport;
    if (type == QLatin1String("sse")) {
        import->transport = Transport::Sse;
    } else if (type == QLatin1String("http") || type == QLatin1String("streamable-http") ||
               type == QLatin1String("streamableHttp") ||
               type == QLatin1String("streamable_http")) {
        import->transport = Transport::StreamableHttp;
    } else if (type.isEmpty() || type == QLatin1String("remote")) {
        // Gemini CLI: httpUrl is Streamable HTTP, url the older HTTP+SSE.
        if (kind.id == QLatin1String("gemini"))
            import->transport = entry.urlKey == QLatin1String("httpUrl") ? Transport::StreamableHttp
                                                                         : Transport::Sse;
    } else {
        import->problem =
            QStringLiteral("not imported: \"%1\" servers are not supported by Manifold").arg(type);
        return false;
    }
    return true;
}

void importUrlEntry(const ClientKind &kind, const ClientEntry &entry, RemoteImport *import)
{
    if (!entry.remoteProblem.isEmpty()) {
        import->problem = QStringLiteral("not imported: ") + entry.remoteProblem;
        return;
    }
    if (!readTransport(kind, entry, import))
        return;
    const bool gemini = kind.id == QLatin1String("gemini");
    QStringList used;
    import->url = resolve(entry.url, {}, gemini, &used, &import->problem);
    if (!import->ok())
        return;
    for (auto it = entry.headers.cbegin(); it != entry.headers.cend(); ++it) {
        bool literal = false;
        if (!addHeader(import, entry, it.key(), it.value(), gemini, &literal))
            return;
        if (literal)
            import->secretHeaderLiterals.append(it.key());
    }
}

// --static-oauth-client-info '{"client_id": "...", "client_secret": "..."}'.
bool readClientInfo(const QString &text, RemoteImport *import)
{
    const QJsonObject info = QJsonDocument::fromJson(text.toUtf8()).object();
    const QString id = info.value(QStringLiteral("client_id")).toString();
    if (id.isEmpty()) {
        import->problem = QStringLiteral("not imported: --static-oauth-client-info is not a JSON "
                                         "object with a client_id (a file is not read)");
        return false;
    }
    import->oauth.clientId = id;
    import->clientSecret = info.value(QStringLiteral("client_secret")).toString();
    import->oauth.clientSecret = !import->clientSecret.isEmpty();
    return true;
}

void importMcpRemote(const ClientEntry &entry, qsizetype urlIndex, RemoteImport *import)
{
    using Transport = ServerConfig::Transport;
    const QStringList &args = entry.args;
    QStringList used;
    import->url = resolve(args.at(urlIndex), entry.env, false, &used, &import->problem);
    if (!import->ok())
        return;
    qsizetype i = urlIndex + 1;
    static const QRegularExpression port(QStringLiteral("^[0-9]+$"));
    if (i < args.size() && port.match(args.at(i)).hasMatch())
        ++i; // the callback port: Manifold picks its own
    // Irrelevant to Manifold: its own sign-in picks host, port, path and timeouts.
    static const QStringList droppedWithValue{QStringLiteral("--host"),
                                              QStringLiteral("--callback-path"),
                                              QStringLiteral("--auth-timeout"),
                                              QStringLiteral("--connect-timeout"),
                                              QStringLiteral("--headers-timeout"),
                                              QStringLiteral("--body-timeout"),
                                              QStringLiteral("--resource")};
    static const QStringList dropped{QStringLiteral("--debug"), QStringLiteral("--silent"),
                                     QStringLiteral("--allow-http")};
    static const QStringList withValue{QStringLiteral("--header"), QStringLiteral("--transport"),
                                       QStringLiteral("--static-oauth-client-info"),
                                       QStringLiteral("--authorize-param")};
    for (; i < args.size(); ++i) {
        const QString flag = args.at(i);
        if (dropped.contains(flag))
            continue;
        if (flag == QLatin1String("--disable-resource-parameter")) {
            import->oauth.sendResource = false;
            continue;
        }
        if (!droppedWithValue.contains(flag) && !withValue.contains(flag)) {
            import->problem =
                flag.startsWith(QLatin1String("-"))
                    ? QStringLiteral("not imported: mcp-remote flag %1 has no Manifold equivalent")
                          .arg(flag)
                    : QStringLiteral("not imported: mcp-remote argument \"%1\" is not understood")
                          .arg(flag);
            return;
        }
        if (i + 1 >= args.size()) {
            import->problem =
                QStringLiteral("not imported: mcp-remote flag %1 has no value").arg(flag);
            return;
        }
        const QString value = args.at(++i);
        if (flag == QLatin1String("--header")) {
            const qsizetype colon = value.indexOf(QLatin1Char(':'));
            bool literal = false;
            if (colon <= 0) {
                import->problem =
                    QStringLiteral("not imported: --header \"%1\" is not \"Name: value\"")
                        .arg(value);
                return;
            }
            if (!addHeader(import, entry, value.left(colon).trimmed(),
                           value.mid(colon + 1).trimmed(), false, &literal))
                return;
            if (literal)
                import->secretArgs.append(i);
        } else if (flag == QLatin1String("--transport")) {
            if (value == QLatin1String("http-only")) {
                import->transport = Transport::StreamableHttp;
            } else if (value == QLatin1String("sse-only")) {
                import->transport = Transport::Sse;
            } else if (value == QLatin1String("http-first") ||
                       value == QLatin1String("sse-first")) {
                import->transport = Transport::Auto;
            } else {
                import->problem =
                    QStringLiteral("not imported: mcp-remote --transport %1 is unknown").arg(value);
                return;
            }
        } else if (flag == QLatin1String("--static-oauth-client-info")) {
            if (!readClientInfo(value, import))
                return;
            if (import->oauth.clientSecret)
                import->secretArgs.append(i);
        } else if (flag == QLatin1String("--authorize-param")) {
            const qsizetype equals = value.indexOf(QLatin1Char('='));
            if (equals <= 0) {
                import->problem =
                    QStringLiteral("not imported: --authorize-param \"%1\" is not k=v").arg(value);
                return;
            }
            import->oauth.authorizeParams.insert(value.left(equals), value.mid(equals + 1));
        }
    }
}

} // namespace

bool isMcpRemoteCommand(const QString &command, const QStringList &args, qsizetype *urlIndex)
{
    const QString program = programName(command);
    qsizetype i = 0;
    if (program == kMcpRemote) {
        // the bare command: its first argument is the URL
    } else if (program == QLatin1String("npx") || program == QLatin1String("bunx") ||
               program == QLatin1String("pnpm") || program == QLatin1String("yarn")) {
        const bool dlx = program == QLatin1String("pnpm") || program == QLatin1String("yarn");
        if (dlx) {
            if (args.value(0) != QLatin1String("dlx"))
                return false;
            i = 1;
        }
        bool package = false; // -p mcp-remote@x: the command that follows must be mcp-remote
        for (; i < args.size(); ++i) {
            const QString arg = args.at(i);
            if (arg == QLatin1String("-y") || arg == QLatin1String("--yes") ||
                arg == QLatin1String("-q") || arg == QLatin1String("--quiet"))
                continue;
            if ((arg == QLatin1String("-p") || arg == QLatin1String("--package")) &&
                i + 1 < args.size() && isMcpRemotePackage(args.at(i + 1))) {
                package = true;
                ++i;
                continue;
            }
            break;
        }
        if (i >= args.size() ||
            !(package ? args.at(i) == kMcpRemote : isMcpRemotePackage(args.at(i))))
            return false;
        ++i;
    } else {
        return false;
    }
    if (i >= args.size() || args.at(i).startsWith(QLatin1Char('-')))
        return false;
    if (urlIndex)
        *urlIndex = i;
    return true;
}

RemoteImport importRemote(const ClientKind &kind, const ClientEntry &entry)
{
    RemoteImport import;
    qsizetype urlIndex = 0;
    if (entry.kind == ClientEntry::Kind::Remote)
        importUrlEntry(kind, entry, &import);
    else if (isMcpRemoteCommand(entry.command, entry.args, &urlIndex))
        importMcpRemote(entry, urlIndex, &import);
    else
        import.problem = QStringLiteral("not imported: not a remote server");
    QString why;
    if (import.ok() && !ServerConfig::isValidRemoteUrl(import.url, &why))
        import.problem = QStringLiteral("not imported: %1").arg(why);
    import.secretHeaders.sort();
    if (!import.ok()) {
        RemoteImport failed;
        failed.problem = import.problem;
        return failed;
    }
    return import;
}

QStringList RemoteImport::secretValues(const ClientEntry &entry) const
{
    QStringList values;
    for (const QString &header : secretHeaders)
        values.append(headers.value(header));
    for (const QString &variable : secretEnv)
        values.append(entry.env.value(variable));
    if (!clientSecret.isEmpty())
        values.append(clientSecret);
    values.removeAll(QString());
    values.removeDuplicates();
    return values;
}

QString normalizedRemoteUrl(const QString &url)
{
    QUrl parsed(url);
    if (!parsed.isValid())
        return url;
    parsed.setScheme(parsed.scheme().toLower());
    parsed.setHost(parsed.host().toLower());
    const int defaultPort = parsed.scheme() == QLatin1String("https") ? 443 : 80;
    if (parsed.port() == defaultPort)
        parsed.setPort(-1);
    if (parsed.path().isEmpty())
        parsed.setPath(QStringLiteral("/"));
    parsed.setFragment(QString());
    return parsed.adjusted(QUrl::NormalizePathSegments | QUrl::RemoveFragment)
        .toString(QUrl::FullyEncoded);
}

QString oauthClientSecretKey(const QString &server)
{
    return QStringLiteral("server/%1/oauth-client-secret").arg(server);
}

} // namespace manifold
