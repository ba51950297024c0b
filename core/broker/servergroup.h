#pragma once

#include "broker/instancekey.h"
#include "broker/serverhost.h"
#include "config/serverconfig.h"

#include <QHash>
#include <QJsonObject>
#include <QMap>
#include <QObject>

#include <functional>
#include <QSet>

namespace manifold {

struct Hello;
namespace platform {
class ChildLedger;
}
class SecretStore;

// All the children of one configured server, one per instance key (see InstanceKey): one for
// everyone ("shared"), one per project ("per-project", started in the project directory), one
// per client application ("per-client") or one per session ("isolated"); for a server known to
// ask for roots, also one per set of roots. Sessions whose key is only known once their roots
// are are held, then moved to the right instance (servergrouproots.cpp). Instances other than
// the shared one are removed once they stop with no sessions.
class ServerGroup final : public QObject
{
    Q_OBJECT

public:
    ServerGroup(ServerConfig config, platform::ChildLedger *ledger, ServerHost::Timing timing,
                bool usesRoots = false, QObject *parent = nullptr);
    ~ServerGroup() override;

    const ServerConfig &config() const { return m_config; }
    // Applies to running instances at their next start; a new sharing mode applies to new sessions.
    void setConfig(const ServerConfig &config);
    // Where every instance reads the secret variables' values from when it starts (not owned).
    void setSecretStore(SecretStore *store);
    // A remote server's upstreams and the sign-in status shown with it (set by the broker).
    void setRemoteFactory(ServerHost::RemoteFactory factory);
    void setAuthStatus(std::function<QJsonObject()> authStatus) { m_authStatus = std::move(authStatus); }
    void notifyChanged() { emit changed(); }
    // Every instance's traffic, for the traffic view and its health charts.
    TrafficRecorder &traffic() { return m_traffic; }
    const TrafficRecorder &traffic() const { return m_traffic; }
    // Notes the instances' memory in the health charts (the broker calls it every few seconds).
    void sampleHealth();
    // The server's child has asked for roots (now or in an earlier run of the broker).
    bool usesRoots() const { return m_usesRoots; }

    // Whether the session's instance depends on its first message (its initialize names the
    // client and says whether it has roots).
    bool needsFirstMessage() const;
    // Picks the session's instance (created if needed) and attaches the session to it;
    // firstMessage may be empty.
    ServerHost *attach(SessionId session, const Hello &hello, QByteArrayView firstMessage);
    // The session is gone (its host has already been told, or is told here).
    void detach(SessionId session);
    ServerHost *hostOf(SessionId session) const { return m_hostOf.value(session); }

    ServerHost *primary() const;   // the shared instance, else the first one, else nullptr
    QList<ServerHost *> instances() const { return m_instances.values(); }
    QString keyOf(const ServerHost *host) const { return m_instances.key(const_cast<ServerHost *>(host)); }
    InstanceKey instanceKeyOf(const ServerHost *host) const { return m_keys.value(host); }

    void start();
    void stop();
    void restart();
    void kill();
    bool allStopped() const;

    QJsonObject statusJson() const;

    static QString clientKey(const Hello &hello, QByteArrayView firstMessage);

signals:
    void sessionOutput(manifold::SessionId session, const QByteArray &line);
    void instanceStateChanged(manifold::ServerHost *host, manifold::ServerHost::State state);
    void crashLooped(const QStringList &lastStderr);
    void changed();   // something in statusJson() may differ
    void logAppended(const manifold::RingLog::Entry &entry);
    void sessionMoved(manifold::SessionId session, manifold::ServerHost *host);
    void learnedUsesRoots();   // the first child of this server asked for roots: worth remembering

private:
    ServerHost *instance(const InstanceKey &key, const QList<QByteArray> &roots);
    ServerConfig instanceConfig(const InstanceKey &key) const;
    bool isPermanent(const ServerHost *host) const;

    // servergrouproots.cpp
    SessionFacts factsOf(SessionId session) const;
    void onRootsReported(ServerHost *host, SessionId session);
    void onChildAskedRoots(ServerHost *host);
    void finishLearning(ServerHost *host);
    void rootsSettled(ServerHost *host, SessionId session);   // its roots came, or stopped being awaited
    void placeSession(SessionId session);   // release it, or move it where its key says
    void retryMoves(ServerHost *host);
    void waitForRoots(SessionId session, ServerHost *host);

    ServerConfig m_config;
    TrafficRecorder m_traffic;   // before the instances, which note into it
    platform::ChildLedger *m_ledger;
    ServerHost::Timing m_timing;
    SecretStore *m_secrets = nullptr;
    ServerHost::RemoteFactory m_remoteFactory;
    std::function<QJsonObject()> m_authStatus;
    bool m_usesRoots = false;
    QMap<QString, ServerHost *> m_instances;            // by InstanceKey::text()
    QHash<const ServerHost *, InstanceKey> m_keys;
    QHash<SessionId, SessionFacts> m_facts;            // what the session's hello and initialize said
    QHash<SessionId, ServerHost *> m_hostOf;
    QSet<SessionId> m_rootsTimedOut;                   // its roots never came: treated as none
    QSet<SessionId> m_pendingMoves;                    // to move once nothing of theirs is in flight
    QSet<const ServerHost *> m_learning;               // asked for roots; waits for its first session's
};

} // namespace manifold
