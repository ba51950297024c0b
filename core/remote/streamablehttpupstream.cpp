#include "streamablehttpupstream.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <algorithm>

#include "jsonrpc/jsonrpc.h"
#include "jsonrpc/jsonscan.h"
#include "remote/authgate.h"
#include "remote/httpcommon.h"
#include "remote/streamablehttpstate_p.h"

namespace manifold::remote {

namespace {

constexpr qsizetype MaxErrorBodyBytes = 16 * 1024;
constexpr int MaxBusyRetries = 5;
constexpr int FirstReconnectDelayMs = 500;
constexpr int MaxReconnectDelayMs = 30000;

int backoffMs(int attempt)
{
    return qMin(MaxReconnectDelayMs, FirstReconnectDelayMs << qMin(attempt, 10));
}

// Mcp-Session-Id must be visible ASCII (0x21–0x7E).
bool isVisibleAscii(const QByteArray &value)
{
    return !value.isEmpty() &&
           std::all_of(value.cbegin(), value.cend(), [](char c) { return c >= 0x21 && c <= 0x7E; });
}


int httpStatus(const QNetworkReply *reply)
{
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

bool isEventStream(const QNetworkReply *reply)
{
    return reply->rawHeader("Content-Type").trimmed().toLower().startsWith("text/event-stream");
}

bool mentionsSession(const QByteArray &body)
{
    return body.toLower().contains("session");
}

} // namespace

StreamableHttpUpstream::StreamableHttpUpstream(const QUrl &url,
                                               const QMap<QByteArray, QByteArray> &headers,
                                               AuthGate *gate, const QString &serverName,
                                               const Options &options, QObject *parent)
    : Upstream(parent), m_url(url), m_headers(headers), m_gate(gate), m_serverName(serverName),
      m_options(options), m_heldTimer(new QTimer(this))
{
    m_options.poolSize = qMax(1, m_options.poolSize);
    m_heldTimer->setSingleShot(true);
    connect(m_heldTimer, &QTimer::timeout, this, &StreamableHttpUpstream::onHeldExpired);
    if (m_gate) {
        connect(m_gate, &AuthGate::changed, this, &StreamableHttpUpstream::onGateChanged);
        connect(m_gate, &AuthGate::declined, this, &StreamableHttpUpstream::onGateDeclined);
    }
}

StreamableHttpUpstream::~StreamableHttpUpstream()
{
    m_gone = true;
    abortAll();
}

void StreamableHttpUpstream::start()
{
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (!m_gone)
                emit started();
        },
        Qt::QueuedConnection);
}

void StreamableHttpUpstream::send(const QByteArray &message)
{
    if (m_gone || m_stopping) {
        qCDebug(lcRemoteHttp) << label() << "dropped a message sent after the end";
        return;
    }
    Outgoing out;
    out.seq = m_nextSeq++;
    out.message = message;
    const jsonrpc::Envelope envelope = jsonrpc::parseEnvelope(message);
    if (envelope.isRequest() || envelope.isNotification())
        out.method = envelope.method;
    if (envelope.isRequest())
        out.id = envelope.id.in(message).toByteArray();
    if (out.method == "notifications/cancelled" && envelope.params.isValid()) {
        const QByteArrayView params = envelope.params.in(message);
        if (const auto target = json::findMember(params, "requestId"))
            out.cancelTarget = target->in(params).toByteArray();
        // A request still held was never delivered: drop it (the router answers cancelled ones).
        m_held.erase(
            std::remove_if(m_held.begin(), m_held.end(),
                           [&](const Outgoing &held) { return held.id == out.cancelTarget; }),
            m_held.end());
    }
    if (holding(out))
        hold(out);
    else
        post(out);
}

bool StreamableHttpUpstream::holding(const Outgoing &out) const
{
    if (m_waitingForAuth)
        return true;
    return m_waitingForSession && out.method != "initialize" &&
           out.method != "notifications/initialized";
}

