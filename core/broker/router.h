#pragma once

#include "broker/askerbook.h"
#include "broker/fairqueue.h"
#include "broker/listcache.h"
#include "broker/loglevels.h"
#include "broker/subscriptionbook.h"
#include "jsonrpc/jsonrpc.h"
#include "traffic/trafficrecorder.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

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
        RootsReported,      // session answered roots/list; data: its roots (JSON array), empty if it failed
        ChildAskedRoots,    // the child sent roots/list and the instance's roots are not fixed yet
        Learned,            // data: a call key now known to make the server ask a client
    };
    Kind kind;
    SessionId session = 0;
    QByteArray data;
};
using RouterActions = QList<RouterAction>;

// Pure multiplexing logic for one child: many sessions' JSON-RPC lines in, rewritten lines out.
// No sockets, no processes, no timers: it is driven by ServerHost and unit tested directly.
// Session-side handling lives in router.cpp, child-side in routerchild.cpp, and the
// per-feature bookkeeping (subscriptions, log levels, roots, tasks, batches) in routerfeatures.cpp.
class Router final
{
public:
    enum class ChildState { Down, Initializing, Ready, Failed };

    // Why a session request is tracked beyond id routing.
    enum class Purpose { Plain, ListFill, Subscribe, Unsubscribe, SetLevel, CreatesTask };

    struct RequestInfo
    {
        SessionId session = 0;
        QByteArray originalId;    // raw JSON text of the client's id (keeps its JSON type)
        QByteArray method;
        qint64 receivedMs = 0;
        bool forwarded = false;   // false: queued (child not ready, or in-flight limit reached)
        Purpose purpose = Purpose::Plain;
        QByteArray detail;        // ListFill: cursor; (Un)Subscribe: uri
        quint64 generation = 0;   // ListFill: cache generation when it was sent
        QByteArray callKey;       // what it is known as in the AskerBook (empty: never asks)
        bool holdsGate = false;   // forwarded while it might ask: other sessions' askers wait
        bool ambiguous = false;   // shared a server request with another candidate: not plain
    };

    struct SessionInfo
    {
        QByteArray clientName;
        QByteArray clientVersion;
        QByteArray protocolVersion;   // what the session asked for
        QByteArray answeredVersion;   // what it was answered
        QByteArray capabilities;      // raw JSON of the client's declared capabilities
        qint64 requestsServed = 0;
        qint64 lastActivityMs = 0;
        bool initialized = false;     // its initialize has been answered
        bool ready = false;           // it sent notifications/initialized
        QList<QByteArray> roots;      // raw root objects it reported (roots capability)
    };

    // Method names longer than this are refused (requests) or dropped (notifications). MCP's own
    // are under 40 bytes and extensions' are namespaced names of that order; a longer one is
    // garbage, and would otherwise be kept per request, shown in the GUI and written to logs.
    static constexpr qsizetype MaxMethodLength = 256;

    Router(QString serverName, std::function<qint64()> clockMs);

    void setMaxInFlight(int max) { m_maxInFlight = qMax(0, max); }
    int maxInFlight() const { return m_maxInFlight; }
    // Without a limit (maxInFlight 0) a session still has at most this many requests at the
    // child at once; its others wait in the queue and go, round-robin with the other sessions'
    // waiting ones, as its answers come back. What was written to the child cannot be reordered,
    // so this bounds what another session's call waits behind: one window per busy session,
    // not a flood of 10,000. 0: no window. (With a limit, the limit is that bound.)
    static constexpr int DefaultSessionWindow = 32;
    // A session whose window has not moved (nothing of it forwarded or answered) for this long
    // may send one more, and one more after each further such wait: a client whose open calls
    // all wait for its next one (a "wait for event" tool) is slowed down, never deadlocked.
    static constexpr int WindowStallMs = 5000;
    void setSessionWindow(int window) { m_sessionWindow = qMax(0, window); }
    int sessionWindow() const { return m_sessionWindow; }

