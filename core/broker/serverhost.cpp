#include "serverhost.h"

#include "broker/childupstream.h"
#include "secrets/secretenv.h"
#include "secrets/secretstore.h"

#include <QJsonArray>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcHost, "manifold.broker.host")

namespace manifold {

ServerHost::ServerHost(ServerConfig config, platform::ChildLedger *ledger, QObject *parent)
    : QObject(parent),
      m_config(std::move(config)),
      m_ledger(ledger),
      m_router(m_config.name, [this] { return m_clock.elapsed(); }),
      m_policy(m_timing.restart)
{
    m_clock.start();
    m_sinceChildTraffic.start();
    m_router.setMaxInFlight(m_config.maxInFlight);
    // $MANIFOLD_SESSION_WINDOW in the broker's environment replaces the default (0: no window).
    bool windowSet = false;
    const int window = qEnvironmentVariableIntValue("MANIFOLD_SESSION_WINDOW", &windowSet);
    if (windowSet)
        m_router.setSessionWindow(window);
    m_restartTimer.setSingleShot(true);
    m_lingerTimer.setSingleShot(true);
    m_initializeTimer.setSingleShot(true);
    m_heldTimer.setSingleShot(true);
    connect(&m_heldTimer, &QTimer::timeout, this, [this] { dispatch(m_router.expireHeld()); });
    connect(&m_initializeTimer, &QTimer::timeout, this, [this] {
        if (m_state != State::Starting || !m_upstream || !m_upstreamStarted)
            return;
        logEvent(QStringLiteral("no answer to initialize within %1 ms: killing it").arg(m_timing.initializeTimeoutMs));
        m_upstream->kill();
    });
    connect(&m_restartTimer, &QTimer::timeout, this, &ServerHost::startProcess);
    connect(&m_lingerTimer, &QTimer::timeout, this, &ServerHost::onLingerTimeout);
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &ServerHost::onHeartbeatTimer);
}

ServerHost::~ServerHost()
{
    // The upstream is a child QObject: deleting it ends a child process (never left behind) or
    // aborts the HTTP requests. Its signals must not reach a half-destroyed host.
    if (m_upstream)
        m_upstream->disconnect(this);
}

void ServerHost::setConfig(const ServerConfig &config)
{
    if (m_state == State::Stopped || m_state == State::Failed) {
        m_config = config;
        m_router.setMaxInFlight(config.maxInFlight);
    } else {
        m_pendingConfig = config;
        m_hasPendingConfig = true;
    }
}

void ServerHost::setTiming(const Timing &timing)
{
    m_timing = timing;
    m_policy = RestartPolicy(timing.restart);
}

QString ServerHost::stateName(State state)
{
    switch (state) {
    case State::Stopped: return QStringLiteral("stopped");
    case State::Starting: return QStringLiteral("starting");
    case State::Running: return QStringLiteral("running");
    case State::Backoff: return QStringLiteral("restarting");
    case State::Stopping: return QStringLiteral("stopping");
    case State::Failed: return QStringLiteral("failed");
    case State::SignInRequired: return QStringLiteral("sign-in-required");
    }
    return {};
}

qint64 ServerHost::pid() const
{
    return m_upstream ? m_upstream->pid() : 0;
}

