#pragma once

#include "broker/upstream.h"
#include "remote/authgate.h"
#include "remote/remoteendpoint.h"

#include <QList>
#include <QPointer>

namespace manifold::remote {

class StreamableHttpUpstream;

// transport "auto": Streamable HTTP first; if the server refuses the first POST (the initialize)
// with 400, 404 or 405, the same URL is tried as a legacy HTTP+SSE server and the initialize is
// sent again there (MCP transports, backwards compatibility).
class AutoUpstream final : public Upstream
{
    Q_OBJECT

public:
    AutoUpstream(const RemoteEndpoint &endpoint, AuthGate *gate, QObject *parent = nullptr);
    ~AutoUpstream() override;

    void start() override;
    void send(const QByteArray &message) override;
    void stop() override;
    void kill() override;
    void shutdownBlocking(int timeoutMs) override;
    QJsonObject statusJson() const override;
    QString describe() const override;

    bool fellBack() const { return m_fellBack; }
    bool tagsServerRequests() const override { return m_inner && m_inner->tagsServerRequests(); }

private:
    void adopt(Upstream *inner);
    void fallBack(int status);

    RemoteEndpoint m_endpoint;
    QPointer<AuthGate> m_gate;
    Upstream *m_inner = nullptr;
    QList<QByteArray> m_sentWhileProbing; // re-sent to the legacy upstream on fallback
    bool m_probing = true;                // no answer from the Streamable HTTP attempt yet
    bool m_fellBack = false;
};

} // namespace manifold::remote
