#include "clients/setupplanner.h"

#include "clients/remoteimport.h"
#include "clients/setupmanifest.h"
#include "clients/sharingchoice.h"
#include "secrets/secretstore.h"

#include <QSet>

#include <algorithm>

namespace manifold {

namespace {

// The identity of a definition: what decides which process the client would get.
QString definitionKey(const QString &command, const QStringList &args,
                      const QMap<QString, QString> &env, const QString &cwd,
                      ServerConfig::Sharing sharing)
{
    QStringList parts{ServerConfig::sharingName(sharing), command, QString::number(args.size())};
    parts += args;
    for (auto it = env.cbegin(); it != env.cend(); ++it)
        parts << it.key() << it.value();
    parts << cwd;
    return parts.join(QChar(0x1f));
}

// The identity of a remote server: where it is and what it sends (secret values aside).
QString remoteKey(const QString &url, const QMap<QString, QString> &headers,
                  const QStringList &secretHeaders)
{
    QStringList parts;
    for (auto it = headers.cbegin(); it != headers.cend(); ++it) {
        const bool secret = secretHeaders.contains(it.key(), Qt::CaseInsensitive);
        parts << it.key().toLower() + (secret ? QString() : QLatin1Char('=') + it.value());
    }
    for (const QString &header : secretHeaders) {
        if (!headers.contains(header))
            parts << header.toLower();
    }
    parts.sort();
    parts.prepend(normalizedRemoteUrl(url));
    parts.prepend(QStringLiteral("remote"));
    return parts.join(QChar(0x1f));
}

class Planner
{
public:
    explicit Planner(const PlanInput &input) : m_input(input)
    {
        for (const ServerConfig &server : input.registry) {
            m_taken.insert(server.name);
            m_origin.insert(server.name, QStringLiteral("Manifold"));
            if (server.isRemote()) {
                m_known.insert(remoteKey(server.url, server.headers, server.secretHeaders),
                               server.name);
                continue;
            }
            QMap<QString, QString> env = server.env;
            for (const QString &variable : server.secretEnv)
                env.insert(variable,
                           input.registrySecrets.value(serverSecretKey(server.name, variable)));
            m_known.insert(
                definitionKey(server.command, server.args, env, server.cwd, server.sharing),
                server.name);
        }
    }

    FilePlan planFile(const LoadedClientFile &loaded)
    {
        FilePlan plan;
        plan.loaded = loaded;
        plan.after = loaded.text;
        plan.kind = findClientKind(loaded.file.clientId);
        if (!loaded.exists)
            return plan;
        if (!loaded.readError.isEmpty()) {
            plan.error = loaded.readError;
            return plan;
        }
        QString error;
        std::optional<ClientFile> file =
            ClientFile::parse(*plan.kind, loaded.text, loaded.file.projectDir, &error);
        if (!file) {
            plan.error = QStringLiteral("does not parse (%1); left untouched").arg(error);
            return plan;
        }
        for (const ClientEntry &entry : file->entries())
            plan.entries.append(planEntry(*plan.kind, entry, loaded.file.path));
        // Project files are often committed: a token never goes into one.
        const bool projectFile = !loaded.file.projectDir.isEmpty();
        const bool http = m_input.transport == SetupTransport::Http &&
                          plan.kind->urlShape != UrlShape::None && !projectFile;
        for (EntryPlan &entry : plan.entries) {
            if (entry.server.isEmpty() || entry.viaHttp)
                continue;
            if (m_input.transport == SetupTransport::Http && !http)
                plan.transportNote = projectFile ? httpsetup::projectFileReason()
                                                 : httpsetup::shimOnlyReason(*plan.kind);
            const QByteArray before = file->text();
            entry.viaHttp = http;
            const bool ok =
                http ? file->pointAtUrl(entry.entry, m_input.http.baseUrl + entry.server,
                                        bearer(loaded.file.clientId), &error)
                     : file->pointAtShim(entry.entry, m_input.shimPath, entry.server, &error);
            if (!ok) {
                plan.error = QStringLiteral("cannot rewrite \"%1\" (%2); left untouched")
                                 .arg(entry.entry.name, error);
                plan.after = loaded.text;
                return plan;
            }
            entry.rewritten = file->text() != before;
        }
        plan.after = file->text();
        if (plan.after != loaded.text && http && !m_tokenClients.contains(loaded.file.clientId))
            m_tokenClients.append(loaded.file.clientId);
        return plan;
    }

