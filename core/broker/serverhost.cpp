#include "serverhost.h"

#include "platform/childledger.h"
#include "platform/childprocess.h"
#include "platform/guardian.h"
#include "secrets/secretenv.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QProcessEnvironment>
#include <QRegularExpression>

#include <csignal>

Q_LOGGING_CATEGORY(lcHost, "manifold.broker.host")

namespace manifold {

namespace {
// For logs only: URL passwords and --token=/--key=/--password= style values are hidden.
QString redactedArguments(const QStringList &args)
{
    static const QRegularExpression urlPassword(QStringLiteral("(://[^/:@\\s]*:)[^@\\s]*@"));
    static const QRegularExpression secretOption(
        QStringLiteral("^(--?[A-Za-z0-9_-]*(?:token|key|secret|password|passwd)[A-Za-z0-9_-]*=).+$"),
        QRegularExpression::CaseInsensitiveOption);
    QStringList shown;
    for (QString arg : args) {
        arg.replace(urlPassword, QStringLiteral("\\1***@"));
        arg.replace(secretOption, QStringLiteral("\\1***"));
        shown << arg;
    }
    return shown.join(QLatin1Char(' '));
}

QString describeExit(const QString &name, int exitCode, QProcess::ExitStatus status, int signal)
{
    if (status == QProcess::CrashExit || signal > 0)
        return QStringLiteral("server '%1' was killed by signal %2").arg(name).arg(signal > 0 ? signal : exitCode);
    return QStringLiteral("server '%1' exited with code %2").arg(name).arg(exitCode);
}
} // namespace

ServerHost::ServerHost(ServerConfig config, platform::ChildLedger *ledger, QObject *parent)
    : QObject(parent),
      m_config(std::move(config)),
      m_ledger(ledger),
      m_router(m_config.name, [this] { return m_clock.elapsed(); }),
      m_policy(m_timing.restart),
      m_stdout(m_config.maxLineBytes)
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
    m_escalateTimer.setSingleShot(true);
    m_initializeTimer.setSingleShot(true);
    m_heldTimer.setSingleShot(true);
    connect(&m_heldTimer, &QTimer::timeout, this, [this] { dispatch(m_router.expireHeld()); });
    connect(&m_initializeTimer, &QTimer::timeout, this, [this] {
        if (m_state != State::Starting || m_pid <= 0)
            return;
        logEvent(QStringLiteral("no answer to initialize within %1 ms: killing it").arg(m_timing.initializeTimeoutMs));
        platform::signalProcessGroup(m_pid, SIGKILL);
    });
    connect(&m_restartTimer, &QTimer::timeout, this, &ServerHost::startProcess);
    connect(&m_lingerTimer, &QTimer::timeout, this, &ServerHost::onLingerTimeout);
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &ServerHost::onHeartbeatTimer);
    connect(&m_escalateTimer, &QTimer::timeout, this, [this] {
        if (m_pid <= 0)
            return;
        if (m_escalateStep == 0) {
            logEvent(QStringLiteral("still running after stdin closed: SIGTERM"));
            platform::signalProcessGroup(m_pid, SIGTERM);
            m_escalateStep = 1;
            m_escalateTimer.start(m_timing.termGraceMs);
        } else {
            logEvent(QStringLiteral("still running after SIGTERM: SIGKILL"));
            platform::signalProcessGroup(m_pid, SIGKILL);
        }
    });
}

ServerHost::~ServerHost()
{
    if (m_process && m_pid > 0) {
        // Never leave a child behind, even when torn down abruptly.
        m_process->disconnect(this);
        platform::signalProcessGroup(m_pid, SIGKILL);
        m_process->waitForFinished(2000);
        cleanupGroup();
    }
}

void ServerHost::setConfig(const ServerConfig &config)
{
    if (m_state == State::Stopped || m_state == State::Failed) {
        m_config = config;
        m_stdout.setMaxLineBytes(config.maxLineBytes);
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
    }
    return {};
}

qint64 ServerHost::pid() const
{
    return m_pid;
}

