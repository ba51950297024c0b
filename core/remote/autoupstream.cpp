#include "autoupstream.h"

#include <QJsonObject>

#include "remote/httpcommon.h"
#include "remote/legacysseupstream.h"
#include "remote/streamablehttpupstream.h"

namespace manifold::remote {

AutoUpstream::AutoUpstream(const RemoteEndpoint &endpoint, AuthGate *gate, QObject *parent)
    : Upstream(parent), m_endpoint(endpoint), m_gate(gate)
{
    StreamableHttpUpstream::Options options;
    options.probe = true;
    auto *http = new StreamableHttpUpstream(endpoint.url, endpoint.headers, gate,
                                            endpoint.serverName, options, this);
    connect(http, &StreamableHttpUpstream::notStreamableHttp, this, &AutoUpstream::fallBack);
    adopt(http);
}

AutoUpstream::~AutoUpstream() = default;

void AutoUpstream::adopt(Upstream *inner)
{
    m_inner = inner;
    connect(inner, &Upstream::started, this, &Upstream::started);
    inner->setLineHandler([this](QByteArray &&message, const QByteArray &related) {
        m_probing = false;
        m_sentWhileProbing.clear();
        deliverLine(std::move(message), related);
    });
    connect(inner, &Upstream::oversized, this, &Upstream::oversized);
    connect(inner, &Upstream::stderrLine, this, &Upstream::stderrLine);
    connect(inner, &Upstream::noted, this, &Upstream::noted);
    connect(inner, &Upstream::sessionLost, this, &Upstream::sessionLost);
    connect(inner, &Upstream::gone, this, &Upstream::gone);
}

void AutoUpstream::fallBack(int status)
{
    if (m_fellBack)
        return;
    m_fellBack = true;
    emit noted(
        serverLabel(m_endpoint.serverName, m_endpoint.url) +
        QStringLiteral(": HTTP %1 to a Streamable HTTP POST; trying the legacy HTTP+SSE transport")
            .arg(status));
    Upstream *old = m_inner;
    old->disconnect(this);
    old->shutdownBlocking(0);
    old->deleteLater();

    LegacySseUpstream::Options options;
    options.announceStarted = false; // the host saw started() already
    auto *legacy = new LegacySseUpstream(m_endpoint.url, m_endpoint.headers, m_gate,
                                         m_endpoint.serverName, options, this);
    adopt(legacy);
    legacy->start();
    const QList<QByteArray> resend = std::exchange(m_sentWhileProbing, {});
    for (const QByteArray &message : resend)
        legacy->send(message);
}

void AutoUpstream::start()
{
    m_inner->start();
}

void AutoUpstream::send(const QByteArray &message)
{
    if (m_probing && !m_fellBack)
        m_sentWhileProbing.append(message);
    m_inner->send(message);
}

void AutoUpstream::stop()
{
    m_inner->stop();
}

void AutoUpstream::kill()
{
    m_inner->kill();
}

void AutoUpstream::shutdownBlocking(int timeoutMs)
{
    m_inner->shutdownBlocking(timeoutMs);
}

QJsonObject AutoUpstream::statusJson() const
{
    return m_inner->statusJson();
}

QString AutoUpstream::describe() const
{
    return m_inner->describe();
}

std::unique_ptr<Upstream> makeRemoteUpstream(const RemoteEndpoint &endpoint, AuthGate *gate,
                                             QObject *parent)
{
    switch (endpoint.transport) {
    case RemoteEndpoint::StreamableHttp:
        return std::make_unique<StreamableHttpUpstream>(endpoint.url, endpoint.headers, gate,
                                                        endpoint.serverName,
                                                        StreamableHttpUpstream::Options(), parent);
    case RemoteEndpoint::Sse:
        return std::make_unique<LegacySseUpstream>(endpoint.url, endpoint.headers, gate,
                                                   endpoint.serverName,
                                                   LegacySseUpstream::Options(), parent);
    default:
        return std::make_unique<AutoUpstream>(endpoint, gate, parent);
    }
}

} // namespace manifold::remote