    // Server->client requests (sampling, elicitation, ...) go only to the session whose request
    // caused them; see routerasking.cpp. Calls learned to ask (persisted by the broker) are
    // handed back at creation so they are kept apart from the first call on.
    void setKnownAskers(const QStringList &keys) { m_askers.addAskers(keys); }
    // The upstream names the request behind each server request (Streamable HTTP: the POST's
    // own stream): calls that may ask need not wait behind another session's.
    void setServerRequestsTagged(bool tagged) { m_serverRequestsTagged = tagged; }
    QStringList knownAskers() const { return m_askers.askers(); }
    // How long a server request whose cause is ambiguous may wait for it to become clear, and a
    // call of an unknown kind may wait behind another session's call that may ask.
    void setHoldTimeoutMs(int ms) { m_holdTimeoutMs = qMax(0, ms); }
    int heldCount() const { return int(m_held.size()); }
    // How many times a waiting request was judged by the attribution gate: tests bound the
    // queue's work with it (a flood behind the gate must cost O(1) per message, not O(waiting)).
    quint64 gateChecks() const { return m_gateChecks; }
    // When expireHeld() must next be called (the router's clock), if anything waits for a deadline.
    std::optional<qint64> nextDeadlineMs() const;
    RouterActions expireHeld();

    void addSession(SessionId session);
    RouterActions removeSession(SessionId session);
    RouterActions fromSession(SessionId session, QByteArrayView line);
    // Every message relayed (and every answer the router makes itself) is noted in recorder,
    // its records marked with instance; nullptr: none. The recorder outlives the router.
    void setTrafficRecorder(TrafficRecorder *recorder, const QByteArray &instance)
    {
        m_traffic = recorder;
        m_trafficInstance = instance;
    }
    RouterActions oversizedFromSession(SessionId session, qsizetype limit);

    RouterActions childStarted();
    RouterActions fromChild(QByteArrayView line);
    // The same, for a line the caller gives up: a response goes to its session in the line's own
    // buffer, the id spliced in place, so that a large result is not copied on its way through.
    RouterActions consumeFromChild(QByteArray &&line);
    // From an upstream that knows which of our requests' streams carried the line (an HTTP
    // POST's SSE response): a server request on it goes to the session of that request.
    RouterActions consumeFromUpstream(QByteArray &&line, QByteArrayView relatedRequest);
    // The child wrote a line longer than the limit; head and tail are its first and last bytes.
    // If it was a response, its request is answered with an error.
    RouterActions oversizedFromChild(QByteArrayView head, QByteArrayView tail, qsizetype limit);
    RouterActions childExited(const QString &description);
    RouterActions childFailed(const QString &description);
    // The child is being stopped: new requests wait for the next one (in-flight ones may still
    // be answered by the old child until it exits).
    void childStopping();
    // Nobody will start a child soon (stopped while waiting to restart): everything waiting
    // gets an error now instead of hanging.
    RouterActions abandonWaiting(const QString &description);
    RouterActions heartbeat();

    ChildState childState() const { return m_state; }
    bool hasSessions() const { return !m_sessions.isEmpty(); }
    int sessionCount() const { return int(m_sessions.size()); }
    QList<SessionId> sessionIds() const { return m_sessions.keys(); }
    SessionInfo sessionInfo(SessionId session) const { return m_sessions.value(session); }
    // In-flight requests first (oldest first), then queued ones in the order they will be sent.
    QList<RequestInfo> requests() const;
    int inFlightCount() const { return m_inFlight; }
    int waitingCount() const;
    bool heartbeatOutstanding() const { return m_heartbeatId != 0; }
    QByteArray cachedInitializeResult() const { return m_initResult; }
    QByteArray negotiatedVersion() const { return m_childVersion; }
    // The child answered initialize with an error but server/discover with a result: it only
    // speaks the stateless 2026-07-28 protocol, so sessions' requests pass straight through.
    bool childIsStateless() const { return m_stateless; }
    const ListCache &listCache() const { return m_listCache; }
    QList<QByteArray> subscribedUris() const { return m_subscriptions.uris(); }

    static bool isKnownProtocolVersion(QByteArrayView version);

