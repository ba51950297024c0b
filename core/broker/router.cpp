// Router, session side: what clients send, and everything that answers them.
#include "router.h"

#include "broker/routerutil.h"

#include <algorithm>

namespace manifold {

using jsonrpc::Envelope;
using namespace routerutil;

Router::Router(QString serverName, std::function<qint64()> clockMs)
    : m_serverName(std::move(serverName)), m_clock(std::move(clockMs))
{
}

bool Router::isKnownProtocolVersion(QByteArrayView version)
{
    return KnownVersions.contains(version);
}

void Router::addSession(SessionId session)
{
    SessionInfo info;
    info.lastActivityMs = m_clock();
    m_sessions.insert(session, info);
}

int Router::waitingCount() const
{
    return int(m_unsent.size()) + int(m_waitingInit.size());
}

QList<Router::RequestInfo> Router::requests() const
{
    QList<RequestInfo> list;
    for (const RequestInfo &info : m_requests) {
        if (info.forwarded)
            list.append(info);
    }
    for (qint64 id : m_queue.serviceOrder())
        list.append(m_requests.value(id));
    return list;
}

RouterActions Router::removeSession(SessionId session)
{
    RouterActions out;
    if (!m_sessions.contains(session))
        return out;
    m_waitingInit.removeIf([session](const auto &w) { return w.first == session; });
    m_queue.removeSession(session);   // at once, not request by request (a flood may wait there)

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
            noteAbandoned(id, info);
        }
        forgetRequest(id);
    }

    // Server->client requests this session was handling get an error so the child never hangs.
    for (auto it = m_childRequests.begin(); it != m_childRequests.end();) {
        if (it->session == session) {
            out.append({RouterAction::Kind::ToChild, 0,
                        jsonrpc::makeError(it->childId, jsonrpc::InternalError,
                                           "the client handling this request disconnected")});
            serverRequestAnswered(*it);
            it = m_childRequests.erase(it);
        } else {
            ++it;
        }
    }
    for (auto it = m_batches.begin(); it != m_batches.end();) {
        it = it->session == session ? m_batches.erase(it) : std::next(it);
    }
    m_batchOf.removeIf([session](const auto &entry) { return entry.key().first == session; });
    releaseSessionFeatures(out, session);
    m_sessions.remove(session);
    m_windowOf.remove(session);
    m_refusalsLogged.remove(session);
    m_heldSessions.remove(session);
    m_rootsReported.remove(session);
    drainQueue(out);
    return out;
}

RouterActions Router::oversizedFromSession(SessionId session, qsizetype limit)
{
    RouterActions out{{RouterAction::Kind::ToSession, session, refusalAnswer(Refusal::Oversized, "null", limit)}};
    logRefusal(out, session, Refusal::Oversized, limit);
    return out;
}

RouterActions Router::fromSession(SessionId session, QByteArrayView line)
{
    auto sessionIt = m_sessions.find(session);
    if (sessionIt == m_sessions.end())
        return {};
    sessionIt->lastActivityMs = m_clock();

    const Envelope envelope = jsonrpc::parseEnvelope(line);
    if (m_traffic && !m_replaying)
        recordFromSession(session, line, envelope);
    if (const auto refusal = refusalOf(line, envelope)) {
        // Answered at once, never held or routed: nothing else depends on it.
        RouterActions out;
        const QByteArray answer = refusalAnswer(*refusal, envelope.id.isValid() ? envelope.id.in(line) : "null");
        if (!answer.isEmpty()) {
            if (m_traffic)
                recordAnswer(session, envelope.id.isValid() ? envelope.id.in(line) : QByteArrayView(), answer);
            out.append({RouterAction::Kind::ToSession, session, answer});
        }
        logRefusal(out, session, *refusal);
        return out;
    }
    if (m_heldSessions.contains(session) && holdLine(session, line, envelope))
        return {};
    switch (envelope.kind) {
    case Envelope::Kind::NotJson:
    case Envelope::Kind::Invalid:
        return {};   // refused above
    case Envelope::Kind::Batch:
        return handleBatch(session, line);
    case Envelope::Kind::Request:
        return handleSessionRequest(session, line, envelope);
    case Envelope::Kind::Response:
        return sessionResponse(session, line, envelope);
    case Envelope::Kind::Notification:
        return sessionNotification(session, line, envelope);
    }
    return {};
}

