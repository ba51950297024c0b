#pragma once

#include <QByteArray>
#include <QList>

#ifdef Q_OS_UNIX
struct iovec;
#endif

namespace manifold {

// Bytes waiting for a non-blocking descriptor that would not take them yet: chunks shared, not
// copied (a large message exists once until it is written), and how much of the first one was
// already written. A session's queue holds lines and writes each with a newline it does not
// store (Terminator::Newline); a child's stdin queue holds bytes as they go (Terminator::None).
class PendingWrites final
{
public:
    enum class Terminator { None, Newline };
    explicit PendingWrites(Terminator terminator) : m_terminator(terminator) {}

    bool isEmpty() const { return m_chunks.isEmpty(); }
    // What is left to write, terminators included.
    qint64 bytes() const { return m_bytes; }
    // How much of the first chunk (without its terminator) was already written.
    qsizetype headWritten() const { return m_headWritten; }
    const QByteArray &head() const { return m_chunks.constFirst(); }

    // Queues chunk, of which alreadyWritten bytes were written before it had to wait.
    void append(const QByteArray &chunk, qsizetype alreadyWritten = 0);
    // Drops what a write took, from the front, terminators included.
    void consume(qint64 written);
    // Takes the first chunk out; *written tells how much of it was already written.
    QByteArray takeHead(qsizetype *written);
    void clear();

#ifdef Q_OS_UNIX
    // What is left, from the front, as at most maxParts parts for writev/sendmsg, stopping once
    // about maxBytes are offered (the last chunk is whole). Returns the number of parts.
    int gather(struct iovec *parts, int maxParts, qint64 maxBytes, qint64 *offered) const;
#endif

private:
    qsizetype terminatorSize() const { return m_terminator == Terminator::Newline ? 1 : 0; }

    QList<QByteArray> m_chunks;
    qsizetype m_headWritten = 0;
    qint64 m_bytes = 0;
    Terminator m_terminator;
};

} // namespace manifold
