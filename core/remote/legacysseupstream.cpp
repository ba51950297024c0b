#include "legacysseupstream.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrlQuery>

#include "jsonrpc/jsonrpc.h"
#include "remote/authgate.h"
#include "remote/httpcommon.h"

namespace manifold::remote {

namespace {

constexpr qsizetype MaxErrorBodyBytes = 16 * 1024;
constexpr int MaxAuthRetries = 3;

bool sameOrigin(const QUrl &a, const QUrl &b)
{
    return a.scheme() == b.scheme() && a.host().compare(b.host(), Qt::CaseInsensitive) == 0 &&
           a.port(a.scheme() == QLatin1String("https") ? 443 : 80) ==
               b.port(b.scheme() == QLatin1String("https") ? 443 : 80);
}


} // namespace

LegacySseUpstream::LegacySseUpstream(const QUrl &url, const QMap<QByteArray, QByteArray> &headers,
                                     AuthGate *gate, const QString &serverName,
                                     const Options &options, QObject *parent)
    : Upstream(parent), m_url(url), m_headers(headers), m_gate(gate), m_serverName(serverName),
      m_options(options)
{
    if (m_gate) {
        connect(m_gate, &AuthGate::changed, this, &LegacySseUpstream::onGateChanged);
        connect(m_gate, &AuthGate::declined, this, &LegacySseUpstream::onGateDeclined);
    }
}

LegacySseUpstream::~LegacySseUpstream()
{
    m_gone = true;
    abortAll();
}

QString LegacySseUpstream::label() const
{
    return serverLabel(m_serverName, m_url);
}

void LegacySseUpstream::start()
{
    if (!m_manager) {
        m_manager = new QNetworkAccessManager(this);
        m_manager->setRedirectPolicy(QNetworkRequest::SameOriginRedirectPolicy);
    }
    openStream();
}

void LegacySseUpstream::openStream()
{
    if (m_gone || m_stream)
        return;
    m_streamAuthorization = m_gate ? m_gate->authorizationHeader() : QByteArray();
    QNetworkRequest request =
        makeRequest(m_url, m_headers, "text/event-stream", m_streamAuthorization);
    m_parser.emplace(m_options.maxMessageBytes);
    m_streamStatus = 0;
    m_streamBody.clear();
    m_endpoint.clear();
    QNetworkReply *reply = m_manager->get(request);
    m_stream = reply;
    auto *timer = new QTimer(reply);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, reply] {
        if (m_stream == reply && m_endpoint.isEmpty())
            goneOnce(label() + QStringLiteral(": no endpoint event within %1 s")
                                   .arg(m_options.headersTimeoutMs / 1000.0),
                     GoneKind::Unreachable);
    });
    timer->start(m_options.headersTimeoutMs);
    connect(reply, &QNetworkReply::metaDataChanged, this, [this, reply] {
        if (m_stream == reply)
            onStreamHeaders();
    });
    connect(reply, &QNetworkReply::readyRead, this, [this, reply] {
        if (m_stream == reply)
            onStreamData();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        if (m_stream == reply)
            onStreamFinished();
    });
}

