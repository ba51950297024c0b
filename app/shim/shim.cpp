#include "shim.h"

#include "clientstdio.h"

#include "brokerconnector.h"

#include <QCoreApplication>
#include <QLocalSocket>
#include <QTimer>

#include "jsonrpc/jsonrpc.h"

#include <cstdio>

namespace {
constexpr int RefusalTimeoutMs = 10000;
// Longer lines are relayed in pieces as they come, without being looked at (the broker's own
// default limit is the same).
constexpr qsizetype MaxHeldLineBytes = 64 * 1024 * 1024;
} // namespace

Shim::Shim(QString socketPath, QString serverName, QObject *parent)
    : QObject(parent), m_socketPath(std::move(socketPath)), m_serverName(std::move(serverName)),
      m_toBroker(MaxHeldLineBytes), m_toClient(MaxHeldLineBytes)
{
    m_connector = new BrokerConnector(m_socketPath, m_serverName, this);
    connect(m_connector, &BrokerConnector::welcomed, this, &Shim::onWelcomed);
    connect(m_connector, &BrokerConnector::failed, this, &Shim::onConnectFailed);
    connect(m_connector, &BrokerConnector::closedByBroker, this, &Shim::onClosedByBroker);
}

Shim::~Shim() = default;

void Shim::start()
{
    // Read the client from the start so nothing it sends early is lost; hold it until welcome.
    m_stdio = new ClientStdio(this);
    connect(m_stdio, &ClientStdio::received, this, &Shim::onStdinData);
    connect(m_stdio, &ClientStdio::closed, this, [this] {
        m_stdinClosed = true;
        onStdinClosed();
    });
    m_stdio->start();
    m_connector->start();
}

void Shim::onWelcomed(QLocalSocket *socket, const QByteArray &rest, qint64 brokerPid, qint64 session)
{
    m_connector->setResume(brokerPid, session);   // what the next hello names, if it comes to that
    m_socket = socket;
    m_socket->setParent(this);
    connect(m_socket, &QLocalSocket::readyRead, this, &Shim::onBrokerReadyRead);
    connect(m_socket, &QLocalSocket::disconnected, this, &Shim::onBrokerGone);
    if (std::exchange(m_everWelcomed, true)) {
        std::fprintf(stderr, "manifold-shim: reconnected to the Manifold broker (pid %lld)\n",
                     static_cast<long long>(brokerPid));
        replayHandshake();
    }
    if (!m_pendingInput.isEmpty())
        m_socket->write(std::exchange(m_pendingInput, {}));
    if (!rest.isEmpty())
        fromBroker(rest);
    if (m_socket && m_socket->bytesAvailable() > 0)
        onBrokerReadyRead();
    if (m_socket && m_stdinClosed)
        onStdinClosed();
    // It may have closed before we took it over: then no disconnected() is coming.
    if (m_socket && m_socket->state() == QLocalSocket::UnconnectedState)
        onBrokerGone();
}

void Shim::replayHandshake()
{
    // The new broker has never seen this client: introduce it the way the client did, under ids
    // of our own whose answers the client never sees (it is initialized already).
    const QByteArray idPrefix =
        "manifold-shim:" + QByteArray::number(QCoreApplication::applicationPid()) + ":reconnect-" +
        QByteArray::number(++m_reconnects) + ':';
    for (const QByteArray &line : m_tracker.replayHandshake(idPrefix))
        m_socket->write(line + '\n');
}

void Shim::onReplayAnswered(const QByteArray &answer)
{
    if (!manifold::jsonrpc::parseEnvelope(answer).result.isValid()) {
        std::fprintf(
            stderr, "manifold-shim: server '%s' did not accept the client's initialize again: %s\n",
            qPrintable(m_serverName), answer.constData());
        return;
    }
    // The server behind the new broker may offer other tools than the one the client listed.
    for (const QByteArray &notification : RequestTracker::listChangedNotifications(answer))
        writeStdout(notification + '\n');
}

void Shim::onConnectFailed(const QString &message)
{
    if (!m_everWelcomed) {
        refuse(message);
        return;
    }
    std::fprintf(stderr, "manifold-shim: the Manifold broker could not be reached again: %s\n",
                 qPrintable(message));
    answerUnanswered(
        QStringLiteral("the Manifold broker went away and could not be reached again (%1); "
                       "this request to server '%2' was not completed")
            .arg(message, m_serverName));
    finish(1);
}

void Shim::onBrokerReadyRead()
{
    fromBroker(m_socket->readAll());
}

