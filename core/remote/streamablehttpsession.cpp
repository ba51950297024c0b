// StreamableHttpUpstream: what happens around the requests — the GET stream, the server
// forgetting the session, the sign-in gate's 401s, and how long held messages may wait.

#include "streamablehttpupstream.h"

#include <algorithm>
#include <limits>

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include "remote/authgate.h"
#include "remote/httpcommon.h"
#include "remote/streamablehttpstate_p.h"

namespace manifold::remote {

namespace {

constexpr qsizetype MaxErrorBodyBytes = 16 * 1024;
constexpr int MaxAuthRetries = 3;
constexpr int FirstReconnectDelayMs = 500;
constexpr int MaxReconnectDelayMs = 30000;

bool sessionGone(int status, const QByteArray &usedSession, const QByteArray &body)
{
    return !usedSession.isEmpty() &&
           (status == 404 || (status == 400 && body.toLower().contains("session")));
}

} // namespace

// --- held messages: bounded waits ----------------------------------------------------------

void StreamableHttpUpstream::armHeldTimer()
{
    if (m_held.isEmpty()) {
        m_heldTimer->stop();
        return;
    }
    const auto earliest = std::min_element(
        m_held.cbegin(), m_held.cend(), [](const Outgoing &a, const Outgoing &b) {
            return a.heldDeadline.deadline() < b.heldDeadline.deadline();
        });
    const qint64 remaining = std::max<qint64>(0, earliest->heldDeadline.remainingTime());
    m_heldTimer->start(int(std::min<qint64>(remaining, std::numeric_limits<int>::max())));
}

QString StreamableHttpUpstream::heldExpiryMessage() const
{
    const QString seconds = QString::number(m_options.heldTimeoutMs / 1000.0);
    if (m_waitingForAuth) {
        const QString waiting = m_gate ? m_gate->waitingMessage() : QString();
        if (!waiting.isEmpty())
            return waiting;
        return label() + QStringLiteral(": no sign-in within %1 s").arg(seconds);
    }
    return label() + QStringLiteral(": no new session within %1 s").arg(seconds);
}

void StreamableHttpUpstream::onHeldExpired()
{
    if (m_gone || m_stopping)
        return;
    QList<Outgoing> expired;
    for (auto it = m_held.begin(); it != m_held.end();) {
        if (it->heldDeadline.hasExpired()) {
            expired.append(*it);
            it = m_held.erase(it);
        } else {
            ++it;
        }
    }
    armHeldTimer();
    if (expired.isEmpty())
        return;
    const QString message = heldExpiryMessage();
    bool initializeExpired = false;
    for (const Outgoing &out : std::as_const(expired)) {
        if (out.id.isEmpty()) {
            emit noted(label() + QStringLiteral(": dropped the held notification %1 after %2 s")
                                     .arg(QString::fromUtf8(out.method))
                                     .arg(m_options.heldTimeoutMs / 1000.0));
            continue;
        }
        qCInfo(lcRemoteHttp).noquote() << "held request" << out.id << "expired:" << message;
        initializeExpired = initializeExpired || out.method == "initialize";
        answer(out, message);
    }
    // Nothing is initialized without it: gone, the host waits for the sign-in (or retries).
    if (initializeExpired)
        goneOnce(message,
                 m_waitingForAuth ? GoneKind::SignInRequired : GoneKind::Unreachable);
}

// --- the session ----------------------------------------------------------------------------

void StreamableHttpUpstream::onSessionExpired(Exchange *exchange)
{
    const Outgoing &out = exchange->out;
    if (exchange->usedSession != m_sessionId) {
        // Sent in a session already known to be lost: it was not processed either.
        if (holding(out))
            hold(out);
        else
            post(out);
        return;
    }
    if (m_freshSession) {
        const QString what =
            label() +
            QStringLiteral(": the server forgot its session again right after a new one was made");
        answer(out, what);
        goneOnce(what, GoneKind::Unreachable);
        return;
    }
    hold(out);
    loseSession(exchange->usedSession);
}

void StreamableHttpUpstream::loseSession(const QByteArray &usedSession)
{
    if (m_gone || m_waitingForSession || usedSession != m_sessionId)
        return;
    m_sessionId.clear();
    m_waitingForSession = true;
    m_freshSession = true;
    ++m_reinitializations;

    // Streams open in the old session cannot be replayed by a new one. Requests still waiting for
    // their response headers stay: a 404 will say they were not processed (then they are held).
    QList<Outgoing> lost;
    for (auto entry = m_exchanges.begin(); entry != m_exchanges.end();) {
        Exchange *exchange = entry->second.get();
        if (exchange->usedSession == usedSession &&
            (exchange->headersSeen || exchange->resuming || !exchange->reply)) {
            if (exchange->reply) {
                exchange->reply->disconnect(this);
                exchange->reply->abort();
                exchange->reply->deleteLater();
            }
            lost.append(exchange->out);
            entry = m_exchanges.erase(entry);
        } else {
            ++entry;
        }
    }
    if (m_get) {
        if (m_get->reply) {
            m_get->reply->disconnect(this);
            m_get->reply->abort();
            m_get->reply->deleteLater();
            m_get->reply = nullptr;
        }
        m_get->reconnect.stop();
        m_get->lastEventId.reset();
        m_get->retryMs.reset();
        m_get->drops = 0;
        m_get->closedForGood = false;
    }
    emit noted(label() + QStringLiteral(": the server forgot the session; a new one is needed"));
    for (const Outgoing &out : std::as_const(lost))
        answer(out, label() + QStringLiteral(": the server forgot the session before an answer; "
                                             "the call may or may not have run"));
    if (!m_gone)
        emit sessionLost();
}

void StreamableHttpUpstream::onChallenged(Exchange *exchange, int status,
                                          const QByteArray &wwwAuthenticate)
{
    const QString what = label() + QStringLiteral(": HTTP %1").arg(status);
    if (!m_gate) {
        goneOnce(label() +
                     QStringLiteral(": needs a sign-in (HTTP %1) and has none set up").arg(status),
                 GoneKind::SignInRequired);
        return;
    }
    Outgoing again = exchange->out;
    ++again.authRetries;
    if (again.authRetries > MaxAuthRetries || (status == 403 && again.authRetries > 1)) {
        if (again.method == "initialize")
            goneOnce(what + QStringLiteral(": the sign-in was not accepted"),
                     GoneKind::SignInRequired);
        else
            answer(again, what + QStringLiteral(": the sign-in was not accepted"));
        return;
    }
    m_waitingForAuth = true;
    m_heldAuthorization = exchange->usedAuthorization;
    hold(again);
    emit noted(what + QStringLiteral("; waiting for the sign-in"));
    m_gate->challenged(exchange->usedAuthorization, status, wwwAuthenticate);
    onGateChanged(); // a newer token may be there already, or nobody can sign in
}

void StreamableHttpUpstream::onGateChanged()
{
    if (m_gone || m_stopping || !m_gate)
        return;
    const QByteArray header = m_gate->authorizationHeader();
    const bool signInRequired = m_gate->state() == AuthGate::State::SignInRequired;
    if (m_get && m_get->waitingForAuth && !header.isEmpty() && header != m_get->usedAuthorization) {
        m_get->waitingForAuth = false;
        openGetStream();
    }
    if (!m_waitingForAuth)
        return;
    if (signInRequired) {
        QString message = m_gate->waitingMessage();
        if (message.isEmpty())
            message = label() + QStringLiteral(": needs a sign-in");
        m_waitingForAuth = false;
        const QList<Outgoing> held = std::exchange(m_held, {});
        bool initializeHeld = false;
        for (const Outgoing &out : held) {
            initializeHeld = initializeHeld || out.method == "initialize";
            answer(out, message);
        }
        if (initializeHeld)
            goneOnce(message, GoneKind::SignInRequired);
        return;
    }
    if (!header.isEmpty() && header != m_heldAuthorization) {
        m_waitingForAuth = false;
        flushHeld();
    }
}

void StreamableHttpUpstream::onGateDeclined(const QByteArray &usedHeader, const QString &message)
{
    if (m_gone || m_stopping || !m_waitingForAuth || usedHeader != m_heldAuthorization)
        return;
    // The gate gives no better token: what was refused with this one fails now; what was only
    // held behind it goes out (and, if refused too, fails the same way).
    m_waitingForAuth = false;
    QList<Outgoing> refused;
    for (auto it = m_held.begin(); it != m_held.end();) {
        if (it->authRetries > 0) {
            refused.append(*it);
            it = m_held.erase(it);
        } else {
            ++it;
        }
    }
    emit noted(label() + QStringLiteral(": ") + message);
    for (const Outgoing &out : std::as_const(refused)) {
        if (out.method == "initialize") {
            answer(out, message);
            goneOnce(message, GoneKind::SignInRequired);
            return;
        }
        answer(out, message);
    }
    armHeldTimer();
    flushHeld();
}

void StreamableHttpUpstream::openGetStream()
{
    if (m_gone || m_stopping)
        return;
    if (!m_get) {
        m_get = std::make_unique<GetStream>();
        m_get->reconnect.setSingleShot(true);
        connect(&m_get->reconnect, &QTimer::timeout, this, &StreamableHttpUpstream::openGetStream);
    }
    GetStream &get = *m_get;
    if (get.closedForGood || get.reply || get.waitingForAuth)
        return;
    get.reconnect.stop();
    QNetworkRequest request = requestFor("text/event-stream", true);
    if (get.lastEventId)
        request.setRawHeader("Last-Event-ID", *get.lastEventId);
    get.usedAuthorization = request.rawHeader("Authorization");
    get.usedSession = request.rawHeader("Mcp-Session-Id");
    get.status = 0;
    get.body.clear();
    get.parser.emplace(m_options.maxMessageBytes);
    if (!m_streamManager) {
        m_streamManager = new QNetworkAccessManager(this);
        m_streamManager->setRedirectPolicy(QNetworkRequest::SameOriginRedirectPolicy);
    }
    QNetworkReply *reply = m_streamManager->get(request);
    get.reply = reply;
    qCDebug(lcRemoteHttp) << label() << "GET stream opened";
    connect(reply, &QNetworkReply::metaDataChanged, this, [this, reply] {
        if (m_get && m_get->reply == reply)
            onGetHeaders();
    });
    connect(reply, &QNetworkReply::readyRead, this, [this, reply] {
        if (m_get && m_get->reply == reply)
            onGetData();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        if (m_get && m_get->reply == reply)
            onGetFinished();
    });
}

void StreamableHttpUpstream::onGetHeaders()
{
    GetStream &get = *m_get;
    const int status = get.reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0 || get.status != 0)
        return;
    get.status = status;
    qCDebug(lcRemoteHttp) << label() << "GET stream: HTTP" << status;
    if (status == 200)
        get.connectFailures = 0;
}

