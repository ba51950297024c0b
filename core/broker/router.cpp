#include "router.h"

#include "manifold/version.h"

#include <algorithm>

namespace manifold {

using jsonrpc::Envelope;

namespace {

constexpr QByteArrayView NewestProtocolVersion = "2025-11-25";

struct Edit
{
    json::Span span;
    QByteArray replacement;
};

// Applies non-overlapping edits right to left so earlier spans stay valid.
QByteArray applyEdits(QByteArrayView line, QList<Edit> edits)
{
    std::sort(edits.begin(), edits.end(),
              [](const Edit &a, const Edit &b) { return a.span.begin > b.span.begin; });
    QByteArray out = line.toByteArray();
    for (const Edit &edit : edits)
        out = json::splice(out, edit.span, edit.replacement);
    return out;
}

std::optional<qint64> brokerIdFrom(QByteArrayView raw)
{
    if (json::typeOf(raw) != json::ValueType::Number)
        return std::nullopt;
    bool ok = false;
    const qint64 id = raw.toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    return id;
}

// Absolute span of a path below an absolute object span, e.g. params._meta.progressToken.
std::optional<json::Span> findBelow(QByteArrayView line, json::Span object,
                                    std::initializer_list<QByteArrayView> keys)
{
    if (!object.isValid())
        return std::nullopt;
    auto found = json::findPath(object.in(line), keys);
    if (!found)
        return std::nullopt;
    return json::Span{object.begin + found->begin, object.begin + found->end};
}

QByteArray capabilityFor(const QByteArray &method)
{
    if (method == "roots/list")
        return "roots";
    if (method == "sampling/createMessage")
        return "sampling";
    if (method.startsWith("elicitation/"))
        return "elicitation";
    return {};
}

RouterAction log(const QString &text)
{
    return {RouterAction::Kind::Log, 0, text.toUtf8()};
}

} // namespace

Router::Router(QString serverName, std::function<qint64()> clockMs)
    : m_serverName(std::move(serverName)), m_clock(std::move(clockMs))
{
}

void Router::addSession(SessionId session)
{
    SessionInfo info;
    info.lastActivityMs = m_clock();
    m_sessions.insert(session, info);
}

int Router::inFlightCount() const
{
    return int(std::count_if(m_requests.cbegin(), m_requests.cend(),
                             [](const RequestInfo &r) { return r.forwarded; }));
}

int Router::waitingCount() const
{
    return int(m_unsent.size()) + int(m_waitingInit.size());
}

RouterActions Router::removeSession(SessionId session)
{
    RouterActions out;
    if (!m_sessions.remove(session))
        return out;
    m_waitingInit.removeIf([session](const auto &w) { return w.first == session; });

    // In-flight requests are cancelled upstream; their late responses are dropped quietly.
    const QList<qint64> ids = m_requests.keys();
    for (qint64 id : ids) {
        const RequestInfo info = m_requests.value(id);
        if (info.session != session)
            continue;
        if (info.forwarded && m_state == ChildState::Ready) {
            out.append({RouterAction::Kind::ToChild, 0,
                        jsonrpc::makeNotification(
                            "notifications/cancelled",
                            "{\"requestId\":" + QByteArray::number(id) +
                                ",\"reason\":\"client disconnected\"}")});
            markOrphaned(id);
        }
        forgetRequest(id);
    }

    // Server->client requests this session was handling get an error so the child never hangs.
    for (auto it = m_childRequests.begin(); it != m_childRequests.end();) {
        if (it->session == session) {
            out.append({RouterAction::Kind::ToChild, 0,
                        jsonrpc::makeError(it->childId, jsonrpc::InternalError,
                                           "the client handling this request disconnected")});
            it = m_childRequests.erase(it);
        } else {
            ++it;
        }
    }
    return out;
}

RouterActions Router::oversizedFromSession(SessionId session, qsizetype limit)
{
    const QString message = QStringLiteral("message refused: line longer than %1 bytes").arg(limit);
    return {{RouterAction::Kind::ToSession, session,
             jsonrpc::makeError("null", jsonrpc::RequestRefused, message.toUtf8())},
            log(QStringLiteral("session %1: %2").arg(session).arg(message))};
}

RouterActions Router::fromSession(SessionId session, QByteArrayView line)
{
    auto sessionIt = m_sessions.find(session);
    if (sessionIt == m_sessions.end())
        return {};
    sessionIt->lastActivityMs = m_clock();

    const Envelope envelope = jsonrpc::parseEnvelope(line);
    switch (envelope.kind) {
    case Envelope::Kind::NotJson:
        return {{RouterAction::Kind::ToSession, session,
                 jsonrpc::makeError("null", jsonrpc::ParseError, "Parse error: line is not valid JSON")}};
    case Envelope::Kind::Batch:
        return {{RouterAction::Kind::ToSession, session,
                 jsonrpc::makeError("null", jsonrpc::InvalidRequest,
                                    "JSON-RPC batches are not supported by this broker")}};
    case Envelope::Kind::Invalid: {
        const QByteArray id = envelope.id.isValid() ? envelope.id.in(line).toByteArray() : "null";
        return {{RouterAction::Kind::ToSession, session,
                 jsonrpc::makeError(id, jsonrpc::InvalidRequest,
                                    "Invalid Request: not a JSON-RPC 2.0 message")}};
    }
    case Envelope::Kind::Request:
        return handleSessionRequest(session, line, envelope);
    case Envelope::Kind::Response:
        return sessionResponse(session, line, envelope);
    case Envelope::Kind::Notification:
        break;
    }

    if (envelope.method == "notifications/initialized")
        return {};   // the broker sent its own, once
    if (envelope.method == "notifications/cancelled")
        return sessionCancel(session, line);
    if (m_state != ChildState::Ready)
        return {log(QStringLiteral("session %1: dropped %2 (server not ready)")
                        .arg(session)
                        .arg(QString::fromUtf8(envelope.method)))};
    return {{RouterAction::Kind::ToChild, 0, line.toByteArray()}};
}

RouterActions Router::handleSessionRequest(SessionId session, QByteArrayView line,
                                           const Envelope &envelope)
{
    const QByteArray rawId = envelope.id.in(line).toByteArray();
    if (envelope.method == "initialize") {
        SessionInfo &info = m_sessions[session];
        if (auto name = findBelow(line, envelope.params, {"clientInfo", "name"}))
            info.clientName = json::decodeString(name->in(line)).value_or(QByteArray());
        if (auto version = findBelow(line, envelope.params, {"clientInfo", "version"}))
            info.clientVersion = json::decodeString(version->in(line)).value_or(QByteArray());
        if (auto protocol = findBelow(line, envelope.params, {"protocolVersion"}))
            info.protocolVersion = json::decodeString(protocol->in(line)).value_or(QByteArray());
        if (auto caps = findBelow(line, envelope.params, {"capabilities"}))
            info.capabilities = caps->in(line).toByteArray();
        if (m_state == ChildState::Ready)
            return answerInitialize(session, rawId);
        if (m_state == ChildState::Failed) {
            return {{RouterAction::Kind::ToSession, session,
                     jsonrpc::makeError(rawId, jsonrpc::ServerError,
                                        QStringLiteral("server '%1' has failed and is not running")
                                            .arg(m_serverName)
                                            .toUtf8())}};
        }
        m_waitingInit.append({session, rawId});
        if (m_state == ChildState::Down)
            return {{RouterAction::Kind::NeedChild, 0, {}}};
        return {};
    }
    if (envelope.method == "ping")
        return {{RouterAction::Kind::ToSession, session, jsonrpc::makeResult(rawId, "{}")}};

    if (m_state == ChildState::Failed) {
        return {{RouterAction::Kind::ToSession, session,
                 jsonrpc::makeError(rawId, jsonrpc::ServerError,
                                    QStringLiteral("server '%1' has failed and is not running")
                                        .arg(m_serverName)
                                        .toUtf8())}};
    }
    const auto key = qMakePair(session, rawId);
    if (m_byOriginal.contains(key)) {
        return {{RouterAction::Kind::ToSession, session,
                 jsonrpc::makeError(rawId, jsonrpc::InvalidRequest,
                                    "a request with this id is already in flight")}};
    }

    const qint64 brokerId = nextId();
    QList<Edit> edits{{envelope.id, QByteArray::number(brokerId)}};
    if (auto token = findBelow(line, envelope.params, {"_meta", "progressToken"})) {
        const qint64 brokerToken = nextId();
        m_progress.insert(brokerToken, {session, token->in(line).toByteArray(), brokerId});
        m_tokensOf[brokerId].append(brokerToken);
        edits.append({*token, QByteArray::number(brokerToken)});
    }
    RequestInfo info{session, rawId, envelope.method, m_clock(), false};
    m_requests.insert(brokerId, info);
    m_byOriginal.insert(key, brokerId);
    const QByteArray rewritten = applyEdits(line, edits);

    if (m_state == ChildState::Ready) {
        m_requests[brokerId].forwarded = true;
        return {{RouterAction::Kind::ToChild, 0, rewritten}};
    }
    m_unsent.insert(brokerId, rewritten);
    if (m_state == ChildState::Down)
        return {{RouterAction::Kind::NeedChild, 0, {}}};
    return {};
}

RouterActions Router::answerInitialize(SessionId session, const QByteArray &rawId)
{
    m_sessions[session].initialized = true;
    return {{RouterAction::Kind::ToSession, session, jsonrpc::makeResult(rawId, m_initResult)}};
}

RouterActions Router::sessionCancel(SessionId session, QByteArrayView line)
{
    const auto requestId = json::findPath(line, {"params", "requestId"});
    if (!requestId)
        return {};
    const auto key = qMakePair(session, requestId->in(line).toByteArray());
    const auto it = m_byOriginal.constFind(key);
    if (it == m_byOriginal.cend()) {
        // Maybe the cancel is for a server->client request this session received.
        return {log(QStringLiteral("session %1: cancel for unknown request %2 dropped")
                        .arg(session)
                        .arg(QString::fromUtf8(key.second)))};
    }
    const qint64 brokerId = *it;
    const bool forwarded = m_requests.value(brokerId).forwarded;
    forgetRequest(brokerId);
    if (!forwarded)
        return {};   // still queued: removing it is the whole cancel
    markOrphaned(brokerId);
    return {{RouterAction::Kind::ToChild, 0,
             json::splice(line, *requestId, QByteArray::number(brokerId))}};
}

RouterActions Router::sessionResponse(SessionId session, QByteArrayView line,
                                      const Envelope &envelope)
{
    const auto id = brokerIdFrom(envelope.id.in(line));
    const auto it = id ? m_childRequests.find(*id) : m_childRequests.end();
    if (it == m_childRequests.end() || it->session != session) {
        return {log(QStringLiteral("session %1: response with unknown id %2 dropped")
                        .arg(session)
                        .arg(QString::fromUtf8(envelope.id.in(line).toByteArray())))};
    }
    const QByteArray childId = it->childId;
    m_childRequests.erase(it);
    if (m_state != ChildState::Ready)
        return {};
    return {{RouterAction::Kind::ToChild, 0, json::splice(line, envelope.id, childId)}};
}

RouterActions Router::childStarted()
{
    m_state = ChildState::Initializing;
    m_initId = nextId();
    const QByteArray params =
        "{\"protocolVersion\":" + json::encodeString(NewestProtocolVersion) +
        ",\"capabilities\":{\"roots\":{\"listChanged\":true},\"sampling\":{},\"elicitation\":{}}"
        ",\"clientInfo\":{\"name\":\"manifold\",\"version\":\"" + QByteArray(versionString()) +
        "\"}}";
    return {{RouterAction::Kind::ToChild, 0,
             jsonrpc::makeRequest(QByteArray::number(m_initId), "initialize", params)}};
}

RouterActions Router::fromChild(QByteArrayView line)
{
    const Envelope envelope = jsonrpc::parseEnvelope(line);
    switch (envelope.kind) {
    case Envelope::Kind::Response:
        return childResponse(line, envelope);
    case Envelope::Kind::Request:
        return childRequest(line, envelope);
    case Envelope::Kind::Notification:
        return childNotification(line, envelope);
    default: {
        const QByteArray preview = line.first(qMin<qsizetype>(line.size(), 200)).toByteArray();
        return {log(QStringLiteral("skipped non-JSON-RPC output from the server: %1")
                        .arg(QString::fromUtf8(preview)))};
    }
    }
}

RouterActions Router::childResponse(QByteArrayView line, const Envelope &envelope)
{
    const QByteArrayView rawId = envelope.id.in(line);
    const auto id = brokerIdFrom(rawId);
    if (id && *id == m_initId && m_state == ChildState::Initializing) {
        m_initId = 0;
        if (envelope.error.isValid()) {
            return failAll(true, QStringLiteral("server '%1' refused initialize: %2")
                                     .arg(m_serverName)
                                     .arg(QString::fromUtf8(envelope.error.in(line).toByteArray())));
        }
        m_initResult = envelope.result.in(line).toByteArray();
        m_state = ChildState::Ready;
        RouterActions out{{RouterAction::Kind::ToChild, 0,
                           jsonrpc::makeNotification("notifications/initialized")},
                          {RouterAction::Kind::ChildReady, 0, {}}};
        const auto waiting = std::exchange(m_waitingInit, {});
        for (const auto &[session, rawInitId] : waiting)
            out += answerInitialize(session, rawInitId);
        if (m_everReady) {
            // A restarted child may offer different tools: tell sessions to list again.
            for (QByteArrayView kind : {"tools", "prompts", "resources"}) {
                if (json::findPath(m_initResult, {"capabilities", kind}))
                    broadcast(out, jsonrpc::makeNotification(
                                       "notifications/" + kind.toByteArray() + "/list_changed"));
            }
        }
        m_everReady = true;
        out += forwardPending();
        return out;
    }
    if (id && m_heartbeatId != 0 && *id == m_heartbeatId) {
        m_heartbeatId = 0;
        return {{RouterAction::Kind::HeartbeatAnswered, 0, {}}};
    }
    if (id && m_orphaned.remove(*id))
        return {};
    const auto it = id ? m_requests.constFind(*id) : m_requests.cend();
    if (it == m_requests.cend() || !it->forwarded) {
        return {log(QStringLiteral("dropped a response with unknown id %1 from the server")
                        .arg(QString::fromUtf8(rawId.toByteArray())))};
    }
    const RequestInfo info = *it;
    forgetRequest(*id);
    auto session = m_sessions.find(info.session);
    if (session == m_sessions.end())
        return {};
    ++session->requestsServed;
    return {{RouterAction::Kind::ToSession, info.session,
             json::splice(line, envelope.id, info.originalId)}};
}

RouterActions Router::childRequest(QByteArrayView line, const Envelope &envelope)
{
    const QByteArray childId = envelope.id.in(line).toByteArray();
    if (envelope.method == "ping")
        return {{RouterAction::Kind::ToChild, 0, jsonrpc::makeResult(childId, "{}")}};

    const SessionId target = pickSessionFor(envelope.method);
    if (target == 0 && envelope.method == "roots/list") {
        // The broker declared roots; with no session offering any, the union of roots is empty.
        return {{RouterAction::Kind::ToChild, 0, jsonrpc::makeResult(childId, "{\"roots\":[]}")}};
    }
    if (target == 0) {
        const QString message =
            QStringLiteral("no connected client can handle %1").arg(QString::fromUtf8(envelope.method));
        return {{RouterAction::Kind::ToChild, 0,
                 jsonrpc::makeError(childId, jsonrpc::MethodNotFound, message.toUtf8())},
                log(message)};
    }
    const qint64 facingId = nextId();
    m_childRequests.insert(facingId, {target, childId});
    return {{RouterAction::Kind::ToSession, target,
             json::splice(line, envelope.id, QByteArray::number(facingId))},
            log(QStringLiteral("%1 from the server sent to session %2")
                    .arg(QString::fromUtf8(envelope.method))
                    .arg(target))};
}

RouterActions Router::childNotification(QByteArrayView line, const Envelope &envelope)
{
    if (envelope.method == "notifications/progress") {
        const auto token = json::findPath(line, {"params", "progressToken"});
        const auto brokerToken = token ? brokerIdFrom(token->in(line)) : std::nullopt;
        const auto it = brokerToken ? m_progress.constFind(*brokerToken) : m_progress.cend();
        if (it == m_progress.cend())
            return {log(QStringLiteral("dropped progress for an unknown token"))};
        return {{RouterAction::Kind::ToSession, it->session,
                 json::splice(line, *token, it->originalToken)}};
    }
    if (envelope.method == "notifications/cancelled") {
        const auto requestId = json::findPath(line, {"params", "requestId"});
        if (!requestId)
            return {};
        for (auto it = m_childRequests.begin(); it != m_childRequests.end(); ++it) {
            if (it->childId == requestId->in(line)) {
                const SessionId session = it->session;
                const QByteArray facing = QByteArray::number(it.key());
                m_childRequests.erase(it);
                return {{RouterAction::Kind::ToSession, session, json::splice(line, *requestId, facing)}};
            }
        }
        return {};
    }
    RouterActions out;
    broadcast(out, line.toByteArray());
    return out;
}

RouterActions Router::childExited(const QString &description)
{
    const bool wasUp = m_state != ChildState::Down;
    RouterActions out = failAll(false, description);
    if (wasUp)
        m_state = ChildState::Down;
    return out;
}

RouterActions Router::childFailed(const QString &description)
{
    RouterActions out = failAll(true, description);
    m_state = ChildState::Failed;
    return out;
}

RouterActions Router::failAll(bool includeWaiting, const QString &description)
{
    RouterActions out;
    const QByteArray message = description.toUtf8();
    const QList<qint64> ids = m_requests.keys();
    for (qint64 id : ids) {
        const RequestInfo info = m_requests.value(id);
        if (!info.forwarded && !includeWaiting)
            continue;   // not sent yet: it goes to the next child
        out.append({RouterAction::Kind::ToSession, info.session,
                    jsonrpc::makeError(info.originalId, jsonrpc::ServerError, message)});
        forgetRequest(id);
    }
    if (includeWaiting) {
        const auto waiting = std::exchange(m_waitingInit, {});
        for (const auto &[session, rawId] : waiting) {
            out.append({RouterAction::Kind::ToSession, session,
                        jsonrpc::makeError(rawId, jsonrpc::ServerError, message)});
        }
    }
    for (auto it = m_childRequests.cbegin(); it != m_childRequests.cend(); ++it) {
        out.append({RouterAction::Kind::ToSession, it->session,
                    jsonrpc::makeNotification("notifications/cancelled",
                                              "{\"requestId\":" + QByteArray::number(it.key()) +
                                                  ",\"reason\":\"server exited\"}")});
    }
    m_childRequests.clear();
    m_orphaned.clear();
    m_initId = 0;
    m_heartbeatId = 0;
    if (m_state == ChildState::Initializing || m_state == ChildState::Ready)
        m_state = ChildState::Down;
    return out;
}

RouterActions Router::heartbeat()
{
    if (m_state != ChildState::Ready || m_heartbeatId != 0)
        return {};
    m_heartbeatId = nextId();
    return {{RouterAction::Kind::ToChild, 0,
             jsonrpc::makeRequest(QByteArray::number(m_heartbeatId), "ping")}};
}

RouterActions Router::forwardPending()
{
    RouterActions out;
    for (auto it = m_unsent.cbegin(); it != m_unsent.cend(); ++it) {
        m_requests[it.key()].forwarded = true;
        out.append({RouterAction::Kind::ToChild, 0, it.value()});
    }
    m_unsent.clear();
    return out;
}

void Router::markOrphaned(qint64 brokerId)
{
    // Servers should not answer cancelled requests; most do not, so keep only the newest few
    // thousand to tell a late answer from a stray one without growing forever.
    constexpr qsizetype MaxOrphans = 4096;
    m_orphaned.insert(brokerId, true);
    while (m_orphaned.size() > MaxOrphans)
        m_orphaned.erase(m_orphaned.begin());
}

void Router::forgetRequest(qint64 brokerId)
{
    const RequestInfo info = m_requests.take(brokerId);
    m_byOriginal.remove(qMakePair(info.session, info.originalId));
    m_unsent.remove(brokerId);
    const QList<qint64> tokens = m_tokensOf.take(brokerId);
    for (qint64 token : tokens)
        m_progress.remove(token);
}

SessionId Router::pickSessionFor(const QByteArray &method) const
{
    const QByteArray capability = capabilityFor(method);
    auto capable = [&](SessionId id) {
        const SessionInfo info = m_sessions.value(id);
        return info.initialized &&
               (capability.isEmpty() || json::findPath(info.capabilities, {capability}).has_value());
    };
    // Prefer the session with the newest request in flight: the child most likely asks on its behalf.
    for (auto it = m_requests.cend(); it != m_requests.cbegin();) {
        --it;
        if (it->forwarded && m_sessions.contains(it->session) && capable(it->session))
            return it->session;
    }
    SessionId best = 0;
    qint64 bestActivity = -1;
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (capable(it.key()) && it->lastActivityMs > bestActivity) {
            best = it.key();
            bestActivity = it->lastActivityMs;
        }
    }
    return best;
}

void Router::broadcast(RouterActions &out, const QByteArray &line) const
{
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (it->initialized)
            out.append({RouterAction::Kind::ToSession, it.key(), line});
    }
}

} // namespace manifold
