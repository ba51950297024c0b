#pragma once

#include "broker/router.h"
#include "control/hello.h"

#include <QDateTime>
#include <QObject>

namespace manifold {

// One client of the broker, whatever carries its lines: a shim's local socket (Session) or, for
// the HTTP front door, an HTTP session. The broker routes its lines, caps what waits for it
// (maxQueuedBytes) and closes it; the transport decides how lines travel and how it ends.
class ClientSession : public QObject
{
    Q_OBJECT

public:
    ClientSession(SessionId id, Hello hello, qint64 maxQueuedBytes, QObject *parent)
        : QObject(parent), m_id(id), m_hello(std::move(hello)), m_maxQueuedBytes(maxQueuedBytes),
          m_connectedSince(QDateTime::currentDateTime())
    {
    }

    SessionId id() const { return m_id; }
    // Who it is: a shim's own hello; for other transports one made up from what they know.
    const Hello &hello() const { return m_hello; }
    QDateTime connectedSince() const { return m_connectedSince; }
    qint64 maxQueuedBytes() const { return m_maxQueuedBytes; }
    // A new cap (the server's or the default changed); checked when the next line is queued.
    void setMaxQueuedBytes(qint64 bytes) { m_maxQueuedBytes = bytes; }

    virtual QString transport() const = 0;   // "shim", "http", "sse": shown in status
    // The front door's bearer token the session came with ("no token" when none is required);
    // empty for a shim.
    virtual QString tokenName() const { return {}; }
    // "address:port" of an HTTP client; empty for a shim.
    QString remoteAddress() const { return m_remoteAddress; }
    void setRemoteAddress(const QString &address) { m_remoteAddress = address; }
    virtual qint64 queuedBytes() const = 0;  // bytes waiting for the client
    // Starts taking lines in; bytes that came with the handshake (if any) first.
    virtual void begin(const QByteArray &alreadyRead) = 0;
    virtual void send(const QByteArray &line) = 0;
    // Closes on purpose: the client is told why (as far as its transport allows).
    virtual void close(const QString &reason) = 0;

signals:
    void lineReceived(manifold::SessionId session, const QByteArray &line);
    void lineTooLong(manifold::SessionId session, qsizetype limit);
    // Emitted before closed() when the client let more than maxQueuedBytes wait; reason is what
    // the client was told.
    void overflowed(manifold::SessionId session, const QString &reason);
    void closed(manifold::SessionId session);

protected:
    // What the client is told when it is cut off for not reading: what waited, and the cap.
    QString stoppedReadingReason() const
    {
        const auto mebibytes = [](qint64 bytes) { return QString::number(double(bytes) / (1024 * 1024), 'f', 1); };
        return QStringLiteral("the client stopped reading: %1 MiB were waiting for it (limit %2 MiB)")
            .arg(mebibytes(queuedBytes()), mebibytes(maxQueuedBytes()));
    }
    // For transports that can end at once: past the cap, overflowed() and close() with the reason.
    void closeIfOverCap()
    {
        if (queuedBytes() <= maxQueuedBytes())
            return;
        const QString reason = stoppedReadingReason();
        emit overflowed(m_id, reason);
        close(reason);
    }

private:
    SessionId m_id;
    Hello m_hello;
    qint64 m_maxQueuedBytes;
    QDateTime m_connectedSince;
    QString m_remoteAddress;
};

} // namespace manifold