RouterActions Router::sessionNotification(SessionId session, QByteArrayView line, const Envelope &envelope)
{
    RouterActions out;
    if (envelope.method == "notifications/initialized") {
        // The broker sent its own, once. This one only tells us the session is ready.
        SessionInfo &info = m_sessions[session];
        if (!std::exchange(info.ready, true) && json::findPath(info.capabilities, {"roots"}))
            askSessionForRoots(out, session);
        return out;
    }
    if (envelope.method == "notifications/cancelled")
        return sessionCancel(session, line);
    if (envelope.method == "notifications/roots/list_changed") {
        askSessionForRoots(out, session);   // its answer may move it to another instance
        return out;
    }
    if (m_state != ChildState::Ready) {
        return {log(QStringLiteral("session %1: dropped %2 (server not ready)")
                        .arg(session)
                        .arg(QString::fromUtf8(envelope.method)))};
    }
    return {{RouterAction::Kind::ToChild, 0, rewriteClientTaskIds(session, line, false)}};
}

RouterActions Router::handleSessionRequest(SessionId session, QByteArrayView line, const Envelope &envelope)
{
    RouterActions out;
    const QByteArray rawId = envelope.id.in(line).toByteArray();
    if (envelope.method == "initialize") {
        handleInitialize(out, session, line, envelope);
        return out;
    }
    if (envelope.method == "ping") {
        respond(out, session, rawId, jsonrpc::makeResult(rawId, "{}"));
        return out;
    }
    if (m_state == ChildState::Failed) {
        respondError(out, session, rawId, jsonrpc::ServerError,
                     failedMessage());
        return out;
    }
    if (m_byOriginal.contains(qMakePair(session, rawId))) {
        respond(out, session, rawId, refusalAnswer(Refusal::DuplicateId, rawId));
        logRefusal(out, session, Refusal::DuplicateId);
        return out;
    }
    noteStatelessClient(session, line, envelope);
    if (ListCache::isCacheable(envelope.method) && !m_stateless) {
        const QByteArray cursor = stringAt(line, envelope.params, {"cursor"});
        const QByteArray cached = m_listCache.find(envelope.method, cursor);
        if (!cached.isEmpty()) {
            ++m_sessions[session].requestsServed;
            respond(out, session, rawId, jsonrpc::makeResult(rawId, cached));
            return out;
        }
        forwardRequest(out, session, line, envelope, Purpose::ListFill, cursor);
        return out;
    }
    if (handleSubscription(out, session, line, envelope) || handleSetLevel(out, session, line, envelope) ||
        handleTaskRequest(out, session, line, envelope))
        return out;
    forwardRequest(out, session, line, envelope, Purpose::Plain, {});
    return out;
}

QString Router::failedMessage() const
{
    // The reason it failed (a crash loop, a missing secret) tells a client arriving later why.
    return m_failure.isEmpty() ? QStringLiteral("server '%1' has failed and is not running").arg(m_serverName)
                               : m_failure;
}

void Router::handleInitialize(RouterActions &out, SessionId session, QByteArrayView line, const Envelope &envelope)
{
    const QByteArray rawId = envelope.id.in(line).toByteArray();
    if (m_stateless && m_state == ChildState::Ready) {
        refuseLegacyInitialize(out, session, rawId);
        return;
    }
    SessionInfo &info = m_sessions[session];
    info.clientName = stringAt(line, envelope.params, {"clientInfo", "name"});
    info.clientVersion = stringAt(line, envelope.params, {"clientInfo", "version"});
    info.protocolVersion = stringAt(line, envelope.params, {"protocolVersion"});
    if (auto caps = findBelow(line, envelope.params, {"capabilities"}))
        info.capabilities = caps->in(line).toByteArray();
    if (m_state == ChildState::Ready) {
        answerInitialize(out, session, rawId);
        return;
    }
    if (m_state == ChildState::Failed) {
        respondError(out, session, rawId, jsonrpc::ServerError,
                     failedMessage());
        return;
    }
    m_waitingInit.append({session, rawId});
    if (m_state == ChildState::Down)
        out.append({RouterAction::Kind::NeedChild, 0, {}});
}

void Router::noteStatelessClient(SessionId session, QByteArrayView line, const Envelope &envelope)
{
    // Stateless-era clients never initialize; they name themselves in every request's _meta.
    SessionInfo &info = m_sessions[session];
    if (!info.protocolVersion.isEmpty())
        return;
    const QByteArray version = stringAt(line, envelope.params, {"_meta", ProtocolVersionKey});
    if (version.isEmpty())
        return;
    info.protocolVersion = version;
    info.clientName = stringAt(line, envelope.params, {"_meta", ClientInfoKey, "name"});
    info.clientVersion = stringAt(line, envelope.params, {"_meta", ClientInfoKey, "version"});
}