void StreamableHttpUpstream::hold(const Outgoing &out)
{
    const auto at =
        std::upper_bound(m_held.begin(), m_held.end(), out.seq,
                         [](quint64 seq, const Outgoing &held) { return seq < held.seq; });
    const auto inserted = m_held.insert(at, out);
    if (inserted->heldDeadline.isForever())
        inserted->heldDeadline.setRemainingTime(m_options.heldTimeoutMs);
    armHeldTimer();
}

void StreamableHttpUpstream::flushHeld()
{
    if (m_waitingForAuth || m_waitingForSession || m_gone || m_stopping)
        return;
    m_heldTimer->stop();
    QList<Outgoing> held = std::exchange(m_held, {});
    for (Outgoing &out : held) {
        out.heldDeadline = QDeadlineTimer(QDeadlineTimer::Forever); // held again: a new wait
        post(out);
    }
}

QNetworkAccessManager *StreamableHttpUpstream::pickManager()
{
    if (m_pool.size() < m_options.poolSize) {
        // Fill the pool first: an idle new manager beats a busy old one.
        for (QNetworkAccessManager *manager : std::as_const(m_pool)) {
            const bool busy =
                std::any_of(m_exchanges.cbegin(), m_exchanges.cend(),
                            [&](const auto &entry) { return entry.second->manager == manager; });
            if (!busy)
                return manager;
        }
        auto *manager = new QNetworkAccessManager(this);
        manager->setRedirectPolicy(QNetworkRequest::SameOriginRedirectPolicy);
        m_pool.append(manager);
        return manager;
    }
    QNetworkAccessManager *best = m_pool.first();
    qsizetype bestLoad = -1;
    for (QNetworkAccessManager *manager : std::as_const(m_pool)) {
        const qsizetype load =
            std::count_if(m_exchanges.cbegin(), m_exchanges.cend(),
                          [&](const auto &entry) { return entry.second->manager == manager; });
        if (bestLoad < 0 || load < bestLoad) {
            best = manager;
            bestLoad = load;
        }
    }
    return best;
}

QNetworkRequest StreamableHttpUpstream::requestFor(const QByteArray &accept, bool withSession) const
{
    const QByteArray authorization = m_gate ? m_gate->authorizationHeader() : QByteArray();
    QNetworkRequest request = makeRequest(m_url, m_headers, accept, authorization);
    if (withSession && !m_sessionId.isEmpty())
        request.setRawHeader("Mcp-Session-Id", m_sessionId);
    if (withSession && !m_protocolVersion.isEmpty())
        request.setRawHeader("MCP-Protocol-Version", m_protocolVersion);
    return request;
}

void StreamableHttpUpstream::post(const Outgoing &out)
{
    const bool isInitialize = out.method == "initialize";
    QNetworkRequest request = requestFor("application/json, text/event-stream", !isInitialize);
    request.setRawHeader("Content-Type", "application/json");

    auto exchange = std::make_unique<Exchange>();
    exchange->out = out;
    exchange->usedAuthorization = request.rawHeader("Authorization");
    exchange->usedSession = request.rawHeader("Mcp-Session-Id");
    exchange->manager = pickManager();
    exchange->reply = exchange->manager->post(request, out.message);
    Exchange *raw = exchange.get();
    m_exchanges[out.seq] = std::move(exchange);
    wireExchange(raw);
}

void StreamableHttpUpstream::wireExchange(Exchange *exchange)
{
    const quint64 seq = exchange->out.seq;
    QNetworkReply *reply = exchange->reply;
    auto current = [this, seq, reply]() -> Exchange * {
        const auto it = m_exchanges.find(seq);
        return it != m_exchanges.end() && it->second->reply == reply ? it->second.get() : nullptr;
    };
    connect(reply, &QNetworkReply::metaDataChanged, this, [this, current, seq] {
        if (current())
            onExchangeHeaders(seq);
    });
    connect(reply, &QNetworkReply::readyRead, this, [this, current, seq] {
        if (current())
            onExchangeData(seq);
    });
    connect(reply, &QNetworkReply::finished, this, [this, current, seq] {
        if (current())
            onExchangeFinished(seq);
    });
    exchange->headersTimer.setSingleShot(true);
    exchange->headersTimer.disconnect(this);
    connect(&exchange->headersTimer, &QTimer::timeout, this, [this, current, seq] {
        if (current())
            onExchangeTimeout(seq);
    });
    exchange->headersTimer.start(m_options.headersTimeoutMs);
}

