#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

#include "wire/hello.h"

namespace manifold {

// The first line on a broker connection (see docs/wire.md) and the broker's one-line answer: the
// QString face of core/wire/hello.h.
struct Hello
{
    static constexpr int ProtocolVersion = wire::Hello::ProtocolVersion;

    QString role;          // "shim" or "control"
    QString server;        // shim: the server name
    qint64 pid = -1;       // the peer's pid as it reports it
    qint64 ppid = -1;      // shim: its parent, usually the MCP client
    QString parentExe;
    QString cwd;
    QString peerVersion;   // Manifold version of the shim or manifoldctl
    // shim, reconnecting: the session it had and the broker that had it (-1: a first hello)
    qint64 previousSession = -1;
    qint64 previousBrokerPid = -1;
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
    qint64 session = -1;    // welcome of a shim: its session id
    // refused because the session a reconnecting shim had was closed on purpose (cut off): why
    QString closedReason;

    QByteArray toLine() const;
    static std::optional<HelloReply> fromLine(QByteArrayView line);
};

// The broker's last line on a shim session that it closes on purpose (shutting down, session
// disconnected on request, server removed). A JSON-RPC notification, so a client that gets it
// through an older shim ignores it; a shim takes it as "do not reconnect". A session that ends
// without it means the broker went away.
struct SessionClosing
{
    static constexpr const char *Method = wire::SessionClosing::Method;

    static QByteArray line(const QString &reason);
};

} // namespace manifold