QJsonObject ServerHost::idleStatusJson(const ServerConfig &config)
{
    // Environment values may be secrets: status names the variables, never their values
    // (the control method revealEnv hands one out on purpose).
    // Secret variables (values in the keychain) are listed apart from the plain ones.
    QJsonObject env;
    for (auto it = config.env.cbegin(); it != config.env.cend(); ++it)
        env.insert(it.key(), QJsonValue());
    QJsonObject object{{QStringLiteral("name"), config.name},
                       {QStringLiteral("env"), env},
                       {QStringLiteral("secretEnv"), QJsonArray::fromStringList(config.secretEnv)},
                       {QStringLiteral("cwd"), config.cwd},
                       {QStringLiteral("heartbeatMs"), config.heartbeatMs},
                       {QStringLiteral("state"), stateName(State::Stopped)},
                       {QStringLiteral("pid"), QJsonValue()},
                       {QStringLiteral("uptimeMs"), 0},
                       {QStringLiteral("restarts"), 0},
                       {QStringLiteral("sessions"), 0},
                       {QStringLiteral("inFlight"), 0},
                       {QStringLiteral("queued"), 0},
                       {QStringLiteral("queue"), QJsonArray()},
                       {QStringLiteral("lastHeartbeat"), QJsonValue()},
                       {QStringLiteral("unresponsive"), false},
                       {QStringLiteral("lastExit"), QJsonValue()},
                       {QStringLiteral("command"), config.command},
                       {QStringLiteral("args"), QJsonArray::fromStringList(config.args)},
                       {QStringLiteral("sharing"), ServerConfig::sharingName(config.sharing)},
                       {QStringLiteral("maxInFlight"), config.maxInFlight},
                       {QStringLiteral("maxQueuedBytes"), config.maxQueuedBytes},   // 0: the default
                       {QStringLiteral("lingerMs"), config.lingerMs}};
    if (config.isRemote()) {
        // Header values may be secrets too: names only, like env.
        QJsonObject headers;
        for (auto it = config.headers.cbegin(); it != config.headers.cend(); ++it)
            headers.insert(it.key(), QJsonValue());
        object.insert(QStringLiteral("url"), config.url);
        object.insert(QStringLiteral("transport"), ServerConfig::transportName(config.transport));
        object.insert(QStringLiteral("headers"), headers);
        object.insert(QStringLiteral("secretHeaders"), QJsonArray::fromStringList(config.secretHeaders));
    }
    return object;
}

QJsonObject ServerHost::statusJson() const
{
    QJsonObject object = idleStatusJson(m_config);
    object.insert(QStringLiteral("state"), stateName(m_state));
    const qint64 childPid = pid();
    object.insert(QStringLiteral("pid"), childPid > 0 ? QJsonValue(childPid) : QJsonValue());
    object.insert(QStringLiteral("uptimeMs"), m_upstreamStarted && m_startedAt.isValid()
                                                  ? m_startedAt.msecsTo(QDateTime::currentDateTime()) : 0);
    object.insert(QStringLiteral("restarts"), m_restarts);
    object.insert(QStringLiteral("sessions"), m_router.sessionCount());
    object.insert(QStringLiteral("inFlight"), m_router.inFlightCount());
    object.insert(QStringLiteral("waiting"), m_router.waitingCount());
    object.insert(QStringLiteral("protocolVersion"), QString::fromUtf8(m_router.negotiatedVersion()));
    // In-flight requests first, then the queue in the order it will be served.
    QJsonArray queue;
    int queued = 0;
    const qint64 now = m_clock.elapsed();
    for (const Router::RequestInfo &request : m_router.requests()) {
        queued += request.forwarded ? 0 : 1;
        queue.append(QJsonObject{{QStringLiteral("method"), QString::fromUtf8(request.method)},
                                 {QStringLiteral("session"), qint64(request.session)},
                                 {QStringLiteral("ageMs"), now - request.receivedMs},
                                 {QStringLiteral("state"), request.forwarded ? QStringLiteral("in-flight")
                                                                             : QStringLiteral("queued")}});
    }
    object.insert(QStringLiteral("queued"), queued);
    object.insert(QStringLiteral("queue"), queue);
    object.insert(QStringLiteral("lastHeartbeat"),
                  m_lastHeartbeat.isValid() ? QJsonValue(m_lastHeartbeat.toString(Qt::ISODateWithMs)) : QJsonValue());
    object.insert(QStringLiteral("unresponsive"), m_unresponsive);
    object.insert(QStringLiteral("lastExit"), m_lastExit.isEmpty() ? QJsonValue() : QJsonValue(m_lastExit));
    if (m_upstream) {
        if (const qint64 kb = memoryKb(); kb >= 0)
            object.insert(QStringLiteral("memoryKb"), kb);
        const QJsonObject extra = m_upstream->statusJson();
        for (auto it = extra.constBegin(); it != extra.constEnd(); ++it)
            object.insert(it.key(), it.value());
    }
    return object;
}

