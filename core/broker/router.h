#pragma once

#include "jsonrpc/jsonrpc.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>

#include <functional>

namespace manifold {

using SessionId = quint64;

// What the router wants done; the ServerHost carries it out.
struct RouterAction
{
    enum class Kind {
        ToChild,            // data: one line for the child's stdin
        ToSession,          // data: one line for session's client
        Log,                // data: a human-readable broker event
        ChildReady,         // the child answered initialize
        HeartbeatAnswered,  // the child answered the broker's ping
        NeedChild,          // a request is waiting and no child is running
    };
    Kind kind;
    SessionId session = 0;
    QByteArray data;
};
using RouterActions = QList<RouterAction>;

// Pure multiplexing logic for one child: many sessions' JSON-RPC lines in, rewritten lines out.
// No sockets, no processes, no timers: it is driven by ServerHost and unit tested directly.
class Router final
{
public:
    enum class ChildState { Down, Initializing, Ready, Failed };

    struct RequestInfo
    {
        SessionId session = 0;
        QByteArray originalId;    // raw JSON text of the client's id (keeps its JSON type)
        QByteArray method;
        qint64 receivedMs = 0;
        bool forwarded = false;   // false: waiting for the child to be ready
    };

    struct SessionInfo
    {
        QByteArray clientName;
        QByteArray clientVersion;
        QByteArray protocolVersion;
        QByteArray capabilities;  // raw JSON of the client's declared capabilities
        qint64 requestsServed = 0;
        qint64 lastActivityMs = 0;
        bool initialized = false; // its initialize has been answered
    };

    Router(QString serverName, std::function<qint64()> clockMs);

    void addSession(SessionId session);
    RouterActions removeSession(SessionId session);
    RouterActions fromSession(SessionId session, QByteArrayView line);
    RouterActions oversizedFromSession(SessionId session, qsizetype limit);

    RouterActions childStarted();
    RouterActions fromChild(QByteArrayView line);
    RouterActions childExited(const QString &description);
    RouterActions childFailed(const QString &description);
    RouterActions heartbeat();

    ChildState childState() const { return m_state; }
    bool hasSessions() const { return !m_sessions.isEmpty(); }
    int sessionCount() const { return int(m_sessions.size()); }
    QList<SessionId> sessionIds() const { return m_sessions.keys(); }
    SessionInfo sessionInfo(SessionId session) const { return m_sessions.value(session); }
    QList<RequestInfo> requests() const { return m_requests.values(); }
    int inFlightCount() const;
    int waitingCount() const;
    bool heartbeatOutstanding() const { return m_heartbeatId != 0; }
    QByteArray cachedInitializeResult() const { return m_initResult; }

private:
    struct ProgressRoute
    {
        SessionId session = 0;
        QByteArray originalToken;
        qint64 brokerId = 0;
    };
    struct ChildRequestRoute       // a server->client request handed to one session
    {
        SessionId session = 0;
        QByteArray childId;        // raw id the child used
    };

    RouterActions handleSessionRequest(SessionId session, QByteArrayView line, const jsonrpc::Envelope &);
    RouterActions answerInitialize(SessionId session, const QByteArray &rawId);
    RouterActions forwardPending();
    RouterActions childResponse(QByteArrayView line, const jsonrpc::Envelope &);
    RouterActions childRequest(QByteArrayView line, const jsonrpc::Envelope &);
    RouterActions childNotification(QByteArrayView line, const jsonrpc::Envelope &);
    RouterActions sessionResponse(SessionId session, QByteArrayView line, const jsonrpc::Envelope &);
    RouterActions sessionCancel(SessionId session, QByteArrayView line);
    RouterActions failAll(bool includeWaiting, const QString &description);
    void forgetRequest(qint64 brokerId);
    void markOrphaned(qint64 brokerId);
    SessionId pickSessionFor(const QByteArray &method) const;
    void broadcast(RouterActions &out, const QByteArray &line) const;
    qint64 nextId() { return m_nextId++; }

    QString m_serverName;
    std::function<qint64()> m_clock;
    ChildState m_state = ChildState::Down;
    bool m_everReady = false;
    qint64 m_nextId = 1;

    QMap<SessionId, SessionInfo> m_sessions;
    QList<QPair<SessionId, QByteArray>> m_waitingInit;      // sessions' initialize ids
    QByteArray m_initResult;                                 // raw child result
    qint64 m_initId = 0;
    qint64 m_heartbeatId = 0;

    QMap<qint64, RequestInfo> m_requests;                    // brokerId -> request (ordered)
    QMap<qint64, QByteArray> m_unsent;                       // brokerId -> rewritten line
    QHash<QPair<SessionId, QByteArray>, qint64> m_byOriginal;
    QHash<qint64, QList<qint64>> m_tokensOf;                 // brokerId -> progress tokens
    QHash<qint64, ProgressRoute> m_progress;                 // broker token -> route
    QHash<qint64, ChildRequestRoute> m_childRequests;        // session-facing id -> route
    QMap<qint64, bool> m_orphaned;                           // cancelled upstream; late answers are dropped
};

} // namespace manifold
