#include "servergroup.h"

#include "control/hello.h"
#include "jsonrpc/jsonrpc.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QTimer>

namespace manifold {

namespace {
const QString SharedKey = QStringLiteral("shared");
}

ServerGroup::ServerGroup(ServerConfig config, platform::ChildLedger *ledger, ServerHost::Timing timing,
                         QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_ledger(ledger), m_timing(timing)
{
    if (m_config.sharing == ServerConfig::Sharing::Shared)
        instance(SharedKey);
}

ServerGroup::~ServerGroup()
{
    qDeleteAll(m_instances);
}

void ServerGroup::setConfig(const ServerConfig &config)
{
    m_config = config;
    for (ServerHost *host : std::as_const(m_instances))
        host->setConfig(instanceConfig());
}

void ServerGroup::setSecretStore(SecretStore *store)
{
    m_secrets = store;
    for (ServerHost *host : std::as_const(m_instances))
        host->setSecretStore(store);
}

ServerConfig ServerGroup::instanceConfig() const
{
    ServerConfig config = m_config;
    // An isolated child belongs to one session: it ends with it.
    if (config.sharing == ServerConfig::Sharing::Isolated)
        config.lingerMs = 0;
    return config;
}

ServerHost *ServerGroup::instance(const QString &key)
{
    if (ServerHost *existing = m_instances.value(key))
        return existing;
    auto *host = new ServerHost(instanceConfig(), m_ledger, this);
    host->setTiming(m_timing);
    host->setSecretStore(m_secrets);
    m_instances.insert(key, host);
    connect(host, &ServerHost::sessionOutput, this, &ServerGroup::sessionOutput);
    connect(host, &ServerHost::crashLooped, this, &ServerGroup::crashLooped);
    connect(host, &ServerHost::activity, this, &ServerGroup::changed);
    connect(host, &ServerHost::heartbeat, this, &ServerGroup::changed);
    connect(host, &ServerHost::logged, this, &ServerGroup::logAppended);
    // A per-client or isolated instance goes once it is stopped with no sessions. Checked on the
    // next turn of the event loop, so a stop that is followed at once by a start (restart) keeps it.
    auto removeIfIdle = [this, host, key] {
        QTimer::singleShot(0, this, [this, host, key] {
            if (key == SharedKey || m_instances.value(key) != host || host->router().hasSessions())
                return;
            if (host->state() != ServerHost::State::Stopped && host->state() != ServerHost::State::Failed)
                return;
            m_instances.remove(key);
            host->deleteLater();
            emit changed();
        });
    };
    connect(host, &ServerHost::stateChanged, this, [this, host, removeIfIdle](ServerHost::State state) {
        emit instanceStateChanged(host, state);
        emit changed();
        removeIfIdle();
    });
    connect(host, &ServerHost::idle, this, removeIfIdle);
    return host;
}

QString ServerGroup::clientKey(const Hello &hello, QByteArrayView firstMessage)
{
    // The client's own name from initialize (or a stateless request's _meta), else its executable.
    const auto envelope = jsonrpc::parseEnvelope(firstMessage);
    if (envelope.params.isValid()) {
        const QByteArrayView params = envelope.params.in(firstMessage);
        for (auto path : {std::initializer_list<QByteArrayView>{"clientInfo", "name"},
                          std::initializer_list<QByteArrayView>{"_meta", "io.modelcontextprotocol/clientInfo", "name"}}) {
            if (const auto span = json::findPath(params, path)) {
                const auto name = json::decodeString(span->in(params));
                if (name && !name->isEmpty())
                    return QStringLiteral("client:") + QString::fromUtf8(*name);
            }
        }
    }
    if (!hello.parentExe.isEmpty())
        return QStringLiteral("exe:") + QFileInfo(hello.parentExe).fileName();
    return QStringLiteral("client:unknown");
}

ServerHost *ServerGroup::instanceFor(SessionId session, const Hello &hello, QByteArrayView firstMessage)
{
    switch (m_config.sharing) {
    case ServerConfig::Sharing::Shared:
        return instance(SharedKey);
    case ServerConfig::Sharing::PerClient:
        return instance(clientKey(hello, firstMessage));
    case ServerConfig::Sharing::Isolated:
        return instance(QStringLiteral("session:%1").arg(session));
    }
    return instance(SharedKey);
}

ServerHost *ServerGroup::primary() const
{
    if (ServerHost *shared = m_instances.value(SharedKey))
        return shared;
    return m_instances.isEmpty() ? nullptr : m_instances.first();
}

void ServerGroup::start()
{
    if (m_config.sharing == ServerConfig::Sharing::Shared)
        instance(SharedKey);
    for (ServerHost *host : std::as_const(m_instances))
        host->start();
}

void ServerGroup::stop()
{
    for (ServerHost *host : instances())
        host->stop();
}

void ServerGroup::restart()
{
    for (ServerHost *host : instances())
        host->restart();
}

void ServerGroup::kill()
{
    for (ServerHost *host : instances())
        host->kill();
}

bool ServerGroup::allStopped() const
{
    return std::all_of(m_instances.cbegin(), m_instances.cend(), [](const ServerHost *host) {
        return host->state() == ServerHost::State::Stopped || host->state() == ServerHost::State::Failed;
    });
}

QJsonObject ServerGroup::statusJson() const
{
    QJsonArray instances;
    QJsonArray queue;
    qint64 restarts = 0, sessions = 0, inFlight = 0, queued = 0;
    for (auto it = m_instances.cbegin(); it != m_instances.cend(); ++it) {
        QJsonObject status = (*it)->statusJson();
        status.insert(QStringLiteral("key"), it.key());
        restarts += status.value(QStringLiteral("restarts")).toInteger();
        sessions += status.value(QStringLiteral("sessions")).toInteger();
        inFlight += status.value(QStringLiteral("inFlight")).toInteger();
        queued += status.value(QStringLiteral("queued")).toInteger();
        for (const QJsonValue &entry : status.value(QStringLiteral("queue")).toArray()) {
            QJsonObject tagged = entry.toObject();
            tagged.insert(QStringLiteral("instance"), it.key());
            queue.append(tagged);
        }
        instances.append(status);
    }
    // One object per server; its own fields are the shared child's, or totals over instances.
    QJsonObject object;
    if (const ServerHost *shared = m_instances.value(SharedKey); shared && m_instances.size() == 1)
        object = shared->statusJson();
    else
        object = ServerHost::idleStatusJson(m_config);
    object.insert(QStringLiteral("restarts"), restarts);
    object.insert(QStringLiteral("sessions"), sessions);
    object.insert(QStringLiteral("inFlight"), inFlight);
    object.insert(QStringLiteral("queued"), queued);
    object.insert(QStringLiteral("queue"), queue);
    object.insert(QStringLiteral("instances"), instances);
    if (m_instances.size() > 1 || (!m_instances.isEmpty() && !m_instances.contains(SharedKey))) {
        const bool anyRunning = std::any_of(m_instances.cbegin(), m_instances.cend(), [](const ServerHost *h) {
            return h->state() == ServerHost::State::Running;
        });
        object.insert(QStringLiteral("state"), anyRunning ? QStringLiteral("running") : QStringLiteral("starting"));
    }
    return object;
}

} // namespace manifold
