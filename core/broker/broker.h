#pragma once

#include "broker/router.h"
#include "broker/servergroup.h"
#include "broker/serverhost.h"
#include "config/learnedstate.h"
#include "config/serverregistry.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

class QLocalServer;
class QFileSystemWatcher;
class QLocalSocket;
class QLockFile;

namespace manifold {

class RemoteAccess;

namespace platform {
class ChildLedger;
class LoopProbe;
}
class ControlService;
class SecretStore;
class ServerHost;
class ClientSession;
namespace http {
class FrontDoor;
class TokenStore;
}
struct Hello;

// The per-user broker: owns the local socket, the server registry, one ServerHost per server and
// the sessions of connected shims. The tray app and `manifold --headless` both host one.
class Broker final : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString configDir;     // empty: ServerRegistry::defaultConfigDir()
        QString socketPath;    // empty: platform::defaultSocketPath()
        QString socketSource;  // platform::socketSourceName(); empty: "default" or "--socket"
        bool useGuardian = true;
        ServerHost::Timing timing;   // stop grace periods and restart backoff
        SecretStore *secretStore = nullptr;   // not owned; nullptr: createSecretStore()
    };

    enum class ListenResult { Listening, AlreadyRunning, Failed };

    explicit Broker(Options options, QObject *parent = nullptr);
    ~Broker() override;

    // Takes the per-socket lock, recovers a stale socket, loads servers.json and listens.
    ListenResult listen(QString *message);
    // Stops every child (close stdin -> SIGTERM -> SIGKILL) and calls done when all are gone.
    void shutdown(std::function<void()> done);

    QString socketPath() const { return m_socketPath; }
    QString socketSource() const { return m_socketSource; }
    QString configDir() const { return m_configDir; }
    QString registryError() const { return m_registryError; }
    const ServerRegistry &registry() const { return m_registry; }
    // Holds the values of the servers' secret variables (the OS keychain in the apps).
    SecretStore *secretStore() const { return m_secrets; }
    // Remote servers' sign-ins and upstreams (the tray sets how sign-in URLs are opened).
    RemoteAccess *remoteAccess() const { return m_remote; }
    ServerGroup *group(const QString &name) const { return m_groups.value(name); }
    // The shared child's host of a server (or its first instance), nullptr if none.
    ServerHost *host(const QString &name) const;
    QStringList serverNames() const { return m_groups.keys(); }

    QJsonObject status() const;
    QJsonObject sessionJson(SessionId id) const;   // empty if there is no such session
    QList<SessionId> sessionIds() const { return m_sessions.keys(); }
    // A session of another transport than the shim's (the HTTP front door), for a server that
    // exists: routed like a shim's from now on. Its id comes from nextSessionId().
    void adoptSession(ClientSession *session, const QByteArray &alreadyRead = {});
    SessionId nextSessionId();

    // The HTTP front door (servers.json "http"): its state with the tokens' names; turning it
    // on or off (changes: address, port, allowNoToken) saves the setting and applies it now.
    // A failed enable leaves the saved setting as it was.
    QJsonObject httpStatus();
    bool setHttpEnabled(bool enabled, const QJsonObject &changes, QString *error);
    // Loaded on first use (and again after a failed load); *error says why it cannot be used.
    http::TokenStore *httpTokens(QString *error = nullptr);
    // Revokes a token and ends the HTTP sessions that came with it.
    bool revokeHttpToken(const QString &name, QString *error);
    // Connections of cut-off sessions still given time to deliver their last lines.
    int closingConnections() const;
    bool disconnectSession(SessionId id, QString *error);
    bool addServer(const ServerConfig &config, QString *error);
    // Replaces a server's definition and saves it; running children pick it up at their next start
    // (the unread limit, maxQueuedBytes, applies to its connected sessions at once).
    bool updateServer(const ServerConfig &config, QString *error);
    // Changes one setting of a server (sharing, maxInFlight, lingerMs, heartbeatMs, maxLineBytes,
    // maxQueuedBytes) and saves servers.json.
    bool setServerOption(const QString &name, const QString &key, const QString &value, QString *error);
    bool removeServer(const QString &name, QString *error);
    // The cap on bytes waiting for one client of a server that does not set its own
    // maxQueuedBytes: servers.json's "defaults", else $MANIFOLD_MAX_QUEUED_BYTES, else 64 MiB.
    qint64 defaultMaxQueuedBytes() const;
    QString defaultMaxQueuedBytesSource() const;   // "servers.json", "environment" or "built-in"
    // Changes one of servers.json's "defaults" (maxQueuedBytes; 0 goes back to the environment's
    // or the built-in value), saves it and applies it to the sessions already connected.
    bool setDefaultOption(const QString &key, const QString &value, QString *error);
    // The traffic view's memory per server: servers.json's "defaults", else 8 MiB.
    qint64 trafficMemoryBytes() const;
    static constexpr qint64 MinTrafficMemoryBytes = 1024 * 1024;
    static constexpr qint64 MaxTrafficMemoryBytes = 512 * 1024 * 1024;
    // How often the servers' memory is noted in their health charts.
    static constexpr int HealthSampleMs = 10 * 1000;
    // Re-reads servers.json (also done on its own when the file changes): adds and removes
    // servers, and hands changed definitions to their hosts for the next start. A broken file
    // changes nothing and is reported.
    bool reloadRegistry(QString *error);

    // A window hosts this broker (the tray app): a second `manifold` asks it to show itself.
    void setWindowHost(bool hasWindow) { m_hasWindow = hasWindow; }
    bool requestShowWindow();   // emits showWindowRequested; false if no window hosts the broker

