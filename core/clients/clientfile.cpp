#include "clients/clientfile.h"

#include "clients/remoteimport.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>

namespace manifold {

namespace {

const QString kCommand = QStringLiteral("command");
const QString kArgs = QStringLiteral("args");
const QString kEnv = QStringLiteral("env");
const QString kCwd = QStringLiteral("cwd");

// Where an entry keeps its command, args and env, which differs between shapes.
struct Layout
{
    QStringList base;   // JSON path of the object holding command/args/env/cwd
    QString commandKey; // "command" ("path" in Zed's older shape)
    QString envKey;     // "env" ("environment" in opencode)
};

Layout layoutOf(EntryShape shape, const QStringList &location, const QJsonObject &entry)
{
    Layout layout{location, kCommand, kEnv};
    if (shape == EntryShape::Zed && entry.value(kCommand).isObject()) {
        layout.base.append(kCommand);
        layout.commandKey = QStringLiteral("path");
    } else if (shape == EntryShape::Cline && entry.value(QStringLiteral("transport")).isObject()) {
        layout.base.append(QStringLiteral("transport"));
    } else if (shape == EntryShape::OpenCode) {
        layout.envKey = QStringLiteral("environment");
    }
    return layout;
}

bool isShim(const QString &command)
{
    const QString file = QFileInfo(command).fileName();
    return file == QLatin1String("manifold-shim") || file == QLatin1String("manifold-shim.exe");
}

bool stringList(const QJsonValue &value, QStringList *out)
{
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isArray())
        return false;
    for (const QJsonValue &item : value.toArray()) {
        if (!item.isString())
            return false;
        out->append(item.toString());
    }
    return true;
}

bool stringMap(const QJsonValue &value, QMap<QString, QString> *out)
{
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isObject())
        return false;
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!it->isString())
            return false;
        out->insert(it.key(), it->toString());
    }
    return true;
}

bool hasPlaceholder(const ClientEntry &entry)
{
    const auto placeholder = [](const QString &text) { return text.contains(QLatin1String("${")); };
    if (placeholder(entry.command) || placeholder(entry.cwd))
        return true;
    // mcp-remote's --header values name variables of the entry's env: setup resolves them.
    const bool mcpRemote = isMcpRemoteCommand(entry.command, entry.args);
    for (const QString &arg : entry.args) {
        if (placeholder(arg) && !mcpRemote)
            return true;
    }
    for (const QString &value : entry.env) {
        if (placeholder(value))
            return true;
    }
    return false;
}

const char *const kRemoteTypes[] = {
    "http",      "sse", "streamable-http", "streamableHttp", "streamable_http", "remote",
    "websocket", "ws"};
const char *const kUrlKeys[] = {"url", "serverUrl", "httpUrl"};

QString remoteUrl(const QJsonObject &object, QString *urlKey = nullptr)
{
    for (const char *key : kUrlKeys) {
        const QString url = object.value(QLatin1String(key)).toString();
        if (!url.isEmpty()) {
            if (urlKey)
                *urlKey = QLatin1String(key);
            return url;
        }
    }
    const QString type = object.value(QStringLiteral("type")).toString();
    for (const char *remote : kRemoteTypes) {
        if (type == QLatin1String(remote))
            return QStringLiteral("(%1 server)").arg(type);
    }
    return QString();
}

ClientEntry unsupported(ClientEntry entry, const QString &reason)
{
    entry.kind = ClientEntry::Kind::Unsupported;
    entry.reason = reason;
    return entry;
}

} // namespace

QString describeEntryKind(ClientEntry::Kind kind)
{
    switch (kind) {
    case ClientEntry::Kind::Stdio:
        return QStringLiteral("stdio");
    case ClientEntry::Kind::Remote:
        return QStringLiteral("remote");
    case ClientEntry::Kind::Managed:
        return QStringLiteral("managed");
    case ClientEntry::Kind::Unsupported:
        return QStringLiteral("unsupported");
    }
    return QString();
}