void ServerHost::attachSession(SessionId session)
{
    m_lingerTimer.stop();
    m_router.addSession(session);
    if (m_state == State::Stopped || m_state == State::Stopping)
        start();
}

void ServerHost::detachSession(SessionId session)
{
    dispatch(m_router.removeSession(session));
    if (!m_router.hasSessions() && (m_state == State::Stopped || m_state == State::Failed ||
                                    m_state == State::SignInRequired))
        emit idle();
    if (m_router.hasSessions() || m_config.lingerMs < 0)
        return;
    if (m_state == State::Running || m_state == State::Starting || m_state == State::Backoff)
        m_lingerTimer.start(m_config.lingerMs);
}

void ServerHost::setRootsMode(bool declares, bool learns)
{
    m_router.setDeclaresRoots(declares);
    m_router.setLearnsRoots(learns);
}

void ServerHost::setInstanceRoots(const QList<QByteArray> &roots)
{
    dispatch(m_router.setInstanceRoots(roots));
}

void ServerHost::releaseHeld(SessionId session)
{
    dispatch(m_router.releaseHeld(session));
}

Router::SessionTransfer ServerHost::takeSession(SessionId session)
{
    RouterActions out;
    Router::SessionTransfer transfer = m_router.detachForMove(session, out);
    dispatch(out);
    if (!m_router.hasSessions() && (m_state == State::Stopped || m_state == State::Failed ||
                                    m_state == State::SignInRequired))
        emit idle();
    if (!m_router.hasSessions() && m_config.lingerMs >= 0 &&
        (m_state == State::Running || m_state == State::Starting || m_state == State::Backoff))
        m_lingerTimer.start(m_config.lingerMs);
    return transfer;
}

void ServerHost::adoptSession(const Router::SessionTransfer &transfer, bool keepHeld)
{
    m_lingerTimer.stop();
    if (m_state == State::Stopped || m_state == State::Stopping || m_state == State::Failed ||
        m_state == State::SignInRequired)
        start();
    dispatch(m_router.adoptSession(transfer, keepHeld));
}

void ServerHost::sessionLine(SessionId session, const QByteArray &line)
{
    dispatch(m_router.fromSession(session, line));
}

void ServerHost::sessionLineTooLong(SessionId session, qsizetype limit)
{
    dispatch(m_router.oversizedFromSession(session, limit));
}

void ServerHost::start()
{
    m_lingerTimer.stop();
    if (m_state == State::Failed || m_state == State::SignInRequired) {
        m_policy.reset();
        m_networkFailures = 0;
        m_router.childExited(QString());   // Failed -> Down
        setState(State::Stopped);
    }
    if (m_state == State::Stopping) {
        m_restartAfterStop = true;
        return;
    }
    if (m_state == State::Backoff) {
        m_restartTimer.stop();
        startProcess();
        return;
    }
    if (m_state != State::Stopped)
        return;
    startProcess();
}

void ServerHost::startProcess()
{
    if (m_hasPendingConfig) {
        m_config = m_pendingConfig;
        m_hasPendingConfig = false;
        m_router.setMaxInFlight(m_config.maxInFlight);
    }
    m_unresponsive = false;
    setState(State::Starting);
    const quint64 attempt = ++m_startAttempt;
    if (m_config.secretEnv.isEmpty() && m_config.secretHeaders.isEmpty()) {
        launch({});
        return;
    }
    // Names only: the values never reach a log.
    const QStringList names = m_config.isRemote() ? m_config.secretHeaders : m_config.secretEnv;
    logEvent(QStringLiteral("reading secret %1 from the keychain").arg(names.join(QStringLiteral(", "))));
    readSecretEnv(m_secrets, m_config, this, [this, attempt](const QMap<QString, QString> &values, const QString &error) {
        if (attempt != m_startAttempt || !awaitingSecrets())
            return;   // stopped (or started again) meanwhile
        if (!error.isEmpty())
            failToStart(error);
        else
            launch(values);
    });
}

