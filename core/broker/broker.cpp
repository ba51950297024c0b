#include "broker.h"

#include "broker/remoteaccess.h"

#include "http/tokenstore.h"

#include "broker/serverhost.h"
#include "broker/session.h"
#include "control/controlservice.h"
#include "control/hello.h"
#include "jsonrpc/linebuffer.h"
#include "manifold/version.h"
#include "platform/childledger.h"
#include "platform/guardian.h"
#include "platform/loopprobe.h"
#include "platform/peercredentials.h"
#include "platform/runtimepaths.h"
#include "secrets/secretstorefactory.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QJsonArray>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLockFile>
#include <QLoggingCategory>
#include <QTimer>

Q_LOGGING_CATEGORY(lcBroker, "manifold.broker")

namespace manifold {

namespace {
constexpr int HelloTimeoutMs = 10000;
constexpr qsizetype MaxHelloBytes = 64 * 1024;

// A broker of this user listens at socketPath.
bool ourBrokerAnswers(const QString &socketPath)
{
    if (!QFileInfo::exists(socketPath))
        return false;
    QLocalSocket probe;
    probe.connectToServer(socketPath);
    if (!probe.waitForConnected(500))
        return false;
    const auto peer = platform::peerCredentials(probe.socketDescriptor());
    return !peer || peer->uid == platform::currentUid();
}
// learned.json key: calls that made the server ask a client (Router::knownAskers()).
const QString AskingCallsKey = QStringLiteral("askingCalls");
// learned.json key: the server's child once asked for roots, so its instances are keyed by roots.
const QString UsesRootsKey = QStringLiteral("usesRoots");
} // namespace

Broker::Broker(Options options, QObject *parent)
    : QObject(parent),
      m_configDir(options.configDir.isEmpty() ? ServerRegistry::defaultConfigDir() : options.configDir),
      m_socketPath(options.socketPath.isEmpty() ? platform::defaultSocketPath() : options.socketPath),
      m_socketSource(!options.socketSource.isEmpty()
                         ? options.socketSource
                         : platform::socketSourceName(
                               platform::chooseSocket(m_socketPath, {}, platform::defaultSocketPath()).source)),
      m_useGuardian(options.useGuardian),
      m_timing(options.timing),
      m_registry(m_configDir),
      m_learned(m_configDir)
{
    m_secrets = options.secretStore;
    if (!m_secrets) {
        m_ownedSecrets = createSecretStore();
        m_secrets = m_ownedSecrets.get();
    }
    m_remote = new RemoteAccess(m_secrets, this);
    connect(m_remote, &RemoteAccess::authChanged, this, &Broker::onAuthChanged);
    m_healthSampler = new QTimer(this);
    m_healthSampler->setInterval(HealthSampleMs);
    connect(m_healthSampler, &QTimer::timeout, this, [this] {
        for (ServerGroup *group : std::as_const(m_groups))
            group->sampleHealth();
    });
    m_healthSampler->start();
}

// A sign-in changed: show it, and once signed in, start again the instances that waited for it.
void Broker::onAuthChanged(const QString &server)
{
    ServerGroup *group = m_groups.value(server);
    if (!group)
        return;
    group->notifyChanged();
    if (m_remote->authStatus(server).value(QStringLiteral("state")).toString() != QLatin1String("signed-in"))
        return;
    for (ServerHost *host : group->instances()) {
        if (host->state() == ServerHost::State::SignInRequired && host->router().hasSessions())
            host->start();
    }
}

Broker::~Broker()
{
    // Sessions first: their teardown talks to the hosts. Hosts (including removed ones still
    // stopping) go before m_ledger, which their destructors use.
    m_sessions.clear();
    m_sessionHost.clear();
    qDeleteAll(findChildren<ClientSession *>(Qt::FindDirectChildrenOnly));
    m_groups.clear();
    qDeleteAll(findChildren<ServerGroup *>(Qt::FindDirectChildrenOnly));
}

Broker::ListenResult Broker::listen(QString *message)
{
    const bool isDefault = m_socketPath == platform::defaultSocketPath();
    if (isDefault) {
        // One broker per user: one started before the login session created /run/user/UID
        // still serves from the /tmp rendezvous (the lock there is that broker's).
        for (const QString &other : platform::defaultSocketCandidates().mid(1)) {
            if (ourBrokerAnswers(other)) {
                *message = QStringLiteral("Manifold is already running on %1").arg(other);
                m_socketPath = other;
                return ListenResult::AlreadyRunning;
            }
        }
    }
    const QString dir = platform::socketDirectory(m_socketPath);
    if (isDefault || !QFileInfo::exists(dir)) {
        if (!platform::ensurePrivateDirectory(dir, message))
            return ListenResult::Failed;
    }

    const QString lockPath = platform::sidecarPath(m_socketPath, QStringLiteral(".lock"));
    m_lock = std::make_unique<QLockFile>(lockPath);
    m_lock->setStaleLockTime(0);
    if (!m_lock->tryLock(0)) {
        qint64 pid = 0;
        QString host;
        QString app;
        m_lock->getLockInfo(&pid, &host, &app);
        if (m_lock->error() == QLockFile::LockFailedError) {
            *message = QStringLiteral("Manifold is already running (pid %1) on %2").arg(pid).arg(m_socketPath);
            return ListenResult::AlreadyRunning;
        }
        *message = QStringLiteral("cannot take the broker lock %1").arg(lockPath);
        return ListenResult::Failed;
    }

    if (QFileInfo::exists(m_socketPath)) {
        QLocalSocket probe;
        probe.connectToServer(m_socketPath);
        if (probe.waitForConnected(500)) {
            *message = QStringLiteral("another broker already answers on %1").arg(m_socketPath);
            return ListenResult::AlreadyRunning;
        }
        qCInfo(lcBroker) << "removing stale socket left by a broker that is gone:" << m_socketPath;
        QLocalServer::removeServer(m_socketPath);
    }

    // Children recorded by a previous broker of this socket that crashed before stopping them.
    m_ledger = std::make_unique<platform::ChildLedger>(m_socketPath + QStringLiteral(".children.json"));
    if (const int reaped = m_ledger->reapLeftovers())
        qCInfo(lcBroker) << "stopped" << reaped << "server(s) left behind by a previous broker";
    if (m_useGuardian)
        platform::Guardian::start();

    if (!m_registry.load(&m_registryError))
        qCWarning(lcBroker).noquote() << m_registryError;
    if (QString learnedError; !m_learned.load(&learnedError))
        qCWarning(lcBroker).noquote() << learnedError;
    for (const ServerConfig &config : m_registry.servers())
        createGroup(config);

    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(m_socketPath)) {
        *message = QStringLiteral("cannot listen on %1: %2").arg(m_socketPath, m_server->errorString());
        return ListenResult::Failed;
    }
    QFile::setPermissions(m_socketPath, QFile::ReadOwner | QFile::WriteOwner);
    connect(m_server, &QLocalServer::newConnection, this, &Broker::onNewConnection);
    m_control = new ControlService(this, this);
    applyHttpSettings();
    watchRegistry();
    m_startedAt = QDateTime::currentDateTime();
    if (!m_loopProbe && platform::LoopProbe::enabledByEnvironment()) {
        m_loopProbe = new platform::LoopProbe(this);
        m_loopProbe->start();
    }
    *message = QStringLiteral("listening on %1 with %2 server(s) from %3")
                   .arg(m_socketPath)
                   .arg(m_groups.size())
                   .arg(m_registry.filePath());
    return ListenResult::Listening;
}