    // routerroots.cpp: each instance's own roots, sessions held until their roots are known,
    // and moving a session from one instance's router to another's.
    struct SessionTransfer
    {
        SessionId session = 0;
        SessionInfo info;
        bool rootsReported = false;
        QList<QByteArray> subscriptions;   // resource URIs it subscribed to
        std::optional<int> logLevel;
        QList<QByteArray> held;            // lines held until its roots were known, in order
        quint32 refusalsLogged = 0;        // kinds of refusal already logged for it
    };
    // Whether the broker's initialize declares the roots capability (from the next child on).
    void setDeclaresRoots(bool declare) { m_declaresRoots = declare; }
    bool declaresRoots() const { return m_declaresRoots; }
    // The child's roots/list is answered with exactly these roots (raw root objects); pending
    // questions are answered now. Without it, a learning router keeps the child's question
    // until it is called (ChildAskedRoots), and any other answers with no roots. Never with
    // the roots of several sessions: a union would show a server other clients' directories.
    RouterActions setInstanceRoots(const QList<QByteArray> &roots);
    bool hasInstanceRoots() const { return m_instanceRoots.has_value(); }
    QList<QByteArray> instanceRoots() const { return m_instanceRoots.value_or(QList<QByteArray>()); }
    void setLearnsRoots(bool learns) { m_learnsRoots = learns; }
    bool rootsReported(SessionId session) const { return m_rootsReported.contains(session); }
    // The session's requests and notifications wait (in order) until releaseHeld: its
    // instance depends on roots it has not reported yet. initialize, ping, its answers and
    // notifications/initialized still go through, so that it can report them.
    void holdUntilRoots(SessionId session);
    bool isHeld(SessionId session) const { return m_heldSessions.contains(session); }
    RouterActions releaseHeld(SessionId session);
    // Nothing of the session's is in flight here: no requests, server requests, tasks, batches
    // or roots question; it can move to another instance without losing anything.
    bool canMoveSession(SessionId session) const;
    // Takes the session out (its subscriptions and log level are released here as on
    // disconnect, into out) with everything another router needs to adopt it.
    SessionTransfer detachForMove(SessionId session, RouterActions &out);
    // Adds a session from another router: the child hears its subscriptions and log level,
    // then its held lines (if it is no longer held) are handled as if they came now.
    RouterActions adoptSession(const SessionTransfer &transfer, bool keepHeld);

private:
    struct ProgressRoute
    {
        SessionId session = 0;
        QByteArray originalToken;
        qint64 brokerId = 0;
    };
    struct Candidate           // a session request in flight when a server request arrived
    {
        qint64 brokerId = 0;
        SessionId session = 0;
        QByteArray callKey;
        qint64 abandonedMs = -1;   // when its session cancelled it (the child may still run it)
    };
    struct ChildRequestRoute   // a server->client request handed to one session
    {
        SessionId session = 0;
        QByteArray childId;    // raw id the child used
        bool taskAugmented = false;   // params.task: the session may answer with a task of its own
        QList<Candidate> causes;      // its session's requests that may have caused it, while several
    };
    struct ClientTask          // a task a session created for the child (server->client tasks)
    {
        SessionId session = 0;
        QByteArray taskId;     // the session's own id for it
    };
    struct Batch
    {
        SessionId session = 0;
        int pending = 0;
        bool assembling = true;   // still routing its elements: do not answer yet
        QList<QByteArray> responses;
    };

    // routeredge.cpp: lines refused at the edge, before any routing; each kind of refusal is
    // logged once per session, so a client flooding bad lines cannot flood the server's log.
    enum class Refusal {
        NotJson, TooDeep, Invalid, EmptyBatch, NullId, LongMethodRequest, LongMethodNotification,
        DuplicateId, Oversized,
    };
    struct RefusalText
    {
        int code = 0;
        QString answer;   // the error's message; empty: the message is dropped unanswered
        QString logged;   // what the log says the session did
    };
    static std::optional<Refusal> refusalOf(QByteArrayView line, const jsonrpc::Envelope &);
    static RefusalText describe(Refusal, qsizetype lineLimit);
    // The error answering a refused message (rawId: its id, or null); empty if it is dropped.
    static QByteArray refusalAnswer(Refusal, QByteArrayView rawId, qsizetype lineLimit = 0);
    void logRefusal(RouterActions &out, SessionId session, Refusal, qsizetype lineLimit = 0);
    QString sessionLabel(SessionId session) const;
    QHash<SessionId, quint32> m_refusalsLogged;              // session -> kinds logged (bits)

