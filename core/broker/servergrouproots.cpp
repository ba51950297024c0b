// ServerGroup, roots: learning that a server asks for roots, and moving sessions whose roots
// (or project) turn out to belong to another instance than the one they were bound to first.
//
// The rule: while a server is not known to use roots, its instances are keyed by the sharing
// mode alone and declare the roots capability. When one's child first asks for roots, the
// server is marked as using roots (persisted by the broker), and that instance takes the key
// of its oldest session (waiting up to rootsWaitMs for that session's roots if they are still
// coming) and answers with exactly those roots. If they are none, the child is answered with
// an empty list (a server then keeps the directories its arguments name) and its next start
// (crash, restart, or the next time it is needed) initializes it without the roots
// capability; it is not restarted for that, so no client's work is cut short. Its other
// sessions move to their own keys' instances when nothing of theirs is in flight. From then on
// every instance is keyed by roots from the start and initialized accordingly.
#include "servergroup.h"

#include "jsonrpc/jsonscan.h"

#include <QPointer>
#include <QTimer>

namespace manifold {

SessionFacts ServerGroup::factsOf(SessionId session) const
{
    SessionFacts facts = m_facts.value(session);
    const ServerHost *host = m_hostOf.value(session);
    if (!host)
        return facts;
    const Router::SessionInfo info = host->router().sessionInfo(session);
    if (!info.capabilities.isEmpty())
        facts.rootsCapable = json::findPath(info.capabilities, {"roots"}).has_value();
    if (host->router().rootsReported(session))
        facts.roots = info.roots;
    else if (m_rootsTimedOut.contains(session))
        facts.roots = QList<QByteArray>{};   // none came: as if it had none
    return facts;
}

void ServerGroup::waitForRoots(SessionId session, ServerHost *host)
{
    QTimer::singleShot(m_timing.rootsWaitMs, this, [this, session, guard = QPointer<ServerHost>(host)] {
        ServerHost *host = guard.data();
        if (!host || m_hostOf.value(session) != host || host->router().rootsReported(session))
            return;
        m_rootsTimedOut.insert(session);
        rootsSettled(host, session);
    });
}

void ServerGroup::rootsSettled(ServerHost *host, SessionId session)
{
    // The oldest session of an instance that is learning decides its key; any other is placed.
    const QList<SessionId> ids = host->router().sessionIds();
    if (m_learning.contains(host) && !ids.isEmpty() && ids.first() == session)
        finishLearning(host);
    else
        placeSession(session);
}

void ServerGroup::onRootsReported(ServerHost *host, SessionId session)
{
    if (m_hostOf.value(session) != host)
        return;
    m_rootsTimedOut.remove(session);
    rootsSettled(host, session);
}

void ServerGroup::onChildAskedRoots(ServerHost *host)
{
    if (!m_keys.contains(host) || host->router().hasInstanceRoots() || m_learning.contains(host))
        return;
    if (!m_usesRoots) {
        m_usesRoots = true;
        emit learnedUsesRoots();
        emit changed();
    }
    const QList<SessionId> ids = host->router().sessionIds();
    if (ids.isEmpty()) {
        host->setInstanceRoots({});
        return;
    }
    const SessionFacts owner = factsOf(ids.first());
    if (owner.rootsCapable && !owner.roots) {
        m_learning.insert(host);
        waitForRoots(ids.first(), host);
        return;
    }
    finishLearning(host);
}

void ServerGroup::finishLearning(ServerHost *host)
{
    m_learning.remove(host);
    const QList<SessionId> ids = host->router().sessionIds();
    if (ids.isEmpty()) {
        host->setInstanceRoots({});
        return;
    }
    const SessionFacts owner = factsOf(ids.first());
    const InstanceKey key = instanceKeyFor(m_config.sharing, owner, true);
    host->setInstanceRoots(key.declaresRoots() ? effectiveRoots(owner) : QList<QByteArray>{});
    if (!m_instances.contains(key.text())) {
        m_instances.remove(m_instances.key(host));
        m_instances.insert(key.text(), host);
        m_keys.insert(host, key);
        host->setConfig(instanceConfig(key));
        host->setRootsMode(key.declaresRoots(), false);   // from its next start
    }
    // Otherwise that key has an instance already: this one keeps its old key, gets no new
    // sessions and ends once its sessions have moved.
    for (SessionId session : ids)
        placeSession(session);
    emit changed();
}

void ServerGroup::placeSession(SessionId session)
{
    ServerHost *host = m_hostOf.value(session);
    if (!host || m_learning.contains(host))
        return;
    const SessionFacts facts = factsOf(session);
    if (keyAwaitsRoots(m_config.sharing, facts, m_usesRoots))
        return;   // its roots are still coming
    const InstanceKey key = instanceKeyFor(m_config.sharing, facts, m_usesRoots);
    if (key == m_keys.value(host)) {
        m_pendingMoves.remove(session);
        if (host->router().isHeld(session))
            host->releaseHeld(session);
        return;
    }
    if (!host->router().canMoveSession(session)) {
        m_pendingMoves.insert(session);   // retried whenever its instance has news
        return;
    }
    m_pendingMoves.remove(session);
    const Router::SessionTransfer transfer = host->takeSession(session);
    // Left empty by the move (typically a guess that turned out wrong): nobody is coming back
    // to it, so it stops now instead of lingering, and goes.
    if (!host->router().hasSessions())
        host->stop();
    ServerHost *target = instance(key, effectiveRoots(facts));
    m_hostOf.insert(session, target);
    target->adoptSession(transfer, false);
    emit sessionMoved(session, target);
    emit changed();
}

void ServerGroup::retryMoves(ServerHost *host)
{
    const QSet<SessionId> pending = m_pendingMoves;
    for (SessionId session : pending) {
        if (m_hostOf.value(session) == host)
            placeSession(session);
    }
}

} // namespace manifold
