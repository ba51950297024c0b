#include "childupstream.h"

#include "broker/outputbatch.h"
#include "platform/childledger.h"
#include "platform/childprocess.h"
#include "platform/guardian.h"

#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QSocketNotifier>

#include <csignal>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace manifold {

namespace {
QString describeExit(const QString &name, int exitCode, QProcess::ExitStatus status, int signal)
{
    if (status == QProcess::CrashExit || signal > 0)
        return QStringLiteral("server '%1' was killed by signal %2").arg(name).arg(signal > 0 ? signal : exitCode);
    return QStringLiteral("server '%1' exited with code %2").arg(name).arg(exitCode);
}

} // namespace

QString ChildUpstream::redactedArguments(const QStringList &args)
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

ChildUpstream::ChildUpstream(const ServerConfig &config, const QMap<QString, QString> &secretEnv, Grace grace,
                             platform::ChildLedger *ledger, QObject *parent)
    : Upstream(parent), m_config(config), m_secretEnv(secretEnv), m_grace(grace), m_ledger(ledger),
      m_stdout(config.maxLineBytes)
{
    m_escalateTimer.setSingleShot(true);
    connect(&m_escalateTimer, &QTimer::timeout, this, &ChildUpstream::onEscalate);
}

ChildUpstream::~ChildUpstream()
{
    if (m_process && m_pid > 0) {
        // Never leave a child behind, even when torn down abruptly.
        m_process->disconnect(this);
        platform::signalProcessGroup(m_pid, SIGKILL);
        m_process->waitForFinished(2000);
        cleanupGroup();
    }
    closeStdin();
#ifdef Q_OS_UNIX
    for (int fd : {m_stdinChildFd, m_stdoutFd, m_stdoutChildFd}) {
        if (fd >= 0)
            ::close(fd);
    }
#endif
}

void ChildUpstream::start()
{
    m_process = new QProcess(this);
    m_process->setProgram(m_config.command);
    m_process->setArguments(m_config.args);
    if (!m_config.cwd.isEmpty())
        m_process->setWorkingDirectory(m_config.cwd);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (auto it = m_config.env.cbegin(); it != m_config.env.cend(); ++it)
        env.insert(it.key(), it.value());
    for (auto it = m_secretEnv.cbegin(); it != m_secretEnv.cend(); ++it)
        env.insert(it.key(), it.value());
    m_process->setProcessEnvironment(env);
    platform::placeInOwnProcessGroup(*m_process);
    const bool ownStdin = openStdinPipe();
    const bool ownStdout = ownStdin && openStdoutPipe();
    connect(m_process, &QProcess::started, this, &ChildUpstream::onStarted);
    connect(m_process, &QProcess::readyReadStandardOutput, this, &ChildUpstream::onStdout);
    connect(m_process, &QProcess::readyReadStandardError, this, &ChildUpstream::onStderr);
    connect(m_process, &QProcess::finished, this, &ChildUpstream::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, &ChildUpstream::onErrorOccurred);
    emit noted(QStringLiteral("starting: %1 %2").arg(m_config.command, redactedArguments(m_config.args)));
    m_process->start();
#ifdef Q_OS_UNIX
    if (ownStdin) {
        // The child has its copy (or never will): ours would keep the pipe open after it closed.
        ::close(std::exchange(m_stdinChildFd, -1));
    }
    if (ownStdout)
        ::close(std::exchange(m_stdoutChildFd, -1));
#else
    Q_UNUSED(ownStdin);
    Q_UNUSED(ownStdout);
#endif
}

QString ChildUpstream::describe() const
{
    return m_pid > 0 ? QStringLiteral("pid %1").arg(m_pid) : QStringLiteral("no process");
}

qint64 ChildUpstream::memoryKb() const
{
    if (m_pid <= 0)
        return -1;
    if (!m_memorySampled.isValid() || m_memorySampled.elapsed() > 2000) {
        m_memoryKb = platform::processGroupRssKb(m_pid);
        m_memorySampled.start();
    }
    return m_memoryKb;
}

void ChildUpstream::onStarted()
{
    m_pid = m_process->processId();
    if (m_ledger)
        m_ledger->record(m_pid, platform::processStartTime(m_pid), m_config.command);
    platform::Guardian::watch(m_pid);
    emit noted(QStringLiteral("started, pid %1").arg(m_pid));
    emit started();
}

void ChildUpstream::send(const QByteArray &message)
{
    if (!m_process || m_process->state() != QProcess::Running || m_stopRequested)
        return;
    if (m_stdinFd < 0) {
        m_process->write(message);
        m_process->write("\n", 1);
        return;
    }
#ifdef Q_OS_UNIX
    // Small lines routed in one pass (a client's pipelined calls) leave in one write at its end.
    constexpr qsizetype BatchBytes = 64 * 1024;
    if (message.size() < BatchBytes && m_stdinBatch.size() < BatchBytes) {
        if (m_batchDeferred ||
            OutputBatch::defer(this, [](QObject *writer) { static_cast<ChildUpstream *>(writer)->flushBatch(); })) {
            m_batchDeferred = true;
            m_stdinBatch.append(message);
            m_stdinBatch.append('\n');
            return;
        }
    }
    flushBatch();   // what came before goes first
    writeStdin(message, true);
#endif
}