    // router.cpp: the session side.
    RouterActions handleSessionRequest(SessionId session, QByteArrayView line, const jsonrpc::Envelope &);
    void handleInitialize(RouterActions &out, SessionId session, QByteArrayView line,
                          const jsonrpc::Envelope &);
    void answerInitialize(RouterActions &out, SessionId session, const QByteArray &rawId);
    void refuseLegacyInitialize(RouterActions &out, SessionId session, const QByteArray &rawId);
    void noteStatelessClient(SessionId session, QByteArrayView line, const jsonrpc::Envelope &);
    void forwardRequest(RouterActions &out, SessionId session, QByteArrayView line,
                        const jsonrpc::Envelope &, Purpose purpose, const QByteArray &detail);
    RouterActions handleBatch(SessionId session, QByteArrayView line);
    RouterActions sessionResponse(SessionId session, QByteArrayView line, const jsonrpc::Envelope &);
    RouterActions sessionNotification(SessionId session, QByteArrayView line, const jsonrpc::Envelope &);
    RouterActions sessionCancel(SessionId session, QByteArrayView line);
    void respond(RouterActions &out, SessionId session, const QByteArray &rawId, const QByteArray &line);
    void batchMemberDone(RouterActions &out, qint64 batchId, const QByteArray &response);
    void batchMemberCancelled(RouterActions &out, SessionId session, const QByteArray &rawId);
    void respondError(RouterActions &out, SessionId session, const QByteArray &rawId, int code,
                      const QString &message);

    // routerchild.cpp: the child side.
    RouterActions childResponse(QByteArrayView line, const jsonrpc::Envelope &);
    // line with span replaced, for the last use of line: in place if it is the line
    // consumeFromChild() was given (which is then taken), else a new array.
    QByteArray spliceLastUse(QByteArrayView line, json::Span span, QByteArrayView replacement);
    void finishInitialize(RouterActions &out, QByteArrayView line, const jsonrpc::Envelope &);
    void finishDiscover(RouterActions &out, QByteArrayView line, const jsonrpc::Envelope &);
    void becomeReady(RouterActions &out);
    bool routeSubscriptionNotification(RouterActions &out, QByteArrayView line, const jsonrpc::Envelope &);
    RouterActions childRequest(QByteArrayView line, const jsonrpc::Envelope &);
    RouterActions childNotification(QByteArrayView line, const jsonrpc::Envelope &);
    RouterActions failAll(bool includeWaiting, const QString &description);
    void drainQueue(RouterActions &out);
    void sendOwn(RouterActions &out, QByteArrayView method, const QByteArray &params, const QByteArray &label);
    void forgetRequest(qint64 brokerId);
    bool mayForward(SessionId session) const;   // below its window (or no window applies)
    void markOrphaned(qint64 brokerId);
    bool canHandle(SessionId session, const QByteArray &method, const QByteArray &mode) const;
    void broadcast(RouterActions &out, const QByteArray &line) const;