void Broker::shutdown(std::function<void()> done)
{
    if (m_server)
        m_server->close();
    // Closing can synchronously end a session, which edits m_sessions: iterate a copy.
    const QList<ClientSession *> sessions = m_sessions.values();
    for (ClientSession *session : sessions)
        session->close(QStringLiteral("Manifold is shutting down"));
    auto remaining = std::make_shared<int>(0);
    auto finished = std::make_shared<bool>(false);
    auto finish = [done, finished] {
        if (!std::exchange(*finished, true))
            done();
    };
    QList<ServerHost *> hosts;
    for (const ServerGroup *group : std::as_const(m_groups))
        hosts += group->instances();
    // Count every host first: a host in backoff stops synchronously, and must not make the
    // count reach zero while others have not been asked yet.
    hosts.removeIf([](const ServerHost *host) {
        return host->isDown();
    });
    *remaining = int(hosts.size());
    for (ServerHost *host : hosts) {
        connect(host, &ServerHost::stateChanged, this, [remaining, finish](ServerHost::State state) {
            if (state == ServerHost::State::Stopped && --*remaining == 0)
                finish();
        });
    }
    for (ServerHost *host : hosts)
        host->stop();
    if (*remaining == 0) {
        QTimer::singleShot(0, this, finish);
        return;
    }
    // Stop escalates to SIGKILL on its own; this only bounds a wedged kernel.
    QTimer::singleShot(8000, this, finish);
}