void Router::refuseLegacyInitialize(RouterActions &out, SessionId session, const QByteArray &rawId)
{
    respondError(out, session, rawId, jsonrpc::ServerError,
                 QStringLiteral("server '%1' only speaks the stateless MCP %2, which has no initialize; "
                                "use a client that supports %2")
                     .arg(m_serverName, QString::fromUtf8(m_childVersion)));
}

void Router::answerInitialize(RouterActions &out, SessionId session, const QByteArray &rawId)
{
    SessionInfo &info = m_sessions[session];
    info.initialized = true;
    // A client that asked for an older version we know gets that version: MCP revisions add
    // to each other, so the shared child's answers stay usable for it. A newer or unknown
    // version is answered with the child's, and the client decides (as with any server).
    QByteArray result = m_initResult;
    info.answeredVersion = m_childVersion;
    if (isKnownProtocolVersion(info.protocolVersion) && !m_childVersion.isEmpty() &&
        info.protocolVersion < m_childVersion) {
        if (auto span = json::findPath(result, {"protocolVersion"})) {
            result = json::splice(result, *span, json::encodeString(info.protocolVersion));
            info.answeredVersion = info.protocolVersion;
        }
    }
    respond(out, session, rawId, jsonrpc::makeResult(rawId, result));
}

void Router::forwardRequest(RouterActions &out, SessionId session, QByteArrayView line,
                            const Envelope &envelope, Purpose purpose, const QByteArray &detail)
{
    const QByteArray rawId = envelope.id.in(line).toByteArray();
    const qint64 brokerId = nextId();
    QList<Edit> edits{{envelope.id, QByteArray::number(brokerId)}};
    if (auto token = findBelow(line, envelope.params, {"_meta", "progressToken"})) {
        const qint64 brokerToken = nextId();
        m_progress.insert(brokerToken, {session, token->in(line).toByteArray(), brokerId});
        m_tokensOf[brokerId].append(brokerToken);
        edits.append({*token, QByteArray::number(brokerToken)});
    }
    RequestInfo info{session, rawId, envelope.method, m_clock(), false, purpose, detail, m_listGeneration, {}, false, false};
    if (json::findPath(line, {"params", "task"}))
        info.purpose = Purpose::CreatesTask;
    noteRequestKey(info, line, envelope);
    m_requests.insert(brokerId, info);
    m_byOriginal.insert(qMakePair(session, rawId), brokerId);
    m_unsent.insert(brokerId, applyEdits(line, edits));
    m_queue.push(session, brokerId, laneOf(brokerId), info.receivedMs);
    if (m_state == ChildState::Down)
        out.append({RouterAction::Kind::NeedChild, 0, {}});
    drainQueue(out);
}

RouterActions Router::handleBatch(SessionId session, QByteArrayView line)
{
    // JSON-RPC batches (MCP 2025-03-26): each element is routed on its own; the responses to
    // its requests go back together, as one array, once the last one is known.
    RouterActions out;
    const auto span = json::valueSpan(line);
    const auto elements = span ? json::arrayElements(span->in(line)) : std::nullopt;
    if (!elements || elements->isEmpty()) {
        out.append({RouterAction::Kind::ToSession, session, refusalAnswer(Refusal::EmptyBatch, "null")});
        logRefusal(out, session, Refusal::EmptyBatch);
        return out;
    }
    const qint64 batchId = nextId();
    Batch &batch = m_batches[batchId];
    batch.session = session;
    QList<QByteArray> items;
    for (const json::Span &element : *elements) {
        const QByteArray item = json::Span{span->begin + element.begin, span->begin + element.end}.in(line).toByteArray();
        const Envelope envelope = jsonrpc::parseEnvelope(item);
        if (envelope.kind == Envelope::Kind::Request && !refusalOf(item, envelope)) {
            const auto key = qMakePair(session, envelope.id.in(item).toByteArray());
            if (!m_batchOf.contains(key)) {
                m_batchOf.insert(key, batchId);
                ++batch.pending;
            }
        }
        items.append(item);
    }
    for (const QByteArray &item : items) {
        const Envelope envelope = jsonrpc::parseEnvelope(item);
        // A refused element is answered inside the batch (a nested batch is not JSON-RPC).
        const auto refusal =
            envelope.kind == Envelope::Kind::Batch ? std::optional(Refusal::Invalid) : refusalOf(item, envelope);
        if (refusal) {
            const QByteArray answer = refusalAnswer(*refusal, envelope.id.isValid() ? envelope.id.in(item) : "null");
            if (!answer.isEmpty())
                m_batches[batchId].responses.append(answer);
            logRefusal(out, session, *refusal);
            continue;
        }
        out += fromSession(session, item);
    }
    if (m_batches.contains(batchId)) {
        m_batches[batchId].assembling = false;
        batchMemberDone(out, batchId, {});
    }
    return out;
}