QJsonObject ServerHost::idleStatusJson(const ServerConfig &config)
{
    // Environment values may be secrets: status names the variables, never their values
    // (the control method revealEnv hands one out on purpose).
    // Secret variables (values in the keychain) are listed apart from the plain ones.
    QJsonObject env;
    for (auto it = config.env.cbegin(); it != config.env.cend(); ++it)
        env.insert(it.key(), QJsonValue());
    return QJsonObject{{QStringLiteral("name"), config.name},
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
}

QJsonObject ServerHost::statusJson() const
{
    QJsonObject object = idleStatusJson(m_config);
    object.insert(QStringLiteral("state"), stateName(m_state));
    object.insert(QStringLiteral("pid"), m_pid > 0 ? QJsonValue(m_pid) : QJsonValue());
    object.insert(QStringLiteral("uptimeMs"),
                  m_pid > 0 && m_startedAt.isValid() ? m_startedAt.msecsTo(QDateTime::currentDateTime()) : 0);
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
    if (m_pid > 0) {
        if (!m_memorySampled.isValid() || m_memorySampled.elapsed() > 2000) {
            m_memoryKb = platform::processGroupRssKb(m_pid);
            m_memorySampled.start();
        }
        if (m_memoryKb >= 0)
            object.insert(QStringLiteral("memoryKb"), m_memoryKb);
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
    if (!m_router.hasSessions() && (m_state == State::Stopped || m_state == State::Failed))
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
    if (!m_router.hasSessions() && (m_state == State::Stopped || m_state == State::Failed))
        emit idle();
    if (!m_router.hasSessions() && m_config.lingerMs >= 0 &&
        (m_state == State::Running || m_state == State::Starting || m_state == State::Backoff))
        m_lingerTimer.start(m_config.lingerMs);
    return transfer;
}

void ServerHost::adoptSession(const Router::SessionTransfer &transfer, bool keepHeld)
{
    m_lingerTimer.stop();
    if (m_state == State::Stopped || m_state == State::Stopping || m_state == State::Failed)
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
    if (m_state == State::Failed) {
        m_policy.reset();
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
    m_stopRequested = false;
    m_unresponsive = false;
    m_escalateStep = 0;
    m_stdout = LineBuffer(m_config.maxLineBytes);
    m_stderr = LineBuffer(64 * 1024);
    setState(State::Starting);
    const quint64 attempt = ++m_startAttempt;
    if (m_config.secretEnv.isEmpty()) {
        spawn({});
        return;
    }
    // Names only: the values never reach a log.
    logEvent(QStringLiteral("reading secret %1 from the keychain").arg(m_config.secretEnv.join(QStringLiteral(", "))));
    readSecretEnv(m_secrets, m_config, this, [this, attempt](const QMap<QString, QString> &values, const QString &error) {
        if (attempt != m_startAttempt || !awaitingSecrets())
            return;   // stopped (or started again) meanwhile
        if (!error.isEmpty())
            failToStart(error);
        else
            spawn(values);
    });
}

void ServerHost::spawn(const QMap<QString, QString> &secretValues)
{
    m_process = new QProcess(this);
    m_process->setProgram(m_config.command);
    m_process->setArguments(m_config.args);
    if (!m_config.cwd.isEmpty())
        m_process->setWorkingDirectory(m_config.cwd);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (auto it = m_config.env.cbegin(); it != m_config.env.cend(); ++it)
        env.insert(it.key(), it.value());
    for (auto it = secretValues.cbegin(); it != secretValues.cend(); ++it)
        env.insert(it.key(), it.value());
    m_process->setProcessEnvironment(env);
    platform::placeInOwnProcessGroup(*m_process);
    connect(m_process, &QProcess::started, this, &ServerHost::onStarted);
    connect(m_process, &QProcess::readyReadStandardOutput, this, &ServerHost::onStdout);
    connect(m_process, &QProcess::readyReadStandardError, this, &ServerHost::onStderr);
    connect(m_process, &QProcess::finished, this, &ServerHost::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, &ServerHost::onErrorOccurred);
    logEvent(QStringLiteral("starting: %1 %2").arg(m_config.command, redactedArguments(m_config.args)));
    m_process->start();
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
    m_pid = m_process->processId();
    m_startedAt = QDateTime::currentDateTime();
    if (m_everStarted)
        ++m_restarts;
    m_everStarted = true;
    if (m_ledger)
        m_ledger->record(m_pid, platform::processStartTime(m_pid), m_config.command);
    platform::Guardian::watch(m_pid);
    logEvent(QStringLiteral("started, pid %1").arg(m_pid));
    m_sinceChildTraffic.restart();
    if (m_config.heartbeatMs > 0)
        m_heartbeatTimer.start(qMax(50, m_config.heartbeatMs / 2));
    m_initializeTimer.start(m_timing.initializeTimeoutMs);
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
    if (!m_process || m_state == State::Stopping)
        return;
    if (m_pid <= 0) {
        // Not started yet: there is no group to signal, so just end it.
        m_stopRequested = true;
        setState(State::Stopping);
        m_process->kill();
        return;
    }
    m_stopRequested = true;
    setState(State::Stopping);
    // From now on requests wait for the next child instead of going into a closed stdin.
    m_router.childStopping();
    logEvent(QStringLiteral("stopping: closing stdin"));
    m_process->closeWriteChannel();
    m_escalateStep = 0;
    m_escalateTimer.start(m_timing.stdinGraceMs);
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
    if (!m_process || m_pid <= 0)
        return;
    logEvent(QStringLiteral("killing process group %1").arg(m_pid));
    platform::signalProcessGroup(m_pid, SIGKILL);
}

void ServerHost::shutdownBlocking(int timeoutMs)
{
    m_restartTimer.stop();
    m_lingerTimer.stop();
    m_heartbeatTimer.stop();
    if (!m_process || m_pid <= 0)
        return;
    m_stopRequested = true;
    m_process->closeWriteChannel();
    if (!m_process->waitForFinished(timeoutMs / 2)) {
        platform::signalProcessGroup(m_pid, SIGTERM);
        if (!m_process->waitForFinished(timeoutMs / 2)) {
            platform::signalProcessGroup(m_pid, SIGKILL);
            m_process->waitForFinished(1000);
        }
    }
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
            setState(State::Running);
            logEvent(QStringLiteral("initialized"));
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
    if (!deadline) {
        if (m_heldTimer.isActive())
            m_heldTimer.stop();
        return;
    }
    m_heldTimer.start(int(qBound(qint64(0), *deadline - m_clock.elapsed(), qint64(24 * 3600 * 1000))));
}

void ServerHost::writeToChild(const QByteArray &line)
{
    if (!m_process || m_process->state() != QProcess::Running)
        return;
    m_process->write(line);
    m_process->write("\n", 1);
}

void ServerHost::onStdout()
{
    m_sinceChildTraffic.restart();
    m_stdout.append(m_process->readAllStandardOutput());
    for (;;) {
        LineBuffer::Item item = m_stdout.next();
        if (item.kind == LineBuffer::Item::Kind::None)
            break;
        if (item.kind == LineBuffer::Item::Kind::Oversized || item.kind == LineBuffer::Item::Kind::OversizedEnd) {
            // Once the whole line has gone by, the request it answered (if any) gets an error
            // instead of waiting forever.
            if (item.complete)
                dispatch(m_router.oversizedFromChild(item.head, item.tail, m_config.maxLineBytes));
            continue;
        }
        if (QByteArrayView(item.line).trimmed().isEmpty())
            continue;
        // Given up, not copied: a large result reaches its session in the buffer it was read into.
        dispatch(m_router.consumeFromChild(std::move(item.line)));
        if (!m_process)
            break;   // a dispatched action tore the child down
    }
}

void ServerHost::onStderr()
{
    m_stderr.append(m_process->readAllStandardError());
    for (;;) {
        LineBuffer::Item item = m_stderr.next();
        if (item.kind == LineBuffer::Item::Kind::None)
            break;
        if (item.kind == LineBuffer::Item::Kind::OversizedEnd)
            continue;
        const QString text = item.kind == LineBuffer::Item::Kind::Oversized
                                 ? QStringLiteral("[oversized stderr line skipped]")
                                 : QString::fromUtf8(item.line);
        m_log.append(RingLog::Source::Stderr, text);
        emit logged(m_log.entries().last());
    }
}

void ServerHost::onErrorOccurred(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart)
        return;
    const QString description = QStringLiteral("server '%1' could not start '%2': %3")
                                    .arg(m_config.name, m_config.command, m_process->errorString());
    m_process->deleteLater();
    m_process = nullptr;
    m_pid = 0;
    childGone(description, true);
}

void ServerHost::onFinished(int exitCode, QProcess::ExitStatus status)
{
    onStdout();
    onStderr();
    const QByteArray rest = m_stderr.takeRemainder();
    if (!rest.isEmpty())
        m_log.append(RingLog::Source::Stderr, QString::fromUtf8(rest));
    const int signal = status == QProcess::CrashExit ? exitCode : 0;
    const QString description = describeExit(m_config.name, exitCode, status, signal);
    cleanupGroup();
    m_process->deleteLater();
    m_process = nullptr;
    m_pid = 0;
    childGone(description, !m_stopRequested);
}

void ServerHost::cleanupGroup()
{
    if (m_pid <= 0)
        return;
    // The leader is gone; grandchildren (npx -> node) may still hold the group.
    if (platform::processGroupAlive(m_pid))
        platform::signalProcessGroup(m_pid, SIGKILL);
    platform::Guardian::unwatch(m_pid);
    if (m_ledger)
        m_ledger->forget(m_pid);
}

void ServerHost::childGone(const QString &description, bool crashed)
{
    m_initializeTimer.stop();
    m_escalateTimer.stop();
    m_heartbeatTimer.stop();
    m_lastExit = description;
    logEvent(description);
    if (!crashed) {
        dispatch(m_router.childExited(QStringLiteral("server '%1' was stopped").arg(m_config.name)));
        setState(State::Stopped);
        if (std::exchange(m_restartAfterStop, false) || (m_router.waitingCount() > 0 && m_router.hasSessions()))
            start();
        return;
    }
    dispatch(m_router.childExited(description + QStringLiteral(" while handling this request")));
    if (!m_router.hasSessions()) {
        setState(State::Stopped);
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