std::optional<ClientFile> ClientFile::parse(const ClientKind &kind, const QByteArray &text,
                                            const QString &projectDir, QString *error)
{
    ClientFile file(kind);
    file.m_projectDir = projectDir;
    if (kind.format == ConfigFormat::Toml) {
        file.m_toml = CodexToml::parse(text, error);
        if (!file.m_toml)
            return std::nullopt;
        return file;
    }
    // Strict-JSON clients get comments tolerated on reading (the file is the user's; if it has
    // comments their client accepts them); edits never add comments or trailing commas.
    file.m_json = JsoncDocument::parse(text, error, true);
    if (!file.m_json)
        return std::nullopt;
    if (!file.m_json->value({}).isObject()) {
        if (error)
            *error = QStringLiteral("the file is not a JSON object");
        return std::nullopt;
    }
    for (const QStringList &path : file.serverObjects()) {
        const QJsonValue servers = file.m_json->value(path);
        if (!servers.isObject() && !servers.isUndefined()) {
            if (error)
                *error = QStringLiteral("\"%1\" is not an object").arg(path.join(QLatin1Char('.')));
            return std::nullopt;
        }
    }
    return file;
}

QByteArray ClientFile::text() const
{
    return m_toml ? m_toml->text() : m_json->text();
}

bool ClientFile::isOpenCodeV2() const
{
    if (m_kind->shape != EntryShape::OpenCode)
        return false;
    const QJsonValue servers = m_json->value({m_kind->serversKey, QStringLiteral("servers")});
    // A V1 server that happens to be called "servers" has a type.
    return servers.isObject() && !servers.toObject().contains(QStringLiteral("type"));
}

QList<QStringList> ClientFile::serverObjects() const
{
    if (isOpenCodeV2())
        return {{m_kind->serversKey, QStringLiteral("servers")}};
    QList<QStringList> paths{{m_kind->serversKey}};
    if (m_kind->id == QLatin1String("claude-code") && m_projectDir.isEmpty()) {
        // ~/.claude.json: user scope at the top, local scope per project.
        const QStringList projects{QStringLiteral("projects")};
        for (const QString &project : m_json->keys(projects)) {
            const QStringList path = projects + QStringList{project, m_kind->serversKey};
            if (m_json->value(path).isObject())
                paths.append(path);
        }
    }
    return paths;
}

QList<ClientEntry> ClientFile::entries() const
{
    QList<ClientEntry> result;
    if (m_toml) {
        for (const CodexServer &server : m_toml->servers()) {
            ClientEntry entry;
            entry.name = server.name;
            entry.location = {server.name};
            entry.scope = QStringLiteral("user");
            entry.command = server.command;
            entry.args = server.args;
            entry.env = server.env;
            entry.envSpans = server.envSpans;
            entry.cwd = server.cwd;
            entry.url = server.url;
            entry.urlKey = QStringLiteral("url");
            entry.headers = server.httpHeaders;
            entry.headerSpans = server.headerSpans;
            entry.argSpans = server.argSpans;
            if (!server.bearerTokenEnvVar.isEmpty())
                entry.remoteProblem =
                    QStringLiteral("its token comes from $%1 in Codex's environment "
                                   "(bearer_token_env_var), which setup cannot read")
                        .arg(server.bearerTokenEnvVar);
            else if (!server.otherAuth.isEmpty())
                entry.remoteProblem = QStringLiteral("\"%1\" is filled in by Codex only")
                                          .arg(server.otherAuth.first());
            entry.disabled = !server.enabled;
            const auto span = m_toml->serverSpan(server.name);
            if (span)
                entry.span = *span;
            if (!server.url.isEmpty())
                entry.kind = ClientEntry::Kind::Remote;
            else if (!span)
                entry = unsupported(entry, QStringLiteral("not written as one [mcp_servers.%1] "
                                                          "block; edit it by hand")
                                               .arg(server.name));
            else if (server.command.isEmpty())
                entry = unsupported(entry, QStringLiteral("has no command"));
            else if (isShim(server.command))
                entry.kind = ClientEntry::Kind::Managed;
            else
                entry.kind = ClientEntry::Kind::Stdio;
            if (entry.kind == ClientEntry::Kind::Managed)
                entry.managedServer = server.args.isEmpty() ? QString() : server.args.last();
            result.append(entry);
        }
        return result;
    }
    for (const QStringList &objectPath : serverObjects()) {
        const bool local = m_kind->id == QLatin1String("claude-code") && objectPath.size() == 3;
        const QString scope = local                    ? QStringLiteral("local ") + objectPath.at(1)
                              : m_projectDir.isEmpty() ? QStringLiteral("user")
                                                       : QStringLiteral("project");
        const QString defaultCwd = local ? objectPath.at(1) : m_projectDir;
        for (const QString &name : m_json->keys(objectPath)) {
            result.append(readJsonEntry(objectPath, name, scope, defaultCwd));
            result.last().projectDir = defaultCwd;
        }
    }
    return result;
}