void ChildUpstream::flushBatch()
{
    m_batchDeferred = false;
    if (m_stdinBatch.isEmpty())
        return;
    const QByteArray batch = std::exchange(m_stdinBatch, QByteArray());
    if (m_stdinFd >= 0)
        writeStdin(batch, false);
}

void ChildUpstream::closeWriteChannel()
{
    flushBatch();
    if (m_stdinFd < 0) {
        m_process->closeWriteChannel();
        return;
    }
    // As QProcess does: what is still buffered goes first, then the child sees end of file.
    if (m_stdinPending.isEmpty())
        closeStdin();
    else
        m_closeStdinWhenWritten = true;
}

void ChildUpstream::stop()
{
    if (!m_process || m_stopRequested)
        return;
    m_stopRequested = true;
    if (m_pid <= 0) {
        // Not started yet: there is no group to signal, so just end it.
        m_process->kill();
        return;
    }
    emit noted(QStringLiteral("stopping: closing stdin"));
    closeWriteChannel();
    m_escalateStep = 0;
    m_escalateTimer.start(m_grace.stdinMs);
}

void ChildUpstream::onEscalate()
{
    if (m_pid <= 0)
        return;
    if (m_escalateStep == 0) {
        emit noted(QStringLiteral("still running after stdin closed: SIGTERM"));
        platform::signalProcessGroup(m_pid, SIGTERM);
        m_escalateStep = 1;
        m_escalateTimer.start(m_grace.termMs);
    } else {
        emit noted(QStringLiteral("still running after SIGTERM: SIGKILL"));
        platform::signalProcessGroup(m_pid, SIGKILL);
    }
}

void ChildUpstream::kill()
{
    if (!m_process || m_pid <= 0)
        return;
    emit noted(QStringLiteral("killing process group %1").arg(m_pid));
    platform::signalProcessGroup(m_pid, SIGKILL);
}

void ChildUpstream::shutdownBlocking(int timeoutMs)
{
    if (!m_process || m_pid <= 0)
        return;
    m_stopRequested = true;
    flushBatch();
    closeStdin();   // no loop runs from here on to write what is pending
    m_process->closeWriteChannel();
    if (!m_process->waitForFinished(timeoutMs / 2)) {
        platform::signalProcessGroup(m_pid, SIGTERM);
        if (!m_process->waitForFinished(timeoutMs / 2)) {
            platform::signalProcessGroup(m_pid, SIGKILL);
            m_process->waitForFinished(1000);
        }
    }
}

void ChildUpstream::onStdout()
{
    if (m_stdoutFd >= 0)
        readStdout();
    else if (m_process)
        m_stdout.append(m_process->readAllStandardOutput());
    const OutputBatch batch;   // the answers in this read leave in one write per session
    for (;;) {
        LineBuffer::Item item = m_stdout.next();
        if (item.kind == LineBuffer::Item::Kind::None)
            break;
        if (item.kind == LineBuffer::Item::Kind::Oversized || item.kind == LineBuffer::Item::Kind::OversizedEnd) {
            // Once the whole line has gone by, the request it answered (if any) gets an error
            // instead of waiting forever.
            if (item.complete)
                emit oversized(item.head, item.tail);
            continue;
        }
        if (QByteArrayView(item.line).trimmed().isEmpty())
            continue;
        // Given up, not copied: a large result reaches its session in the buffer it was read into.
        deliverLine(std::move(item.line));
        if (!m_process)
            break;   // a receiver tore the child down
    }
}

void ChildUpstream::onStderr()
{
    m_stderr.append(m_process->readAllStandardError());
    for (;;) {
        LineBuffer::Item item = m_stderr.next();
        if (item.kind == LineBuffer::Item::Kind::None)
            break;
        if (item.kind == LineBuffer::Item::Kind::OversizedEnd)
            continue;
        emit stderrLine(item.kind == LineBuffer::Item::Kind::Oversized ? QStringLiteral("[oversized stderr line skipped]")
                                                                       : QString::fromUtf8(item.line));
    }
}

void ChildUpstream::onErrorOccurred(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart)
        return;
    const QString description = QStringLiteral("server '%1' could not start '%2': %3")
                                    .arg(m_config.name, m_config.command, m_process->errorString());
    m_process->deleteLater();
    m_process = nullptr;
    m_pid = 0;
    closeStdin();
    closeStdout();
    emit gone(description, GoneKind::Crashed);
}

void ChildUpstream::onFinished(int exitCode, QProcess::ExitStatus status)
{
    m_escalateTimer.stop();
    onStdout();
#ifdef Q_OS_UNIX
    // The child is gone: what it wrote is in the pipe (a grandchild that still holds the pipe
    // is not waited for).
    while (m_stdoutMore && m_process)
        onStdout();
    closeStdout();
#endif
    onStderr();
    const QByteArray rest = m_stderr.takeRemainder();
    if (!rest.isEmpty())
        emit stderrLine(QString::fromUtf8(rest));
    const int signal = status == QProcess::CrashExit ? exitCode : 0;
    const QString description = describeExit(m_config.name, exitCode, status, signal);
    cleanupGroup();
    closeStdin();
    m_process->deleteLater();
    m_process = nullptr;
    m_pid = 0;
    emit gone(description, m_stopRequested ? GoneKind::Stopped : GoneKind::Crashed);
}

void ChildUpstream::cleanupGroup()
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

} // namespace manifold