QJsonObject Broker::status() const
{
    QJsonArray servers;
    for (const ServerGroup *group : m_groups)
        servers.append(group->statusJson());
    QJsonArray sessions;
    for (SessionId id : m_sessions.keys())
        sessions.append(sessionJson(id));
    QJsonObject broker{{QStringLiteral("pid"), QCoreApplication::applicationPid()},
                       {QStringLiteral("version"), QString::fromLatin1(versionString())},
                       {QStringLiteral("socket"), m_socketPath},
                       {QStringLiteral("socketSource"), m_socketSource},
                       {QStringLiteral("configFile"), m_registry.filePath()},
                       {QStringLiteral("startedAt"), m_startedAt.toString(Qt::ISODateWithMs)},
                       {QStringLiteral("closingConnections"), closingConnections()},
                       {QStringLiteral("defaults"),
                        QJsonObject{{QStringLiteral("maxQueuedBytes"), defaultMaxQueuedBytes()},
                                    {QStringLiteral("maxQueuedBytesSource"), defaultMaxQueuedBytesSource()},
                                    {QStringLiteral("trafficMemoryBytes"), trafficMemoryBytes()}}}};
    if (!m_registryError.isEmpty())
        broker.insert(QStringLiteral("registryError"), m_registryError);
    if (m_loopProbe)
        broker.insert(QStringLiteral("loopLatency"), m_loopProbe->toJson());
    return QJsonObject{{QStringLiteral("broker"), broker},
                       {QStringLiteral("servers"), servers},
                       {QStringLiteral("sessions"), sessions}};
}

QJsonObject Broker::sessionJson(SessionId id) const
{
    const ClientSession *session = m_sessions.value(id);
    if (!session)
        return {};
    const ServerHost *host = m_sessionHost.value(id);
    const Router::SessionInfo info = host ? host->router().sessionInfo(id) : Router::SessionInfo{};
    const Hello &hello = session->hello();
    const ServerGroup *group = m_groups.value(hello.server);
    QJsonObject object{
        {QStringLiteral("id"), qint64(id)},
        {QStringLiteral("server"), hello.server},
        {QStringLiteral("instance"), host && group ? group->keyOf(host) : QString()},
        {QStringLiteral("clientName"), QString::fromUtf8(info.clientName)},
        {QStringLiteral("clientVersion"), QString::fromUtf8(info.clientVersion)},
        {QStringLiteral("protocolVersion"), QString::fromUtf8(info.protocolVersion)},
        {QStringLiteral("shimPid"), hello.pid},
        {QStringLiteral("shimVersion"), hello.peerVersion},
        {QStringLiteral("versionMismatch"), isOtherVersion(hello)},
        {QStringLiteral("parentPid"), hello.ppid},
        {QStringLiteral("parentExe"), hello.parentExe},
        {QStringLiteral("cwd"), hello.cwd},
        {QStringLiteral("connectedSince"), session->connectedSince().toString(Qt::ISODateWithMs)},
        {QStringLiteral("transport"), session->transport()},
        {QStringLiteral("requestsServed"), info.requestsServed},
    };
    if (!session->tokenName().isEmpty())
        object.insert(QStringLiteral("tokenName"), session->tokenName());
    if (!session->remoteAddress().isEmpty())
        object.insert(QStringLiteral("remoteAddress"), session->remoteAddress());
    if (host) {
        const QDateTime lastActivity = QDateTime::currentDateTime().addMSecs(info.lastActivityMs - host->clockMs());
        object.insert(QStringLiteral("lastActivity"), lastActivity.toString(Qt::ISODateWithMs));
    }
    return object;
}

