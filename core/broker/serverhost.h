#pragma once

#include "broker/restartpolicy.h"
#include "broker/ringlog.h"
#include "broker/router.h"
#include "broker/upstream.h"
#include "config/serverconfig.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

namespace manifold {

namespace platform {
class ChildLedger;
}
class SecretStore;

// Supervises one upstream of one server — a child process (ChildUpstream) or a remote server
// over HTTP (core/remote) — and multiplexes its sessions onto it through a Router: start,
// initialize, heartbeat, graceful stop, restart with backoff after a crash (or a network
// failure, which never counts toward a crash loop), give up on a crash loop, wait for the user
// when a remote server needs a sign-in, linger after the last session leaves.
class ServerHost final : public QObject
{
    Q_OBJECT

public:
    enum class State { Stopped, Starting, Running, Backoff, Stopping, Failed, SignInRequired };
    Q_ENUM(State)

    struct Timing
    {
        int stdinGraceMs = 2000;   // after closing stdin, before SIGTERM
        int termGraceMs = 2000;    // after SIGTERM, before SIGKILL
        int initializeTimeoutMs = 60000;   // a child that never answers initialize is killed
        int rootsWaitMs = 5000;    // a session's roots that do not come by then: its cwd decides
        RestartPolicy::Settings restart;
        int networkRetryMinMs = 1000;    // a remote server that cannot be reached: first retry
        int networkRetryMaxMs = 60000;   // ... doubling up to this
    };

    // Makes the upstream of a remote server (set by the broker, which owns the sign-ins).
    // secretHeaders: the values of config.secretHeaders, read from the keychain.
    using RemoteFactory = std::function<Upstream *(const ServerConfig &config,
                                                   const QMap<QString, QString> &secretHeaders, QObject *parent)>;

    ServerHost(ServerConfig config, platform::ChildLedger *ledger, QObject *parent = nullptr);
    ~ServerHost() override;

    const ServerConfig &config() const { return m_config; }
    void setConfig(const ServerConfig &config);   // takes effect at the next start
    void setTiming(const Timing &timing);
    // Where the values of config().secretEnv are read from at every start (not owned).
    void setSecretStore(SecretStore *store) { m_secrets = store; }
    void setRemoteFactory(RemoteFactory factory) { m_remoteFactory = std::move(factory); }
    // Where this instance's traffic is noted (the group's recorder, not owned); its records
    // carry instance. The secret values it starts with are masked in what is shown.
    void setTrafficRecorder(TrafficRecorder *recorder, const QByteArray &instance)
    {
        m_traffic = recorder;
        m_router.setTrafficRecorder(recorder, instance);
    }
    // The resident memory of its child process group, or -1 (not running, remote).
    qint64 memoryKb() const;

    State state() const { return m_state; }
    // Nothing runs and nothing will start by itself: stopped, failed, or waiting for a sign-in.
    bool isDown() const { return m_state == State::Stopped || m_state == State::Failed || m_state == State::SignInRequired; }
    static QString stateName(State state);
    qint64 pid() const;
    int restarts() const { return m_restarts; }
    bool unresponsive() const { return m_unresponsive; }
    const RingLog &log() const { return m_log; }
    const Router &router() const { return m_router; }
    // Calls known to make the server ask a client (learned earlier, kept by the broker).
    void setKnownAskers(const QStringList &askers) { m_router.setKnownAskers(askers); }
    qint64 clockMs() const { return m_clock.elapsed(); }   // the router's clock (ages, activity)
    QJsonObject statusJson() const;
    static QJsonObject idleStatusJson(const ServerConfig &config);   // a server with no child yet

    void attachSession(SessionId session);
    void detachSession(SessionId session);
    void sessionLine(SessionId session, const QByteArray &line);
    void sessionLineTooLong(SessionId session, qsizetype limit);
    // An event about one of its sessions, for the server's log (GUI Log tab, manifoldctl logs).
    void noteEvent(const QString &text) { logEvent(text); }

    // Roots of this instance and moving sessions between instances (ServerGroup decides).
    // declares: the child is initialized with the roots capability (from its next start);
    // learns: without fixed roots, the child's roots/list waits for setInstanceRoots.
    void setRootsMode(bool declares, bool learns);
    void setInstanceRoots(const QList<QByteArray> &roots);
    void holdUntilRoots(SessionId session) { m_router.holdUntilRoots(session); }
    void releaseHeld(SessionId session);
    Router::SessionTransfer takeSession(SessionId session);
    void adoptSession(const Router::SessionTransfer &transfer, bool keepHeld);

    void start();      // also clears a Failed or SignInRequired state
    void stop();       // close stdin -> SIGTERM -> SIGKILL; stays stopped until needed again
    void restart();    // stop, then start
    void kill();       // SIGKILL the whole group now; treated like a crash (restarts)

    // Waits (spinning the caller's event loop is not allowed) — only for shutdown paths.
    void shutdownBlocking(int timeoutMs);

signals:
    void stateChanged(manifold::ServerHost::State state);
    void sessionOutput(manifold::SessionId session, const QByteArray &line);
    void logged(const manifold::RingLog::Entry &entry);
    void activity();   // a message went through: counts, queue or heartbeat may have changed
    void idle();       // no sessions left and no child running: a non-shared instance may go
    void crashLooped(const QStringList &lastStderr);
    void heartbeat(bool answered);
    void rootsReported(manifold::SessionId session, const QByteArray &roots);   // roots: JSON array, empty if it failed
    void childAskedRoots();
    // The router learned that a call makes the server ask a client; askers is all it knows of.
    void askersLearned(const QString &server, const QStringList &askers);

private:
    void setState(State state);
    void dispatch(const RouterActions &actions);
    void armHeldTimer();
    void writeToChild(const QByteArray &line);
    void onStarted();
    void onStderrLine(const QString &text);
    void onSessionLost();
    void onHeartbeatTimer();
    void onLingerTimeout();
    void onGone(const QString &description, Upstream::GoneKind kind);
    void logEvent(const QString &text);
    void startProcess();
    void launch(const QMap<QString, QString> &secretValues);
    void failToStart(const QString &description);
    void dropUpstream();
    bool awaitingSecrets() const { return m_state == State::Starting && !m_upstream; }

    ServerConfig m_config;
    ServerConfig m_pendingConfig;
    bool m_hasPendingConfig = false;
    platform::ChildLedger *m_ledger;
    SecretStore *m_secrets = nullptr;
    quint64 m_startAttempt = 0;   // a secret read answering for an abandoned start is ignored
    Timing m_timing;
    Router m_router;
    TrafficRecorder *m_traffic = nullptr;
    RestartPolicy m_policy;
    RingLog m_log;
    RemoteFactory m_remoteFactory;
    Upstream *m_upstream = nullptr;
    bool m_upstreamStarted = false;
    State m_state = State::Stopped;
    QDateTime m_startedAt;
    QDateTime m_lastHeartbeat;
    QString m_lastExit;
    int m_restarts = 0;
    bool m_everStarted = false;
    bool m_restartAfterStop = false;
    int m_networkFailures = 0;   // in a row; reset once the upstream initializes
    bool m_unresponsive = false;
    QTimer m_restartTimer;
    QTimer m_heartbeatTimer;
    QTimer m_lingerTimer;
    QTimer m_initializeTimer;
    QTimer m_heldTimer;   // the router's next held server request deadline
    std::optional<qint64> m_heldDeadline;   // what m_heldTimer was last set for
    QElapsedTimer m_sinceChildTraffic;
    QElapsedTimer m_clock;
};

} // namespace manifold
