#include "session.h"

#include <QLocalSocket>

namespace manifold {

Session::Session(SessionId id, QLocalSocket *socket, Hello hello, qsizetype maxLineBytes, QObject *parent)
    : QObject(parent),
      m_id(id),
      m_socket(socket),
      m_hello(std::move(hello)),
      m_buffer(maxLineBytes),
      m_maxLineBytes(maxLineBytes),
      m_connectedSince(QDateTime::currentDateTime())
{
    m_socket->setParent(this);
}

void Session::begin(const QByteArray &alreadyRead)
{
    connect(m_socket, &QLocalSocket::readyRead, this, &Session::onReadyRead);
    connect(m_socket, &QLocalSocket::disconnected, this, [this] {
        if (!std::exchange(m_closed, true))
            emit closed(m_id);
    });
    m_buffer.append(alreadyRead);
    drain();
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
    if (m_socket->state() != QLocalSocket::ConnectedState && !std::exchange(m_closed, true))
        emit closed(m_id);
}

void Session::send(const QByteArray &line)
{
    if (m_closed)
        return;
    m_socket->write(line);
    m_socket->write("\n", 1);
    m_socket->flush();   // now, not on the next event-loop pass: latency is what clients feel
}

void Session::close(const QString &reason)
{
    if (m_closed)
        return;
    send(SessionClosing::line(reason));
    m_socket->flush();
    m_socket->disconnectFromServer();
}

void Session::onReadyRead()
{
    m_buffer.append(m_socket->readAll());
    drain();
}

void Session::drain()
{
    for (;;) {
        LineBuffer::Item item = m_buffer.next();
        switch (item.kind) {
        case LineBuffer::Item::Kind::None:
            return;
        case LineBuffer::Item::Kind::Oversized:
            emit lineTooLong(m_id, m_maxLineBytes);
            break;
        case LineBuffer::Item::Kind::OversizedEnd:
            break;   // already refused when it went over the limit
        case LineBuffer::Item::Kind::Line:
            if (!item.line.trimmed().isEmpty())
                emit lineReceived(m_id, item.line);
            break;
        }
        if (m_closed)
            return;
    }
}

} // namespace manifold