void LegacySseUpstream::onStreamHeaders()
{
    if (m_streamStatus == 0)
        m_streamStatus = m_stream->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

void LegacySseUpstream::onStreamData()
{
    onStreamHeaders();
    QNetworkReply *stream = m_stream;
    if (m_streamStatus != 200) {
        m_streamBody += stream->read(qMax<qsizetype>(0, MaxErrorBodyBytes - m_streamBody.size()));
        return;
    }
    for (SseParser::Event &sseEvent : m_parser->feed(stream->readAll())) {
        if (sseEvent.type == "endpoint") {
            takeEndpoint(sseEvent.data);
        } else if (sseEvent.type == "message" && sseEvent.isMessage()) {
            deliverLine(std::move(sseEvent.data));
        }
        if (m_gone || m_stream != stream)
            return;
    }
    if (m_parser->failed())
        goneOnce(label() + QStringLiteral(": unreadable event stream: ") + m_parser->error(),
                 GoneKind::Unreachable);
}

void LegacySseUpstream::takeEndpoint(const QByteArray &data)
{
    const QUrl endpoint = m_url.resolved(QUrl::fromEncoded(data.trimmed()));
    if (!endpoint.isValid() || !sameOrigin(endpoint, m_url)) {
        goneOnce(label() + QStringLiteral(": refused an endpoint of another origin: ") +
                     displayUrl(endpoint),
                 GoneKind::Fatal);
        return;
    }
    const bool first = m_endpoint.isEmpty();
    m_endpoint = endpoint;
    qCInfo(lcRemoteHttp) << label() << "HTTP+SSE endpoint" << displayUrl(endpoint);
    if (!first)
        return;
    if (m_options.announceStarted)
        emit started();
    if (!m_waitingForAuth) {
        const QList<Post> waiting = std::exchange(m_waiting, {});
        for (const Post &message : waiting)
            post(message);
    }
}

void LegacySseUpstream::onStreamFinished()
{
    QNetworkReply *reply = m_stream;
    if (reply->bytesAvailable() > 0)
        onStreamData();
    if (m_gone || m_stream != reply)
        return;
    onStreamHeaders();
    const int status = m_streamStatus;
    const QNetworkReply::NetworkError error = reply->error();
    const QString networkError = describeNetworkError(reply);
    const QByteArray wwwAuthenticate = reply->rawHeader("WWW-Authenticate");
    m_stream = nullptr;
    reply->disconnect(this);
    reply->deleteLater();

    if (status == 401) {
        if (!m_gate) {
            goneOnce(label() + QStringLiteral(": needs a sign-in (HTTP 401) and has none set up"),
                     GoneKind::SignInRequired);
            return;
        }
        m_streamWaitingForAuth = true;
        m_gate->challenged(m_streamAuthorization, status, wwwAuthenticate);
        onGateChanged();
        return;
    }
    if (status == 0) {
        goneOnce(label() + QStringLiteral(": ") + networkError, GoneKind::Unreachable);
        return;
    }
    if (status == 200) {
        goneOnce(label() + QStringLiteral(": the event stream closed (%1); the session is gone")
                               .arg(error == QNetworkReply::NoError
                                        ? QStringLiteral("by the server")
                                        : networkError),
                 GoneKind::Unreachable);
        return;
    }
    const QString what =
        label() + QStringLiteral(": HTTP %1 to the event stream GET").arg(status) +
        (m_streamBody.isEmpty() ? QString() : QStringLiteral(": ") + bodyExcerpt(m_streamBody));
    goneOnce(what, status >= 500 ? GoneKind::Unreachable : GoneKind::Fatal);
}

void LegacySseUpstream::send(const QByteArray &message)
{
    if (m_gone)
        return;
    Post entry;
    entry.message = message;
    const jsonrpc::Envelope envelope = jsonrpc::parseEnvelope(message);
    if (envelope.isRequest())
        entry.id = envelope.id.in(message).toByteArray();
    if (m_endpoint.isEmpty() || m_waitingForAuth)
        m_waiting.append(entry);
    else
        post(entry);
}

void LegacySseUpstream::post(const Post &message)
{
    Post sent = message;
    sent.usedAuthorization = m_gate ? m_gate->authorizationHeader() : QByteArray();
    QNetworkRequest request = makeRequest(
        m_endpoint, m_headers, "application/json, text/event-stream", sent.usedAuthorization);
    request.setRawHeader("Content-Type", "application/json");
    QNetworkReply *reply = m_manager->post(request, message.message);
    m_posts.append(reply);
    // A POST to a session the server has dropped may never be answered (server-everything).
    auto *timer = new QTimer(reply);
    timer->setSingleShot(true);
    auto timedOut = std::make_shared<bool>(false);
    connect(timer, &QTimer::timeout, reply, [reply, timedOut] {
        *timedOut = true;
        reply->abort();
    });
    connect(reply, &QNetworkReply::metaDataChanged, timer, &QTimer::stop);
    timer->start(m_options.headersTimeoutMs);
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, sent, timedOut] { onPostFinished(reply, sent, *timedOut); });
}

void LegacySseUpstream::onPostFinished(QNetworkReply *reply, const Post &message, bool timedOut)
{
    m_posts.removeOne(reply);
    reply->deleteLater();
    if (m_gone)
        return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (timedOut) {
        goneOnce(label() +
                     QStringLiteral(": a POST got no response within %1 s; the session is gone")
                         .arg(m_options.headersTimeoutMs / 1000.0),
                 GoneKind::Unreachable);
        return;
    }
    if (status == 0) {
        goneOnce(label() + QStringLiteral(": ") + describeNetworkError(reply),
                 GoneKind::Unreachable);
        return;
    }
    if (status / 100 == 2)
        return; // the answer comes on the event stream
    const QByteArray wwwAuthenticate = reply->rawHeader("WWW-Authenticate");
    if ((status == 401 || (status == 403 && wwwAuthenticate.contains("insufficient_scope"))) &&
        m_gate && message.authRetries < MaxAuthRetries) {
        Post again = message;
        ++again.authRetries;
        m_waitingForAuth = true;
        m_heldAuthorization = message.usedAuthorization;
        m_waiting.prepend(again);
        m_gate->challenged(message.usedAuthorization, status, wwwAuthenticate);
        onGateChanged();
        return;
    }
    if (status == 401) {
        goneOnce(label() + QStringLiteral(": needs a sign-in (HTTP 401)"),
                 GoneKind::SignInRequired);
        return;
    }
    const QByteArray body = reply->read(MaxErrorBodyBytes);
    answer(message, label() + QStringLiteral(": HTTP %1").arg(status) +
                        (body.isEmpty() ? QString() : QStringLiteral(": ") + bodyExcerpt(body)));
}

