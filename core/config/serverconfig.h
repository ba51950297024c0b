#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>

namespace manifold {

// One configured MCP server: how to start its child (or reach it at a URL) and how to share it.
struct ServerConfig
{
    enum class Sharing { Shared, PerClient, Isolated, PerProject };
    // How a remote server is spoken to: Streamable HTTP, the older HTTP+SSE, or Streamable HTTP
    // first with a fallback to HTTP+SSE when the server does not take it.
    enum class Transport { Auto, StreamableHttp, Sse };

    // OAuth settings of a remote server; everything is optional (discovery finds the rest).
    struct OAuth
    {
        QString clientId;        // a client the user registered by hand (no dynamic registration)
        bool clientSecret = false;   // that client has a secret, kept in the SecretStore
        QString scope;           // scopes to ask for; empty: what the server challenges or lists
        bool sendResource = true;    // RFC 8707 resource parameter (some providers refuse it)
        QMap<QString, QString> authorizeParams;   // extra parameters of the authorization request
        friend bool operator==(const OAuth &a, const OAuth &b)
        {
            return a.clientId == b.clientId && a.clientSecret == b.clientSecret && a.scope == b.scope &&
                   a.sendResource == b.sendResource && a.authorizeParams == b.authorizeParams;
        }
    };

    QString name;
    QString command;              // a local server's program; empty for a remote server
    QStringList args;
    QMap<QString, QString> env;   // plain values only
    QStringList secretEnv;        // more variables, whose values live in the SecretStore (sorted)
    QString cwd;                  // empty: the broker's working directory
    Sharing sharing = Sharing::Shared;
    int lingerMs = 60000;         // idle time after the last session leaves; -1 keeps it warm
    int heartbeatMs = 30000;      // ping the child after this much idle time; 0 disables
    int maxLineBytes = 64 * 1024 * 1024;
    int maxInFlight = 0;          // requests handed to one child at once; 0 = unlimited
    int maxQueuedBytes = 0;       // bytes waiting for one slow client; 0 = the broker-wide default
    bool captureBodies = false;   // the traffic view keeps message bodies, not only metadata

    // A remote server: its URL (http or https) instead of a command.
    QString url;
    Transport transport = Transport::Auto;
    QMap<QString, QString> headers;   // sent with every request; plain values only
    QStringList secretHeaders;        // more headers, whose values live in the SecretStore (sorted)
    OAuth oauth;

    bool isRemote() const { return !url.isEmpty(); }

    QJsonObject toJson() const;
    static ServerConfig fromJson(const QString &name, const QJsonObject &object);

    // The broker-wide default for maxQueuedBytes: $MANIFOLD_MAX_QUEUED_BYTES if it is a number
    // of bytes (at least 1 MiB), else DefaultMaxQueuedBytes.
    static constexpr qint64 DefaultMaxQueuedBytes = 64 * 1024 * 1024;
    static constexpr qint64 MinMaxQueuedBytes = 1024 * 1024;   // smaller default values are refused
    static qint64 defaultMaxQueuedBytes();
    // What a session of this server may have waiting for its client before it is cut off: the
    // configured cap (or the broker default), but never less than one maximal message
    // (maxLineBytes) plus QueueSlackBytes, so a single large answer can always be delivered.
    static constexpr qint64 QueueSlackBytes = 1024 * 1024;
    qint64 effectiveMaxQueuedBytes(qint64 brokerDefault) const;

    static QString sharingName(Sharing sharing);
    static bool parseSharing(const QString &text, Sharing *sharing);
    static QString transportName(Transport transport);   // "auto", "http", "sse"
    static bool parseTransport(const QString &text, Transport *transport);
    // A remote server's URL: absolute http(s) with a host, no user info, no fragment. error says why not.
    static bool isValidRemoteUrl(const QString &url, QString *error = nullptr);
    // Header names a user may set: an RFC 9110 token, and not one the transport owns
    // (Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, Host, Content-Length, ...).
    static bool isSettableHeader(const QString &name, QString *error = nullptr);

    // Names end up in shell-free argv of client configs and in file names:
    // letters, digits, '.', '_' and '-', not starting with '.' or '-', at most 64 chars.
    static bool isValidName(const QString &name);

    friend bool operator==(const ServerConfig &a, const ServerConfig &b);
};

} // namespace manifold
