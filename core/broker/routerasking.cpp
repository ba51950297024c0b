// Router: which session a server->client request (sampling, elicitation, ...) belongs to.
//
// Over stdio a server's request carries no link to the client request that caused it, so the
// router never guesses between sessions:
// - A server request goes to the session whose requests were in flight when it arrived, if they
//   all belong to one session. If they belong to several, it is held until the requests that
//   finish leave one session (the cause still awaits the answer: a server finishes a call after
//   the client answered what the call asked) or, after the hold timeout, the server gets an error.
// - Calls that may ask (known askers and calls not yet seen to complete without asking) from
//   different sessions are not in flight at the same time: the gate keeps the later ones queued
//   (a call not known to ask, for the hold timeout at most).
// - What is learned (a call that asked) is reported with a Learned action, so it is kept apart
//   from the start the next time.
#include "router.h"

#include "broker/routerutil.h"

#include <QSet>

#include <algorithm>

namespace manifold {

using jsonrpc::Envelope;
using namespace routerutil;

namespace {
// Requests whose server requests name their cause anyway (task _meta) or that stay open for good.
bool mayCauseServerRequests(const QByteArray &method)
{
    return method != "subscriptions/listen" && !method.startsWith("tasks/");
}

template <typename Candidates>
QList<SessionId> sessionsOf(const Candidates &candidates)
{
    QList<SessionId> sessions;
    for (const auto &candidate : candidates) {
        if (!sessions.contains(candidate.session))
            sessions.append(candidate.session);
    }
    return sessions;
}
} // namespace

std::optional<qint64> Router::nextDeadlineMs() const
{
    std::optional<qint64> next;
    const auto consider = [&next](qint64 deadline) {
        if (!next || deadline < *next)
            next = deadline;
    };
    for (const HeldRequest &held : m_held)
        consider(held.deadlineMs);
    if (m_maxInFlight == 0 && m_sessionWindow > 0 && !m_queue.isEmpty()) {
        // A session at its window with calls waiting gets one more once its window has stalled.
        for (auto it = m_windowOf.cbegin(); it != m_windowOf.cend(); ++it) {
            if (it->inFlight >= m_sessionWindow && m_queue.hasWaiting(it.key()))
                consider(it->movedMs + WindowStallMs);
        }
    }
    if (!m_gateHolders.isEmpty()) {
        // Calls of an unknown kind held back by the gate go anyway once they waited that long.
        // They wait in the queue's Ordered lane, in arrival order: the earliest still to come is
        // found without looking at every waiting call.
        if (const auto received = m_queue.earliestDueAfter(FairQueue::Lane::Ordered, m_clock() - m_holdTimeoutMs))
            consider(*received + m_holdTimeoutMs);
    }
    return next;
}

RouterActions Router::expireHeld()
{
    RouterActions out;
    const qint64 now = m_clock();
    for (qsizetype i = 0; i < m_held.size();) {
        if (m_held[i].deadlineMs > now) {
            ++i;
            continue;
        }
        const HeldRequest held = m_held.takeAt(i);
        // Each of them may have been the cause: from now on they are kept apart.
        for (const Candidate &candidate : held.candidates)
            learnAsker(out, candidate.callKey);
        refuseServerRequest(out, held.childId, held.method, jsonrpc::ServerError,
                            cannotTell(held.method,
                                       QStringLiteral("requests of %1 clients were in flight for %2 ms after it "
                                                      "arrived; the calls involved will not overlap again, so "
                                                      "retrying should work")
                                           .arg(sessionsOf(held.candidates).size())
                                           .arg(m_holdTimeoutMs)));
    }
    drainQueue(out);   // calls whose wait behind the gate ended go now
    return out;
}

void Router::noteRequestKey(RequestInfo &info, QByteArrayView line, const Envelope &envelope)
{
    if (!AskerBook::isKeyed(info.method))
        return;
    const auto span = findBelow(line, envelope.params, {AskerBook::keyedByUri(info.method) ? "uri" : "name"});
    const QByteArrayView raw = span ? span->in(line) : QByteArrayView();
    // On every call: a plain name is taken as it is, only one with escapes is decoded.
    if (raw.size() >= 2 && raw.front() == '"' && !raw.contains('\\'))
        info.callKey = AskerBook::callKey(info.method, raw.sliced(1, raw.size() - 2));
    else
        info.callKey = AskerBook::callKey(info.method, json::decodeString(raw).value_or(QByteArray()));
}

FairQueue::Lane Router::laneOf(qint64 brokerId) const
{
    const auto it = m_requests.constFind(brokerId);
    return it == m_requests.cend() ? FairQueue::Lane::Free : laneOf(*it);
}

FairQueue::Lane Router::laneOf(const RequestInfo &info) const
{
    if (m_serverRequestsTagged || !m_askers.mayAsk(info.callKey))
        return FairQueue::Lane::Free;
    return m_askers.isAsker(info.callKey) ? FairQueue::Lane::Held : FairQueue::Lane::Ordered;
}

bool Router::gateAllows(qint64 brokerId) const
{
    ++m_gateChecks;
    if (m_gateHolders.isEmpty())
        return true;
    const auto it = m_requests.constFind(brokerId);
    if (it == m_requests.cend())
        return true;
    const FairQueue::Lane lane = laneOf(*it);
    if (lane == FairQueue::Lane::Free)
        return true;
    const bool othersHold = std::any_of(m_gateHolders.keyBegin(), m_gateHolders.keyEnd(),
                                        [&](SessionId holder) { return holder != it->session; });
    if (!othersHold)
        return true;
    // A call not known to ask does not wait long behind another client's (which may wait for a
    // person): most calls never ask, and if this one does, attribution still never guesses.
    return lane == FairQueue::Lane::Ordered && m_clock() - it->receivedMs >= m_holdTimeoutMs;
}

void Router::noteForwarded(RequestInfo &info)
{
    if (m_serverRequestsTagged || !m_askers.mayAsk(info.callKey))
        return;
    info.holdsGate = true;
    ++m_gateHolders[info.session];
}

void Router::releaseGate(const RequestInfo &info)
{
    if (!info.holdsGate)
        return;
    auto it = m_gateHolders.find(info.session);
    if (it != m_gateHolders.end() && --*it <= 0)
        m_gateHolders.erase(it);
}

void Router::noteAbandoned(qint64 brokerId, const RequestInfo &info)
{
    // Cancelled, but the child may still be running it and ask on its behalf: for a while it stays
    // a possible cause, so a server request is not handed to another session meanwhile.
    if (info.forwarded && mayCauseServerRequests(info.method))
        m_abandoned.insert(brokerId, {brokerId, info.session, info.callKey, m_clock()});
}

void Router::candidateFinished(RouterActions &out, qint64 brokerId)
{
    // The child finished it, so (a call awaits what it asked) it caused none of the server
    // requests still open: strike it off theirs.
    if (!m_abandoned.isEmpty())
        m_abandoned.remove(brokerId);
    if (m_held.isEmpty() && m_childRequests.isEmpty())
        return;   // the usual case, on every answer: nothing to look through
    const auto matches = [brokerId](const Candidate &c) { return c.brokerId == brokerId; };
    for (HeldRequest &held : m_held)
        held.candidates.removeIf(matches);
    for (ChildRequestRoute &route : m_childRequests) {
        if (route.causes.removeIf(matches) > 0 && route.causes.size() == 1) {
            learnAsker(out, route.causes.first().callKey);   // the one left is the cause
            route.causes.clear();
        }
    }
}

void Router::serverRequestAnswered(const ChildRequestRoute &route)
{
    // Settled while several of its session's requests could have caused it: none of them can be
    // called plain when it finishes.
    if (route.causes.size() < 2)
        return;
    for (const Candidate &candidate : route.causes) {
        if (auto it = m_requests.find(candidate.brokerId); it != m_requests.end())
            it->ambiguous = true;
    }
}

QList<Router::Candidate> Router::candidatesNow()
{
    QList<Candidate> candidates;
    for (auto it = m_requests.cbegin(); it != m_requests.cend(); ++it) {
        if (it->forwarded && mayCauseServerRequests(it->method))
            candidates.append({it.key(), it->session, it->callKey});
    }
    const qint64 oldest = m_clock() - m_holdTimeoutMs;
    for (auto it = m_abandoned.begin(); it != m_abandoned.end();) {
        if (it->abandonedMs < oldest) {
            it = m_abandoned.erase(it);
        } else {
            candidates.append(*it);
            ++it;
        }
    }
    return candidates;
}

void Router::routeServerRequest(RouterActions &out, QByteArrayView line, const Envelope &envelope)
{
    const QByteArray childId = envelope.id.in(line).toByteArray();
    const QByteArray method = envelope.method;
    const QByteArray relatedTask = stringAt(line, envelope.params, {"_meta", RelatedTaskKey, "taskId"});
    const SessionId owner = relatedTask.isEmpty() ? 0 : m_taskOwners.value(relatedTask);
    if (owner != 0 && m_sessions.contains(owner)) {
        deliverServerRequest(out, owner, line.toByteArray(), childId, method);
        return;
    }
    // It came on the stream of one of our requests (HTTP upstreams): that request's session
    // asked, exactly, whatever else is in flight.
    const auto related = m_relatedRequest != 0 ? m_requests.constFind(m_relatedRequest) : m_requests.cend();
    if (related != m_requests.cend() && m_sessions.contains(related->session)) {
        if (canHandle(related->session, method, stringAt(line, envelope.params, {"mode"}))) {
            deliverServerRequest(out, related->session, line.toByteArray(), childId, method);
        } else {
            refuseServerRequest(out, childId, method, jsonrpc::MethodNotFound,
                                QStringLiteral("the client that made this request cannot handle %1")
                                    .arg(QString::fromUtf8(method)));
        }
        return;
    }
    HeldRequest held{line.toByteArray(), childId, method, stringAt(line, envelope.params, {"mode"}),
                     candidatesNow(), m_clock() + m_holdTimeoutMs};
    if (held.candidates.isEmpty()) {
        // Nothing in flight: only a session that alone could answer it may get it.
        QList<SessionId> capable;
        for (auto it = m_sessions.cbegin(); it != m_sessions.cend(); ++it) {
            if (canHandle(it.key(), method, held.mode))
                capable.append(it.key());
        }
        if (capable.size() == 1) {
            deliverServerRequest(out, capable.first(), held.line, childId, method);
        } else if (capable.isEmpty()) {
            refuseServerRequest(out, childId, method, jsonrpc::MethodNotFound,
                                QStringLiteral("no connected client can handle %1").arg(QString::fromUtf8(method)));
        } else {
            refuseServerRequest(out, childId, method, jsonrpc::ServerError,
                                cannotTell(method, QStringLiteral("no client request was in flight when it "
                                                                  "arrived and %1 connected clients could answer it")
                                                       .arg(capable.size())));
        }
        return;
    }
    if (settle(out, held))
        return;
    QStringList sessions;
    for (SessionId session : sessionsOf(held.candidates))
        sessions.append(QString::number(session));
    out.append(log(QStringLiteral("%1 from the server held: requests of sessions %2 are in flight; it goes "
                                  "out once only one session's remain")
                       .arg(QString::fromUtf8(method), sessions.join(QStringLiteral(", ")))));
    m_held.append(held);
}

QString Router::cannotTell(const QByteArray &method, const QString &why)
{
    return QStringLiteral("Manifold cannot tell which client's request caused this %1; %2")
        .arg(QString::fromUtf8(method), why);
}

bool Router::settle(RouterActions &out, const HeldRequest &held)
{
    const QList<SessionId> sessions = sessionsOf(held.candidates);
    if (sessions.size() > 1) {
        const bool anyCapable = std::any_of(sessions.cbegin(), sessions.cend(), [&](SessionId session) {
            return canHandle(session, held.method, held.mode);
        });
        if (anyCapable)
            return false;   // still ambiguous: wait for more of them to finish
        for (const Candidate &candidate : held.candidates)
            learnAsker(out, candidate.callKey);
        refuseServerRequest(out, held.childId, held.method, jsonrpc::ServerError,
                            cannotTell(held.method, QStringLiteral("requests of %1 clients were in flight and "
                                                                   "none of them can answer it")
                                                        .arg(sessions.size())));
        return true;
    }
    if (sessions.isEmpty()) {
        // Against the rule that a call awaits what it asked: nothing is left to tie it to.
        refuseServerRequest(out, held.childId, held.method, jsonrpc::ServerError,
                            cannotTell(held.method, QStringLiteral("the client requests in flight when it "
                                                                   "arrived finished without waiting for it")));
        return true;
    }
    const SessionId target = sessions.first();
    if (held.candidates.size() == 1)
        learnAsker(out, held.candidates.first().callKey);
    if (canHandle(target, held.method, held.mode)) {
        // Several of its requests: the ones that finish before it is answered are not the cause.
        deliverServerRequest(out, target, held.line, held.childId, held.method,
                             held.candidates.size() > 1 ? held.candidates : QList<Candidate>());
    } else {
        const QString why = m_sessions.contains(target)
                                ? QStringLiteral("the client whose request caused %1 cannot handle it")
                                : QStringLiteral("the client whose request caused %1 disconnected");
        refuseServerRequest(out, held.childId, held.method, jsonrpc::MethodNotFound,
                            why.arg(QString::fromUtf8(held.method)));
    }
    return true;
}

void Router::settleHeld(RouterActions &out)
{
    for (qsizetype i = 0; i < m_held.size();) {
        if (settle(out, m_held[i]))
            m_held.removeAt(i);
        else
            ++i;
    }
}

bool Router::dropHeld(QByteArrayView childId)
{
    return m_held.removeIf([childId](const HeldRequest &held) { return held.childId == childId; }) > 0;
}

void Router::deliverServerRequest(RouterActions &out, SessionId target, const QByteArray &line,
                                  const QByteArray &childId, const QByteArray &method,
                                  const QList<Candidate> &causes)
{
    const Envelope envelope = jsonrpc::parseEnvelope(line);
    const qint64 facingId = nextId();
    m_childRequests.insert(facingId, {target, childId, findBelow(line, envelope.params, {"task"}).has_value(), causes});
    const QByteArray elicitationId = stringAt(line, envelope.params, {"elicitationId"});
    if (method == "elicitation/create" && !elicitationId.isEmpty())
        m_elicitations.insert(elicitationId, target);
    out.append({RouterAction::Kind::ToSession, target, json::splice(line, envelope.id, QByteArray::number(facingId))});
    out.append(log(QStringLiteral("%1 from the server sent to session %2").arg(QString::fromUtf8(method)).arg(target)));
}

void Router::refuseServerRequest(RouterActions &out, const QByteArray &childId, const QByteArray &method,
                                 int code, const QString &message)
{
    out.append({RouterAction::Kind::ToChild, 0, jsonrpc::makeError(childId, code, message.toUtf8())});
    out.append(log(QStringLiteral("%1 from the server refused: %2").arg(QString::fromUtf8(method), message)));
}

void Router::learnAsker(RouterActions &out, const QByteArray &key)
{
    if (!m_askers.learnAsker(key))
        return;
    out.append({RouterAction::Kind::Learned, 0, key});
    out.append(log(QStringLiteral("%1 makes the server ask the client: such calls from different sessions "
                                  "no longer overlap")
                       .arg(QString::fromUtf8(key))));
}

bool Router::canHandle(SessionId session, const QByteArray &method, const QByteArray &mode) const
{
    const auto it = m_sessions.constFind(session);
    if (it == m_sessions.cend() || !it->initialized)
        return false;
    const QByteArray capability = capabilityFor(method);
    if (capability.isEmpty())
        return true;
    const auto declared = json::findPath(it->capabilities, {capability});
    if (!declared || capability != "elicitation")
        return declared.has_value();
    // elicitation: {} means form only; URL mode must be declared as such.
    const QByteArrayView modes = declared->in(it->capabilities);
    if (mode == "url")
        return json::findPath(modes, {"url"}).has_value();
    return json::findPath(modes, {"form"}).has_value() || !json::findPath(modes, {"url"}).has_value();
}

} // namespace manifold