bool Broker::requestShowWindow()
{
    if (!m_hasWindow)
        return false;
    emit showWindowRequested();
    return true;
}

bool Broker::disconnectSession(SessionId id, QString *error)
{
    ClientSession *session = m_sessions.value(id);
    if (!session) {
        *error = QStringLiteral("no session %1").arg(id);
        return false;
    }
    qCInfo(lcBroker) << "disconnecting session" << id << "on request";
    session->close(QStringLiteral("the session was disconnected in Manifold"));
    closeSession(id);
    return true;
}

bool Broker::addServer(const ServerConfig &config, QString *error)
{
    if (!m_registry.add(config, error))
        return false;
    if (!m_registry.save(error)) {
        QString ignored;
        m_registry.remove(config.name, &ignored);
        return false;
    }
    createGroup(config);
    emit serverAdded(config.name);
    return true;
}

bool Broker::updateServer(const ServerConfig &config, QString *error)
{
    const ServerConfig *current = m_registry.find(config.name);
    if (!current) {
        *error = unknownServerMessage(config.name);
        return false;
    }
    const ServerConfig previous = *current;
    if (!m_registry.update(config, error))
        return false;
    if (!m_registry.save(error)) {
        QString ignored;
        m_registry.update(previous, &ignored);
        return false;
    }
    m_groups.value(config.name)->setConfig(config);
    applyQueueCaps();
    return true;
}

ServerHost *Broker::host(const QString &name) const
{
    const ServerGroup *group = m_groups.value(name);
    return group ? group->primary() : nullptr;
}

bool Broker::setServerOption(const QString &name, const QString &key, const QString &value, QString *error)
{
    const ServerConfig *current = m_registry.find(name);
    if (!current) {
        *error = unknownServerMessage(name);
        return false;
    }
    ServerConfig config = *current;
    bool ok = true;
    const int number = value.toInt(&ok);
    if (key == QLatin1String("sharing")) {
        ok = ServerConfig::parseSharing(value, &config.sharing);
        if (!ok) {
            *error = QStringLiteral("sharing must be shared, per-project, per-client or isolated");
            return false;
        }
    } else if (key == QLatin1String("maxInFlight") && ok && number >= 0) {
        config.maxInFlight = number;
    } else if (key == QLatin1String("lingerMs") && ok && number >= -1) {
        config.lingerMs = number;
    } else if (key == QLatin1String("heartbeatMs") && ok && number >= 0) {
        config.heartbeatMs = number;
    } else if (key == QLatin1String("maxLineBytes") && ok && number >= 1024) {
        config.maxLineBytes = number;
    } else if (key == QLatin1String("maxQueuedBytes") && ok && number >= 0) {
        config.maxQueuedBytes = number;
    } else if (key == QLatin1String("captureBodies") &&
               (value == QLatin1String("true") || value == QLatin1String("false"))) {
        config.captureBodies = value == QLatin1String("true");
    } else {
        *error = QStringLiteral("cannot set '%1' to '%2' (settable: sharing, maxInFlight, lingerMs, heartbeatMs, "
                                "maxLineBytes, maxQueuedBytes, captureBodies)")
                     .arg(key, value);
        return false;
    }
    return updateServer(config, error);
}

