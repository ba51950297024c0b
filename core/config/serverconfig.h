#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>

namespace manifold {

// One configured MCP server: how to start its child and how to share it.
struct ServerConfig
{
    enum class Sharing { Shared, PerClient, Isolated, PerProject };

    QString name;
    QString command;
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

    // Names end up in shell-free argv of client configs and in file names:
    // letters, digits, '.', '_' and '-', not starting with '.' or '-', at most 64 chars.
    static bool isValidName(const QString &name);

    friend bool operator==(const ServerConfig &a, const ServerConfig &b);
};

} // namespace manifold