void LegacySseUpstream::onGateChanged()
{
    if (m_gone || !m_gate)
        return;
    const QByteArray header = m_gate->authorizationHeader();
    if (m_gate->state() == AuthGate::State::SignInRequired &&
        (m_waitingForAuth || m_streamWaitingForAuth)) {
        QString message = m_gate->waitingMessage();
        if (message.isEmpty())
            message = label() + QStringLiteral(": needs a sign-in");
        for (const Post &held : std::exchange(m_waiting, {}))
            answer(held, message);
        goneOnce(message, GoneKind::SignInRequired);
        return;
    }
    if (m_streamWaitingForAuth && !header.isEmpty() && header != m_streamAuthorization) {
        m_streamWaitingForAuth = false;
        openStream();
    }
    if (m_waitingForAuth && !header.isEmpty() && header != m_heldAuthorization) {
        m_waitingForAuth = false;
        if (!m_endpoint.isEmpty()) {
            for (const Post &held : std::exchange(m_waiting, {}))
                post(held);
        }
    }
}

void LegacySseUpstream::onGateDeclined(const QByteArray &usedHeader, const QString &message)
{
    if (m_gone || !m_waitingForAuth || usedHeader != m_heldAuthorization)
        return;
    // No better token comes: what was refused fails now, what only waited behind it goes out.
    m_waitingForAuth = false;
    QList<Post> waiting;
    for (const Post &held : std::exchange(m_waiting, {})) {
        if (held.authRetries > 0)
            answer(held, message);
        else
            waiting.append(held);
    }
    m_waiting = waiting;
    if (!m_endpoint.isEmpty() && !m_gone) {
        for (const Post &held : std::exchange(m_waiting, {}))
            post(held);
    }
}

void LegacySseUpstream::answer(const Post &message, const QString &text)
{
    if (!message.id.isEmpty() && !m_gone)
        deliverLine(errorAnswer(message.id, text), message.id);
}

void LegacySseUpstream::abortAll()
{
    discardReply(m_stream, this);
    m_stream = nullptr;
    for (QNetworkReply *reply : std::exchange(m_posts, {}))
        discardReply(reply, this);
    m_waiting.clear();
}

void LegacySseUpstream::goneOnce(const QString &description, GoneKind kind)
{
    if (m_gone)
        return;
    m_gone = true;
    abortAll();
    qCInfo(lcRemoteHttp) << "gone:" << description;
    emit gone(description, kind);
}

void LegacySseUpstream::stop()
{
    if (m_gone)
        return;
    m_gone = true;
    abortAll();
    QMetaObject::invokeMethod(
        this, [this] { emit gone(label() + QStringLiteral(": stopped"), GoneKind::Stopped); },
        Qt::QueuedConnection);
}

void LegacySseUpstream::kill()
{
    if (m_gone)
        return;
    m_gone = true;
    abortAll();
    QMetaObject::invokeMethod(
        this, [this] { emit gone(label() + QStringLiteral(": aborted"), GoneKind::Crashed); },
        Qt::QueuedConnection);
}

void LegacySseUpstream::shutdownBlocking(int /*timeoutMs*/)
{
    m_gone = true;
    abortAll();
}

QString LegacySseUpstream::describe() const
{
    QString text = displayUrl(m_url) + QStringLiteral(" (HTTP+SSE");
    const QString session = QUrlQuery(m_endpoint).queryItemValue(QStringLiteral("sessionId"));
    if (!session.isEmpty())
        text += QStringLiteral(", session ") + session.left(4) + QStringLiteral("…");
    return text + QLatin1Char(')');
}

QJsonObject LegacySseUpstream::statusJson() const
{
    QJsonObject remote{
        {QStringLiteral("url"), displayUrl(m_url)},
        {QStringLiteral("transport"), QStringLiteral("sse")},
        {QStringLiteral("sessionId"),
         QUrlQuery(m_endpoint).queryItemValue(QStringLiteral("sessionId"))},
        {QStringLiteral("protocolVersion"), QString()},
        {QStringLiteral("openStreams"), int(m_posts.size()) + (m_stream ? 1 : 0)},
        {QStringLiteral("resumes"), 0},
        {QStringLiteral("reinitializations"), 0},
    };
    return QJsonObject{{QStringLiteral("remote"), remote}};
}

} // namespace manifold::remote