bool Broker::removeServer(const QString &name, QString *error)
{
    if (!m_registry.remove(name, error))
        return false;
    if (!m_registry.save(error)) {
        m_registry.load(error);
        return false;
    }
    dropGroup(name);
    QString ignored;   // a server added later under this name is learned afresh
    if (m_learned.forget(name))
        m_learned.save(&ignored);
    return true;
}

bool Broker::reloadRegistry(QString *error)
{
    ServerRegistry fresh(m_configDir);
    if (!fresh.load(error)) {
        m_registryError = *error;
        qCWarning(lcBroker).noquote() << "keeping the current servers:" << *error;
        return false;
    }
    m_registryError.clear();
    const QStringList names = m_groups.keys();
    for (const QString &name : names) {
        if (!fresh.find(name)) {
            qCInfo(lcBroker).noquote() << "servers.json no longer lists" << name;
            dropGroup(name);
        }
    }
    for (const ServerConfig &config : fresh.servers()) {
        ServerGroup *group = m_groups.value(config.name);
        if (!group) {
            qCInfo(lcBroker).noquote() << "servers.json adds" << config.name;
            createGroup(config);
            emit serverAdded(config.name);
        } else if (!(group->config() == config)) {
            qCInfo(lcBroker).noquote() << "servers.json changes" << config.name << "(applies at its next start)";
            group->setConfig(config);
        }
    }
    const bool httpChanged = fresh.httpSettings() != m_registry.httpSettings();
    m_registry = fresh;
    applyQueueCaps();
    if (httpChanged)
        applyHttpSettings();
    return true;
}

void Broker::watchRegistry()
{
    // The directory sees atomic saves (a rename, which a file watch loses); the file sees edits
    // in place. Either way the bytes decide whether anything changed.
    QDir().mkpath(m_configDir);
    m_watcher = new QFileSystemWatcher(this);
    m_watcher->addPath(m_configDir);
    auto watchFile = [this] {
        if (QFileInfo::exists(m_registry.filePath()) && !m_watcher->files().contains(m_registry.filePath()))
            m_watcher->addPath(m_registry.filePath());
    };
    watchFile();
    auto *debounce = new QTimer(this);
    debounce->setSingleShot(true);
    debounce->setInterval(200);
    auto lastSeen = std::make_shared<QByteArray>();
    auto read = [this] {
        QFile file(m_registry.filePath());
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    };
    *lastSeen = read();
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, debounce, qOverload<>(&QTimer::start));
    connect(m_watcher, &QFileSystemWatcher::fileChanged, debounce, qOverload<>(&QTimer::start));
    connect(debounce, &QTimer::timeout, this, [this, lastSeen, read, watchFile] {
        watchFile();
        const QByteArray now = read();
        if (now == *lastSeen)
            return;
        *lastSeen = now;
        QString error;
        reloadRegistry(&error);
    });
}

void Broker::dropGroup(const QString &name)
{
    ServerGroup *group = m_groups.take(name);
    if (!group)
        return;
    m_remote->forget(name);
    const QList<SessionId> ids = m_sessions.keys();
    for (SessionId id : ids) {
        ClientSession *session = m_sessions.value(id);
        if (session && session->hello().server == name) {
            session->close(QStringLiteral("server '%1' was removed from Manifold").arg(name));
            closeSession(id);
        }
    }
    // Deleting the group stops its children; do it gracefully first when possible.
    auto deleteWhenStopped = [group] {
        if (group->allStopped())
            group->deleteLater();
    };
    connect(group, &ServerGroup::instanceStateChanged, group, deleteWhenStopped);
    group->stop();
    deleteWhenStopped();
    emit serverRemoved(name);
}

