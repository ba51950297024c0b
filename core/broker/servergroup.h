#pragma once

#include "broker/serverhost.h"
#include "config/serverconfig.h"

#include <QJsonObject>
#include <QMap>
#include <QObject>

namespace manifold {

struct Hello;
namespace platform {
class ChildLedger;
}
class SecretStore;

// All the children of one configured server, by sharing mode: one for everyone ("shared"),
// one per client application ("per-client", keyed by the client's name), or one per session
// ("isolated"). Instances other than the shared one are removed once they stop with no sessions.
class ServerGroup final : public QObject
{
    Q_OBJECT

public:
    ServerGroup(ServerConfig config, platform::ChildLedger *ledger, ServerHost::Timing timing,
                QObject *parent = nullptr);
    ~ServerGroup() override;

    const ServerConfig &config() const { return m_config; }
    // Applies to running instances at their next start; a new sharing mode applies to new sessions.
    void setConfig(const ServerConfig &config);
    // Where every instance reads the secret variables' values from when it starts (not owned).
    void setSecretStore(SecretStore *store);

    // Per-client sharing needs the client's name, which its first message (initialize) carries.
    bool needsFirstMessage() const { return m_config.sharing == ServerConfig::Sharing::PerClient; }
    // The instance that serves session, created if needed. firstMessage may be empty.
    ServerHost *instanceFor(SessionId session, const Hello &hello, QByteArrayView firstMessage);

    ServerHost *primary() const;   // the shared instance, else the first one, else nullptr
    QList<ServerHost *> instances() const { return m_instances.values(); }
    QString keyOf(const ServerHost *host) const { return m_instances.key(const_cast<ServerHost *>(host)); }

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

private:
    ServerHost *instance(const QString &key);
    ServerConfig instanceConfig() const;

    ServerConfig m_config;
    platform::ChildLedger *m_ledger;
    ServerHost::Timing m_timing;
    SecretStore *m_secrets = nullptr;
    QMap<QString, ServerHost *> m_instances;
};

} // namespace manifold