std::optional<ClientEntry> ClientFile::entry(const QStringList &location) const
{
    for (const ClientEntry &entry : entries()) {
        if (entry.location == location)
            return entry;
    }
    return std::nullopt;
}

ClientEntry ClientFile::readJsonEntry(const QStringList &objectPath, const QString &name,
                                      const QString &scope, const QString &defaultCwd) const
{
    ClientEntry entry;
    entry.name = name;
    entry.location = objectPath + QStringList{name};
    entry.scope = scope;
    if (const auto span = m_json->valueSpan(entry.location))
        entry.span = *span;
    const QJsonValue value = m_json->value(entry.location);
    if (!value.isObject())
        return unsupported(entry, QStringLiteral("the entry is not an object"));
    const QJsonObject object = value.toObject();
    entry.disabled = object.value(QStringLiteral("disabled")).toBool() ||
                     object.value(QStringLiteral("enabled")) == QJsonValue(false);

    const Layout layout = layoutOf(m_kind->shape, entry.location, object);
    const QJsonObject base = m_json->value(layout.base).toObject();
    entry.url = remoteUrl(base, &entry.urlKey);
    if (!entry.url.isEmpty()) {
        entry.kind = ClientEntry::Kind::Remote;
        entry.remoteType = base.value(QStringLiteral("type")).toString();
        const QString headers = QStringLiteral("headers");
        if (!stringMap(base.value(headers), &entry.headers))
            entry.remoteProblem = QStringLiteral("\"headers\" is not an object of strings");
        for (auto it = entry.headers.cbegin(); it != entry.headers.cend(); ++it) {
            if (const auto span = m_json->valueSpan(layout.base + QStringList{headers, it.key()}))
                entry.headerSpans.insert(it.key(), *span);
        }
        return entry;
    }
    const QString type = base.value(QStringLiteral("type")).toString();
    if (!type.isEmpty() && type != QLatin1String("stdio") && type != QLatin1String("local"))
        return unsupported(entry, QStringLiteral("type \"%1\" is not a local command").arg(type));

    const QJsonValue command = base.value(layout.commandKey);
    if (m_kind->shape == EntryShape::OpenCode) {
        QStringList argv;
        if (!stringList(command, &argv) || argv.isEmpty())
            return unsupported(entry, QStringLiteral("\"command\" is not a list of strings"));
        entry.command = argv.takeFirst();
        entry.args = argv;
    } else {
        if (!command.isString() || command.toString().isEmpty())
            return unsupported(entry, QStringLiteral("has no command"));
        entry.command = command.toString();
        if (!stringList(base.value(kArgs), &entry.args))
            return unsupported(entry, QStringLiteral("\"args\" is not a list of strings"));
    }
    if (!stringMap(base.value(layout.envKey), &entry.env))
        return unsupported(entry,
                           QStringLiteral("\"%1\" is not an object of strings").arg(layout.envKey));
    const QJsonValue cwd = base.value(kCwd);
    if (!cwd.isUndefined() && !cwd.isString())
        return unsupported(entry, QStringLiteral("\"cwd\" is not a string"));
    entry.cwd = cwd.toString().isEmpty() ? defaultCwd : cwd.toString();
    const QStringList argvPath =
        layout.base +
        QStringList{m_kind->shape == EntryShape::OpenCode ? layout.commandKey : kArgs};
    const int argvOffset = m_kind->shape == EntryShape::OpenCode ? 1 : 0;
    for (qsizetype i = 0; i < entry.args.size(); ++i) {
        const auto span = m_json->elementSpan(argvPath, i + argvOffset);
        entry.argSpans.append(span ? *span : Span{0, 0});
    }
    for (auto it = entry.env.cbegin(); it != entry.env.cend(); ++it) {
        if (const auto span = m_json->valueSpan(layout.base + QStringList{layout.envKey, it.key()}))
            entry.envSpans.insert(it.key(), *span);
    }

    if (isShim(entry.command)) {
        entry.kind = ClientEntry::Kind::Managed;
        entry.managedServer = entry.args.isEmpty() ? QString() : entry.args.last();
        return entry;
    }
    if (base.contains(QStringLiteral("envFile")))
        return unsupported(entry, QStringLiteral("reads variables from \"envFile\", which only "
                                                 "the client can load"));
    if (hasPlaceholder(entry))
        return unsupported(entry, QStringLiteral("uses ${...} placeholders that only the client "
                                                 "can fill in"));
    entry.kind = ClientEntry::Kind::Stdio;
    return entry;
}

