#include "pendingwrites.h"

#include <utility>

#ifdef Q_OS_UNIX
#include <sys/uio.h>
#endif

namespace manifold {

void PendingWrites::append(const QByteArray &chunk, qsizetype alreadyWritten)
{
    if (m_chunks.isEmpty())
        m_headWritten = alreadyWritten;
    else
        Q_ASSERT(alreadyWritten == 0);   // only the first chunk may be partly written
    m_chunks.append(chunk);
    m_bytes += chunk.size() - alreadyWritten + terminatorSize();
}

void PendingWrites::consume(qint64 written)
{
    m_bytes -= written;
    while (written > 0) {
        const qint64 headLeft = m_chunks.constFirst().size() + terminatorSize() - m_headWritten;
        if (written < headLeft) {
            m_headWritten += written;
            return;
        }
        written -= headLeft;
        m_chunks.removeFirst();
        m_headWritten = 0;
    }
}

QByteArray PendingWrites::takeHead(qsizetype *written)
{
    const QByteArray chunk = m_chunks.takeFirst();
    *written = std::exchange(m_headWritten, 0);
    m_bytes -= chunk.size() - *written + terminatorSize();
    return chunk;
}

void PendingWrites::clear()
{
    m_chunks = {};   // released now
    m_headWritten = 0;
    m_bytes = 0;
}

#ifdef Q_OS_UNIX
int PendingWrites::gather(struct iovec *parts, int maxParts, qint64 maxBytes, qint64 *offered) const
{
    static char newline[] = "\n";
    const int perChunk = 1 + int(terminatorSize());
    int count = 0;
    *offered = 0;
    for (qsizetype i = 0; i < m_chunks.size() && count + perChunk <= maxParts && *offered < maxBytes;
         ++i) {
        const QByteArray &chunk = m_chunks.at(i);
        const qsizetype skip = i == 0 ? qMin(m_headWritten, chunk.size()) : 0;
        if (chunk.size() > skip) {
            parts[count++] = {const_cast<char *>(chunk.constData() + skip), size_t(chunk.size() - skip)};
            *offered += chunk.size() - skip;
        }
        if (m_terminator == Terminator::Newline) {
            parts[count++] = {newline, 1};
            *offered += 1;
        }
    }
    return count;
}
#endif

} // namespace manifold