    // A client that gets a new token has it in every front door entry of its files, the ones an
    // earlier setup wrote too (their old token is revoked when it is replaced).
    void refreshTokens(FilePlan *plan)
    {
        if (!plan->error.isEmpty() || !m_tokenClients.contains(plan->loaded.file.clientId))
            return;
        QString error;
        std::optional<ClientFile> file =
            ClientFile::parse(*plan->kind, plan->after, plan->loaded.file.projectDir, &error);
        for (EntryPlan &entry : plan->entries) {
            if (!file || !entry.viaHttp || entry.action != EntryPlan::Action::AlreadyManaged)
                continue;
            const std::optional<ClientEntry> current = file->entry(entry.entry.location);
            const QByteArray before = file->text();
            if (!current || !file->pointAtUrl(*current, m_input.http.baseUrl + entry.server,
                                              bearer(plan->loaded.file.clientId), &error)) {
                plan->error =
                    QStringLiteral("cannot give \"%1\" the new token (%2); left untouched")
                        .arg(entry.entry.name, error);
                plan->after = plan->loaded.text;
                return;
            }
            entry.rewritten = file->text() != before;
        }
        if (file)
            plan->after = file->text();
    }

    SetupPlan finish(QList<FilePlan> files)
    {
        for (FilePlan &file : files)
            refreshTokens(&file);
        SetupPlan plan;
        plan.transport = m_input.transport;
        if (m_input.transport == SetupTransport::Http) {
            plan.httpBaseUrl = m_input.http.baseUrl;
            plan.enableFrontDoor = !m_input.http.enabled;
            for (const QString &clientId : m_tokenClients) {
                const QString name = m_tokenNames.value(clientId);
                plan.tokens.append({clientId, name, httpsetup::tokenPlaceholder(name),
                                    m_tokenReplaces.value(clientId)});
            }
        }
        plan.files = std::move(files);
        plan.newServers = m_newServers;
        plan.secretValues = m_secretValues;
        plan.perProjectReasons = m_perProjectReasons;
        plan.shimPath = m_input.shimPath;
        return plan;
    }

private:
    // The Authorization header of a client's URL entries: its token's placeholder until applied.
    QString bearer(const QString &clientId)
    {
        if (!m_tokenNames.contains(clientId)) {
            bool replaces = false;
            HttpTarget target = m_input.http;
            target.tokenNames += m_tokenNames.values(); // two clients never share a name
            m_tokenNames.insert(clientId, httpsetup::chooseTokenName(clientId, target, &replaces));
            m_tokenReplaces.insert(clientId, replaces);
        }
        return QStringLiteral("Bearer ") +
               QString::fromUtf8(httpsetup::tokenPlaceholder(m_tokenNames.value(clientId)));
    }

    EntryPlan planEntry(const ClientKind &kind, const ClientEntry &entry, const QString &filePath)
    {
        EntryPlan plan;
        plan.entry = entry;
        const QString viaHttp = httpsetup::serverOfUrl(entry.url, m_input.http.baseUrl);
        if (entry.kind == ClientEntry::Kind::Remote && !viaHttp.isEmpty()) {
            plan.action = EntryPlan::Action::AlreadyManaged;
            plan.server = viaHttp;
            plan.viaHttp = true;
            plan.note = QStringLiteral("reaches it over HTTP");
            if (!m_taken.contains(viaHttp))
                plan.note = QStringLiteral("reaches Manifold server \"%1\" over HTTP, which is "
                                           "not configured")
                                .arg(viaHttp);
            return plan;
        }
        switch (entry.kind) {
        case ClientEntry::Kind::Remote:
            return planRemote(kind, entry, plan);
        case ClientEntry::Kind::Unsupported:
            plan.action = EntryPlan::Action::LeaveUnsupported;
            plan.note = entry.reason + QStringLiteral(": left alone");
            return plan;
        case ClientEntry::Kind::Managed:
            plan.action = EntryPlan::Action::AlreadyManaged;
            plan.server = entry.managedServer;
            if (!m_taken.contains(entry.managedServer))
                plan.note = QStringLiteral("runs Manifold server \"%1\", which is not configured")
                                .arg(entry.managedServer);
            return plan;
        case ClientEntry::Kind::Stdio:
            if (isMcpRemoteCommand(entry.command, entry.args))
                return planRemote(kind, entry, plan);
            break;
        }
        for (auto it = entry.env.cbegin(); it != entry.env.cend(); ++it) {
            if (isSecretVariable(it.key(), m_input.extraSecretNames))
                plan.secrets.append(it.key());
        }
        const SharingChoice choice = chooseSharing(entry, filePath);
        const ServerConfig::Sharing sharing =
            choice.perProject ? ServerConfig::Sharing::PerProject : m_input.defaults.sharing;
        const QString cwd = choice.cwd;
        plan.perProjectReason = choice.reason;
        const QString key = definitionKey(entry.command, entry.args, entry.env, cwd, sharing);
        const QString origin = entry.scope == QLatin1String("user")
                                   ? kind.displayName
                                   : QStringLiteral("%1 (%2)").arg(kind.displayName, entry.scope);
        if (const auto known = m_known.constFind(key); known != m_known.constEnd()) {
            plan.action = EntryPlan::Action::Reuse;
            plan.server = *known;
            plan.note = QStringLiteral("same definition as \"%1\" from %2")
                            .arg(*known, m_origin.value(*known));
            return plan;
        }
        plan.action = EntryPlan::Action::Import;
        plan.server = freeName(entry.name, kind.id);
        if (plan.server != entry.name) {
            const QString base = sanitizedServerName(entry.name);
            plan.note =
                m_taken.contains(base) && base != plan.server
                    ? QStringLiteral("\"%1\" from %2 is defined differently; imported as \"%3\"")
                          .arg(base, m_origin.value(base), plan.server)
                    : QStringLiteral("imported as \"%1\"").arg(plan.server);
        }
        m_taken.insert(plan.server);
        m_known.insert(key, plan.server);
        m_origin.insert(plan.server, origin);

        ServerConfig server = m_input.defaults;
        server.name = plan.server;
        server.command = entry.command;
        server.args = entry.args;
        server.cwd = cwd;
        server.sharing = sharing;
        if (choice.perProject)
            m_perProjectReasons.insert(server.name, choice.reason);
        server.env.clear();
        server.secretEnv.clear();
        for (auto it = entry.env.cbegin(); it != entry.env.cend(); ++it) {
            if (plan.secrets.contains(it.key())) {
                server.secretEnv.append(it.key());
                m_secretValues.insert(serverSecretKey(server.name, it.key()), it.value());
            } else {
                server.env.insert(it.key(), it.value());
            }
        }
        server.secretEnv.sort();
        m_newServers.append(server);
        return plan;
    }