void Shim::fromBroker(QByteArrayView data)
{
    m_toClient.feed(
        data,
        [this](QByteArrayView line) {
            return m_tracker.brokerLine(line) == RequestTracker::Route::Relay;
        },
        [this](QByteArrayView bytes) { writeStdout(bytes); });
    if (m_tracker.hasOwnAnswer())
        onReplayAnswered(m_tracker.takeOwnAnswer());
}

void Shim::onBrokerGone()
{
    QLocalSocket *gone = std::exchange(m_socket, nullptr);
    if (!gone)
        return;
    if (gone->bytesAvailable() > 0)
        fromBroker(gone->readAll());
    gone->disconnect(this);
    gone->deleteLater();
    if (m_stdinClosed) {
        finish(0);
        return;
    }
    // Half a line from the broker was never relayed and is dropped; an over-long line already
    // partly relayed is ended so that what follows stays parseable.
    if (m_toClient.passingLongLine())
        writeStdout("\n");
    m_toClient.reset();
    m_toBroker.dropRestOfLongLine();

    const QString closing = m_tracker.closingReason();
    if (!closing.isEmpty()) {
        onClosedByBroker(closing);
        return;
    }
    std::fprintf(stderr, "manifold-shim: the Manifold broker went away; reconnecting\n");
    answerUnanswered(QStringLiteral("the Manifold broker went away before server '%1' answered; "
                                    "the request was not completed (the shim is reconnecting)")
                         .arg(m_serverName));
    m_connector->start();
}

void Shim::onClosedByBroker(const QString &reason)
{
    std::fprintf(stderr, "manifold-shim: Manifold closed the session: %s\n", qPrintable(reason));
    answerUnanswered(QStringLiteral("Manifold closed this session (%1) before server '%2' answered; "
                                    "the request was not completed")
                         .arg(reason, m_serverName));
    finish(1);
}

void Shim::answerUnanswered(const QString &message)
{
    const QByteArray text = message.toUtf8();
    for (const QByteArray &id : m_tracker.takeUnanswered())
        writeStdout(manifold::jsonrpc::makeError(id, manifold::jsonrpc::ServerError, text) + '\n');
}

void Shim::onStdinData(const QByteArray &chunk)
{
    if (!m_refusal.isEmpty()) {
        m_refusalLines.append(chunk);
        answerInitializeWithError();
        return;
    }
    fromClient(chunk);
}

void Shim::fromClient(QByteArrayView data)
{
    m_toBroker.feed(
        data,
        [this](QByteArrayView line) {
            m_tracker.clientLine(line);
            return true;
        },
        [this](QByteArrayView bytes) {
            if (m_socket)
                m_socket->write(bytes.data(), bytes.size());
            else
                m_pendingInput.append(bytes);
        });
    // Written now rather than on the next event-loop pass: one write per read, no notifier
    // round trip (the relay's latency is what clients feel).
    if (m_socket)
        m_socket->flush();
}

void Shim::onStdinClosed()
{
    if (!m_refusal.isEmpty()) {
        finish(1);
        return;
    }
    if (!m_socket) {
        // Waiting for the broker: what the client sent goes there once it answers. While
        // reconnecting with nothing to deliver, there is nothing left to do.
        if (m_everWelcomed && m_pendingInput.isEmpty() && !m_toBroker.midLine())
            finish(0);
        return;
    }
    const QByteArray unterminated = m_toBroker.takeHeld();
    if (!unterminated.isEmpty())
        m_socket->write(unterminated);
    m_socket->flush();
    m_socket->disconnectFromServer();
    if (m_socket && m_socket->state() == QLocalSocket::UnconnectedState)
        finish(0);
}

void Shim::refuse(const QString &message)
{
    if (!m_refusal.isEmpty())
        return;
    m_refusal = message;
    std::fprintf(stderr, "manifold-shim: %s\n", qPrintable(message));
    m_refusalLines.append(std::exchange(m_pendingInput, {}) + m_toBroker.takeHeld());
    answerInitializeWithError();
    if (m_stdinClosed) {
        finish(1);
        return;
    }
    // A client that never sends initialize must not keep us around forever.
    QTimer::singleShot(RefusalTimeoutMs, this, [this] { finish(1); });
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
        writeStdout(manifold::jsonrpc::makeError(envelope.id.in(item.line),
                                                 manifold::jsonrpc::RequestRefused,
                                                 m_refusal.toUtf8()) +
                    '\n');
        if (envelope.method == "initialize") {
            finish(1);
            return;
        }
    }
}

void Shim::writeStdout(QByteArrayView data)
{
    if (!ClientStdio::write(data))
        finish(1); // the client is gone
}

void Shim::finish(int exitCode)
{
    if (!std::exchange(m_finished, true))
        emit finished(exitCode);
}