bool ClientFile::pointAtShim(const ClientEntry &entry, const QString &shim, const QString &server,
                             QString *error)
{
    if (entry.kind != ClientEntry::Kind::Stdio && entry.kind != ClientEntry::Kind::Managed &&
        entry.kind != ClientEntry::Kind::Remote) {
        if (error)
            *error =
                QStringLiteral("'%1' is a %2 entry").arg(entry.name, describeEntryKind(entry.kind));
        return false;
    }
    if (m_toml)
        return m_toml->rewriteServer(entry.name, shim, {server}, true, error);
    return pointJsonAtShim(entry, shim, server, error);
}

bool ClientFile::pointJsonAtShim(const ClientEntry &entry, const QString &shim,
                                 const QString &server, QString *error)
{
    // Edits go to a copy so a failure half way leaves this file as it was.
    JsoncDocument doc = *m_json;
    const Layout layout =
        layoutOf(m_kind->shape, entry.location, doc.value(entry.location).toObject());
    const auto drop = [&](const QString &key) {
        const QStringList path = layout.base + QStringList{key};
        return !doc.contains(path) || doc.removeMember(path, error);
    };
    const auto put = [&](const QString &key, const QJsonValue &value) {
        const QStringList path = layout.base + QStringList{key};
        return doc.contains(path) ? doc.setValue(path, value, error)
                                  : doc.insertMember(layout.base, key, value, error);
    };
    bool ok = true;
    if (entry.kind == ClientEntry::Kind::Remote) {
        // The URL, headers and sign-in settings now live in Manifold; the type turns local.
        for (const char *key : {"url", "serverUrl", "httpUrl", "headers", "oauth"})
            ok = ok && drop(QLatin1String(key));
        if (ok && doc.contains(layout.base + QStringList{QStringLiteral("type")}))
            ok = put(QStringLiteral("type"), m_kind->shape == EntryShape::OpenCode
                                                 ? QStringLiteral("local")
                                                 : QStringLiteral("stdio"));
    }
    if (m_kind->shape == EntryShape::OpenCode) {
        ok = ok && put(kCommand, QJsonArray{shim, server});
    } else {
        ok = ok && put(layout.commandKey, shim) && put(kArgs, QJsonArray{server});
    }
    ok = ok && drop(layout.envKey) && drop(kCwd);
    if (ok)
        m_json = std::move(doc);
    return ok;
}

