#include "session.h"

#include "broker/outputbatch.h"

#include <limits>

#include <QLocalSocket>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <sys/socket.h>
#include <sys/uio.h>
#endif

namespace manifold {

#ifdef Q_OS_UNIX
namespace {
#ifdef MSG_NOSIGNAL
constexpr int SendFlags = MSG_NOSIGNAL | MSG_DONTWAIT;
#else
constexpr int SendFlags = MSG_DONTWAIT;   // macOS: no such flag; the broker ignores SIGPIPE
#endif
} // namespace
#endif

Session::Session(SessionId id, QLocalSocket *socket, Hello hello, qsizetype maxLineBytes,
                 qint64 maxQueuedBytes, QObject *parent)
    : ClientSession(id, std::move(hello), maxQueuedBytes, parent),
      m_socket(socket),
      m_buffer(maxLineBytes),
      m_maxLineBytes(maxLineBytes)
{
    m_socket->setParent(this);
}

void Session::begin(const QByteArray &alreadyRead)
{
    connect(m_socket, &QLocalSocket::readyRead, this, &Session::onReadyRead);
    connect(m_socket, &QLocalSocket::bytesWritten, this, &Session::pump);
    connect(m_socket, &QLocalSocket::disconnected, this, &Session::onDisconnected);
    m_buffer.append(alreadyRead);
    drain();
    if (m_closed)
        return;
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
    if (!m_closed && m_socket->state() != QLocalSocket::ConnectedState)
        onDisconnected();
}

void Session::onDisconnected()
{
    if (m_closed)
        return;
    drain(std::numeric_limits<int>::max());   // what it sent before it went is still routed
    if (!std::exchange(m_closed, true))
        emit closed(id());
}

qint64 Session::queuedBytes() const
{
    return m_queue.bytes() + (m_socket ? m_socket->bytesToWrite() : 0);
}

void Session::send(const QByteArray &line)
{
    if (m_closed)
        return;
    m_queue.append(line);   // shared, not copied: a large answer exists once until it is written
    // Inside an OutputBatch a small queue waits for the batch's end (deferred once per batch).
    if (m_queue.bytes() < DeferredBytesLimit && queuedBytes() <= maxQueuedBytes()) {
        if (!m_flushDeferred)
            m_flushDeferred = OutputBatch::defer(
                this, [](QObject *writer) { static_cast<Session *>(writer)->flushDeferred(); });
        if (m_flushDeferred)
            return;
    }
    writeOrCutOff();
}

void Session::flushDeferred()
{
    if (!std::exchange(m_flushDeferred, false) || m_closed)
        return;
    writeOrCutOff();
}

void Session::writeOrCutOff()
{
    pump();
    if (queuedBytes() > maxQueuedBytes())
        cutOff();
}

void Session::writeDirect()
{
#ifdef Q_OS_UNIX
    constexpr int MaxParts = 64;
    while (!m_queue.isEmpty() && m_socket->bytesToWrite() == 0 &&
           m_socket->state() == QLocalSocket::ConnectedState) {
        const qintptr fd = m_socket->socketDescriptor();
        if (fd < 0)
            return;
        struct iovec parts[MaxParts];
        qint64 offered = 0;
        const int count = m_queue.gather(parts, MaxParts, SocketWindowBytes, &offered);
        struct msghdr message = {};
        message.msg_iov = parts;
        message.msg_iovlen = count;
        ssize_t written;
        do {
            written = ::sendmsg(int(fd), &message, SendFlags);
        } while (written < 0 && errno == EINTR);
        if (written <= 0)
            return;   // full, or broken: the socket's own path finds out and reports it
        m_queue.consume(written);
        if (written < offered)
            return;
    }
#endif
}

void Session::pump()
{
    if (m_closed || !m_socket)
        return;
    do {
        writeDirect();
        while (!m_queue.isEmpty()) {
            const qint64 room = SocketWindowBytes - m_socket->bytesToWrite();
            if (room <= 0)
                break;
            const QByteArray &line = m_queue.head();
            const qsizetype written = m_queue.headWritten();
            if (line.size() > SocketWindowBytes && line.size() - written > room) {
                // A large line goes a window at a time: the socket copies what it is given, and
                // the line itself is already here once.
                m_socket->write(line.constData() + written, room);
                m_queue.consume(room);
                break;
            }
            writeRestOfHead();
        }
        m_socket->flush();   // now, not on the next event-loop pass: latency is what clients feel
        // Called from bytesWritten, the socket does not emit it again for what flush() wrote: if
        // that emptied it, no signal would come for the rest.
    } while (!m_closed && m_socket->state() == QLocalSocket::ConnectedState && !m_queue.isEmpty() &&
             m_socket->bytesToWrite() == 0);
}

void Session::writeRestOfHead()
{
    qsizetype written = 0;
    const QByteArray line = m_queue.takeHead(&written);
    writeLine(QByteArrayView(line).sliced(written));
}

void Session::close(const QString &reason)
{
    if (m_closed)
        return;
    // On purpose, so everything still queued goes out first (it is bounded by the cap).
    while (!m_queue.isEmpty())
        writeRestOfHead();
    m_socket->write(SessionClosing::line(reason) + '\n');
    m_socket->flush();
    m_socket->disconnectFromServer();
}

void Session::writeLine(QByteArrayView line)
{
    m_socket->write(line.data(), line.size());
    m_socket->write("\n", 1);
}

void Session::cutOff()
{
    const QString reason = stoppedReadingReason();
    m_closed = true;
    // A line partly given to the socket is finished, so that the client still gets whole lines.
    if (!m_queue.isEmpty() && m_queue.headWritten() > 0)
        writeRestOfHead();
    m_queue.clear();   // released now, not when the session goes
    // The socket outlives the session for a grace period: what it holds (at most a window plus
    // one line) and the closing line reach a client that catches up; one that does not is cut.
    // It stays a child of the session's parent (the broker), which counts it as closing.
    QLocalSocket *socket = std::exchange(m_socket, nullptr);
    socket->disconnect(this);
    socket->setParent(parent());
    socket->setObjectName(QLatin1String(ClosingSocketName));
    connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(ClosingGraceMs, socket, [socket] {
        socket->abort();
        socket->deleteLater();
    });
    socket->write(SessionClosing::line(reason) + '\n');
    socket->flush();
    socket->disconnectFromServer();
    emit overflowed(id(), reason);
    // Not from inside send(): the router that called it is still dispatching.
    QMetaObject::invokeMethod(this, [this] { emit closed(id()); }, Qt::QueuedConnection);
}

void Session::onReadyRead()
{
    m_buffer.append(m_socket->readAll());
    drain();
}

void Session::drain(int maxLines)
{
    const OutputBatch batch;   // the answers these lines produce at once leave together
    for (int lines = 0;; ++lines) {
        if (lines == maxLines) {
            if (!std::exchange(m_drainQueued, true)) {
                QMetaObject::invokeMethod(this, [this] {
                    m_drainQueued = false;
                    drain();
                }, Qt::QueuedConnection);
            }
            return;
        }
        LineBuffer::Item item = m_buffer.next();
        switch (item.kind) {
        case LineBuffer::Item::Kind::None:
            return;
        case LineBuffer::Item::Kind::Oversized:
            emit lineTooLong(id(), m_maxLineBytes);
            break;
        case LineBuffer::Item::Kind::OversizedEnd:
            break;   // already refused when it went over the limit
        case LineBuffer::Item::Kind::Line:
            if (!QByteArrayView(item.line).trimmed().isEmpty())
                emit lineReceived(id(), item.line);
            break;
        }
        if (m_closed)
            return;
    }
}

} // namespace manifold
