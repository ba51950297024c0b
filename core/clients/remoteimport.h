#pragma once

#include "clients/clientfile.h"
#include "config/serverconfig.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace manifold {

struct ClientKind;

// What a client's URL entry, or a stdio entry running mcp-remote, asks of a remote server, in
// Manifold's terms (docs/research/remote-servers.md §7). Pure: reads the entry, nothing else.
struct RemoteImport
{
    QString problem; // set: the entry cannot be imported, and why ("not imported: ...")
    QString url;
    ServerConfig::Transport transport = ServerConfig::Transport::Auto;
    QMap<QString, QString> headers; // every header, placeholders resolved
    QStringList secretHeaders;      // those whose values go to the keychain (sorted)
    ServerConfig::OAuth oauth;
    QString clientSecret;             // --static-oauth-client-info's client_secret
    QStringList secretEnv;            // env variables whose values ended up in secret headers
    QList<qsizetype> secretArgs;      // indexes of args holding secret literals
    QStringList secretHeaderLiterals; // header names whose written values are secret literals

    bool ok() const { return problem.isEmpty(); }
    // Every secret value it carries, to keep out of backups and diffs.
    QStringList secretValues(const ClientEntry &entry) const;
};

// True for `npx [-y] mcp-remote[@v] URL ...`, `npx -p mcp-remote@v mcp-remote URL ...`,
// `bunx`, `pnpm dlx`, `yarn dlx` and a bare `mcp-remote` command. *urlIndex: where its URL is.
bool isMcpRemoteCommand(const QString &command, const QStringList &args,
                        qsizetype *urlIndex = nullptr);

// The remote server of a Remote entry of a client of this kind, or of an mcp-remote entry.
RemoteImport importRemote(const ClientKind &kind, const ClientEntry &entry);

// Same server for setup's dedup: scheme and host lower case, no default port, no fragment.
QString normalizedRemoteUrl(const QString &url);

// Keychain key of the client secret of a remote server's hand-registered OAuth client:
// "server/<server>/oauth-client-secret".
QString oauthClientSecretKey(const QString &server);

} // namespace manifold