void StreamableHttpUpstream::onExchangeHeaders(quint64 seq)
{
    Exchange *exchange = m_exchanges.at(seq).get();
    QNetworkReply *reply = exchange->reply;
    const int status = httpStatus(reply);
    if (status == 0 || exchange->headersSeen)
        return;
    exchange->headersSeen = true;
    exchange->headersTimer.stop();
    exchange->status = status;
    exchange->wwwAuthenticate = reply->rawHeader("WWW-Authenticate");
    exchange->retryAfter = reply->rawHeader("Retry-After");
    exchange->sse = status / 100 == 2 && isEventStream(reply);
    if (exchange->sse)
        exchange->parser.emplace(m_options.maxMessageBytes);
    if (exchange->out.method == "initialize" && status / 100 == 2) {
        const QByteArray sessionId = reply->rawHeader("Mcp-Session-Id");
        if (isVisibleAscii(sessionId))
            m_sessionId = sessionId;
        else if (!sessionId.isEmpty())
            emit noted(label() +
                       QStringLiteral(": ignored an Mcp-Session-Id that is not visible ASCII"));
    }
}

void StreamableHttpUpstream::onExchangeData(quint64 seq)
{
    Exchange *exchange = m_exchanges.at(seq).get();
    if (!exchange->headersSeen)
        onExchangeHeaders(seq);
    if (exchange->sse) {
        readEvents(exchange);
        return;
    }
    const QByteArray bytes = exchange->reply->readAll();
    const qsizetype limit =
        exchange->status / 100 == 2 ? m_options.maxMessageBytes : MaxErrorBodyBytes;
    exchange->body += bytes.left(qMax<qsizetype>(0, limit - exchange->body.size()));
}

void StreamableHttpUpstream::readEvents(Exchange *exchange)
{
    const QList<SseParser::Event> events = exchange->parser->feed(exchange->reply->readAll());
    for (const SseParser::Event &sseEvent : events) {
        if (sseEvent.idChanged)
            exchange->lastEventId = sseEvent.id;
        if (sseEvent.retryMs)
            exchange->retryMs = sseEvent.retryMs;
        if (sseEvent.isMessage() && sseEvent.type == "message") {
            deliver(exchange, sseEvent.data);
            if (m_gone || m_stopping)
                return;
        }
    }
    if (exchange->parser->failed() && !exchange->unreadable) {
        // Resuming would replay the same bytes: answer the request instead.
        exchange->unreadable = true;
        emit noted(label() + QStringLiteral(": unreadable event stream: ") +
                   exchange->parser->error());
        exchange->reply->abort(); // finished follows
    }
}

void StreamableHttpUpstream::deliver(Exchange *exchange, const QByteArray &data)
{
    const jsonrpc::Envelope envelope = jsonrpc::parseEnvelope(data);
    if (envelope.isResponse() && !exchange->out.id.isEmpty() &&
        envelope.id.in(data) == exchange->out.id) {
        exchange->answered = true;
        if (exchange->out.method == "initialize" && envelope.result.isValid()) {
            const QByteArrayView result = envelope.result.in(data);
            if (const auto version = json::findMember(result, "protocolVersion")) {
                if (const auto text = json::decodeString(version->in(result)))
                    m_protocolVersion = *text;
            }
            m_everInitialized = true;
        }
    }
    deliverLine(QByteArray(data), exchange->out.id);
}

void StreamableHttpUpstream::onExchangeTimeout(quint64 seq)
{
    Exchange *exchange = m_exchanges.at(seq).get();
    exchange->timedOut = true;
    exchange->reply->abort(); // finished follows synchronously
}

