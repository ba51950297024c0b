#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QUrl>

#include <memory>

class QObject;

namespace manifold {

class AuthGate;
class Upstream;

namespace remote {

// Where a remote MCP server is and how to speak to it: what ServerHost hands the factory below.
struct RemoteEndpoint
{
    enum Transport { Auto = 0, StreamableHttp = 1, Sse = 2 }; // mirrors ServerConfig::Transport

    QString serverName;
    QUrl url;
    int transport = Auto;
    // Sent with every request (plain and secret values already resolved).
    QMap<QByteArray, QByteArray> headers;
};

// The upstream for a remote server: Streamable HTTP, legacy HTTP+SSE, or (Auto) Streamable HTTP
// that falls back to HTTP+SSE when the first POST is refused with 400, 404 or 405. gate may be
// null (no sign-in). The upstream is created with parent as its QObject parent: release() the
// pointer when the parent is to own it, or keep the unique_ptr and destroy it before the parent.
std::unique_ptr<Upstream> makeRemoteUpstream(const RemoteEndpoint &endpoint, AuthGate *gate,
                                             QObject *parent);

} // namespace remote
} // namespace manifold
