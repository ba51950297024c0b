#include "servergroup.h"

#include "control/hello.h"
#include "jsonrpc/jsonrpc.h"
#include "jsonrpc/jsonscan.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QTimer>

namespace manifold {

ServerGroup::ServerGroup(ServerConfig config, platform::ChildLedger *ledger, ServerHost::Timing timing,
                         bool usesRoots, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_traffic(m_config.name, TrafficRing::DefaultCapBytes),
      m_ledger(ledger), m_timing(timing), m_usesRoots(usesRoots)
{
    m_traffic.setCaptureBodies(m_config.captureBodies);
    if (m_config.sharing == ServerConfig::Sharing::Shared && !m_usesRoots)
        instance({}, {});
}

ServerGroup::~ServerGroup()
{
    qDeleteAll(m_instances);
}

void ServerGroup::setConfig(const ServerConfig &config)
{
    m_config = config;
    m_traffic.setCaptureBodies(config.captureBodies);   // at once, unlike the rest
    for (ServerHost *host : std::as_const(m_instances))
        host->setConfig(instanceConfig(m_keys.value(host)));
}

void ServerGroup::setSecretStore(SecretStore *store)
{
    m_secrets = store;
    for (ServerHost *host : std::as_const(m_instances))
        host->setSecretStore(store);
}

void ServerGroup::setRemoteFactory(ServerHost::RemoteFactory factory)
{
    m_remoteFactory = std::move(factory);
    for (ServerHost *host : std::as_const(m_instances))
        host->setRemoteFactory(m_remoteFactory);
}

ServerConfig ServerGroup::instanceConfig(const InstanceKey &key) const
{
    ServerConfig config = m_config;
    // An isolated child belongs to one session: it ends with it.
    if (!key.session.isEmpty())
        config.lingerMs = 0;
    // A per-project child runs in its project, as it would if the client had started it there.
    if (!key.project.isEmpty() && QFileInfo(key.project).isDir())
        config.cwd = key.project;
    return config;
}

bool ServerGroup::isPermanent(const ServerHost *host) const
{
    // The shared instance of a server not keyed by roots stays (stopped) when idle.
    return m_keys.value(host) == InstanceKey{} && m_config.sharing == ServerConfig::Sharing::Shared && !m_usesRoots;
}

ServerHost *ServerGroup::instance(const InstanceKey &key, const QList<QByteArray> &roots)
{
    const QString text = key.text();
    if (ServerHost *existing = m_instances.value(text))
        return existing;
    auto *host = new ServerHost(instanceConfig(key), m_ledger, this);
    host->setTiming(m_timing);
    host->setSecretStore(m_secrets);
    host->setRemoteFactory(m_remoteFactory);
    // The traffic view names an instance only where there is more than the shared one.
    host->setTrafficRecorder(&m_traffic, key == InstanceKey{} ? QByteArray() : text.toUtf8());
    // Keyed by roots: its child gets exactly those (or no roots capability at all). Not yet
    // known to use roots: it declares the capability, so that its asking can be noticed.
    host->setRootsMode(key.declaresRoots(), !key.byRoots);
    if (key.byRoots)
        host->setInstanceRoots(roots);
    m_instances.insert(text, host);
    m_keys.insert(host, key);
    connect(host, &ServerHost::sessionOutput, this, &ServerGroup::sessionOutput);
    connect(host, &ServerHost::crashLooped, this, &ServerGroup::crashLooped);
    connect(host, &ServerHost::activity, this, &ServerGroup::changed);
    connect(host, &ServerHost::heartbeat, this, &ServerGroup::changed);
    connect(host, &ServerHost::logged, this, &ServerGroup::logAppended);
    // Decided after the host has finished what it is doing: moving a session edits its router.
    connect(host, &ServerHost::rootsReported, this, [this, host](SessionId session) { onRootsReported(host, session); },
            Qt::QueuedConnection);
    connect(host, &ServerHost::childAskedRoots, this, [this, host] { onChildAskedRoots(host); }, Qt::QueuedConnection);
    // Queued only when a move waits: a queued call per dispatch would be a posted event (and,
    // under GLib, an eventfd write) for every message on the hot path.
    connect(host, &ServerHost::activity, this, [this, host] {
        if (!m_pendingMoves.isEmpty())
            QMetaObject::invokeMethod(this, [this, host] { retryMoves(host); }, Qt::QueuedConnection);
    });
    // A non-permanent instance goes once it is stopped with no sessions. Checked on the next
    // turn of the event loop, so a stop that is followed at once by a start (restart) keeps it.
    auto removeIfIdle = [this, host] {
        QTimer::singleShot(0, this, [this, host] {
            const QString key = m_instances.key(host);
            if (key.isEmpty() || isPermanent(host) || host->router().hasSessions())
                return;
            if (!host->isDown())
                return;
            m_instances.remove(key);
            m_keys.remove(host);
            m_learning.remove(host);
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

bool ServerGroup::needsFirstMessage() const
{
    // Every mode: the initialize says whether the client has roots, which decides how the
    // instance is initialized and, once the server is known to ask for them, which one it is.
    return true;
}

ServerHost *ServerGroup::attach(SessionId session, const Hello &hello, QByteArrayView firstMessage)
{
    SessionFacts facts;
    facts.session = session;
    facts.cwd = hello.cwd;
    if (m_config.sharing == ServerConfig::Sharing::PerClient)
        facts.client = clientKey(hello, firstMessage);
    const auto envelope = jsonrpc::parseEnvelope(firstMessage);
    if (envelope.method == "initialize" && envelope.params.isValid())
        facts.rootsCapable = json::findPath(envelope.params.in(firstMessage), {"capabilities", "roots"}).has_value();
    m_facts.insert(session, facts);
    const InstanceKey key = instanceKeyFor(m_config.sharing, facts, m_usesRoots);
    ServerHost *host = instance(key, effectiveRoots(facts));
    m_hostOf.insert(session, host);
    host->attachSession(session);
    // Bound to a guess until its roots arrive: what it sends waits until it is where it belongs.
    if (keyAwaitsRoots(m_config.sharing, facts, m_usesRoots)) {
        host->holdUntilRoots(session);
        waitForRoots(session, host);
    }
    return host;
}

void ServerGroup::detach(SessionId session)
{
    if (ServerHost *host = m_hostOf.take(session))
        host->detachSession(session);
    m_traffic.sessionClosed(session);
    m_facts.remove(session);
    m_rootsTimedOut.remove(session);
    m_pendingMoves.remove(session);
}

void ServerGroup::sampleHealth()
{
    qint64 memoryKb = 0;
    for (const ServerHost *host : std::as_const(m_instances))
        memoryKb += qMax<qint64>(0, host->memoryKb());
    m_traffic.health().addMemorySample(m_traffic.nowUs() / 1000, memoryKb);
}

ServerHost *ServerGroup::primary() const
{
    if (ServerHost *shared = m_instances.value(InstanceKey{}.text()))
        return shared;
    return m_instances.isEmpty() ? nullptr : m_instances.first();
}

void ServerGroup::start()
{
    if (m_config.sharing == ServerConfig::Sharing::Shared && !m_usesRoots)
        instance({}, {});
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
        return host->isDown();
    });
}

QJsonObject ServerGroup::statusJson() const
{
    QJsonArray instances;
    QJsonArray queue;
    qint64 restarts = 0, sessions = 0, inFlight = 0, queued = 0;
    for (auto it = m_instances.cbegin(); it != m_instances.cend(); ++it) {
        const ServerHost *host = *it;
        QJsonObject status = host->statusJson();
        status.insert(QStringLiteral("key"), it.key());
        status.insert(QStringLiteral("keyParts"), m_keys.value(host).partsJson());
        QJsonArray ids;
        for (SessionId id : host->router().sessionIds())
            ids.append(qint64(id));
        status.insert(QStringLiteral("sessions"), ids);
        restarts += status.value(QStringLiteral("restarts")).toInteger();
        sessions += host->router().sessionCount();
        inFlight += status.value(QStringLiteral("inFlight")).toInteger();
        queued += status.value(QStringLiteral("queued")).toInteger();
        for (const QJsonValue &entry : status.value(QStringLiteral("queue")).toArray()) {
            QJsonObject tagged = entry.toObject();
            tagged.insert(QStringLiteral("instance"), it.key());
            queue.append(tagged);
        }
        instances.append(status);
    }
    // One object per server; its own fields are the shared child's (whatever its key, e.g.
    // "no roots"), or totals over instances.
    const bool sharedMode = m_config.sharing == ServerConfig::Sharing::Shared;
    const ServerHost *shared = sharedMode && m_instances.size() == 1 ? m_instances.first() : nullptr;
    QJsonObject object;
    if (shared)
        object = shared->statusJson();
    else
        object = ServerHost::idleStatusJson(m_config);
    object.insert(QStringLiteral("restarts"), restarts);
    object.insert(QStringLiteral("sessions"), sessions);
    object.insert(QStringLiteral("inFlight"), inFlight);
    object.insert(QStringLiteral("queued"), queued);
    object.insert(QStringLiteral("traffic"), m_traffic.statusJson());
    object.insert(QStringLiteral("queue"), queue);
    object.insert(QStringLiteral("instances"), instances);
    object.insert(QStringLiteral("usesRoots"), m_usesRoots);
    if (m_instances.size() > 1 || (!m_instances.isEmpty() && !shared)) {
        const bool anyRunning = std::any_of(m_instances.cbegin(), m_instances.cend(), [](const ServerHost *h) {
            return h->state() == ServerHost::State::Running;
        });
        const bool allWaitForSignIn = std::all_of(m_instances.cbegin(), m_instances.cend(), [](const ServerHost *h) {
            return h->state() == ServerHost::State::SignInRequired;
        });
        object.insert(QStringLiteral("state"), anyRunning         ? QStringLiteral("running")
                                               : allWaitForSignIn ? ServerHost::stateName(ServerHost::State::SignInRequired)
                                                                  : QStringLiteral("starting"));
    }
    if (const QJsonObject auth = m_authStatus ? m_authStatus() : QJsonObject(); !auth.isEmpty()) {
        object.insert(QStringLiteral("auth"), auth);
        // A live connection serves nothing while the sign-in waits for the user (every call is
        // answered "sign in again"): the server's state says so, not "running".
        const QString state = object.value(QStringLiteral("state")).toString();
        if (auth.value(QStringLiteral("state")).toString() == ServerHost::stateName(ServerHost::State::SignInRequired) &&
            (state == QLatin1String("running") || state == QLatin1String("stopped")))
            object.insert(QStringLiteral("state"), ServerHost::stateName(ServerHost::State::SignInRequired));
    }
    return object;
}

} // namespace manifold
