// Router, child side: the child's lifecycle and everything the child sends.
#include "router.h"

#include "broker/routerutil.h"
#include "manifold/version.h"

#include <QRegularExpression>

namespace manifold {

using jsonrpc::Envelope;
using namespace routerutil;

namespace {
QByteArray statelessMeta()
{
    return "{\"" + ProtocolVersionKey.toByteArray() + "\":" + json::encodeString(StatelessVersion) + ",\"io.modelcontextprotocol/clientCapabilities\":{},\"" +
           ClientInfoKey.toByteArray() + "\":{\"name\":\"manifold\",\"version\":\"" + QByteArray(versionString()) + "\"}}";
}
} // namespace

RouterActions Router::childStarted()
{
    m_state = ChildState::Initializing;
    m_stateless = false;
    m_discoverId = 0;
    m_initId = nextId();
    // An instance whose sessions have no roots is initialized as a direct client without
    // roots would be: the server then uses the directories its own arguments name.
    const QByteArray roots = m_declaresRoots ? "\"roots\":{\"listChanged\":true}," : "";
    const QByteArray params =
        "{\"protocolVersion\":" + json::encodeString(NewestProtocolVersion) +
        ",\"capabilities\":{" + roots + "\"sampling\":{},\"elicitation\":{}}"
        ",\"clientInfo\":{\"name\":\"manifold\",\"version\":\"" + QByteArray(versionString()) + "\"}}";
    return {{RouterAction::Kind::ToChild, 0, jsonrpc::makeRequest(QByteArray::number(m_initId), "initialize", params)}};
}

RouterActions Router::fromChild(QByteArrayView line)
{
    const Envelope envelope = jsonrpc::parseEnvelope(line);
    switch (envelope.kind) {
    case Envelope::Kind::Response:
        return childResponse(line, envelope);
    case Envelope::Kind::Request:
    case Envelope::Kind::Notification: {
        RouterActions out = envelope.kind == Envelope::Kind::Request ? childRequest(line, envelope)
                                                                     : childNotification(line, envelope);
        if (m_traffic)
            recordFromChild(line, envelope, out);   // knowing now which session it went to
        return out;
    }
    default: {
        const QByteArray preview = line.first(qMin<qsizetype>(line.size(), 200)).toByteArray();
        return {log(QStringLiteral("skipped non-JSON-RPC output from the server: %1").arg(QString::fromUtf8(preview)))};
    }
    }
}

RouterActions Router::consumeFromChild(QByteArray &&line)
{
    m_consumed = &line;
    RouterActions out = fromChild(line);
    m_consumed = nullptr;
    return out;
}

RouterActions Router::consumeFromUpstream(QByteArray &&line, QByteArrayView relatedRequest)
{
    bool ok = false;
    const qint64 related = relatedRequest.isEmpty() ? 0 : relatedRequest.toByteArray().toLongLong(&ok);
    m_relatedRequest = ok ? related : 0;
    RouterActions out = consumeFromChild(std::move(line));
    m_relatedRequest = 0;
    return out;
}

QByteArray Router::spliceLastUse(QByteArrayView line, json::Span span, QByteArrayView replacement)
{
    QByteArray *consumed = std::exchange(m_consumed, nullptr);
    if (!consumed || consumed->constData() != line.constData() || consumed->size() != line.size() ||
        !consumed->isDetached())
        return json::splice(line, span, replacement);
    QByteArray out = std::move(*consumed);
    json::spliceInPlace(out, span, replacement);
    return out;
}

RouterActions Router::oversizedFromChild(QByteArrayView head, QByteArrayView tail, qsizetype limit)
{
    // The id of a response is found where serializers put it: first after "jsonrpc" (Python
    // SDK), first with sorted keys (Qt, Go), or last (TypeScript SDK). Only these anchored shapes are trusted: an "id" nested in
    // the result must not fail an unrelated request.
    static const QRegularExpression atStart(QStringLiteral(R"re(^\s*\{\s*"jsonrpc"\s*:\s*"2\.0"\s*,\s*"id"\s*:\s*(\d+)\s*,\s*"(?:result|error)")re"));
    static const QRegularExpression sortedKeys(QStringLiteral(R"re(^\s*\{\s*"id"\s*:\s*(\d+)\s*,\s*"jsonrpc"\s*:\s*"2\.0"\s*,\s*"(?:result|error)")re"));
    static const QRegularExpression atEnd(QStringLiteral(R"re("jsonrpc"\s*:\s*"2\.0"\s*,\s*"id"\s*:\s*(\d+)\s*\}\s*$)re"));
    QRegularExpressionMatch match = atStart.match(QString::fromLatin1(head));
    if (!match.hasMatch())
        match = sortedKeys.match(QString::fromLatin1(head));
    if (!match.hasMatch())
        match = atEnd.match(QString::fromLatin1(tail));
    const qint64 id = match.hasMatch() ? match.captured(1).toLongLong() : 0;
    const auto it = m_requests.constFind(id);
    if (id == 0 || it == m_requests.cend() || !it->forwarded) {
        return {log(QStringLiteral("skipped a line of more than %1 bytes from the server").arg(limit))};
    }
    const RequestInfo info = *it;
    forgetRequest(id);
    RouterActions out{log(QStringLiteral("the answer to %1 was larger than %2 bytes").arg(QString::fromUtf8(info.method)).arg(limit))};
    respondError(out, info.session, info.originalId, jsonrpc::ServerError,
                 QStringLiteral("the response from server '%1' was larger than %2 bytes (maxLineBytes)")
                     .arg(m_serverName)
                     .arg(limit));
    candidateFinished(out, id);
    drainQueue(out);
    return out;
}

RouterActions Router::childResponse(QByteArrayView line, const Envelope &envelope)
{
    RouterActions out;
    const QByteArrayView rawId = envelope.id.in(line);
    const auto id = brokerIdFrom(rawId);
    if (id && *id == m_initId && m_state == ChildState::Initializing) {
        finishInitialize(out, line, envelope);
        return out;
    }
    if (id && *id == m_discoverId && m_state == ChildState::Initializing) {
        finishDiscover(out, line, envelope);
        return out;
    }
    if (id && m_heartbeatId != 0 && *id == m_heartbeatId) {
        m_heartbeatId = 0;
        return {{RouterAction::Kind::HeartbeatAnswered, 0, {}}};
    }
    if (id && m_own.contains(*id)) {
        const QByteArray label = m_own.take(*id);
        if (envelope.error.isValid()) {
            out.append(log(QStringLiteral("the server refused the broker's %1: %2")
                               .arg(QString::fromUtf8(label), QString::fromUtf8(envelope.error.in(line).toByteArray()))));
        }
        return out;
    }
    if (id && m_orphaned.remove(*id)) {
        candidateFinished(out, *id);   // the child finished it after all: it was not what is held
        settleHeld(out);
        return out;
    }
    const auto it = id ? m_requests.constFind(*id) : m_requests.cend();
    if (it == m_requests.cend() || !it->forwarded) {
        return {log(QStringLiteral("dropped a response with unknown id %1 from the server")
                        .arg(QString::fromUtf8(rawId.toByteArray())))};
    }
    const RequestInfo info = *it;
    std::optional<QByteArray> response;   // unless rewritten further: the line with the session's id
    const bool ok = envelope.result.isValid();
    if (ok && info.purpose == Purpose::ListFill && info.generation == m_listGeneration)
        m_listCache.store(info.method, info.detail, envelope.result.in(line).toByteArray());
    if (!ok && info.purpose == Purpose::Subscribe) {
        // Sessions that subscribed meanwhile were told yes; the server said no to all of them.
        m_subscriptions.removeUri(info.detail);
        out.append(log(QStringLiteral("the server refused a subscription to %1").arg(QString::fromUtf8(info.detail))));
    }
    if (!ok && info.purpose == Purpose::SetLevel)
        m_childLogLevel.reset();   // unknown again: the next setLevel goes through
    if (!ok)
        noteElicitationsRequired(info.session, line, envelope);
    if (ok && info.purpose == Purpose::CreatesTask)
        noteTaskCreated(info.session, line, envelope);
    if (const auto sub = subscriptionIdBelow(line, envelope.result))
        response = applyEdits(line, {{envelope.id, info.originalId}, {*sub, info.originalId}});
    if (ok && info.method == "tasks/list") {
        const QByteArray filtered = filterTaskList(info.session, line, envelope);
        if (!filtered.isEmpty())
            response = jsonrpc::makeResult(info.originalId, filtered);
    }
    // It ran to the end with nothing it may have asked still open: plain (if it was not known so).
    if (info.holdsGate && !info.ambiguous)
        m_askers.learnPlain(info.callKey);
    forgetRequest(*id);
    candidateFinished(out, *id);
    auto session = m_sessions.find(info.session);
    if (session != m_sessions.end()) {
        ++session->requestsServed;
        // The last use of line: a large result is answered from its own buffer.
        if (m_traffic)
            m_childAnswer = answerOf(line, envelope);   // before the splice moves line's buffer
        if (!response)
            response = spliceLastUse(line, envelope.id, info.originalId);
        respond(out, info.session, info.originalId, *response);
        m_childAnswer.reset();
    }
    drainQueue(out);
    return out;
}

void Router::finishInitialize(RouterActions &out, QByteArrayView line, const Envelope &envelope)
{
    m_initId = 0;
    if (envelope.error.isValid()) {
        // Maybe a server of the stateless era, which has no initialize: ask it to describe itself.
        m_initResult = envelope.error.in(line).toByteArray();
        m_discoverId = nextId();
        out.append({RouterAction::Kind::ToChild, 0,
                    jsonrpc::makeRequest(QByteArray::number(m_discoverId), "server/discover",
                                         "{\"_meta\":" + statelessMeta() + '}')});
        return;
    }
    m_initResult = envelope.result.in(line).toByteArray();
    m_childVersion = stringAt(line, envelope.result, {"protocolVersion"});
    // Only after the result: a server that sees initialized first may skip part of its setup.
    out.append({RouterAction::Kind::ToChild, 0, jsonrpc::makeNotification("notifications/initialized")});
    becomeReady(out);
}

void Router::finishDiscover(RouterActions &out, QByteArrayView line, const Envelope &envelope)
{
    m_discoverId = 0;
    if (envelope.error.isValid()) {
        out += failAll(true, QStringLiteral("server '%1' refused initialize: %2")
                                 .arg(m_serverName, QString::fromUtf8(m_initResult)));
        return;
    }
    m_stateless = true;
    m_childVersion = StatelessVersion.toByteArray();
    m_initResult = envelope.result.in(line).toByteArray();   // the discover result
    out.append(log(QStringLiteral("the server speaks the stateless protocol %1").arg(QString::fromUtf8(m_childVersion))));
    becomeReady(out);
}

void Router::becomeReady(RouterActions &out)
{
    m_state = ChildState::Ready;
    out.append({RouterAction::Kind::ChildReady, 0, {}});
    const auto waiting = std::exchange(m_waitingInit, {});
    for (const auto &[session, rawInitId] : waiting) {
        if (m_stateless)
            refuseLegacyInitialize(out, session, rawInitId);
        else
            answerInitialize(out, session, rawInitId);
    }
    if (m_everReady) {
        // A restarted child may offer different tools: tell sessions to list again, and give it
        // back the subscriptions and log level the sessions had asked the old one for.
        for (QByteArrayView kind : {"tools", "prompts", "resources"}) {
            if (json::findPath(m_initResult, {"capabilities", kind}))
                broadcast(out, jsonrpc::makeNotification("notifications/" + kind.toByteArray() + "/list_changed"));
        }
        replayAfterRestart(out);
    } else {
        replayAdopted(out);
    }
    m_everReady = true;
    drainQueue(out);
}

RouterActions Router::childRequest(QByteArrayView line, const Envelope &envelope)
{
    const QByteArray childId = envelope.id.in(line).toByteArray();
    if (envelope.method == "ping")
        return {{RouterAction::Kind::ToChild, 0, jsonrpc::makeResult(childId, "{}")}};
    if (envelope.method == "roots/list") {
        // The broker answers: the instance's own roots (routerroots.cpp).
        RouterActions out;
        answerRootsQuestion(out, childId);
        return out;
    }

    RouterActions out;
    if (!routeClientTaskRequest(out, line, envelope))
        routeServerRequest(out, line, envelope);   // routerasking.cpp
    return out;
}

RouterActions Router::childNotification(QByteArrayView line, const Envelope &envelope)
{
    RouterActions out;
    const QByteArray &method = envelope.method;
    if (method == "notifications/progress") {
        const auto token = json::findPath(line, {"params", "progressToken"});
        const auto brokerToken = token ? brokerIdFrom(token->in(line)) : std::nullopt;
        const auto it = brokerToken ? m_progress.constFind(*brokerToken) : m_progress.cend();
        if (it == m_progress.cend())
            return {log(QStringLiteral("dropped progress for an unknown token"))};
        return {{RouterAction::Kind::ToSession, it->session, json::splice(line, *token, it->originalToken)}};
    }
    if (routeSubscriptionNotification(out, line, envelope))
        return out;
    if (method == "notifications/cancelled") {
        const auto requestId = json::findPath(line, {"params", "requestId"});
        if (!requestId)
            return out;
        // The server ending a session's long-lived request (a 2026 subscriptions/listen).
        const auto brokerId = brokerIdFrom(requestId->in(line));
        const auto own = brokerId ? m_requests.constFind(*brokerId) : m_requests.cend();
        if (own != m_requests.cend() && own->forwarded) {
            const RequestInfo info = *own;
            forgetRequest(*brokerId);
            candidateFinished(out, *brokerId);
            QList<Edit> edits{{*requestId, info.originalId}};
            // Sent on the stream it ends, it may name that stream too: the same request.
            const auto sub = findBelow(line, envelope.params, {"_meta", SubscriptionIdKey});
            if (sub && sub->in(line) == requestId->in(line))
                edits.append({*sub, info.originalId});
            out.append({RouterAction::Kind::ToSession, info.session, applyEdits(line, edits)});
            batchMemberCancelled(out, info.session, info.originalId);
            drainQueue(out);
            return out;
        }
        if (dropHeld(requestId->in(line)))
            return {log(QStringLiteral("the server withdrew a request before it could be delivered"))};
        for (auto it = m_childRequests.begin(); it != m_childRequests.end(); ++it) {
            if (it->childId == requestId->in(line)) {
                const SessionId session = it->session;
                const QByteArray facing = QByteArray::number(it.key());
                serverRequestAnswered(*it);
                m_childRequests.erase(it);
                return {{RouterAction::Kind::ToSession, session, json::splice(line, *requestId, facing)}};
            }
        }
        return out;
    }
    if (method == "notifications/elicitation/complete") {
        const QByteArray elicitationId = stringAt(line, envelope.params, {"elicitationId"});
        const SessionId session = m_elicitations.take(elicitationId);
        if (m_sessions.contains(session))
            out.append({RouterAction::Kind::ToSession, session, line.toByteArray()});
        else
            out.append(log(QStringLiteral("dropped elicitation completion nobody is waiting for")));
        return out;
    }
    const QByteArray invalidates = ListCache::invalidatedBy(method);
    if (!invalidates.isEmpty()) {
        m_listCache.invalidate(invalidates);
        ++m_listGeneration;
    }
    if (deliverTaskNotification(out, line, envelope))
        return out;
    if (method == "notifications/message")
        deliverLogMessage(out, line);
    else if (method == "notifications/resources/updated")
        deliverResourceUpdate(out, line);
    else
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
    m_failure = description;
    return out;
}

void Router::childStopping()
{
    if (m_state == ChildState::Ready || m_state == ChildState::Initializing)
        m_state = ChildState::Down;
}

RouterActions Router::abandonWaiting(const QString &description)
{
    const ChildState state = m_state;
    RouterActions out = failAll(true, description);
    m_state = state == ChildState::Failed ? ChildState::Failed : ChildState::Down;
    return out;
}

RouterActions Router::failAll(bool includeWaiting, const QString &description)
{
    RouterActions out;
    const QList<qint64> ids = m_requests.keys();
    for (qint64 id : ids) {
        const RequestInfo info = m_requests.value(id);
        if (!info.forwarded && !includeWaiting)
            continue;   // not sent yet: it goes to the next child
        forgetRequest(id);
        respondError(out, info.session, info.originalId, jsonrpc::ServerError, description);
    }
    if (includeWaiting) {
        const auto waiting = std::exchange(m_waitingInit, {});
        for (const auto &[session, rawId] : waiting)
            respondError(out, session, rawId, jsonrpc::ServerError, description);
    }
    for (auto it = m_childRequests.cbegin(); it != m_childRequests.cend(); ++it) {
        out.append({RouterAction::Kind::ToSession, it->session,
                    jsonrpc::makeNotification("notifications/cancelled",
                                              "{\"requestId\":" + QByteArray::number(it.key()) +
                                                  ",\"reason\":\"server exited\"}")});
    }
    m_childRequests.clear();
    m_pendingRootsQuestions.clear();
    m_held.clear();       // asked by a child that is gone: nobody waits for the answer
    m_abandoned.clear();
    m_elicitations.clear();
    m_taskOwners.clear();
    m_taskTokens.clear();
    m_clientTasks.clear();
    m_orphaned.clear();
    m_own.clear();
    m_listCache.clear();
    ++m_listGeneration;
    m_childLogLevel.reset();
    m_initId = 0;
    m_discoverId = 0;
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
    // The stateless era has no ping; server/discover is cheap and always there.
    if (m_stateless) {
        return {{RouterAction::Kind::ToChild, 0,
                 jsonrpc::makeRequest(QByteArray::number(m_heartbeatId), "server/discover",
                                      "{\"_meta\":" + statelessMeta() + '}')}};
    }
    return {{RouterAction::Kind::ToChild, 0, jsonrpc::makeRequest(QByteArray::number(m_heartbeatId), "ping")}};
}

bool Router::routeSubscriptionNotification(RouterActions &out, QByteArrayView line, const Envelope &envelope)
{
    // 2026-07-28 streams: the subscription id is the session's subscriptions/listen request id,
    // which the broker rewrote; notifications on the stream go to that session alone.
    const auto sub = subscriptionIdBelow(line, envelope.params);
    if (!sub || envelope.method == "notifications/cancelled")
        return false;   // a cancel names its request itself: childNotification restores that id
    const auto brokerId = brokerIdFrom(sub->in(line));
    const auto it = brokerId ? m_requests.constFind(*brokerId) : m_requests.cend();
    if (it == m_requests.cend()) {
        out.append(log(QStringLiteral("dropped %1 for an unknown subscription").arg(QString::fromUtf8(envelope.method))));
        return true;
    }
    out.append({RouterAction::Kind::ToSession, it->session, json::splice(line, *sub, it->originalId)});
    return true;
}

void Router::drainQueue(RouterActions &out)
{
    // Called whenever a request finished: that may settle a held server request first, and what
    // it teaches decides what the gate lets through.
    settleHeld(out);
    if (m_state != ChildState::Ready)
        return;
    const bool windowed = m_maxInFlight == 0 && m_sessionWindow > 0;
    const auto sessionMay = [this](quint64 session) { return mayForward(session); };
    const auto gate = [this](qint64 id) { return gateAllows(id); };
    const auto lane = [this](qint64 id) { return laneOf(id); };
    while (!m_queue.isEmpty() && (m_maxInFlight == 0 || m_inFlight < m_maxInFlight)) {
        // The usual case takes the plain pop: no gate holders, and the due session is within its window.
        const bool plain = m_gateHolders.isEmpty() && (!windowed || mayForward(m_queue.dueSession()));
        const qint64 id = plain ? m_queue.pop() : m_queue.popEligible(sessionMay, gate, lane);
        if (id == 0)
            break;   // all that waits is held back by the gate or its session's window
        auto it = m_requests.find(id);
        if (it == m_requests.end())
            continue;
        it->forwarded = true;
        noteForwarded(*it);
        // A 2026 subscriptions/listen stays open for as long as the stream lives: it holds no slot.
        if (it->method != "subscriptions/listen") {
            ++m_inFlight;
            WindowShare &share = m_windowOf[it->session];
            if (++share.inFlight >= m_sessionWindow && m_sessionWindow > 0)
                share.movedMs = m_clock();   // only a full window's time is ever looked at
        }
        out.append({RouterAction::Kind::ToChild, 0, m_unsent.take(id)});
    }
}

bool Router::mayForward(SessionId session) const
{
    if (m_maxInFlight > 0 || m_sessionWindow == 0)
        return true;
    const auto it = m_windowOf.constFind(session);
    return it == m_windowOf.cend() || it->inFlight < m_sessionWindow || m_clock() - it->movedMs >= WindowStallMs;
}

void Router::sendOwn(RouterActions &out, QByteArrayView method, const QByteArray &params, const QByteArray &label)
{
    const qint64 id = nextId();
    m_own.insert(id, label);
    out.append({RouterAction::Kind::ToChild, 0, jsonrpc::makeRequest(QByteArray::number(id), method, params)});
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
    releaseGate(info);
    if (info.forwarded && info.method != "subscriptions/listen") {
        --m_inFlight;
        if (auto it = m_windowOf.find(info.session); it != m_windowOf.end()) {
            // Kept at 0 until the session goes: no node churn on every request. An answer moves a
            // window that stays full (one let past a stall); one that is no longer full is not timed.
            if (--it->inFlight >= m_sessionWindow && m_sessionWindow > 0)
                it->movedMs = m_clock();
        }
    }
    m_byOriginal.remove(qMakePair(info.session, info.originalId));
    if (m_unsent.remove(brokerId))
        m_queue.remove(brokerId);
    const QList<qint64> tokens = m_tokensOf.take(brokerId);
    for (qint64 token : tokens)
        m_progress.remove(token);
}

void Router::broadcast(RouterActions &out, const QByteArray &line) const
{
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        if (it->initialized)
            out.append({RouterAction::Kind::ToSession, it.key(), line});
    }
}

} // namespace manifold
