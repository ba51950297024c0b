#include "routermodel.h"

#include "fuzzcheck.h"

#include "jsonrpc/jsonrpc.h"
#include "jsonrpc/jsonscan.h"

namespace fuzz {

using manifold::RouterAction;
using manifold::SessionId;
using manifold::jsonrpc::Envelope;
namespace json = manifold::json;

namespace {

QByteArray rawAt(QByteArrayView line, std::initializer_list<QByteArrayView> path)
{
    const auto span = json::findPath(line, path);
    return span ? span->in(line).toByteArray() : QByteArray();
}

QByteArray idOf(QByteArrayView line, const Envelope &envelope)
{
    return envelope.id.isValid() ? envelope.id.in(line).toByteArray() : QByteArray();
}

// Every line the router writes is one valid JSON value with no raw newline (that would split it).
void checkLine(const QByteArray &line, const char *where)
{
    FUZZ_CHECK(!line.contains('\n'), QByteArray(where) + " line contains a newline: " + line);
    FUZZ_CHECK(json::isValid(line), QByteArray(where) + " line is not valid JSON: " + line);
}

} // namespace

void RouterModel::connect(SessionId session)
{
    m_sessions.insert(session, Session());
}

void RouterModel::disconnect(SessionId session)
{
    m_sessions.remove(session);
}

void RouterModel::sessionSent(SessionId id, QByteArrayView line)
{
    auto it = m_sessions.find(id);
    if (it != m_sessions.end())
        sessionMessage(*it, line, false);
}

void RouterModel::sessionMessage(Session &session, QByteArrayView message, bool inBatch)
{
    const Envelope envelope = manifold::jsonrpc::parseEnvelope(message);
    const QByteArray id = idOf(message, envelope);
    switch (envelope.kind) {
    case Envelope::Kind::Request:
        ++session.sent[id];
        if (id == "null")
            ++session.nullIdRequests;   // refused with an Invalid Request error, id null
        if (const auto token = json::findPath(message, {"params", "_meta", "progressToken"}))
            session.progressTokens.insert(token->in(message).toByteArray());
        break;
    case Envelope::Kind::Invalid:
        if (!id.isEmpty())
            ++session.sent[id]; // answered with an error that carries its id
        break;
    case Envelope::Kind::Notification:
        if (envelope.method == "notifications/cancelled")
            ++session.cancelled[rawAt(message, {"params", "requestId"})];
        break;
    case Envelope::Kind::Response:
        session.pending.removeOne(id);
        break;
    case Envelope::Kind::Batch: {
        if (inBatch)
            break; // a nested batch is one invalid element, answered with id null
        const QByteArrayView array = json::valueSpan(message)->in(message);
        for (const json::Span &element : json::arrayElements(array).value_or(QList<json::Span>()))
            sessionMessage(session, element.in(array), true);
        break;
    }
    case Envelope::Kind::NotJson:
        break;
    }
}

QSet<QPair<SessionId, QByteArray>> RouterModel::inFlight(const manifold::Router &router) const
{
    QSet<QPair<SessionId, QByteArray>> set;
    for (const manifold::Router::RequestInfo &request : router.requests()) {
        if (request.forwarded && request.method != "subscriptions/listen" && !request.method.startsWith("tasks/"))
            set.insert({request.session, request.originalId});
    }
    return set;
}

QSet<QPair<SessionId, QByteArray>> RouterModel::beforeSessionStep(const manifold::Router &router)
{
    m_stepCancels.clear();
    return inFlight(router);
}

void RouterModel::noteAbandoned(const QSet<QPair<SessionId, QByteArray>> &before, const manifold::Router &router,
                                qint64 nowMs)
{
    // One session's step: whatever vanished was that session's, cancelled by the cancels the
    // child got in it (none when no child was running them).
    const auto after = inFlight(router);
    QSet<SessionId> sessions;
    for (const auto &request : before) {
        if (!after.contains(request))
            sessions.insert(request.first);
    }
    for (SessionId session : sessions) {
        if (!m_stepCancels.isEmpty())
            m_abandoned.append({session, nowMs, m_stepCancels});
    }
}

void RouterModel::childSent(QByteArrayView line, const manifold::Router &router, qint64 nowMs)
{
    const Envelope envelope = manifold::jsonrpc::parseEnvelope(line);
    if (envelope.kind == Envelope::Kind::Response) {
        const QByteArray id = idOf(line, envelope);
        m_childPending.removeOne(id);
        // A cancelled request the child finished after all cannot be what it asks for later.
        for (Abandoned &a : m_abandoned)
            a.brokerIds.remove(id);
        m_abandoned.removeIf([](const Abandoned &a) { return a.brokerIds.isEmpty(); });
        return;
    }
    if (envelope.kind == Envelope::Kind::Notification && envelope.method == "notifications/cancelled") {
        const QByteArray withdrawn = rawAt(line, {"params", "requestId"});
        m_asks.removeIf([&](const ServerAsk &ask) { return ask.childId == withdrawn; });
    }
    if (envelope.kind != Envelope::Kind::Request)
        return;
    ++m_childRequests[idOf(line, envelope)];
    // Requests about a task name their session themselves; the broker answers ping and roots.
    const bool namesItsCause = envelope.method.startsWith("tasks/") ||
                               json::findPath(line, {"params", "_meta", "io.modelcontextprotocol/related-task"});
    if (namesItsCause || envelope.method == "ping" || envelope.method == "roots/list")
        return;
    ServerAsk ask{line.toByteArray(), idOf(line, envelope), {}, {}};
    for (const manifold::Router::RequestInfo &request : router.requests()) {
        if (!request.forwarded || request.method == "subscriptions/listen" || request.method.startsWith("tasks/"))
            continue;
        // What the router calls in flight must be a request that session sent and was not answered.
        const auto session = m_sessions.constFind(request.session);
        FUZZ_CHECK(session != m_sessions.cend() &&
                       session->sent.value(request.originalId) > session->answered.value(request.originalId),
                   "the router has a request in flight that session " + QByteArray::number(request.session) +
                       " is not waiting for: " + request.originalId);
        ask.candidates.append({request.session, request.originalId});
        ask.arrivalSessions.insert(request.session);
    }
    // A cancelled call may still be running at the child for as long as the router holds a
    // request (MCP servers should stop, but need not have stopped yet).
    constexpr qint64 HoldTimeoutMs = 5000;   // the Router's default
    m_abandoned.removeIf([&](const Abandoned &a) { return a.atMs < nowMs - HoldTimeoutMs; });
    for (const Abandoned &a : std::as_const(m_abandoned))
        ask.arrivalSessions.insert(a.session);
    m_asks.append(ask);
}

void RouterModel::forgetFinished(const manifold::Router &router)
{
    if (m_asks.isEmpty())
        return;
    QSet<QPair<SessionId, QByteArray>> inFlight;
    for (const manifold::Router::RequestInfo &request : router.requests()) {
        if (request.forwarded)
            inFlight.insert({request.session, request.originalId});
    }
    for (ServerAsk &ask : m_asks)
        ask.candidates.removeIf([&](const auto &candidate) { return !inFlight.contains(candidate); });
}

void RouterModel::serverRequestDelivered(SessionId id, const QByteArray &line)
{
    // The session-facing copy differs from what the child sent by its id only. The child may
    // send the same request twice: one of those asks must allow this delivery.
    const Envelope envelope = manifold::jsonrpc::parseEnvelope(line);
    QByteArray refusal;
    for (qsizetype i = 0; i < m_asks.size(); ++i) {
        const ServerAsk &ask = m_asks[i];
        if (json::splice(line, envelope.id, ask.childId) != ask.line)
            continue;
        const QByteArray what = envelope.method + " for session " + QByteArray::number(id);
        QByteArray why;
        if (!ask.arrivalSessions.isEmpty()) {
            // Never to a session that had nothing running at the child when it came, nor while
            // another session's request, which may be its cause, is still in flight.
            if (!ask.arrivalSessions.contains(id))
                why = what + ", which had no request in flight when it came: " + line;
            for (const auto &candidate : ask.candidates) {
                if (candidate.first != id) {
                    why = what + " while session " + QByteArray::number(candidate.first) + " still has request " +
                          candidate.second + " in flight: " + line;
                }
            }
        }
        if (why.isEmpty()) {
            m_asks.removeAt(i);
            return;
        }
        if (refusal.isEmpty())
            refusal = why;
    }
    FUZZ_CHECK(refusal.isEmpty(), refusal);
}

void RouterModel::syncHeld(const manifold::Router &router)
{
    // Withdrawn, or dropped with the child: nothing is waiting any more.
    if (router.heldCount() == 0)
        m_asks.clear();
}

void RouterModel::check(const manifold::RouterActions &actions)
{
    for (const RouterAction &action : actions) {
        switch (action.kind) {
        case RouterAction::Kind::ToSession:
            toSession(action.session, action.data);
            break;
        case RouterAction::Kind::ToChild:
            toChild(action.data);
            break;
        default:
            break;
        }
    }
}

void RouterModel::toSession(SessionId id, const QByteArray &line)
{
    const QByteArray where = "to session " + QByteArray::number(id);
    auto it = m_sessions.find(id);
    FUZZ_CHECK(it != m_sessions.end(), where + " which is not connected: " + line);
    checkLine(line, where.constData());
    Session &session = *it;
    const Envelope envelope = manifold::jsonrpc::parseEnvelope(line);
    switch (envelope.kind) {
    case Envelope::Kind::Response:
        sessionResponse(id, session, line);
        break;
    case Envelope::Kind::Batch: {
        const QByteArrayView array = json::valueSpan(line)->in(line);
        for (const json::Span &element : json::arrayElements(array).value_or(QList<json::Span>()))
            sessionResponse(id, session, element.in(array));
        break;
    }
    case Envelope::Kind::Request: {
        const QByteArray facing = idOf(line, envelope);
        FUZZ_CHECK(!session.facingIds.contains(facing), where + " reused request id " + facing);
        session.facingIds.insert(facing);
        session.pending.append(facing);
        serverRequestDelivered(id, line);
        break;
    }
    case Envelope::Kind::Notification:
        if (envelope.method == "notifications/progress") {
            const QByteArray token = rawAt(line, {"params", "progressToken"});
            FUZZ_CHECK(session.progressTokens.contains(token),
                       where + " got progress for a token it never used: " + line);
        } else if (envelope.method == "notifications/cancelled") {
            const QByteArray request = rawAt(line, {"params", "requestId"});
            FUZZ_CHECK(session.sent.contains(request) || session.facingIds.contains(request),
                       where + " told of a cancel for a request it does not know: " + line);
            ++session.cancelled[request];
            session.pending.removeOne(request);
        }
        break;
    default:
        FUZZ_CHECK(false, where + " is not a JSON-RPC message: " + line);
    }
}

void RouterModel::sessionResponse(SessionId id, Session &session, QByteArrayView response)
{
    const Envelope envelope = manifold::jsonrpc::parseEnvelope(response);
    const QByteArray where = "to session " + QByteArray::number(id);
    FUZZ_CHECK(envelope.kind == Envelope::Kind::Response,
               where + ": batch element is not a response: " + response.toByteArray());
    const QByteArray rawId = idOf(response, envelope);
    if (rawId == "null") {
        // Parse errors and the like: nothing to match. Invalid Request ones include the refusals
        // of requests with a null id.
        if (rawAt(response, {"error", "code"}) == "-32600")
            ++session.nullIdRefusals;
        return;
    }
    // Each answer matches a message the session sent with that id, and no message is answered
    // twice.
    const int answers = ++session.answered[rawId];
    FUZZ_CHECK(answers <= session.sent.value(rawId),
               where + ": answer " + QByteArray::number(answers) + " to id " + rawId +
                   " which it sent " + QByteArray::number(session.sent.value(rawId)) +
                   " times: " + response.toByteArray());
}

void RouterModel::toChild(const QByteArray &line)
{
    checkLine(line, "to the child");
    const Envelope envelope = manifold::jsonrpc::parseEnvelope(line);
    const QByteArray id = idOf(line, envelope);
    // What a session sends with an absurd method name never gets here.
    FUZZ_CHECK(envelope.method.size() <= manifold::Router::MaxMethodLength,
               "to the child, a method name longer than the limit: " + line);
    if (envelope.kind == Envelope::Kind::Request) {
        // Broker ids are numbers, and unique for the router's lifetime (across child restarts).
        bool ok = false;
        const qint64 brokerId = id.toLongLong(&ok);
        FUZZ_CHECK(ok, "request to the child with a non-broker id: " + line);
        FUZZ_CHECK(!m_brokerIds.contains(brokerId), "broker id used twice: " + line);
        m_brokerIds.insert(brokerId);
        m_childPending.append(id);
        const QByteArray token = rawAt(line, {"params", "_meta", "progressToken"});
        if (!token.isEmpty())
            m_lastToken = token;
    } else if (envelope.kind == Envelope::Kind::Response) {
        // Refused instead of delivered: it is settled.
        for (qsizetype i = 0; i < m_asks.size(); ++i) {
            if (m_asks[i].childId == id) {
                m_asks.removeAt(i);
                break;
            }
        }
        const int answers = ++m_childAnswers[id];
        FUZZ_CHECK(answers <= m_childRequests.value(id),
                   "answer to the child for id " + id + " it did not ask (as often): " + line);
    } else {
        FUZZ_CHECK(envelope.kind == Envelope::Kind::Notification,
                   "to the child, not JSON-RPC: " + line);
        if (envelope.method == "notifications/cancelled")
            m_stepCancels.insert(rawAt(line, {"params", "requestId"}));
    }
}

void RouterModel::checkState(const manifold::Router &router) const
{
    for (const manifold::Router::RequestInfo &request : router.requests()) {
        FUZZ_CHECK(m_sessions.contains(request.session), "router keeps a request of session " +
                                                             QByteArray::number(request.session) +
                                                             ": " + request.method);
        // Refused at the edge, never routed.
        FUZZ_CHECK(request.originalId != "null", "router keeps a request with a null id: " + request.method);
        FUZZ_CHECK(request.method.size() <= manifold::Router::MaxMethodLength,
                   "router keeps a request with a method name longer than the limit");
    }
    FUZZ_CHECK(router.sessionCount() == m_sessions.size(), "router counts other sessions");
}

void RouterModel::checkAllAnswered() const
{
    for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
        const Session &session = it.value();
        FUZZ_CHECK(session.nullIdRefusals >= session.nullIdRequests,
                   "session " + QByteArray::number(it.key()) + " sent " +
                       QByteArray::number(session.nullIdRequests) + " requests with a null id but got " +
                       QByteArray::number(session.nullIdRefusals) + " Invalid Request errors with a null id");
        for (auto sent = session.sent.cbegin(); sent != session.sent.cend(); ++sent) {
            if (sent.key() == "null")
                continue;
            const int owed = sent.value() - session.cancelled.value(sent.key());
            FUZZ_CHECK(session.answered.value(sent.key()) >= owed,
                       "session " + QByteArray::number(it.key()) + " never got an answer to id " +
                           sent.key());
        }
    }
}

} // namespace fuzz
