// StreamableHttpUpstream: its lifetime (stop, kill, shutdown) and what it tells about itself.

#include "streamablehttpupstream.h"

#include <QEventLoop>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include "remote/httpcommon.h"
#include "remote/streamablehttpstate_p.h"

namespace manifold::remote {


int StreamableHttpUpstream::openStreams() const
{
    const auto open =
        std::count_if(m_exchanges.cbegin(), m_exchanges.cend(),
                      [](const auto &entry) { return entry.second->reply != nullptr; });
    return int(open) + (m_get && m_get->reply ? 1 : 0);
}

void StreamableHttpUpstream::abortAll()
{
    for (auto &entry : m_exchanges)
        discardReply(entry.second->reply, this);
    m_exchanges.clear();
    if (m_get) {
        discardReply(m_get->reply, this);
        m_get->reply = nullptr;
        m_get->reconnect.stop();
    }
    m_held.clear();
    m_heldTimer->stop();
}

void StreamableHttpUpstream::goneOnce(const QString &description, GoneKind kind)
{
    if (m_gone)
        return;
    m_gone = true;
    abortAll();
    qCInfo(lcRemoteHttp) << "gone:" << description;
    emit gone(description, kind);
}

QString StreamableHttpUpstream::label() const
{
    return serverLabel(m_serverName, m_url);
}

void StreamableHttpUpstream::stop()
{
    if (m_gone || m_stopping)
        return;
    m_stopping = true;
    const QByteArray sessionId = m_sessionId;
    abortAll();
    if (sessionId.isEmpty()) {
        QMetaObject::invokeMethod(
            this, [this] { goneOnce(label() + QStringLiteral(": stopped"), GoneKind::Stopped); },
            Qt::QueuedConnection);
        return;
    }
    // DELETE ends the session at the server; 405 (not allowed) or any failure is fine.
    QNetworkReply *reply =
        pickManager()->deleteResource(requestFor("application/json, text/event-stream", true));
    auto *timer = new QTimer(reply);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, reply, &QNetworkReply::abort);
    timer->start(qMin(m_options.headersTimeoutMs, 5000));
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        goneOnce(label() + QStringLiteral(": stopped"), GoneKind::Stopped);
    });
}

void StreamableHttpUpstream::kill()
{
    if (m_gone)
        return;
    m_gone = true;
    abortAll();
    QMetaObject::invokeMethod(
        this, [this] { emit gone(label() + QStringLiteral(": aborted"), GoneKind::Crashed); },
        Qt::QueuedConnection);
}

void StreamableHttpUpstream::shutdownBlocking(int timeoutMs)
{
    if (m_gone)
        return;
    const QByteArray sessionId = m_sessionId;
    m_gone = true;
    abortAll();
    if (sessionId.isEmpty() || timeoutMs <= 0)
        return;
    // Best effort: tell the server the session is over, for at most timeoutMs.
    QNetworkReply *reply =
        pickManager()->deleteResource(requestFor("application/json, text/event-stream", true));
    QEventLoop loop;
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    discardReply(reply, this);
}

QString StreamableHttpUpstream::describe() const
{
    QString text = displayUrl(m_url) + QStringLiteral(" (Streamable HTTP");
    if (!m_sessionId.isEmpty())
        text += QStringLiteral(", session ") + QString::fromLatin1(m_sessionId.left(4)) +
                QStringLiteral("…");
    return text + QLatin1Char(')');
}

QJsonObject StreamableHttpUpstream::statusJson() const
{
    QJsonObject remote{
        {QStringLiteral("url"), displayUrl(m_url)},
        {QStringLiteral("transport"), QStringLiteral("streamable-http")},
        {QStringLiteral("sessionId"), QString::fromLatin1(m_sessionId)},
        {QStringLiteral("protocolVersion"), QString::fromLatin1(m_protocolVersion)},
        {QStringLiteral("openStreams"), openStreams()},
        {QStringLiteral("resumes"), m_resumes},
        {QStringLiteral("reinitializations"), m_reinitializations},
    };
    return QJsonObject{{QStringLiteral("remote"), remote}};
}

} // namespace manifold::remote
