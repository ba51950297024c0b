#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <utility>

namespace manifold {

// One [mcp_servers.<name>] entry of Codex CLI's config.toml, as Codex would read it.
struct CodexServer
{
    QString name;
    QString command;
    QStringList args;
    QMap<QString, QString> env; // inline `env = {..}`, `env.K = ..` or [mcp_servers.<name>.env]
    QString cwd;
    bool enabled = true;
    QString url; // Streamable HTTP entries have a url and no command
    QMap<QString, QString> httpHeaders; // `http_headers = { .. }` of url entries
    QString bearerTokenEnvVar;          // `bearer_token_env_var`: Codex reads it from its env
    QStringList otherAuth; // keys whose values only Codex can fill in (bearer_token, env_http_headers)
    // Raw spans [begin, end) of the env values' literals (quotes included) in the text; not
    // compared by operator==.
    QMap<QString, std::pair<qsizetype, qsizetype>> envSpans;
    QMap<QString, std::pair<qsizetype, qsizetype>> headerSpans; // of http_headers values
    QList<std::pair<qsizetype, qsizetype>> argSpans;            // of args items

    friend bool operator==(const CodexServer &a, const CodexServer &b);
    friend bool operator!=(const CodexServer &a, const CodexServer &b) { return !(a == b); }
};

// Byte-preserving editor for Codex CLI's config.toml. A line-oriented TOML scanner, not a TOML
// library: it tokenizes the whole file (so multi-line strings never look like headers), rejects
// anything it cannot read with a line number, and edits by splicing bytes into the original
// text. Every edit is re-parsed and checked before it is kept, so a failed call changes nothing.
class CodexToml final
{
public:
    // nullopt (and *error = "line N: ...") if the text is not TOML this scanner can edit safely.
    static std::optional<CodexToml> parse(const QByteArray &text, QString *error);

    const QByteArray &text() const { return m_text; }

    // Servers in order of first appearance, from [mcp_servers.X] tables and from the inline or
    // dotted forms (mcp_servers.X.command = .., [mcp_servers] X = { .. }).
    QList<CodexServer> servers() const { return m_servers; }
    std::optional<CodexServer> server(const QString &name) const;

    // Sets command and args of the [mcp_servers.<name>] table in place, keeping its other keys,
    // comments and position. dropEnv also removes its env/cwd keys and its [..env] subtable.
    // A remote (url) entry becomes a command entry only with dropEnv: its url, http_headers and
    // bearer token keys go too. Refuses servers not written as a [mcp_servers.<name>] table.
    // Values that already decode to the wanted ones are left as written (idempotent).
    bool rewriteServer(const QString &name, const QString &command, const QStringList &args,
                       bool dropEnv, QString *error);

    // Makes the [mcp_servers.<name>] table a Streamable HTTP entry in place: url and http_headers
    // set (replacing what they held), command, args, env, cwd and inline bearer tokens removed
    // (Codex refuses a whole config with `bearer_token`), other keys and comments kept. Headers
    // written as dotted keys or their own subtable are refused (edit by hand).
    bool pointServerAtUrl(const QString &name, const QString &url,
                          const QMap<QString, QString> &headers, QString *error);

    // Appends a [mcp_servers.<name>] table at the end, using the file's line ending.
    bool addServer(const CodexServer &server, QString *error);

    // Removes the server's tables (header, body, subtables), each with the comment lines directly
    // above its header. Undoes addServer byte for byte when the file ended with a line ending
    // (or was empty) before the add.
    bool removeServer(const QString &name, QString *error);

    // The server's text: from its [mcp_servers.<name>] header to the end of its last subtable's
    // content. nullopt unless the server is written as its own table and its subtables directly
    // follow it (nothing else in between).
    std::optional<std::pair<qsizetype, qsizetype>> serverSpan(const QString &name) const;
    // Replaces serverSpan(name) with raw text that must define the same server name (checked by
    // re-parsing); used to put an entry back exactly as it was written.
    bool replaceServerText(const QString &name, const QByteArray &raw, QString *error);

    // "\r\n" if the file's first line ends that way, otherwise "\n".
    QByteArray lineEnding() const;

    // TOML spellings used for new text: a basic string literal, and a key (bare if possible).
    static QByteArray quoteString(const QString &value);
    static QByteArray quoteKey(const QString &key);

private:
    CodexToml() = default;
    bool load(const QByteArray &text, QString *error);
    bool editable(const QString &name, QString *error) const;
    // Keeps text (re-parsed) only if it parses and passes verify; otherwise changes nothing.
    bool commit(const QByteArray &text, const QString &name, QString *error,
                const std::function<bool(const CodexToml &)> &verify);

    QByteArray m_text;
    QList<CodexServer> m_servers;
    QStringList m_headerServers; // servers with their own [mcp_servers.X] table and no other form
};

} // namespace manifold