    // routerfeatures.cpp: subscriptions, logging, roots, tasks.
    bool handleSubscription(RouterActions &out, SessionId session, QByteArrayView line,
                            const jsonrpc::Envelope &);
    bool handleSetLevel(RouterActions &out, SessionId session, QByteArrayView line,
                        const jsonrpc::Envelope &);
    bool handleTaskRequest(RouterActions &out, SessionId session, QByteArrayView line,
                           const jsonrpc::Envelope &);
    void releaseSessionFeatures(RouterActions &out, SessionId session);
    void replayAfterRestart(RouterActions &out);
    void deliverLogMessage(RouterActions &out, QByteArrayView line);
    void deliverResourceUpdate(RouterActions &out, QByteArrayView line);
    bool deliverTaskNotification(RouterActions &out, QByteArrayView line, const jsonrpc::Envelope &);
    void askSessionForRoots(RouterActions &out, SessionId session);
    void storeRoots(RouterActions &out, SessionId session, QByteArrayView line, const jsonrpc::Envelope &);
    void noteTaskCreated(SessionId session, QByteArrayView line, const jsonrpc::Envelope &);
    void noteElicitationsRequired(SessionId session, QByteArrayView line, const jsonrpc::Envelope &);
    QByteArray filterTaskList(SessionId session, QByteArrayView line, const jsonrpc::Envelope &) const;
    QByteArray clientTaskFor(SessionId session, const QByteArray &taskId) const;
    QByteArray rewriteClientTaskIds(SessionId session, QByteArrayView line, bool create);
    bool routeClientTaskRequest(RouterActions &out, QByteArrayView line, const jsonrpc::Envelope &);

    // routerasking.cpp: which session a server request belongs to, and the gate that keeps
    // calls that may ask from different sessions apart.
    struct HeldRequest         // a server request waiting for its cause to become clear
    {
        QByteArray line;
        QByteArray childId;
        QByteArray method;
        QByteArray mode;       // elicitation mode
        QList<Candidate> candidates;
        qint64 deadlineMs = 0;
    };
    void noteRequestKey(RequestInfo &info, QByteArrayView line, const jsonrpc::Envelope &);
    bool gateAllows(qint64 brokerId) const;
    // The FairQueue lane a waiting request belongs in, by what gateAllows would judge it on:
    // Free (never gated), Ordered (may ask, kind unknown: released by age, so in arrival order)
    // or Held (a known asker: released only when no other session holds the gate).
    FairQueue::Lane laneOf(qint64 brokerId) const;
    FairQueue::Lane laneOf(const RequestInfo &info) const;   // gateAllows judges by it too
    void noteForwarded(RequestInfo &info);
    void releaseGate(const RequestInfo &info);
    void noteAbandoned(qint64 brokerId, const RequestInfo &info);
    void candidateFinished(RouterActions &out, qint64 brokerId);
    void serverRequestAnswered(const ChildRequestRoute &route);
    void routeServerRequest(RouterActions &out, QByteArrayView line, const jsonrpc::Envelope &);
    QList<Candidate> candidatesNow();
    void deliverServerRequest(RouterActions &out, SessionId target, const QByteArray &line,
                              const QByteArray &childId, const QByteArray &method,
                              const QList<Candidate> &causes = {});
    void refuseServerRequest(RouterActions &out, const QByteArray &childId, const QByteArray &method,
                             int code, const QString &message);
    static QString cannotTell(const QByteArray &method, const QString &why);
    void learnAsker(RouterActions &out, const QByteArray &key);
    bool settle(RouterActions &out, const HeldRequest &held);   // true: delivered or refused
    void settleHeld(RouterActions &out);
    bool dropHeld(QByteArrayView childId);

    qint64 nextId() { return m_nextId++; }

    QString failedMessage() const;

    QString m_serverName;
    // The traffic view's tap (routertraffic.cpp).
    TrafficRecorder::Origin trafficOrigin(SessionId session) const;
    void recordFromSession(SessionId session, QByteArrayView line, const jsonrpc::Envelope &envelope);
    void recordFromChild(QByteArrayView line, const jsonrpc::Envelope &envelope, const RouterActions &routed);
    void recordAnswer(SessionId session, QByteArrayView rawId, QByteArrayView line);
    void recordOwnRequest(SessionId session, QByteArrayView method, QByteArrayView rawId, QByteArrayView line);
    static TrafficRecorder::Answer answerOf(QByteArrayView line, const jsonrpc::Envelope &envelope);
    TrafficRecorder *m_traffic = nullptr;
    QByteArray m_trafficInstance;
    bool m_replaying = false;                        // held lines routed again: recorded already
    std::optional<TrafficRecorder::Answer> m_childAnswer;   // the server's answer respond() is given