    // A URL entry or an mcp-remote command: a remote server of its own, or one it shares.
    EntryPlan planRemote(const ClientKind &kind, const ClientEntry &entry, EntryPlan plan)
    {
        if (entry.kind == ClientEntry::Kind::Remote && kind.id == QLatin1String("claude-desktop")) {
            // Claude Desktop skips URL entries of its file (it takes them as connectors):
            // turning one into a command would start a server the client never ran.
            plan.action = EntryPlan::Action::LeaveRemote;
            plan.note = QStringLiteral("not imported: %1 does not run URL entries of its file")
                            .arg(kind.displayName);
            return plan;
        }
        const RemoteImport import = importRemote(kind, entry);
        if (!import.ok()) {
            plan.action = EntryPlan::Action::LeaveRemote;
            plan.note = import.problem;
            return plan;
        }
        // Variables behind secret headers, and other secret-looking ones mcp-remote was given:
        // their literals stay out of backups and diffs.
        for (auto it = entry.env.cbegin(); it != entry.env.cend(); ++it) {
            const bool secret = import.secretEnv.contains(it.key()) ||
                                isSecretVariable(it.key(), m_input.extraSecretNames);
            if (secret && entry.envSpans.contains(it.key()))
                plan.secrets.append(it.key());
        }
        for (const QString &header : import.secretHeaderLiterals) {
            if (entry.headerSpans.contains(header))
                plan.secretSpans.append(entry.headerSpans.value(header));
        }
        for (const qsizetype arg : import.secretArgs) {
            if (arg < entry.argSpans.size() && entry.argSpans.at(arg).second > 0)
                plan.secretSpans.append(entry.argSpans.at(arg));
        }
        plan.movedSecrets = import.secretValues(entry);
        const QString key = remoteKey(import.url, import.headers, import.secretHeaders);
        if (const auto known = m_known.constFind(key); known != m_known.constEnd()) {
            plan.action = EntryPlan::Action::ReuseRemote;
            plan.server = *known;
            plan.note = QStringLiteral("same remote server as \"%1\" from %2")
                            .arg(*known, m_origin.value(*known));
            return plan;
        }
        plan.action = EntryPlan::Action::ImportRemote;
        plan.server = freeName(entry.name, kind.id);
        plan.note = QStringLiteral("remote, %1").arg(import.url);
        if (plan.server != entry.name)
            plan.note += QStringLiteral("; imported as \"%1\"").arg(plan.server);
        m_taken.insert(plan.server);
        m_known.insert(key, plan.server);
        m_origin.insert(plan.server, entry.scope == QLatin1String("user")
                                         ? kind.displayName
                                         : QStringLiteral("%1 (%2)").arg(kind.displayName,
                                                                         entry.scope));

        ServerConfig server = m_input.defaults;
        server.name = plan.server;
        server.command.clear();
        server.args.clear();
        server.env.clear();
        server.secretEnv.clear();
        server.cwd.clear();
        if (server.sharing == ServerConfig::Sharing::PerProject)
            server.sharing = ServerConfig::Sharing::Shared;
        server.url = import.url;
        server.transport = import.transport;
        server.oauth = import.oauth;
        server.headers.clear();
        server.secretHeaders = import.secretHeaders;
        for (auto it = import.headers.cbegin(); it != import.headers.cend(); ++it) {
            if (import.secretHeaders.contains(it.key()))
                m_secretValues.insert(serverHeaderSecretKey(server.name, it.key()), it.value());
            else
                server.headers.insert(it.key(), it.value());
        }
        if (!import.clientSecret.isEmpty())
            m_secretValues.insert(oauthClientSecretKey(server.name), import.clientSecret);
        m_newServers.append(server);
        return plan;
    }

