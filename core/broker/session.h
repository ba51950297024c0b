#pragma once

#include "broker/clientsession.h"
#include "broker/pendingwrites.h"
#include "jsonrpc/linebuffer.h"

#include <QList>

class QLocalSocket;

namespace manifold {

// One shim connection after its hello: frames lines in both directions for one MCP client.
//
// Lines towards the client wait in the session's own queue and go to the socket a window at a
// time (a line larger than the window in slices, so that it is not also copied whole into the
// socket's buffer), so that a client that stops reading costs at most maxQueuedBytes: past that
// the session is cut off (overflowed, then closed): the line the socket has begun is finished,
// the rest of the queue is dropped, the closing line is written after what the socket still
// holds (at most one window plus one line), and the socket is given ClosingGraceMs to deliver it
// before it is aborted.
class Session final : public ClientSession
{
    Q_OBJECT

public:
    static constexpr qint64 SocketWindowBytes = 256 * 1024;
    static constexpr int ClosingGraceMs = 10000;
    static constexpr char ClosingSocketName[] = "manifold-closing-session";
    // Lines handled per pass of the event loop: a client that writes thousands at once does not
    // keep the broker from its other sessions and the child until the last one is routed.
    static constexpr int LinesPerPass = 256;
    // Inside an OutputBatch, lines wait for the batch's end only while they hold less than this:
    // past it they go now, so that a client that reads is never measured against the cap with
    // lines the broker itself held back.
    static constexpr qint64 DeferredBytesLimit = 64 * 1024;

    Session(SessionId id, QLocalSocket *socket, Hello hello, qsizetype maxLineBytes,
            qint64 maxQueuedBytes, QObject *parent = nullptr);

    QString transport() const override { return QStringLiteral("shim"); }
    // Bytes waiting for the client: the session's queue plus the socket's write buffer.
    qint64 queuedBytes() const override;

    // Feeds bytes that arrived together with the hello line, then starts reading the socket.
    void begin(const QByteArray &alreadyRead) override;
    void send(const QByteArray &line) override;
    // Writes what send() held back during an OutputBatch.
    void flushDeferred();
    // Closes on purpose: the shim is told why (SessionClosing) and does not reconnect.
    void close(const QString &reason) override;

private:
    void onReadyRead();
    void onDisconnected();
    void drain(int maxLines = LinesPerPass);
    void pump();
    void writeOrCutOff();   // pump(), then cut the session off if it still holds too much
    void writeLine(QByteArrayView line);   // to the socket, with its newline
    // Whole lines from the queue straight to the socket's descriptor, in one system call, while
    // the socket's own buffer is empty (so nothing overtakes it); returns when the kernel takes
    // no more. What is left goes through the socket's buffer.
    void writeDirect();
    void writeRestOfHead();                // what is left of the queue's first line
    void cutOff();

    QLocalSocket *m_socket;
    LineBuffer m_buffer;
    qsizetype m_maxLineBytes;
    PendingWrites m_queue{PendingWrites::Terminator::Newline};   // not yet given to the socket
    bool m_closed = false;
    bool m_drainQueued = false;   // lines are left over for the next pass
    bool m_flushDeferred = false; // an OutputBatch will pump this session when it closes
};

} // namespace manifold
