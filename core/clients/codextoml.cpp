#include "clients/codextoml.h"

#include "clients/codextomlscan.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <cctype>
#include <vector>

namespace manifold {

bool operator==(const CodexServer &a, const CodexServer &b)
{
    return a.name == b.name && a.command == b.command && a.args == b.args && a.env == b.env &&
           a.cwd == b.cwd && a.enabled == b.enabled && a.url == b.url;
}

using namespace codextoml;

std::optional<CodexToml> CodexToml::parse(const QByteArray &text, QString *error)
{
    CodexToml toml;
    if (!toml.load(text, error))
        return std::nullopt;
    return toml;
}

bool CodexToml::load(const QByteArray &text, QString *error)
{
    const std::optional<Document> doc = scanDocument(text, error);
    if (!doc)
        return false;
    const std::optional<ServerIndex> index = indexServers(text, *doc, error);
    if (!index)
        return false;
    m_text = text;
    m_servers = index->servers;
    m_headerServers.clear();
    for (const CodexServer &server : m_servers) {
        if (index->headerForm.contains(server.name) && !index->otherForm.contains(server.name))
            m_headerServers.append(server.name);
    }
    return true;
}

std::optional<CodexServer> CodexToml::server(const QString &name) const
{
    for (const CodexServer &server : m_servers) {
        if (server.name == name)
            return server;
    }
    return std::nullopt;
}

QByteArray CodexToml::lineEnding() const
{
    const qsizetype newline = m_text.indexOf('\n');
    return newline > 0 && m_text.at(newline - 1) == '\r' ? QByteArrayLiteral("\r\n")
                                                         : QByteArrayLiteral("\n");
}

QByteArray CodexToml::quoteString(const QString &value)
{
    QByteArray out = "\"";
    for (const char c : value.toUtf8()) {
        const char *escape = kEscapes;
        while (*escape && escape[1] != c)
            escape += 2;
        const auto byte = static_cast<unsigned char>(c);
        if (*escape && escape[0] != 'e')
            out += QByteArray("\\") + escape[0];
        else if (byte < 0x20 || byte == 0x7f)
            out += "\\u00" + QByteArray::number(byte, 16).rightJustified(2, '0');
        else
            out += c;
    }
    return out + '"';
}

QByteArray CodexToml::quoteKey(const QString &key)
{
    const bool bare = !key.isEmpty() && std::all_of(key.begin(), key.end(), [](QChar c) {
        return c.unicode() < 0x80 && isBareKeyChar(char(c.unicode()));
    });
    return bare ? key.toLatin1() : quoteString(key);
}

bool CodexToml::editable(const QString &name, QString *error) const
{
    if (!server(name))
        return setError(error, QStringLiteral("no MCP server named '%1'").arg(name));
    if (!m_headerServers.contains(name))
        return setError(error, QStringLiteral("MCP server '%1' is not written as its own "
                                              "[mcp_servers.%1] table; edit it by hand")
                                   .arg(name));
    return true;
}

bool CodexToml::commit(const QByteArray &text, const QString &name, QString *error,
                       const std::function<bool(const CodexToml &)> &verify)
{
    CodexToml candidate;
    QString reason;
    if (!candidate.load(text, &reason))
        return setError(error,
                        QStringLiteral("editing '%1' would break the file (%2)").arg(name, reason));
    if (!verify(candidate))
        return setError(error, QStringLiteral("editing '%1' did not verify").arg(name));
    *this = candidate;
    return true;
}

bool CodexToml::rewriteServer(const QString &name, const QString &command, const QStringList &args,
                              bool dropEnv, QString *error)
{
    if (!editable(name, error))
        return false;
    const std::optional<CodexServer> current = server(name);
    const bool remote = !current->url.isEmpty();
    if (remote && !dropEnv)
        return setError(error,
                        QStringLiteral("MCP server '%1' is a remote (url) server").arg(name));
    const std::optional<Document> doc = scanDocument(m_text, error);
    if (!doc)
        return false;
    const Table *table = findServerTable(*doc, name);
    if (!table)
        return setError(error, QStringLiteral("[mcp_servers.%1] not found").arg(name));

    std::vector<Edit> edits;
    const QByteArray eol = lineEnding();
    const Entry *commandEntry = findEntry(*table, QStringLiteral("command"));
    const Entry *argsEntry = findEntry(*table, QStringLiteral("args"));
    if (commandEntry && commandEntry->value.string != command)
        edits.push_back({commandEntry->value.begin, commandEntry->value.end, quoteString(command)});
    if (argsEntry && current->args != args)
        edits.push_back({argsEntry->value.begin, argsEntry->value.end, quoteArray(args)});

    // Missing keys go right after `command` (or the header), indented like the table's keys.
    const qsizetype insertAt = commandEntry ? commandEntry->lineEnd : table->headerEnd;
    const QByteArray indent =
        table->entries.empty()
            ? QByteArray()
            : indentOf(m_text, (commandEntry ? commandEntry : &table->entries.front())->lineBegin);
    QByteArray inserted;
    if (!commandEntry)
        inserted += indent + "command = " + quoteString(command) + eol;
    if (!argsEntry)
        inserted += indent + "args = " + quoteArray(args) + eol;
    if (!inserted.isEmpty()) {
        if (insertAt == m_text.size() && !m_text.endsWith('\n')) {
            inserted.prepend(eol); // keep "no line ending at the end of the file" as it was
            inserted.chop(eol.size());
        }
        edits.push_back({insertAt, insertAt, inserted});
    }

    if (dropEnv) {
        // A remote entry's keys go with it: the server's URL and headers now live in Manifold.
        static const QStringList remoteKeys{
            QStringLiteral("url"), QStringLiteral("http_headers"), QStringLiteral("env_http_headers"),
            QStringLiteral("bearer_token"), QStringLiteral("bearer_token_env_var")};
        const auto dropped = [&](const QString &key) {
            return key == QLatin1String("env") || (remote && remoteKeys.contains(key));
        };
        for (const Entry &entry : table->entries) {
            if (dropped(entry.key.first()) || entry.key == QStringList{QStringLiteral("cwd")})
                edits.push_back({entry.lineBegin, entry.lineEnd, {}});
        }
        std::vector<bool> remove(doc->tables.size(), false);
        bool any = false;
        for (size_t i = 1; i < doc->tables.size(); ++i) {
            const QStringList &p = doc->tables.at(i).path;
            remove[i] = p.size() >= 3 && p.mid(0, 2) == table->path && dropped(p.at(2));
            any = any || remove[i];
        }
        if (any) {
            const std::vector<Edit> removals = removeTables(m_text, *doc, remove);
            edits.insert(edits.end(), removals.begin(), removals.end());
        }
    }
    if (edits.empty())
        return true;

    return commit(applyEdits(m_text, edits), name, error, [&](const CodexToml &candidate) {
        const std::optional<CodexServer> after = candidate.server(name);
        return after && after->command == command && after->args == args &&
               (!dropEnv || (after->env.isEmpty() && after->cwd.isEmpty() && after->url.isEmpty()));
    });
}

bool CodexToml::pointServerAtUrl(const QString &name, const QString &url,
                                 const QMap<QString, QString> &headers, QString *error)
{
    if (!editable(name, error))
        return false;
    const std::optional<Document> doc = scanDocument(m_text, error);
    if (!doc)
        return false;
    const Table *table = findServerTable(*doc, name);
    if (!table)
        return setError(error, QStringLiteral("[mcp_servers.%1] not found").arg(name));

    QByteArrayList pairs;
    for (auto it = headers.cbegin(); it != headers.cend(); ++it)
        pairs.append(quoteKey(it.key()) + " = " + quoteString(it.value()));
    const QByteArray headersText = "{ " + pairs.join(", ") + " }";
    const std::optional<CodexServer> current = server(name);

    std::vector<Edit> edits;
    const Entry *urlEntry = findEntry(*table, QStringLiteral("url"));
    const Entry *headersEntry = findEntry(*table, QStringLiteral("http_headers"));
    static const QStringList dropped{
        QStringLiteral("command"),      QStringLiteral("args"),
        QStringLiteral("env"),          QStringLiteral("cwd"),
        QStringLiteral("bearer_token"), QStringLiteral("bearer_token_env_var"),
        QStringLiteral("env_http_headers")};
    for (const Entry &entry : table->entries) {
        if (entry.key.first() == QLatin1String("http_headers") && entry.key.size() > 1)
            return setError(error, QStringLiteral("the http_headers of '%1' are dotted keys; "
                                                  "edit it by hand")
                                       .arg(name));
        if (dropped.contains(entry.key.first()))
            edits.push_back({entry.lineBegin, entry.lineEnd, {}});
    }
    std::vector<bool> remove(doc->tables.size(), false);
    bool anySubtable = false;
    for (size_t i = 1; i < doc->tables.size(); ++i) {
        const QStringList &p = doc->tables.at(i).path;
        if (p.size() < 3 || p.mid(0, 2) != table->path)
            continue;
        if (p.at(2) == QLatin1String("http_headers"))
            return setError(error, QStringLiteral("the http_headers of '%1' are a table of their "
                                                  "own; edit it by hand")
                                       .arg(name));
        remove[i] = p.at(2) == QLatin1String("env");
        anySubtable = anySubtable || remove[i];
    }
    if (anySubtable) {
        const std::vector<Edit> removals = removeTables(m_text, *doc, remove);
        edits.insert(edits.end(), removals.begin(), removals.end());
    }
    if (urlEntry && urlEntry->value.string != url)
        edits.push_back({urlEntry->value.begin, urlEntry->value.end, quoteString(url)});
    if (headersEntry &&
        (headersEntry->value.kind != Value::Table || current->httpHeaders != headers))
        edits.push_back({headersEntry->value.begin, headersEntry->value.end, headersText});

    // Missing keys go right after the header, indented like the table's keys.
    const QByteArray eol = lineEnding();
    const QByteArray indent =
        table->entries.empty() ? QByteArray() : indentOf(m_text, table->entries.front().lineBegin);
    QByteArray inserted;
    if (!urlEntry)
        inserted += indent + "url = " + quoteString(url) + eol;
    if (!headersEntry)
        inserted += indent + "http_headers = " + headersText + eol;
    if (!inserted.isEmpty()) {
        const qsizetype insertAt = table->headerEnd;
        if (insertAt == m_text.size() && !m_text.endsWith('\n')) {
            inserted.prepend(eol); // keep "no line ending at the end of the file" as it was
            inserted.chop(eol.size());
        }
        edits.push_back({insertAt, insertAt, inserted});
    }
    if (edits.empty())
        return true;
    return commit(applyEdits(m_text, edits), name, error, [&](const CodexToml &candidate) {
        const std::optional<CodexServer> after = candidate.server(name);
        return after && after->url == url && after->httpHeaders == headers &&
               after->command.isEmpty() && after->args.isEmpty() && after->env.isEmpty() &&
               after->cwd.isEmpty();
    });
}

std::optional<std::pair<qsizetype, qsizetype>> CodexToml::serverSpan(const QString &name) const
{
    if (!m_headerServers.contains(name))
        return std::nullopt;
    const std::optional<Document> doc = scanDocument(m_text, nullptr);
    if (!doc)
        return std::nullopt;
    const auto belongs = [&](const Table &table) {
        return table.path.size() >= 2 && table.path.at(0) == kServers && table.path.at(1) == name;
    };
    size_t first = 0;
    size_t last = 0;
    for (size_t i = 1; i < doc->tables.size(); ++i) {
        if (!belongs(doc->tables.at(i)))
            continue;
        if (first == 0)
            first = i;
        else if (last + 1 != i)
            return std::nullopt; // another table sits between two of the server's tables
        last = i;
    }
    if (first == 0 || doc->tables.at(first).path.size() != 2)
        return std::nullopt;
    return std::make_pair(doc->tables.at(first).headerBegin, contentEnd(doc->tables.at(last)));
}

bool CodexToml::replaceServerText(const QString &name, const QByteArray &raw, QString *error)
{
    const auto span = serverSpan(name);
    if (!span)
        return setError(error, QStringLiteral("[mcp_servers.%1] is not one block of tables; "
                                              "edit it by hand")
                                   .arg(name));
    QByteArray text = m_text;
    text.replace(span->first, span->second - span->first, raw);
    return commit(text, name, error, [&](const CodexToml &candidate) {
        return candidate.serverSpan(name).has_value();
    });
}

bool CodexToml::addServer(const CodexServer &server, QString *error)
{
    if (server.name.isEmpty())
        return setError(error, QStringLiteral("MCP server name is empty"));
    if (this->server(server.name))
        return setError(error, QStringLiteral("MCP server '%1' already exists").arg(server.name));
    if (server.command.isEmpty() == server.url.isEmpty())
        return setError(
            error,
            QStringLiteral("MCP server '%1' needs either a command or a url").arg(server.name));
    const std::optional<Document> doc = scanDocument(m_text, error);
    if (!doc)
        return false;
    for (const Entry &entry : doc->tables.front().entries) {
        if (entry.key == QStringList{kServers})
            return setError(error, QStringLiteral("mcp_servers is an inline table; cannot append "
                                                  "a [mcp_servers.%1] table")
                                       .arg(server.name));
    }

    const QByteArray eol = lineEnding();
    QByteArray block = "[mcp_servers." + quoteKey(server.name) + ']' + eol;
    if (!server.command.isEmpty())
        block += "command = " + quoteString(server.command) + eol;
    if (!server.args.isEmpty())
        block += "args = " + quoteArray(server.args) + eol;
    if (!server.url.isEmpty())
        block += "url = " + quoteString(server.url) + eol;
    if (!server.env.isEmpty()) {
        QByteArrayList pairs;
        for (auto it = server.env.cbegin(); it != server.env.cend(); ++it)
            pairs.append(quoteKey(it.key()) + " = " + quoteString(it.value()));
        block += "env = { " + pairs.join(", ") + " }" + eol;
    }
    if (!server.cwd.isEmpty())
        block += "cwd = " + quoteString(server.cwd) + eol;
    if (!server.enabled)
        block += "enabled = false" + eol;

    const QByteArray separator = m_text.isEmpty()        ? QByteArray()
                                 : m_text.endsWith('\n') ? eol
                                                         : eol + eol;
    return commit(m_text + separator + block, server.name, error, [&](const CodexToml &candidate) {
        return candidate.server(server.name) == std::optional<CodexServer>(server);
    });
}

bool CodexToml::removeServer(const QString &name, QString *error)
{
    if (!editable(name, error))
        return false;
    const std::optional<Document> doc = scanDocument(m_text, error);
    if (!doc)
        return false;
    std::vector<bool> remove(doc->tables.size(), false);
    for (size_t i = 1; i < doc->tables.size(); ++i) {
        const QStringList &p = doc->tables.at(i).path;
        remove[i] = p.size() >= 2 && p.at(0) == kServers && p.at(1) == name;
    }
    return commit(applyEdits(m_text, removeTables(m_text, *doc, remove)), name, error,
                  [&](const CodexToml &candidate) { return !candidate.server(name); });
}

} // namespace manifold