ServerGroup *Broker::createGroup(const ServerConfig &config)
{
    auto *group = new ServerGroup(config, m_ledger.get(), m_timing, m_learned.value(config.name, UsesRootsKey).toBool(), this);
    group->setSecretStore(m_secrets);
    group->setRemoteFactory(m_remote->factory());
    group->traffic().setCapBytes(trafficMemoryBytes());
    group->setAuthStatus([this, group]() -> QJsonObject {
        if (!group->config().isRemote())
            return {};
        m_remote->signIn(group->config());   // known from the start: status shows a stored sign-in
        return m_remote->authStatus(group->config().name);
    });
    connect(group, &ServerGroup::sessionMoved, this, [this, group](SessionId id, ServerHost *host) {
        if (!m_sessionHost.contains(id))
            return;
        m_sessionHost.insert(id, host);
        teachAskers(group, host);
    });
    connect(group, &ServerGroup::learnedUsesRoots, this, [this, name = config.name] {
        QString error;
        if (m_learned.setValue(name, UsesRootsKey, true) && !m_learned.save(&error))
            qCWarning(lcBroker).noquote() << "cannot remember that" << name << "uses roots:" << error;
        else
            qCInfo(lcBroker).noquote() << name << "asks for roots: its instances are keyed by roots from now on";
    });
    connect(group, &ServerGroup::sessionOutput, this, [this](SessionId id, const QByteArray &line) {
        if (ClientSession *session = m_sessions.value(id))
            session->send(line);
    });
    m_groups.insert(config.name, group);
    return group;
}

void Broker::onNewConnection()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        const auto peer = platform::peerCredentials(socket->socketDescriptor());
#ifdef Q_OS_UNIX
        const bool foreign = !peer || peer->uid != platform::currentUid();   // unknown: refuse
#else
        const bool foreign = peer && peer->uid != platform::currentUid();
#endif
        if (foreign) {
            qCWarning(lcBroker) << "refused a connection from uid" << (peer ? peer->uid : -1);
            socket->abort();
            socket->deleteLater();
            continue;
        }
        auto buffer = std::make_shared<LineBuffer>(MaxHelloBytes);
        auto *timeout = new QTimer(socket);
        timeout->setSingleShot(true);
        connect(timeout, &QTimer::timeout, socket, [socket] {
            qCWarning(lcBroker) << "a peer sent no hello in time";
            socket->abort();
        });
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        auto onData = [this, socket, buffer, timeout] {
            buffer->append(socket->readAll());
            LineBuffer::Item item = buffer->next();
            if (item.kind == LineBuffer::Item::Kind::None)
                return;
            timeout->deleteLater();
            socket->disconnect(this);
            QObject::disconnect(socket, &QLocalSocket::readyRead, nullptr, nullptr);
            QString error;
            const auto hello = item.kind == LineBuffer::Item::Kind::Line
                                   ? Hello::fromLine(item.line, &error)
                                   : std::optional<Hello>();
            if (!hello) {
                HelloReply reply{false, error.isEmpty() ? QStringLiteral("hello line too long") : error,
                                 QCoreApplication::applicationPid(), QString::fromLatin1(versionString()), -1, {}};
                socket->write(reply.toLine() + '\n');
                socket->disconnectFromServer();
                return;
            }
            onHello(socket, *hello, buffer->takeRemainder());
        };
        connect(socket, &QLocalSocket::readyRead, this, onData);
        timeout->start(HelloTimeoutMs);
        if (socket->bytesAvailable() > 0)
            onData();
    }
}