qint64 ServerHost::memoryKb() const
{
    return m_upstream ? m_upstream->memoryKb() : -1;
}

void ServerHost::launch(const QMap<QString, QString> &secretValues)
{
    if (m_traffic) {
        QList<QByteArray> values;
        for (const QString &value : secretValues)
            values.append(value.toUtf8());
        m_traffic->addSecrets(values);
    }
    if (m_config.isRemote()) {
        m_upstream = m_remoteFactory ? m_remoteFactory(m_config, secretValues, this) : nullptr;
        if (!m_upstream) {
            failToStart(QStringLiteral("server '%1' is remote (%2), but this build cannot reach remote servers")
                            .arg(m_config.name, m_config.url));
            return;
        }
    } else {
        m_upstream = new ChildUpstream(m_config, secretValues, {m_timing.stdinGraceMs, m_timing.termGraceMs},
                                       m_ledger, this);
    }
    m_upstreamStarted = false;
    m_upstream->setLineHandler([this](QByteArray &&message, const QByteArray &related) {
        m_sinceChildTraffic.restart();
        dispatch(m_router.consumeFromUpstream(std::move(message), related));
    });
    connect(m_upstream, &Upstream::started, this, &ServerHost::onStarted);
    connect(m_upstream, &Upstream::oversized, this, [this](const QByteArray &head, const QByteArray &tail) {
        m_sinceChildTraffic.restart();
        dispatch(m_router.oversizedFromChild(head, tail, m_config.maxLineBytes));
    });
    connect(m_upstream, &Upstream::stderrLine, this, &ServerHost::onStderrLine);
    connect(m_upstream, &Upstream::noted, this, &ServerHost::logEvent);
    connect(m_upstream, &Upstream::sessionLost, this, &ServerHost::onSessionLost);
    connect(m_upstream, &Upstream::gone, this, &ServerHost::onGone);
    m_upstream->start();
}

// A start that cannot work until the user acts (a secret is missing or the keychain fails):
// no retries, every waiting request gets the reason, the server shows as failed.
void ServerHost::failToStart(const QString &description)
{
    m_lastExit = description;
    logEvent(description);
    dispatch(m_router.childFailed(description));
    setState(State::Failed);
    emit crashLooped({description});
}

void ServerHost::onStarted()
{
    m_upstreamStarted = true;
    m_startedAt = QDateTime::currentDateTime();
    if (m_everStarted)
        ++m_restarts;
    m_everStarted = true;
    m_sinceChildTraffic.restart();
    if (m_config.heartbeatMs > 0)
        m_heartbeatTimer.start(qMax(50, m_config.heartbeatMs / 2));
    m_initializeTimer.start(m_timing.initializeTimeoutMs);
    dispatch(m_router.childStarted());
}

// The remote server forgot the session: initialize again; the upstream re-sends what the old
// session never processed once that is done, and the router replays subscriptions and log level.
void ServerHost::onSessionLost()
{
    logEvent(QStringLiteral("the remote session expired: initializing a new one"));
    dispatch(m_router.childStarted());
}