    QString freeName(const QString &entryName, const QString &clientId) const
    {
        const QString base = sanitizedServerName(entryName);
        if (!m_taken.contains(base))
            return base;
        const QString withClient = sanitizedServerName(base + QLatin1Char('-') + clientId);
        if (!m_taken.contains(withClient))
            return withClient;
        for (int n = 2;; ++n) {
            const QString numbered =
                sanitizedServerName(withClient + QLatin1Char('-') + QString::number(n));
            if (!m_taken.contains(numbered))
                return numbered;
        }
    }

    const PlanInput &m_input;
    QSet<QString> m_taken;
    QHash<QString, QString> m_known;  // definition key -> server name
    QHash<QString, QString> m_origin; // server name -> where it came from, for notes
    QList<ServerConfig> m_newServers;
    QHash<QString, QString> m_secretValues;
    QHash<QString, QString> m_perProjectReasons;
    QStringList m_tokenClients;           // clients whose files get URL entries, in order
    QHash<QString, QString> m_tokenNames; // client id -> token name
    QHash<QString, bool> m_tokenReplaces; // client id -> the name is an earlier setup's token
};

} // namespace

bool isSecretVariable(const QString &variable, const QStringList &extraSecretNames)
{
    return looksLikeSecretName(variable) ||
           extraSecretNames.contains(variable, Qt::CaseInsensitive);
}

QString sanitizedServerName(const QString &entryName)
{
    QString name;
    for (const QChar c : entryName) {
        const bool ok = (c.unicode() < 0x80 && c.isLetterOrNumber()) || c == QLatin1Char('.') ||
                        c == QLatin1Char('_') || c == QLatin1Char('-');
        name.append(ok ? c : QLatin1Char('-'));
    }
    while (name.startsWith(QLatin1Char('.')) || name.startsWith(QLatin1Char('-')))
        name.remove(0, 1);
    if (name.size() > 64) {
        // Keep the end too: numbered suffixes must survive the cut.
        name = name.left(40) + name.right(24);
    }
    return name.isEmpty() ? QStringLiteral("server") : name;
}

QByteArray FilePlan::maskedBefore() const
{
    QList<Span> spans;
    for (const EntryPlan &entry : entries) {
        if (!entry.rewritten)
            continue;
        spans += entry.secretSpans;
        for (const QString &variable : entry.secrets) {
            if (entry.entry.envSpans.contains(variable))
                spans.append(entry.entry.envSpans.value(variable));
        }
    }
    std::sort(spans.begin(), spans.end(),
              [](const Span &a, const Span &b) { return a.first > b.first; });
    QByteArray text = loaded.text;
    for (const Span &span : spans)
        text.replace(span.first, span.second - span.first, redaction::masked);
    return httpsetup::maskTokens(text);
}

QByteArray FilePlan::maskedAfter() const
{
    return httpsetup::maskTokens(after);
}

bool SetupPlan::changes() const
{
    return !newServers.isEmpty() || enableFrontDoor ||
           std::any_of(files.begin(), files.end(),
                       [](const FilePlan &file) { return file.changes(); });
}

QStringList SetupPlan::signInNotes() const
{
    QStringList notes;
    for (const ServerConfig &server : newServers) {
        const QStringList headers = server.secretHeaders + server.headers.keys();
        const bool hasAuthorization =
            headers.contains(QStringLiteral("Authorization"), Qt::CaseInsensitive);
        if (server.isRemote() && !hasAuthorization)
            notes.append(QStringLiteral("sign in to %1 once in Manifold: manifoldctl login %1 "
                                        "(tokens of mcp-remote or of the client are not copied)")
                             .arg(server.name));
    }
    return notes;
}

SetupPlan planSetup(const PlanInput &input, const QList<LoadedClientFile> &files)
{
    Planner planner(input);
    QList<FilePlan> plans;
    for (const LoadedClientFile &file : files)
        plans.append(planner.planFile(file));
    return planner.finish(std::move(plans));
}

} // namespace manifold
