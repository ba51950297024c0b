#include "brokerconnector.h"

#include "brokerlauncher.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLockFile>

#include "control/hello.h"
#include "manifold/version.h"
#include "platform/childprocess.h"
#include "platform/peercredentials.h"
#include "platform/runtimepaths.h"

#include <cstdio>

namespace {
constexpr int ConnectRetryMs = 50;
constexpr int MaxWaitForBrokerMs = 20000;
} // namespace

BrokerConnector::BrokerConnector(QString socketPath, QString serverName, QObject *parent)
    : QObject(parent), m_socketPath(std::move(socketPath)), m_serverName(std::move(serverName))
{
    m_candidates = m_socketPath == manifold::platform::defaultSocketPath()
                       ? manifold::platform::defaultSocketCandidates()
                       : QStringList{m_socketPath};
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &BrokerConnector::tryConnect);
}

BrokerConnector::~BrokerConnector() = default;

void BrokerConnector::start()
{
    m_active = true;
    m_attempts = 0;
    m_launched = false;
    m_candidate = 0;
    m_socketPath = m_candidates.first();
    tryConnect();
}

void BrokerConnector::tryConnect()
{
    dropSocket();
    m_replyBuffer.clear();
    m_socket = new QLocalSocket(this);
    connect(m_socket, &QLocalSocket::connected, this, &BrokerConnector::onConnected);
    connect(m_socket, &QLocalSocket::readyRead, this, &BrokerConnector::onReadyRead);
    connect(m_socket, &QLocalSocket::disconnected, this, &BrokerConnector::onGone);
    connect(m_socket, &QLocalSocket::errorOccurred, this, &BrokerConnector::onError);
    m_socket->connectToServer(m_socketPath);
}

void BrokerConnector::onError(QLocalSocket::LocalSocketError error)
{
    if (!m_active)
        return;
    if (error != QLocalSocket::ServerNotFoundError &&
        error != QLocalSocket::ConnectionRefusedError &&
        error != QLocalSocket::SocketTimeoutError &&
        m_socket->state() == QLocalSocket::ConnectedState) {
        return;
    }
    if (!m_launched) {
        // A broker of this user started before its login created /run/user/UID serves from /tmp.
        while (++m_candidate < m_candidates.size()) {
            if (QFileInfo::exists(m_candidates.at(m_candidate))) {
                m_socketPath = m_candidates.at(m_candidate);
                m_retryTimer.start(0);   // not from inside the failed socket's signal
                return;
            }
        }
        m_socketPath = m_candidates.first();
        // One shim launches; the others wait for the socket to appear. The lock is held until
        // the broker answers, so the shims started with this one just wait.
        // The default rendezvous is made private before the launch lock and log go into it
        // (the broker would do it too, but only once it runs).
        const QString dir = manifold::platform::socketDirectory(m_socketPath);
        QString dirError;
        if (m_socketPath == manifold::platform::defaultSocketPath()) {
            if (!manifold::platform::ensurePrivateDirectory(dir, &dirError)) {
                fail(QStringLiteral("cannot use the Manifold runtime directory: %1").arg(dirError));
                return;
            }
        } else {
            QDir().mkpath(dir);
        }
        m_launchLock = std::make_unique<QLockFile>(
            manifold::platform::sidecarPath(m_socketPath, QStringLiteral(".launch.lock")));
        if (m_launchLock->tryLock(0)) {
            QString launchError;
            if (!BrokerLauncher(m_socketPath).launch(&launchError)) {
                fail(QStringLiteral("Manifold broker is not running and could not be started: %1")
                         .arg(launchError));
                return;
            }
        }
        m_launched = true;
    }
    retryOrGiveUp(QStringLiteral("Manifold broker did not come up at %1 (see %2)")
                      .arg(m_socketPath,
                           manifold::platform::sidecarPath(m_socketPath, QStringLiteral(".log"))));
}

void BrokerConnector::retryOrGiveUp(const QString &giveUpMessage)
{
    if (++m_attempts * ConnectRetryMs > MaxWaitForBrokerMs) {
        fail(giveUpMessage);
        return;
    }
    m_retryTimer.start(ConnectRetryMs);
}

void BrokerConnector::onConnected()
{
    // Only a broker of our own user gets this client's traffic (a socket in a shared /tmp
    // could have been put there by someone else).
    const auto peer = manifold::platform::peerCredentials(m_socket->socketDescriptor());
    if (peer && peer->uid != manifold::platform::currentUid()) {
        fail(QStringLiteral("the socket %1 belongs to another user (uid %2); refusing to use it")
                 .arg(m_socketPath)
                 .arg(peer->uid));
        return;
    }
    manifold::Hello hello;
    hello.role = QStringLiteral("shim");
    hello.server = m_serverName;
    hello.pid = QCoreApplication::applicationPid();
    hello.ppid = manifold::platform::parentProcessId();
    hello.parentExe = manifold::platform::processExecutable(hello.ppid);
    hello.cwd = QDir::currentPath();
    hello.peerVersion = QString::fromLatin1(manifold::versionString());
    hello.previousSession = m_resumeSession;
    hello.previousBrokerPid = m_resumeBrokerPid;
    m_socket->write(hello.toLine() + '\n');
}

void BrokerConnector::onReadyRead()
{
    if (!m_active)
        return;
    m_replyBuffer += m_socket->readAll();
    const qsizetype newline = m_replyBuffer.indexOf('\n');
    if (newline < 0)
        return;
    const auto reply = manifold::HelloReply::fromLine(QByteArrayView(m_replyBuffer).first(newline));
    const QByteArray rest = m_replyBuffer.mid(newline + 1);
    m_replyBuffer.clear();
    if (reply && !reply->accepted && !reply->closedReason.isEmpty()) {
        stopAttempt();
        emit closedByBroker(reply->closedReason);
        return;
    }
    if (!reply || !reply->accepted) {
        fail(reply ? reply->error : QStringLiteral("the broker sent an unexpected answer"));
        return;
    }
    if (reply->brokerVersion != QLatin1String(manifold::versionString())) {
        std::fprintf(stderr, "manifold-shim: note: broker is version %s, shim is %s\n",
                     qPrintable(reply->brokerVersion), manifold::versionString());
    }
    stopAttempt();
    QLocalSocket *socket = std::exchange(m_socket, nullptr);
    socket->disconnect(this);
    socket->setParent(nullptr);
    emit welcomed(socket, rest, reply->brokerPid, reply->session);
}

void BrokerConnector::onGone()
{
    if (!m_active)
        return;
    if (!m_replyBuffer.isEmpty() || m_socket->bytesAvailable() > 0)
        onReadyRead();
    if (!m_active)
        return;
    // The broker went away before answering (it was stopping, or crashed): try again.
    retryOrGiveUp(QStringLiteral("the Manifold broker at %1 closed the connection before answering")
                      .arg(m_socketPath));
}

void BrokerConnector::fail(const QString &message)
{
    if (!m_active)
        return;
    stopAttempt();
    emit failed(message);
}

void BrokerConnector::stopAttempt()
{
    m_active = false;
    m_retryTimer.stop();
    m_launchLock.reset();
}

void BrokerConnector::dropSocket()
{
    if (!m_socket)
        return;
    m_socket->disconnect(this);
    m_socket->abort();
    m_socket->deleteLater();
    m_socket = nullptr;
}
