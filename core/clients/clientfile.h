#pragma once

#include "clients/clientcatalog.h"
#include "clients/codextoml.h"
#include "clients/jsoncdocument.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

namespace manifold {

using Span = std::pair<qsizetype, qsizetype>; // [begin, end) in a file's bytes

// One server entry of a client config file, as the client would run it.
struct ClientEntry
{
    enum class Kind {
        Stdio,       // a local command Manifold can take over
        Remote,      // a URL server: left alone
        Managed,     // already runs manifold-shim
        Unsupported, // left alone, reason says why
    };

    Kind kind = Kind::Unsupported;
    QString name;         // the entry's key in the client's file (never changed)
    QStringList location; // JSON path of the entry's value; Codex: {name}
    QString scope;        // "user", "project" or "local <project dir>" (Claude Code)
    QString command;
    QStringList args;
    QMap<QString, QString> env;
    QString cwd;           // as written, else the scope's project directory
    QString projectDir;    // project and local scopes: the project the entry belongs to
    QString url;           // Remote
    QString urlKey;        // Remote: the key holding the URL ("url", "serverUrl", "httpUrl")
    QString remoteType;    // Remote: the entry's "type" ("http", "sse", "remote"...), if any
    QMap<QString, QString> headers; // Remote: headers as written
    QString remoteProblem; // Remote: what setup cannot carry over (a token only the client reads)
    QString managedServer; // Managed: the Manifold server it names
    QString reason;        // Unsupported
    bool disabled = false;
    Span span{0, 0};              // the entry's raw text in the file
    QMap<QString, Span> envSpans; // raw literals of env values (quotes included)
    QMap<QString, Span> headerSpans; // raw literals of header values (Remote)
    QList<Span> argSpans;            // raw literals of args, in order (where known)
};

// A parsed client config file: reads its server entries and edits them in place, keeping every
// other byte. Every edit re-parses the result; a failed edit changes nothing.
class ClientFile final
{
public:
    // A file that does not parse (or whose servers key has the wrong type) is an error, never an
    // empty config. projectDir: for project files, where their servers run.
    static std::optional<ClientFile> parse(const ClientKind &kind, const QByteArray &text,
                                           const QString &projectDir, QString *error);

    const ClientKind &kind() const { return *m_kind; }
    QByteArray text() const;
    QList<ClientEntry> entries() const;
    std::optional<ClientEntry> entry(const QStringList &location) const;

    // Makes the entry run `shim server` (its env and cwd now live in Manifold); its other keys
    // (type, disabled, timeouts, tool lists...) stay. Nothing changes if it already does. A URL
    // entry loses its URL, headers and auth keys, and its type becomes the client's local one.
    bool pointAtShim(const ClientEntry &entry, const QString &shim, const QString &server,
                     QString *error);
    // Makes the entry a URL entry in the client's own shape (ClientKind::urlShape) sending
    // "Authorization: <authorization>": its command, args, env and cwd go, its other keys
    // (disabled, timeouts, tool lists...) stay. Also refreshes the header of a URL entry.
    bool pointAtUrl(const ClientEntry &entry, const QString &url, const QString &authorization,
                    QString *error);
    // Puts raw text (cut from an earlier version of this file) back as the entry's value.
    bool restoreEntryText(const ClientEntry &entry, const QByteArray &raw, QString *error);

private:
    explicit ClientFile(const ClientKind &kind) : m_kind(&kind) {}
    QList<QStringList> serverObjects() const; // JSON paths of the objects holding entries
    ClientEntry readJsonEntry(const QStringList &objectPath, const QString &name,
                              const QString &scope, const QString &defaultCwd) const;
    bool pointJsonAtShim(const ClientEntry &entry, const QString &shim, const QString &server,
                         QString *error);
    bool pointJsonAtUrl(const ClientEntry &entry, const QString &url, const QString &authorization,
                        QString *error);
    bool isOpenCodeV2() const; // opencode's newer shape: servers under "mcp": {"servers": {..}}

    const ClientKind *m_kind;
    std::optional<JsoncDocument> m_json;
    std::optional<CodexToml> m_toml;
    QString m_projectDir;
};

QString describeEntryKind(ClientEntry::Kind kind);

} // namespace manifold