void Router::respond(RouterActions &out, SessionId session, const QByteArray &rawId, const QByteArray &line)
{
    if (m_traffic)
        recordAnswer(session, rawId, line);
    const auto key = qMakePair(session, rawId);
    const auto batchIt = m_batchOf.constFind(key);
    if (batchIt == m_batchOf.cend()) {
        out.append({RouterAction::Kind::ToSession, session, line});
        return;
    }
    const qint64 batchId = *batchIt;
    m_batchOf.erase(batchIt);
    if (auto it = m_batches.find(batchId); it != m_batches.end())
        --it->pending;
    batchMemberDone(out, batchId, line);
}

void Router::batchMemberDone(RouterActions &out, qint64 batchId, const QByteArray &response)
{
    // A batch is answered once, as one array, when every request in it is settled.
    auto it = m_batches.find(batchId);
    if (it == m_batches.end())
        return;
    if (!response.isEmpty())
        it->responses.append(response);
    if (it->assembling || it->pending > 0)
        return;
    if (!it->responses.isEmpty())
        out.append({RouterAction::Kind::ToSession, it->session, '[' + it->responses.join(',') + ']'});
    m_batches.erase(it);
}

void Router::batchMemberCancelled(RouterActions &out, SessionId session, const QByteArray &rawId)
{
    // A cancelled request is never answered; its batch must not wait for it.
    const auto batch = m_batchOf.constFind(qMakePair(session, rawId));
    if (batch == m_batchOf.cend())
        return;
    const qint64 batchId = *batch;
    m_batchOf.erase(batch);
    if (auto b = m_batches.find(batchId); b != m_batches.end())
        --b->pending;
    batchMemberDone(out, batchId, {});
}

void Router::respondError(RouterActions &out, SessionId session, const QByteArray &rawId, int code,
                          const QString &message)
{
    respond(out, session, rawId, jsonrpc::makeError(rawId, code, message.toUtf8()));
}

RouterActions Router::sessionCancel(SessionId session, QByteArrayView line)
{
    const auto requestId = json::findPath(line, {"params", "requestId"});
    if (!requestId)
        return {};
    const auto key = qMakePair(session, requestId->in(line).toByteArray());
    const auto it = m_byOriginal.constFind(key);
    if (it == m_byOriginal.cend()) {
        return {log(QStringLiteral("session %1: cancel for unknown request %2 dropped")
                        .arg(session)
                        .arg(QString::fromUtf8(key.second)))};
    }
    const qint64 brokerId = *it;
    const RequestInfo info = m_requests.value(brokerId);
    const bool forwarded = info.forwarded;
    noteAbandoned(brokerId, info);
    forgetRequest(brokerId);
    RouterActions out;
    batchMemberCancelled(out, session, key.second);
    if (!forwarded)
        return out;   // still queued: removing it is the whole cancel
    markOrphaned(brokerId);
    out.append({RouterAction::Kind::ToChild, 0, json::splice(line, *requestId, QByteArray::number(brokerId))});
    drainQueue(out);
    return out;
}

RouterActions Router::sessionResponse(SessionId session, QByteArrayView line, const Envelope &envelope)
{
    RouterActions out;
    const auto id = brokerIdFrom(envelope.id.in(line));
    if (id && m_rootsQueries.value(*id) == session && m_rootsQueries.remove(*id)) {
        storeRoots(out, session, line, envelope);
        return out;
    }
    const auto it = id ? m_childRequests.find(*id) : m_childRequests.end();
    if (it == m_childRequests.end() || it->session != session) {
        return {log(QStringLiteral("session %1: response with unknown id %2 dropped")
                        .arg(session)
                        .arg(QString::fromUtf8(envelope.id.in(line).toByteArray())))};
    }
    const QByteArray childId = it->childId;
    const bool taskAugmented = it->taskAugmented;
    serverRequestAnswered(*it);
    m_childRequests.erase(it);
    if (m_state != ChildState::Ready)
        return {};
    // Task ids the session made up could collide with another session's: the child sees
    // broker-unique ones.
    const QByteArray rewritten = rewriteClientTaskIds(session, line, taskAugmented);
    const Envelope renamed = jsonrpc::parseEnvelope(rewritten);
    return {{RouterAction::Kind::ToChild, 0, json::splice(rewritten, renamed.id, childId)}};
}

} // namespace manifold