void Broker::onHello(QLocalSocket *socket, const Hello &hello, const QByteArray &rest)
{
    HelloReply reply{true, {}, QCoreApplication::applicationPid(), QString::fromLatin1(versionString()), -1, {}};
    if (hello.role == QLatin1String("control")) {
        warnOnVersionMismatch(hello);
        socket->write(reply.toLine() + '\n');
        m_control->serve(socket, rest);
        return;
    }
    if (!m_groups.contains(hello.server)) {
        reply.accepted = false;
        reply.error = unknownServerMessage(hello.server);
        socket->write(reply.toLine() + '\n');
        socket->disconnectFromServer();
        qCInfo(lcBroker).noquote() << reply.error;
        return;
    }
    // A shim whose session was cut off reconnects when it could not read the closing line in
    // time (its client read nothing for ClosingGraceMs): it is told again, and exits.
    if (hello.previousBrokerPid == QCoreApplication::applicationPid() && m_cutOff.contains(hello.previousSession)) {
        reply.accepted = false;
        reply.closedReason = m_cutOff.value(hello.previousSession);
        reply.error = QStringLiteral("Manifold closed the session: %1").arg(reply.closedReason);
        socket->write(reply.toLine() + '\n');
        socket->disconnectFromServer();
        return;
    }
    warnOnVersionMismatch(hello);
    reply.session = qint64(m_nextSession);   // the id openSession gives it
    socket->write(reply.toLine() + '\n');
    openSession(socket, hello, rest);
}

bool Broker::isOtherVersion(const Hello &hello)
{
    return !hello.peerVersion.isEmpty() && hello.peerVersion != QLatin1String(versionString());
}

void Broker::warnOnVersionMismatch(const Hello &hello) const
{
    if (!isOtherVersion(hello))
        return;
    // Served anyway (the wire protocol is versioned separately and already matched), but mixed
    // versions are what an unfinished upgrade looks like, so say so where users look.
    if (hello.role == QLatin1String("shim")) {
        qCWarning(lcBroker).noquote()
            << QStringLiteral("manifold-shim %1 (pid %2, server \"%3\", started by %4) is not the broker's version %5; "
                              "restart that MCP client so it uses the installed shim")
                   .arg(hello.peerVersion)
                   .arg(hello.pid)
                   .arg(hello.server, hello.parentExe.isEmpty() ? QStringLiteral("an unknown client") : hello.parentExe,
                        QLatin1String(versionString()));
    } else {
        qCWarning(lcBroker).noquote()
            << QStringLiteral("manifoldctl %1 (pid %2) is talking to broker version %3; restart Manifold to finish an upgrade")
                   .arg(hello.peerVersion)
                   .arg(hello.pid)
                   .arg(QLatin1String(versionString()));
    }
}

void Broker::openSession(QLocalSocket *socket, const Hello &hello, const QByteArray &rest)
{
    ServerGroup *group = m_groups.value(hello.server);
    const SessionId id = nextSessionId();
    auto *session = new Session(id, socket, hello, group->config().maxLineBytes,
                                group->config().effectiveMaxQueuedBytes(defaultMaxQueuedBytes()), this);
    QObject::disconnect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
    qCInfo(lcBroker).noquote() << "session" << id << "for" << hello.server << "from shim pid" << hello.pid;
    adoptSession(session, rest);
}

void Broker::adoptSession(ClientSession *session, const QByteArray &alreadyRead)
{
    const SessionId id = session->id();
    m_sessions.insert(id, session);
    connect(session, &ClientSession::lineReceived, this, &Broker::onSessionLine);
    connect(session, &ClientSession::lineTooLong, this, &Broker::onSessionLineTooLong);
    connect(session, &ClientSession::closed, this, &Broker::closeSession);
    connect(session, &ClientSession::overflowed, this, &Broker::onSessionOverflowed);
    // Per-client sharing picks the child by the client's name, which its first message carries.
    if (!m_groups.value(session->hello().server)->needsFirstMessage())
        assign(id, {});
    emit sessionOpened(id);
    session->begin(alreadyRead);
}

SessionId Broker::nextSessionId()
{
    return m_nextSession++;
}