bool ClientFile::pointAtUrl(const ClientEntry &entry, const QString &url,
                            const QString &authorization, QString *error)
{
    if (entry.kind == ClientEntry::Kind::Unsupported || m_kind->urlShape == UrlShape::None) {
        if (error)
            *error = entry.kind == ClientEntry::Kind::Unsupported
                         ? QStringLiteral("'%1' is an unsupported entry").arg(entry.name)
                         : QStringLiteral("%1 takes no URL entries").arg(m_kind->displayName);
        return false;
    }
    if (m_toml)
        return m_toml->pointServerAtUrl(entry.name, url,
                                        {{QStringLiteral("Authorization"), authorization}}, error);
    return pointJsonAtUrl(entry, url, authorization, error);
}

bool ClientFile::pointJsonAtUrl(const ClientEntry &entry, const QString &url,
                                const QString &authorization, QString *error)
{
    JsoncDocument doc = *m_json;
    const QStringList &base = entry.location;
    const auto path = [&](const QString &key) { return base + QStringList{key}; };
    const auto drop = [&](const QString &key) {
        return !doc.contains(path(key)) || doc.removeMember(path(key), error);
    };
    const auto put = [&](const QString &key, const QJsonValue &value) {
        return doc.contains(path(key)) ? doc.setValue(path(key), value, error)
                                       : doc.insertMember(base, key, value, error);
    };
    const UrlShape shape = m_kind->urlShape;
    const QString urlKey =
        shape == UrlShape::ServerUrl ? QStringLiteral("serverUrl") : QStringLiteral("url");
    bool ok = true;
    for (const char *key :
         {"command", "args", "env", "environment", "cwd", "url", "serverUrl", "httpUrl"}) {
        if (QLatin1String(key) != urlKey)
            ok = ok && drop(QLatin1String(key));
    }
    const QString type = shape == UrlShape::TypedHttp  ? QStringLiteral("http")
                         : shape == UrlShape::OpenCode ? QStringLiteral("remote")
                                                       : QString();
    ok = ok && (type.isEmpty() ? drop(QStringLiteral("type")) : put(QStringLiteral("type"), type));
    ok = ok && put(urlKey, url);
    const QString headers = QStringLiteral("headers");
    // A remote server Manifold takes over: its headers and sign-in settings now live in Manifold.
    const bool imported = entry.kind == ClientEntry::Kind::Remote && entry.url != url;
    if (imported)
        ok = ok && drop(headers) && drop(QStringLiteral("oauth"));
    const QJsonValue current = doc.value(path(headers));
    if (ok && current.isObject()) {
        const QStringList authorizationPath =
            path(headers) + QStringList{QStringLiteral("Authorization")};
        ok = doc.contains(authorizationPath)
                 ? doc.setValue(authorizationPath, authorization, error)
                 : doc.insertMember(path(headers), QStringLiteral("Authorization"), authorization,
                                    error);
    } else if (ok) {
        ok = put(headers, QJsonObject{{QStringLiteral("Authorization"), authorization}});
    }
    // opencode 1.x tries OAuth on a 401 unless told not to; its V2 shape is not known to take it.
    if (ok && shape == UrlShape::OpenCode && !isOpenCodeV2() &&
        !doc.contains(path(QStringLiteral("oauth"))))
        ok = doc.insertMember(base, QStringLiteral("oauth"), false, error);
    if (ok)
        m_json = std::move(doc);
    return ok;
}

bool ClientFile::restoreEntryText(const ClientEntry &entry, const QByteArray &raw, QString *error)
{
    if (m_toml)
        return m_toml->replaceServerText(entry.name, raw, error);
    return m_json->replaceRaw(entry.location, raw, error);
}

} // namespace manifold