signals:
    void showWindowRequested();
    void serverAdded(const QString &name);
    void serverRemoved(const QString &name);
    void sessionOpened(manifold::SessionId session);
    void sessionClosed(manifold::SessionId session);
    // A session was disconnected because its client stopped reading (see Session::overflowed).
    // message names the session and its client; reason is what the shim was told.
    void sessionCutOff(const QString &server, manifold::SessionId session, const QString &message,
                       const QString &reason);

private:
    void onNewConnection();
    void onHello(QLocalSocket *socket, const Hello &hello, const QByteArray &rest);
    void openSession(QLocalSocket *socket, const Hello &hello, const QByteArray &rest);
    static bool isOtherVersion(const Hello &hello);
    void warnOnVersionMismatch(const Hello &hello) const;
    void closeSession(SessionId id);
    void onSessionOverflowed(SessionId id, const QString &reason);
    void onSessionLine(SessionId id, const QByteArray &line);
    void onSessionLineTooLong(SessionId id, qsizetype limit);
    ServerHost *assign(SessionId id, QByteArrayView firstMessage);
    void teachAskers(ServerGroup *group, ServerHost *host);
    void rememberAskers(const QString &server, const QStringList &askers);
    void watchRegistry();
    ServerGroup *createGroup(const ServerConfig &config);
    void dropGroup(const QString &name);
    QString unknownServerMessage(const QString &name) const;
    void applyQueueCaps();
    void applyHttpSettings();
    void onAuthChanged(const QString &server);
    QString httpBaseUrl() const;   // every session's cap from its server's config and the default

    QString m_configDir;
    QString m_socketPath;
    QString m_socketSource;
    bool m_useGuardian;
    ServerHost::Timing m_timing;
    QString m_registryError;
    ServerRegistry m_registry;
    LearnedState m_learned;   // learned.json: e.g. which calls make a server ask a client
    QLocalServer *m_server = nullptr;
    std::unique_ptr<QLockFile> m_lock;
    std::unique_ptr<platform::ChildLedger> m_ledger;
    ControlService *m_control = nullptr;
    std::unique_ptr<SecretStore> m_ownedSecrets;
    SecretStore *m_secrets = nullptr;
    RemoteAccess *m_remote = nullptr;
    QTimer *m_healthSampler = nullptr;
    bool setTrafficMemoryBytes(qint64 bytes, QString *error);
    QFileSystemWatcher *m_watcher = nullptr;
    QMap<QString, ServerGroup *> m_groups;
    QMap<SessionId, ClientSession *> m_sessions;
    std::unique_ptr<http::TokenStore> m_tokens;
    QString m_tokensError;   // http-tokens.json could not be read: not used until it can
    http::FrontDoor *m_frontDoor = nullptr;
    QString m_httpError;
    QMap<SessionId, ServerHost *> m_sessionHost;
    SessionId m_nextSession = 1;
    // Why sessions were cut off, for their shims if they reconnect (the latest ones only).
    static constexpr int MaxCutOffRemembered = 1024;
    QMap<SessionId, QString> m_cutOff;
    bool m_hasWindow = false;
    QDateTime m_startedAt;
    platform::LoopProbe *m_loopProbe = nullptr;   // MANIFOLD_LOOP_PROBE=1: status.broker.loopLatency
};

} // namespace manifold