ServerHost *Broker::assign(SessionId id, QByteArrayView firstMessage)
{
    ClientSession *session = m_sessions.value(id);
    ServerGroup *group = session ? m_groups.value(session->hello().server) : nullptr;
    if (!group)
        return nullptr;
    ServerHost *host = group->attach(id, session->hello(), firstMessage);
    // What earlier runs learned, before the session's first call; and whatever this one learns.
    teachAskers(group, host);
    m_sessionHost.insert(id, host);
    return host;
}

void Broker::teachAskers(ServerGroup *group, ServerHost *host)
{
    host->setKnownAskers(m_learned.value(group->config().name, AskingCallsKey).toVariant().toStringList());
    connect(host, &ServerHost::askersLearned, this, &Broker::rememberAskers, Qt::UniqueConnection);
}

void Broker::rememberAskers(const QString &server, const QStringList &askers)
{
    QStringList known = m_learned.value(server, AskingCallsKey).toVariant().toStringList();
    for (const QString &key : askers) {
        if (!known.contains(key))
            known.append(key);
    }
    known.sort();
    QString error;
    if (m_learned.setValue(server, AskingCallsKey, QJsonArray::fromStringList(known)) && !m_learned.save(&error))
        qCWarning(lcBroker).noquote() << "cannot keep what was learned about" << server << ':' << error;
    // Every instance of the server keeps such calls of different clients apart from now on.
    if (ServerGroup *group = m_groups.value(server)) {
        for (ServerHost *host : group->instances())
            host->setKnownAskers(known);
    }
}

void Broker::onSessionLine(SessionId id, const QByteArray &line)
{
    ServerHost *host = m_sessionHost.value(id);
    if (!host)
        host = assign(id, line);
    if (host)
        host->sessionLine(id, line);
}

void Broker::onSessionLineTooLong(SessionId id, qsizetype limit)
{
    ServerHost *host = m_sessionHost.value(id);
    if (!host)
        host = assign(id, {});
    if (host)
        host->sessionLineTooLong(id, limit);
}

void Broker::onSessionOverflowed(SessionId id, const QString &reason)
{
    const ClientSession *session = m_sessions.value(id);
    if (!session)
        return;
    const Hello &hello = session->hello();
    // A shim says its pid; an HTTP session has none, its parentExe names token and address.
    const QString shim = hello.pid > 0 ? QStringLiteral("shim pid %1").arg(hello.pid) : QString();
    const QString client = hello.parentExe.isEmpty() ? shim
                           : shim.isEmpty()          ? hello.parentExe
                                                     : QStringLiteral("%1 (%2)").arg(hello.parentExe, shim);
    const QString text = QStringLiteral("session %1 of %2 disconnected: %3").arg(id).arg(client, reason);
    // The closed() that follows detaches it: its requests are forgotten and cancelled at the child.
    if (ServerHost *host = m_sessionHost.value(id))
        host->noteEvent(text);
    qCWarning(lcBroker).noquote() << hello.server << text;
    if (m_cutOff.size() >= MaxCutOffRemembered)
        m_cutOff.erase(m_cutOff.begin());   // the oldest id
    m_cutOff.insert(id, reason);
    emit sessionCutOff(hello.server, id, text, reason);
}

void Broker::closeSession(SessionId id)
{
    ClientSession *session = m_sessions.take(id);
    ServerHost *host = m_sessionHost.take(id);
    if (!session)
        return;
    if (ServerGroup *group = m_groups.value(session->hello().server); group && group->hostOf(id) == host)
        group->detach(id);
    else if (host)
        host->detachSession(id);
    session->deleteLater();
    emit sessionClosed(id);
    qCInfo(lcBroker) << "session" << id << "closed";
}

QString Broker::unknownServerMessage(const QString &name) const
{
    QString message = QStringLiteral("no server named '%1'; known: %2")
                          .arg(name, m_groups.isEmpty() ? QStringLiteral("(none)")
                                                        : m_groups.keys().join(QStringLiteral(", ")));
    if (!m_registryError.isEmpty())
        message += QStringLiteral(" (servers.json could not be read: %1)").arg(m_registryError);
    return message;
}

} // namespace manifold