void StreamableHttpUpstream::onGetData()
{
    GetStream &get = *m_get;
    if (get.status == 0)
        onGetHeaders();
    if (get.status != 200) {
        get.body += get.reply->read(qMax<qsizetype>(0, MaxErrorBodyBytes - get.body.size()));
        return;
    }
    QNetworkReply *reply = get.reply;
    QList<SseParser::Event> events = get.parser->feed(reply->readAll());
    for (SseParser::Event &sseEvent : events) {
        if (sseEvent.idChanged)
            get.lastEventId = sseEvent.id;
        if (sseEvent.retryMs)
            get.retryMs = sseEvent.retryMs;
        if (sseEvent.isMessage() && sseEvent.type == "message") {
            get.drops = 0;
            deliverLine(std::move(sseEvent.data));
            if (m_gone || m_stopping || !m_get || m_get->reply != reply)
                return;
        }
    }
    if (get.parser->failed()) {
        emit noted(label() + QStringLiteral(": unreadable GET stream: ") + get.parser->error());
        reply->abort();
    }
}

void StreamableHttpUpstream::onGetFinished()
{
    GetStream &get = *m_get;
    QNetworkReply *reply = get.reply;
    if (reply->bytesAvailable() > 0)
        onGetData();
    if (m_gone || m_stopping || !m_get || m_get->reply != reply)
        return;
    if (get.status == 0)
        get.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const int status = get.status;
    const QNetworkReply::NetworkError error = reply->error();
    const QString networkError = describeNetworkError(reply);
    const QByteArray wwwAuthenticate = reply->rawHeader("WWW-Authenticate");
    reply->disconnect(this);
    reply->deleteLater();
    get.reply = nullptr;

    if (status == 0) {
        if (isConnectionFailure(error) &&
            ++get.connectFailures > m_options.streamReconnectAttempts) {
            goneOnce(label() + QStringLiteral(": ") + networkError, GoneKind::Unreachable);
            return;
        }
        qCInfo(lcRemoteHttp) << label() << "GET stream failed:" << networkError;
        scheduleGetReconnect();
        return;
    }
    if (status == 200) {
        scheduleGetReconnect();
        return;
    }
    if (status == 405 || status == 409) {
        get.closedForGood = true;
        emit noted(label() + (status == 405
                                  ? QStringLiteral(": the server offers no GET stream (HTTP 405)")
                                  : QStringLiteral(": a GET stream is open already (HTTP 409)")));
        return;
    }
    if (status == 401 || (status == 403 && wwwAuthenticate.contains("insufficient_scope"))) {
        if (!m_gate) {
            goneOnce(
                label() +
                    QStringLiteral(": needs a sign-in (HTTP %1) and has none set up").arg(status),
                GoneKind::SignInRequired);
            return;
        }
        get.waitingForAuth = true;
        m_gate->challenged(get.usedAuthorization, status, wwwAuthenticate);
        onGateChanged();
        return;
    }
    if (sessionGone(status, get.usedSession, get.body)) {
        loseSession(get.usedSession);
        return;
    }
    emit noted(
        label() +
        QStringLiteral(": the GET stream got HTTP %1: %2").arg(status).arg(bodyExcerpt(get.body)));
    scheduleGetReconnect();
}

void StreamableHttpUpstream::scheduleGetReconnect()
{
    GetStream &get = *m_get;
    const qint64 delay = get.retryMs.value_or(
        qMin<qint64>(MaxReconnectDelayMs, qint64(FirstReconnectDelayMs) << qMin(get.drops, 10)));
    ++get.drops;
    get.reconnect.start(int(delay));
}

} // namespace manifold::remote