void StreamableHttpUpstream::onExchangeFinished(quint64 seq)
{
    const auto it = m_exchanges.find(seq);
    std::unique_ptr<Exchange> owned = std::move(it->second);
    m_exchanges.erase(it);
    Exchange *exchange = owned.get();
    QNetworkReply *reply = exchange->reply;
    exchange->headersTimer.stop();
    if (!exchange->headersSeen && httpStatus(reply) != 0) {
        m_exchanges[seq] = std::move(owned); // the handlers look it up
        onExchangeHeaders(seq);
        owned = std::move(m_exchanges[seq]);
        m_exchanges.erase(seq);
    }
    if (reply->bytesAvailable() > 0) {
        if (exchange->sse) {
            readEvents(exchange);
        } else {
            const qsizetype limit =
                exchange->status / 100 == 2 ? m_options.maxMessageBytes : MaxErrorBodyBytes;
            exchange->body += reply->read(qMax<qsizetype>(0, limit - exchange->body.size()));
        }
    }
    const QNetworkReply::NetworkError error = reply->error();
    const QString networkError = describeNetworkError(reply);
    reply->disconnect(this);
    reply->deleteLater();
    exchange->reply = nullptr;
    if (m_gone || m_stopping)
        return;

    if (!exchange->out.cancelTarget.isEmpty()) {
        // The cancel went out (or failed): stop reading the cancelled request's stream.
        for (auto entry = m_exchanges.begin(); entry != m_exchanges.end();) {
            if (entry->second->out.id == exchange->out.cancelTarget) {
                discardReply(entry->second->reply, this);
                entry = m_exchanges.erase(entry);
            } else {
                ++entry;
            }
        }
    }

    const bool isInitialize = exchange->out.method == "initialize";
    const bool isRequest = !exchange->out.id.isEmpty();
    if (exchange->timedOut) {
        const QString what =
            label() +
            QStringLiteral(": no response within %1 s").arg(m_options.headersTimeoutMs / 1000.0);
        if (isInitialize && !exchange->resuming)
            goneOnce(what, GoneKind::Unreachable);
        else if (isRequest)
            answer(exchange->out, what + QStringLiteral("; the call may or may not have run"));
        else
            emit noted(what);
        return;
    }
    if (exchange->status == 0) {
        if (isConnectionFailure(error) || isInitialize) {
            goneOnce(label() + QStringLiteral(": ") + networkError, GoneKind::Unreachable);
        } else if (exchange->resuming) {
            tryResume(std::move(owned));
        } else {
            qCInfo(lcRemoteHttp) << label() << "request failed before an answer:" << networkError;
            answerLost(exchange, networkError);
        }
        return;
    }
    if (exchange->unreadable) {
        answer(exchange->out,
               label() + QStringLiteral(": unreadable answer: ") + exchange->parser->error());
        return;
    }
    if (exchange->status / 100 == 2) {
        if (error != QNetworkReply::NoError && !exchange->sse && isRequest) {
            answerLost(exchange, networkError);
            return;
        }
        if (exchange->sse && isRequest && !exchange->answered) {
            tryResume(std::move(owned));
            return;
        }
        handleSuccess(exchange, exchange->status);
        return;
    }
    handleHttpError(exchange, exchange->status, exchange->body);
}

void StreamableHttpUpstream::handleSuccess(Exchange *exchange, int status)
{
    const bool isRequest = !exchange->out.id.isEmpty();
    if (!exchange->sse) {
        const QByteArray body = exchange->body.trimmed();
        if (!body.isEmpty() && isRequest)
            deliver(exchange, body);
        if (m_gone)
            return;
    }
    if (isRequest && !exchange->answered) {
        answer(exchange->out, label() + QStringLiteral(": HTTP %1 without an answer").arg(status));
        return;
    }
    if (isRequest && exchange->out.method != "initialize" && exchange->usedSession == m_sessionId)
        m_freshSession = false;
    if (exchange->out.method == "notifications/initialized") {
        m_waitingForSession = false;
        openGetStream();
        flushHeld();
    }
}

