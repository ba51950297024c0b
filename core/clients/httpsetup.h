#pragma once

#include "clients/clientcatalog.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace manifold {

// Which way setup points the clients at Manifold's servers.
enum class SetupTransport {
    Shim, // every client runs manifold-shim (the default)
    Http, // clients that take URL servers reach the broker's HTTP front door instead
};

// The front door setup points URL-capable clients at, as the broker reports it (http/status).
struct HttpTarget
{
    QString baseUrl;             // "http://127.0.0.1:47821/mcp/": a server is at baseUrl + name
    bool enabled = false;        // the front door is on now
    QStringList tokenNames;      // bearer tokens the broker has now
    QStringList setupTokenNames; // tokens an earlier setup made (recorded in its manifest)
};

// A bearer token setup makes for one client when it applies (http/tokenAdd). Until then the
// planned file texts hold its placeholder, replaced by the secret just before writing, so a
// preview never shows (or needs) a secret.
struct PlannedToken
{
    QString clientId;
    QString name;           // the token's name in the broker, the client id unless taken
    QByteArray placeholder; // in FilePlan::after of that client's files
    bool replaces = false;  // an earlier setup's token of that name: revoked, then made anew
};

namespace httpsetup {

QString transportName(SetupTransport transport); // "shim", "http"
bool parseTransport(const QString &name, SetupTransport *transport);

QByteArray tokenPlaceholder(const QString &tokenName);
// Why a client keeps the shim under --transport http.
QString shimOnlyReason(const ClientKind &kind);
// Why a project file keeps the shim under --transport http.
QString projectFileReason();
// The server a URL names when it is one of the front door's endpoints at baseUrl, else empty.
QString serverOfUrl(const QString &url, const QString &baseUrl);
// The server of any front door endpoint URL (loopback host, /mcp/NAME), whatever its port: what
// revert and the clients' status recognise as an entry setup wrote. Empty for other URLs.
QString frontDoorServer(const QString &url);
bool isFrontDoorUrl(const QString &url, const QString &server);
// Hides front door secrets (and token placeholders) as "mfd_********", for text on screen.
QByteArray maskTokens(QByteArray text);
// Every front door secret in a text, for redacting backups.
QList<QByteArray> tokenSecrets(const QByteArray &text);
// The token name for a client: its id, or id-2, id-3... when a token of that name exists that
// no setup made (those are the user's; setup replaces only its own).
QString chooseTokenName(const QString &clientId, const HttpTarget &target, bool *replaces);

} // namespace httpsetup

} // namespace manifold