    QByteArray *m_consumed = nullptr;   // the line consumeFromChild() is routing, until taken
    qint64 m_relatedRequest = 0;
    bool m_serverRequestsTagged = false;        // consumeFromUpstream(): the request whose stream carried it
    QString m_failure;   // why the child failed: what later requests are told
    std::function<qint64()> m_clock;
    ChildState m_state = ChildState::Down;
    bool m_everReady = false;
    qint64 m_nextId = 1;
    int m_maxInFlight = 0;
    int m_sessionWindow = DefaultSessionWindow;
    int m_inFlight = 0;                                      // forwarded requests holding a slot
    struct WindowShare
    {
        int inFlight = 0;     // the session's share of m_inFlight
        qint64 movedMs = 0;   // while the window is full: when it last moved (forward or answer)
    };
    QHash<SessionId, WindowShare> m_windowOf;

    QMap<SessionId, SessionInfo> m_sessions;
    QList<QPair<SessionId, QByteArray>> m_waitingInit;      // sessions' initialize ids
    QByteArray m_initResult;                                 // raw child result
    QByteArray m_childVersion;
    qint64 m_initId = 0;
    qint64 m_discoverId = 0;
    bool m_stateless = false;
    qint64 m_heartbeatId = 0;
    QHash<qint64, QByteArray> m_own;                         // broker's own requests -> label

    QMap<qint64, RequestInfo> m_requests;                    // brokerId -> request (ordered)
    QHash<qint64, QByteArray> m_unsent;                      // brokerId -> rewritten line
    FairQueue m_queue;                                       // order in which unsent ones go
    QHash<QPair<SessionId, QByteArray>, qint64> m_byOriginal;
    QHash<qint64, QList<qint64>> m_tokensOf;                 // brokerId -> progress tokens
    QHash<qint64, ProgressRoute> m_progress;                 // broker token -> route
    QHash<qint64, ChildRequestRoute> m_childRequests;        // session-facing id -> route
    QMap<qint64, bool> m_orphaned;                           // cancelled upstream; late answers are dropped
    AskerBook m_askers;
    mutable quint64 m_gateChecks = 0;
    QHash<SessionId, int> m_gateHolders;                     // session -> requests holding the gate
    QList<HeldRequest> m_held;
    QHash<qint64, Candidate> m_abandoned;                    // cancelled calls the child may still run
    int m_holdTimeoutMs = 5000;

    QHash<qint64, Batch> m_batches;
    QHash<QPair<SessionId, QByteArray>, qint64> m_batchOf;   // (session, original id) -> batch

    ListCache m_listCache;
    quint64 m_listGeneration = 0;
    SubscriptionBook m_subscriptions;
    LogLevels m_logLevels;
    std::optional<int> m_childLogLevel;
    QHash<qint64, SessionId> m_rootsQueries;                 // session-facing id -> session
    QHash<QByteArray, SessionId> m_elicitations;             // URL elicitationId -> session
    QHash<QByteArray, SessionId> m_taskOwners;               // taskId -> session
    QHash<QByteArray, QList<qint64>> m_taskTokens;           // taskId -> progress tokens kept alive
    QHash<QByteArray, ClientTask> m_clientTasks;             // broker task id (seen by the child) -> session's

    // routerroots.cpp
    bool holdLine(SessionId session, QByteArrayView line, const jsonrpc::Envelope &);
    bool answerRootsQuestion(RouterActions &out, const QByteArray &childId);
    void replayAdopted(RouterActions &out);
    bool m_declaresRoots = true;
    bool m_learnsRoots = false;
    bool m_replayOnReady = false;                            // adopted sessions' state awaits the first child
    std::optional<QList<QByteArray>> m_instanceRoots;
    QList<QByteArray> m_pendingRootsQuestions;               // child ids of roots/list waiting for the roots
    QSet<SessionId> m_rootsReported;
    QHash<SessionId, QList<QByteArray>> m_heldSessions;            // held sessions -> their lines, in order
};

} // namespace manifold