void StreamableHttpUpstream::handleHttpError(Exchange *exchange, int status, const QByteArray &body)
{
    const Outgoing &out = exchange->out;
    const bool isRequest = !out.id.isEmpty();
    const QString excerpt = bodyExcerpt(body);
    const QString what = label() + QStringLiteral(": HTTP %1").arg(status) +
                         (excerpt.isEmpty() ? QString() : QStringLiteral(": ") + excerpt);
    if (exchange->resuming) {
        answerLost(exchange, what);
        return;
    }
    if (status == 401) {
        onChallenged(exchange, status, exchange->wwwAuthenticate);
        return;
    }
    if (status == 403 && exchange->wwwAuthenticate.contains("insufficient_scope") && m_gate &&
        out.authRetries == 0) {
        onChallenged(exchange, status, exchange->wwwAuthenticate);
        return;
    }
    if (!exchange->usedSession.isEmpty() &&
        (status == 404 || (status == 400 && mentionsSession(body)))) {
        onSessionExpired(exchange);
        return;
    }
    if (status == 429 || status == 503) {
        const std::optional<qint64> delay = retryAfterMs(exchange->retryAfter);
        if (delay && *delay <= m_options.maxRetryAfterMs && out.busyRetries < MaxBusyRetries) {
            Outgoing again = out;
            ++again.busyRetries;
            emit noted(what + QStringLiteral("; retrying in %1 s").arg(*delay / 1000.0));
            QTimer::singleShot(*delay, this, [this, again] {
                if (m_gone || m_stopping)
                    return;
                if (holding(again))
                    hold(again);
                else
                    post(again);
            });
            return;
        }
    }
    if (out.method == "initialize") {
        if (m_options.probe && !m_everInitialized &&
            (status == 400 || status == 404 || status == 405)) {
            emit notStreamableHttp(status);
            return;
        }
        goneOnce(what, status >= 500 ? GoneKind::Unreachable : GoneKind::Fatal);
        return;
    }
    if (isRequest)
        answer(out, what);
    else
        emit noted(what);
}

void StreamableHttpUpstream::tryResume(std::unique_ptr<Exchange> exchange)
{
    if (!exchange->lastEventId || exchange->resumes >= m_options.resumeAttempts) {
        answerLost(exchange.get(), exchange->lastEventId
                                       ? QStringLiteral("resume attempts used up")
                                       : QStringLiteral("the stream had no event id"));
        return;
    }
    ++exchange->resumes;
    ++m_resumes;
    const qint64 delay = exchange->retryMs.value_or(backoffMs(exchange->resumes - 1));
    const quint64 seq = exchange->out.seq;
    m_exchanges[seq] = std::move(exchange);
    QTimer::singleShot(delay, this, [this, seq] { openResume(seq); });
}

void StreamableHttpUpstream::openResume(quint64 seq)
{
    const auto it = m_exchanges.find(seq);
    if (m_gone || m_stopping || it == m_exchanges.end() || it->second->reply)
        return;
    Exchange *exchange = it->second.get();
    emit noted(label() + QStringLiteral(": resuming the stream of request %1")
                             .arg(QString::fromUtf8(exchange->out.id)));
    QNetworkRequest request = requestFor("text/event-stream", true);
    request.setRawHeader("Last-Event-ID", *exchange->lastEventId);
    exchange->resuming = true;
    exchange->headersSeen = false;
    exchange->sse = false;
    exchange->status = 0;
    exchange->parser.reset();
    exchange->body.clear();
    exchange->usedAuthorization = request.rawHeader("Authorization");
    exchange->manager = pickManager();
    exchange->reply = exchange->manager->get(request);
    wireExchange(exchange);
}

void StreamableHttpUpstream::answerLost(Exchange *exchange, const QString &why)
{
    qCInfo(lcRemoteHttp) << label() << "lost the stream of" << exchange->out.id << "-" << why;
    answer(exchange->out,
           label() +
               QStringLiteral(
                   ": the connection was lost before an answer; the call may or may not have run"));
}

void StreamableHttpUpstream::answer(const Outgoing &out, const QString &message)
{
    if (out.id.isEmpty() || m_gone)
        return;
    deliverLine(errorAnswer(out.id, message), out.id);
}

} // namespace manifold::remote
