#include "shim.h"

#include "brokerlauncher.h"

#include "control/hello.h"
#include "jsonrpc/jsonrpc.h"
#include "manifold/version.h"
#include "platform/peercredentials.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLocalSocket>
#include <QLockFile>
#include <QSocketNotifier>

#include <cerrno>
#include <cstdio>
#include <unistd.h>

namespace {
constexpr int ConnectRetryMs = 50;
constexpr int MaxWaitForBrokerMs = 20000;
constexpr int RefusalTimeoutMs = 10000;
} // namespace

Shim::Shim(QString socketPath, QString serverName, QObject *parent)
    : QObject(parent), m_socketPath(std::move(socketPath)), m_serverName(std::move(serverName))
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &Shim::tryConnect);
}

Shim::~Shim() = default;

void Shim::start()
{
    // Read the client from the start so nothing it sends early is lost; hold it until welcome.
    m_stdin = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
    connect(m_stdin, &QSocketNotifier::activated, this, &Shim::onStdinReadable);
    tryConnect();
}

void Shim::tryConnect()
{
    delete m_socket;
    m_socket = new QLocalSocket(this);
    connect(m_socket, &QLocalSocket::connected, this, &Shim::onConnected);
    connect(m_socket, &QLocalSocket::readyRead, this, &Shim::onSocketReadyRead);
    connect(m_socket, &QLocalSocket::disconnected, this, &Shim::onSocketGone);
    connect(m_socket, &QLocalSocket::errorOccurred, this, [this](QLocalSocket::LocalSocketError error) {
        if (m_welcomed || !m_refusal.isEmpty())
            return;
        if (error != QLocalSocket::ServerNotFoundError && error != QLocalSocket::ConnectionRefusedError &&
            error != QLocalSocket::SocketTimeoutError) {
            if (m_socket->state() == QLocalSocket::ConnectedState)
                return;
        }
        if (!m_launched) {
            // One shim launches; the others wait for the socket to appear.
            // Held until the broker answers, so the shims started with this one just wait.
            QDir().mkpath(QFileInfo(m_socketPath).absolutePath());
            m_launchLock = std::make_unique<QLockFile>(m_socketPath + QStringLiteral(".launch.lock"));
            if (m_launchLock->tryLock(0)) {
                QString launchError;
                if (!BrokerLauncher(m_socketPath).launch(&launchError)) {
                    refuse(QStringLiteral("Manifold broker is not running and could not be started: %1").arg(launchError));
                    return;
                }
            }
            m_launched = true;
        }
        retryOrGiveUp(QStringLiteral("Manifold broker did not come up at %1 (see %1.log)").arg(m_socketPath));
    });
    m_socket->connectToServer(m_socketPath);
}

void Shim::retryOrGiveUp(const QString &giveUpMessage)
{
    if (++m_attempts * ConnectRetryMs > MaxWaitForBrokerMs) {
        refuse(giveUpMessage);
        return;
    }
    m_retryTimer.start(ConnectRetryMs);
}

void Shim::onConnected()
{
    // Only a broker of our own user gets this client's traffic (a socket in a shared /tmp
    // could have been put there by someone else).
    const auto peer = manifold::platform::peerCredentials(m_socket->socketDescriptor());
    if (peer && peer->uid != manifold::platform::currentUid()) {
        refuse(QStringLiteral("the socket %1 belongs to another user (uid %2); refusing to use it")
                   .arg(m_socketPath)
                   .arg(peer->uid));
        return;
    }
    manifold::Hello hello;
    hello.role = QStringLiteral("shim");
    hello.server = m_serverName;
    hello.pid = QCoreApplication::applicationPid();
    hello.ppid = ::getppid();
    hello.parentExe = QFileInfo(QStringLiteral("/proc/%1/exe").arg(hello.ppid)).symLinkTarget();
    hello.cwd = QDir::currentPath();
    hello.peerVersion = QString::fromLatin1(manifold::versionString());
    m_socket->write(hello.toLine() + '\n');
}

