// What the router fuzzer checks about everything a Router emits: each output is judged against
// what the sessions and the child actually sent, so a mis-routed, duplicated or invented message
// fails at once (see routermodel.cpp for the rules).
#pragma once

#include "broker/router.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSet>

namespace fuzz {

class RouterModel
{
public:
    void connect(manifold::SessionId session);
    void disconnect(manifold::SessionId session);
    bool isConnected(manifold::SessionId session) const { return m_sessions.contains(session); }
    QList<manifold::SessionId> sessions() const { return m_sessions.keys(); }

    // Lines fed to the router (only for connected sessions, as ServerHost does).
    void sessionSent(manifold::SessionId session, QByteArrayView line);
    // router: as it was just before the line, for the session requests it had in flight.
    void childSent(QByteArrayView line, const manifold::Router &router, qint64 nowMs);
    // Around a step that cannot complete anything at the child (a session's line, a disconnect):
    // the forwarded requests that vanish were cancelled, and the child may still be running them.
    QSet<QPair<manifold::SessionId, QByteArray>> beforeSessionStep(const manifold::Router &router);
    void noteAbandoned(const QSet<QPair<manifold::SessionId, QByteArray>> &before,
                       const manifold::Router &router, qint64 nowMs);
    // Session requests the router no longer has in flight cannot be what a server request waits on.
    void forgetFinished(const manifold::Router &router);
    // The child process ended: nothing it ran can cause what a new one asks.
    void childGone() { m_abandoned.clear(); }
    // After each check: server requests the router no longer holds are settled.
    void syncHeld(const manifold::Router &router);

    // Everything the router answered to one call.
    void check(const manifold::RouterActions &actions);
    // The router's own view must agree: its requests belong to connected sessions.
    void checkState(const manifold::Router &router) const;
    // After the child failed for good, every request a session sent was answered or cancelled.
    void checkAllAnswered() const;

    // For the placeholders in fuzz inputs: ids the router is still waiting for an answer to.
    QByteArray oldestChildRequest() const { return m_childPending.value(0, "0"); }
    QByteArray newestChildRequest() const
    {
        return m_childPending.isEmpty() ? "0" : m_childPending.last();
    }
    QByteArray newestProgressToken() const { return m_lastToken.isEmpty() ? "0" : m_lastToken; }
    QByteArray oldestSessionRequest(manifold::SessionId session) const
    {
        return m_sessions.value(session).pending.value(0, "0");
    }

private:
    struct Session
    {
        QHash<QByteArray, int> sent;      // raw id -> messages carrying it that want an answer
        QHash<QByteArray, int> answered;  // raw id -> responses received
        QHash<QByteArray, int> cancelled; // raw id -> cancels (either side) that excuse an answer
        QSet<QByteArray> progressTokens;  // raw tokens this session used
        QSet<QByteArray> facingIds;       // ids of requests the router sent to this session
        QList<QByteArray> pending;        // those not answered yet, oldest first
        int nullIdRequests = 0;           // requests with a null id: MCP forbids them
        int nullIdRefusals = 0;           // Invalid Request errors it got with a null id
    };

    void sessionMessage(Session &session, QByteArrayView message, bool inBatch);
    void toSession(manifold::SessionId id, const QByteArray &line);
    void sessionResponse(manifold::SessionId id, Session &session, QByteArrayView response);
    void toChild(const QByteArray &line);
    void serverRequestDelivered(manifold::SessionId id, const QByteArray &line);

    // A request from the child for a client, until it is delivered or answered.
    struct ServerAsk
    {
        QByteArray line;
        QByteArray childId;
        QList<QPair<manifold::SessionId, QByteArray>> candidates;   // (session, its raw request id)
        QSet<manifold::SessionId> arrivalSessions;   // with a request running at the child then
    };
    QList<ServerAsk> m_asks;
    QSet<QPair<manifold::SessionId, QByteArray>> inFlight(const manifold::Router &router) const;
    struct Abandoned
    {
        manifold::SessionId session = 0;
        qint64 atMs = 0;
        QSet<QByteArray> brokerIds;   // the cancels the child got for them: gone once it answers
    };
    QList<Abandoned> m_abandoned;
    QSet<QByteArray> m_stepCancels;   // request ids of the cancels sent to the child this step

    QHash<manifold::SessionId, Session> m_sessions;
    QHash<QByteArray, int> m_childRequests; // raw id -> requests the child sent with it
    QHash<QByteArray, int> m_childAnswers;  // raw id -> responses the router sent it
    QSet<qint64> m_brokerIds;               // ids of every request the router sent the child
    QList<QByteArray> m_childPending;       // those not answered by the child yet
    QByteArray m_lastToken;
};

} // namespace fuzz
