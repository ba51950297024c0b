// Router, roots per instance: what the child is told its roots are, sessions held until their
// roots are known, and moving a session between routers (between instances of one server).
#include "router.h"

#include "broker/routerutil.h"

#include <QScopedValueRollback>

namespace manifold {

using jsonrpc::Envelope;
using namespace routerutil;

RouterActions Router::setInstanceRoots(const QList<QByteArray> &roots)
{
    RouterActions out;
    const bool changed = m_instanceRoots && *m_instanceRoots != roots;
    m_instanceRoots = roots;
    const auto pending = std::exchange(m_pendingRootsQuestions, {});
    for (const QByteArray &childId : pending)
        answerRootsQuestion(out, childId);
    if (changed && m_state == ChildState::Ready && m_declaresRoots)
        out.append({RouterAction::Kind::ToChild, 0, jsonrpc::makeNotification("notifications/roots/list_changed")});
    return out;
}

bool Router::answerRootsQuestion(RouterActions &out, const QByteArray &childId)
{
    if (m_instanceRoots) {
        out.append({RouterAction::Kind::ToChild, 0,
                    jsonrpc::makeResult(childId, "{\"roots\":[" + m_instanceRoots->join(',') + "]}")});
        return true;
    }
    if (m_learnsRoots) {
        // Only the broker can say whose roots this instance stands for: keep the question.
        m_pendingRootsQuestions.append(childId);
        out.append({RouterAction::Kind::ChildAskedRoots, 0, {}});
        return true;
    }
    out.append({RouterAction::Kind::ToChild, 0, jsonrpc::makeResult(childId, "{\"roots\":[]}")});
    return true;
}

void Router::holdUntilRoots(SessionId session)
{
    if (m_sessions.contains(session) && !m_heldSessions.contains(session))
        m_heldSessions.insert(session, {});
}

bool Router::holdLine(SessionId session, QByteArrayView line, const Envelope &envelope)
{
    switch (envelope.kind) {
    case Envelope::Kind::Request:
        if (envelope.method == "initialize" || envelope.method == "ping")
            return false;
        break;
    case Envelope::Kind::Notification:
        if (envelope.method == "notifications/initialized" || envelope.method == "notifications/roots/list_changed")
            return false;
        break;
    case Envelope::Kind::Response:
    case Envelope::Kind::NotJson:
    case Envelope::Kind::Invalid:
        return false;
    case Envelope::Kind::Batch:
        break;
    }
    m_heldSessions[session].append(line.toByteArray());
    return true;
}

RouterActions Router::releaseHeld(SessionId session)
{
    RouterActions out;
    const auto held = m_heldSessions.take(session);
    const QScopedValueRollback<bool> replaying(m_replaying, true);
    for (const QByteArray &line : held)
        out += fromSession(session, line);
    return out;
}

bool Router::canMoveSession(SessionId session) const
{
    if (!m_sessions.contains(session))
        return false;
    const auto mine = [session](const auto &entry) { return entry.session == session; };
    if (std::any_of(m_requests.cbegin(), m_requests.cend(), mine) ||
        std::any_of(m_childRequests.cbegin(), m_childRequests.cend(), mine) ||
        std::any_of(m_batches.cbegin(), m_batches.cend(), mine) ||
        std::any_of(m_clientTasks.cbegin(), m_clientTasks.cend(), mine))
        return false;
    const auto owns = [session](SessionId owner) { return owner == session; };
    if (std::any_of(m_taskOwners.cbegin(), m_taskOwners.cend(), owns) ||
        std::any_of(m_rootsQueries.cbegin(), m_rootsQueries.cend(), owns) ||
        std::any_of(m_elicitations.cbegin(), m_elicitations.cend(), owns))
        return false;
    return std::none_of(m_waitingInit.cbegin(), m_waitingInit.cend(),
                        [session](const auto &w) { return w.first == session; });
}

Router::SessionTransfer Router::detachForMove(SessionId session, RouterActions &out)
{
    SessionTransfer transfer;
    transfer.session = session;
    transfer.info = m_sessions.value(session);
    transfer.rootsReported = m_rootsReported.contains(session);
    for (const QByteArray &uri : m_subscriptions.uris()) {
        if (m_subscriptions.isSubscribed(session, uri))
            transfer.subscriptions.append(uri);
    }
    transfer.logLevel = m_logLevels.levelOf(session);
    transfer.held = m_heldSessions.value(session);
    transfer.refusalsLogged = m_refusalsLogged.value(session);
    out += removeSession(session);
    return transfer;
}

RouterActions Router::adoptSession(const SessionTransfer &transfer, bool keepHeld)
{
    RouterActions out;
    const SessionId session = transfer.session;
    SessionInfo info = transfer.info;
    info.lastActivityMs = m_clock();
    m_sessions.insert(session, info);
    if (transfer.refusalsLogged)
        m_refusalsLogged.insert(session, transfer.refusalsLogged);
    if (transfer.rootsReported)
        m_rootsReported.insert(session);
    const bool ready = m_state == ChildState::Ready;
    for (const QByteArray &uri : transfer.subscriptions) {
        if (m_subscriptions.subscribe(session, uri) && ready)
            sendOwn(out, "resources/subscribe", "{\"uri\":" + json::encodeString(uri) + '}', "subscribe");
    }
    if (transfer.logLevel) {
        m_logLevels.set(session, *transfer.logLevel);
        const std::optional<int> effective = m_logLevels.effective();
        if (ready && effective != m_childLogLevel) {
            m_childLogLevel = effective;
            sendOwn(out, "logging/setLevel", "{\"level\":" + json::encodeString(LogLevels::name(*effective)) + '}',
                    "logging level");
        }
    }
    if (!ready)
        m_replayOnReady = true;   // the child that comes next hears them
    if (m_state == ChildState::Down && (!transfer.subscriptions.isEmpty() || !transfer.held.isEmpty()))
        out.append({RouterAction::Kind::NeedChild, 0, {}});
    if (keepHeld) {
        m_heldSessions.insert(session, transfer.held);
        return out;
    }
    const QScopedValueRollback<bool> replaying(m_replaying, true);
    for (const QByteArray &line : transfer.held)
        out += fromSession(session, line);
    return out;
}

void Router::replayAdopted(RouterActions &out)
{
    if (std::exchange(m_replayOnReady, false) && !m_everReady)
        replayAfterRestart(out);
}

} // namespace manifold