void Shim::onSocketReadyRead()
{
    if (m_welcomed) {
        const QByteArray data = m_socket->readAll();
        writeStdout(data.constData(), data.size());
        return;
    }
    m_helloReplyBuffer += m_socket->readAll();
    const qsizetype newline = m_helloReplyBuffer.indexOf('\n');
    if (newline < 0)
        return;
    const auto reply = manifold::HelloReply::fromLine(QByteArrayView(m_helloReplyBuffer).first(newline));
    const QByteArray rest = m_helloReplyBuffer.mid(newline + 1);
    m_helloReplyBuffer.clear();
    if (!reply || !reply->accepted) {
        refuse(reply ? reply->error : QStringLiteral("the broker sent an unexpected answer"));
        return;
    }
    if (reply->brokerVersion != QLatin1String(manifold::versionString())) {
        std::fprintf(stderr, "manifold-shim: note: broker is version %s, shim is %s\n",
                     qPrintable(reply->brokerVersion), manifold::versionString());
    }
    m_welcomed = true;
    m_launchLock.reset();
    if (!rest.isEmpty())
        writeStdout(rest.constData(), rest.size());
    if (!m_pendingInput.isEmpty())
        m_socket->write(std::exchange(m_pendingInput, {}));
    if (m_stdinClosed)
        onStdinClosed();
}

void Shim::onStdinReadable()
{
    char chunk[64 * 1024];
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        m_stdin->setEnabled(false);
        m_stdinClosed = true;
        onStdinClosed();
        return;
    }
    if (!m_refusal.isEmpty()) {
        m_refusalLines.append(QByteArrayView(chunk, n));
        answerInitializeWithError();
    } else if (m_welcomed) {
        m_socket->write(chunk, n);
    } else {
        m_pendingInput.append(chunk, n);
    }
}

void Shim::onStdinClosed()
{
    if (!m_refusal.isEmpty()) {
        emit finished(1);
        return;
    }
    if (!m_welcomed)
        return;   // flushed and handled once the broker answers
    m_socket->flush();
    m_socket->disconnectFromServer();
    if (m_socket->state() == QLocalSocket::UnconnectedState)
        emit finished(0);
}

void Shim::onSocketGone()
{
    if (!m_refusal.isEmpty())
        return;
    if (!m_welcomed) {
        if (!m_helloReplyBuffer.isEmpty())
            onSocketReadyRead();
        if (m_welcomed || !m_refusal.isEmpty())
            return;
        // The broker went away before answering (it was stopping, or crashed): try again.
        retryOrGiveUp(QStringLiteral("the Manifold broker at %1 closed the connection before answering").arg(m_socketPath));
        return;
    }
    if (!m_stdinClosed)
        std::fprintf(stderr, "manifold-shim: the Manifold broker closed the connection\n");
    emit finished(m_stdinClosed ? 0 : 1);
}

void Shim::refuse(const QString &message)
{
    if (!m_refusal.isEmpty())
        return;
    m_refusal = message;
    m_retryTimer.stop();
    m_launchLock.reset();
    std::fprintf(stderr, "manifold-shim: %s\n", qPrintable(message));
    m_refusalLines.append(std::exchange(m_pendingInput, {}));
    answerInitializeWithError();
    if (m_stdinClosed) {
        emit finished(1);
        return;
    }
    // A client that never sends initialize must not keep us around forever.
    QTimer::singleShot(RefusalTimeoutMs, this, [this] { emit finished(1); });
}

void Shim::answerInitializeWithError()
{
    for (;;) {
        manifold::LineBuffer::Item item = m_refusalLines.next();
        if (item.kind == manifold::LineBuffer::Item::Kind::None)
            return;
        if (item.kind != manifold::LineBuffer::Item::Kind::Line)
            continue;
        const auto envelope = manifold::jsonrpc::parseEnvelope(item.line);
        if (!envelope.isRequest())
            continue;
        const QByteArray error = manifold::jsonrpc::makeError(
            envelope.id.in(item.line), manifold::jsonrpc::RequestRefused, m_refusal.toUtf8());
        writeStdout(error.constData(), error.size());
        writeStdout("\n", 1);
        if (envelope.method == "initialize") {
            emit finished(1);
            return;
        }
    }
}

void Shim::writeStdout(const char *data, qsizetype size)
{
    while (size > 0) {
        const ssize_t n = ::write(STDOUT_FILENO, data, size_t(size));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            emit finished(1);   // the client is gone
            return;
        }
        data += n;
        size -= n;
    }
}