void ServerHost::stop()
{
    m_restartTimer.stop();
    m_lingerTimer.stop();
    if (m_state == State::Backoff) {
        dispatch(m_router.abandonWaiting(QStringLiteral("server '%1' was stopped").arg(m_config.name)));
        setState(State::Stopped);
        return;
    }
    if (awaitingSecrets()) {
        // No child yet: forget the start. A restart keeps the waiting requests for the next one.
        ++m_startAttempt;
        setState(State::Stopped);
        if (std::exchange(m_restartAfterStop, false))
            start();
        else
            dispatch(m_router.abandonWaiting(QStringLiteral("server '%1' was stopped").arg(m_config.name)));
        return;
    }
    if (!m_upstream || m_state == State::Stopping)
        return;
    setState(State::Stopping);
    // From now on requests wait for the next upstream instead of going into a closed one.
    if (m_upstreamStarted)
        m_router.childStopping();
    m_upstream->stop();
}

void ServerHost::restart()
{
    if (m_state == State::Running || m_state == State::Starting) {
        m_restartAfterStop = true;
        stop();
    } else {
        start();
    }
}

void ServerHost::kill()
{
    if (!m_upstream || !m_upstreamStarted)
        return;
    m_upstream->kill();
}

void ServerHost::shutdownBlocking(int timeoutMs)
{
    m_restartTimer.stop();
    m_lingerTimer.stop();
    m_heartbeatTimer.stop();
    if (m_upstream)
        m_upstream->shutdownBlocking(timeoutMs);
}

void ServerHost::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void ServerHost::dispatch(const RouterActions &actions)
{
    if (!actions.isEmpty())
        emit activity();
    bool learned = false;
    for (const RouterAction &action : actions) {
        switch (action.kind) {
        case RouterAction::Kind::ToChild:
            writeToChild(action.data);
            break;
        case RouterAction::Kind::ToSession:
            emit sessionOutput(action.session, action.data);
            break;
        case RouterAction::Kind::Log:
            logEvent(QString::fromUtf8(action.data));
            break;
        case RouterAction::Kind::ChildReady:
            // No reset of the crash history here: a child that initializes and then dies must
            // still count as a crash loop. Old crashes leave the policy's window by themselves.
            m_initializeTimer.stop();
            m_networkFailures = 0;
            m_router.setServerRequestsTagged(m_upstream && m_upstream->tagsServerRequests());
            if (m_state != State::Running)
                logEvent(QStringLiteral("initialized"));
            setState(State::Running);
            break;
        case RouterAction::Kind::HeartbeatAnswered:
            m_lastHeartbeat = QDateTime::currentDateTime();
            if (m_unresponsive)
                logEvent(QStringLiteral("answers heartbeats again"));
            m_unresponsive = false;
            emit heartbeat(true);
            break;
        case RouterAction::Kind::NeedChild:
            if (m_state == State::Stopped || m_state == State::Stopping)
                start();   // while stopping: start again once the old child is gone
            break;
        case RouterAction::Kind::RootsReported:
            emit rootsReported(action.session, action.data);
            break;
        case RouterAction::Kind::ChildAskedRoots:
            emit childAskedRoots();
            break;
        case RouterAction::Kind::Learned:
            learned = true;
            break;
        }
    }
    armHeldTimer();
    if (learned)
        emit askersLearned(m_config.name, m_router.knownAskers());
}

void ServerHost::armHeldTimer()
{
    const std::optional<qint64> deadline = m_router.nextDeadlineMs();
    // Runs after every dispatch: a timer already set for the same deadline is left alone rather
    // than restarted (a timer-list removal and insertion per message).
    if (deadline == m_heldDeadline && deadline.has_value() == m_heldTimer.isActive())
        return;
    m_heldDeadline = deadline;
    if (!deadline) {
        m_heldTimer.stop();
        return;
    }
    m_heldTimer.start(int(qBound(qint64(0), *deadline - m_clock.elapsed(), qint64(24 * 3600 * 1000))));
}

void ServerHost::writeToChild(const QByteArray &line)
{
    if (m_upstream && m_upstreamStarted)
        m_upstream->send(line);
}

void ServerHost::onStderrLine(const QString &text)
{
    m_log.append(RingLog::Source::Stderr, text);
    emit logged(m_log.entries().last());
}

