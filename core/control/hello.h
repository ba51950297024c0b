#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace manifold {

// The first line on a broker connection (see docs/wire.md) and the broker's one-line answer.
struct Hello
{
    static constexpr int ProtocolVersion = 1;

    QString role;          // "shim" or "control"
    QString server;        // shim: the server name
    qint64 pid = -1;       // the peer's pid as it reports it
    qint64 ppid = -1;      // shim: its parent, usually the MCP client
    QString parentExe;
    QString cwd;
    QString peerVersion;   // Manifold version of the shim or manifoldctl
    int version = 0;

    QByteArray toLine() const;
    static std::optional<Hello> fromLine(QByteArrayView line, QString *error);
};

struct HelloReply
{
    bool accepted = false;
    QString error;
    qint64 brokerPid = -1;
    QString brokerVersion;

    QByteArray toLine() const;
    static std::optional<HelloReply> fromLine(QByteArrayView line);
};

// The broker's last line on a shim session that it closes on purpose (shutting down, session
// disconnected on request, server removed). A JSON-RPC notification, so a client that gets it
// through an older shim ignores it; a shim takes it as "do not reconnect". A session that ends
// without it means the broker went away.
struct SessionClosing
{
    static constexpr char Method[] = "notifications/manifold/sessionClosing";

    static QByteArray line(const QString &reason);
};

} // namespace manifold