void ServerHost::dropUpstream()
{
    if (!m_upstream)
        return;
    m_upstream->disconnect(this);
    m_upstream->setLineHandler({});
    m_upstream->deleteLater();   // it may be emitting right now
    m_upstream = nullptr;
    m_upstreamStarted = false;
}

void ServerHost::onGone(const QString &description, Upstream::GoneKind kind)
{
    m_initializeTimer.stop();
    m_heartbeatTimer.stop();
    dropUpstream();
    m_lastExit = description;
    logEvent(description);
    switch (kind) {
    case Upstream::GoneKind::Stopped:
        dispatch(m_router.childExited(QStringLiteral("server '%1' was stopped").arg(m_config.name)));
        setState(State::Stopped);
        if (std::exchange(m_restartAfterStop, false) || (m_router.waitingCount() > 0 && m_router.hasSessions()))
            start();
        return;
    case Upstream::GoneKind::SignInRequired:
        // Nothing to retry until the user signs in (the broker starts it again then).
        dispatch(m_router.childFailed(description));
        setState(State::SignInRequired);
        return;
    case Upstream::GoneKind::Fatal:
        dispatch(m_router.childFailed(description));
        setState(State::Failed);
        emit crashLooped({description});
        return;
    case Upstream::GoneKind::Unreachable:
    case Upstream::GoneKind::Crashed:
        break;
    }
    dispatch(m_router.childExited(description + QStringLiteral(" while handling this request")));
    if (!m_router.hasSessions()) {
        setState(State::Stopped);
        return;
    }
    if (kind == Upstream::GoneKind::Unreachable) {
        // A laptop offline for an hour is not a broken server: back off, never give up. But what
        // waits for it (a client's initialize too) gets the error once a retry failed as well: a
        // blip keeps it, a server that stays away answers it now instead of never.
        if (m_networkFailures > 0)
            dispatch(m_router.abandonWaiting(description));
        const int delay = int(qMin<qint64>(qint64(m_timing.networkRetryMinMs) << qMin(m_networkFailures, 16),
                                           m_timing.networkRetryMaxMs));
        ++m_networkFailures;
        logEvent(QStringLiteral("trying again in %1 ms").arg(delay));
        setState(State::Backoff);
        m_restartTimer.start(delay);
        return;
    }
    const auto delay = m_policy.onCrash(m_clock.elapsed());
    if (!delay) {
        const QStringList lastLines = m_log.lastStderr(10);
        dispatch(m_router.childFailed(
            QStringLiteral("%1; it keeps crashing, so Manifold stopped restarting it").arg(description)));
        setState(State::Failed);
        logEvent(QStringLiteral("crash loop: giving up until restarted by hand"));
        emit crashLooped(lastLines);
        return;
    }
    logEvent(QStringLiteral("restarting in %1 ms").arg(*delay));
    setState(State::Backoff);
    m_restartTimer.start(*delay);
}

void ServerHost::onHeartbeatTimer()
{
    if (m_state != State::Running)
        return;
    if (m_router.heartbeatOutstanding()) {
        if (!m_unresponsive) {
            m_unresponsive = true;
            logEvent(QStringLiteral("no answer to heartbeat ping"));
            emit heartbeat(false);
        }
        return;   // never restart just for that: some servers do not answer ping
    }
    if (m_sinceChildTraffic.elapsed() >= m_config.heartbeatMs / 2)
        dispatch(m_router.heartbeat());
}

void ServerHost::onLingerTimeout()
{
    if (m_router.hasSessions())
        return;
    logEvent(QStringLiteral("no sessions for %1 ms: stopping").arg(m_config.lingerMs));
    stop();
}

void ServerHost::logEvent(const QString &text)
{
    qCInfo(lcHost).noquote() << m_config.name << text;
    m_log.append(RingLog::Source::Event, text);
    emit logged(m_log.entries().last());
}

} // namespace manifold
