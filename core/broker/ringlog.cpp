#include "ringlog.h"

namespace manifold {

void RingLog::append(Source source, const QString &text)
{
    // One absurdly long line must not evict everything else.
    const QString kept = text.size() > 8192 ? text.left(8192) + QStringLiteral("…") : text;
    m_entries.append({QDateTime::currentDateTime(), source, kept});
    m_bytes += kept.size() * qsizetype(sizeof(QChar));
    while (!m_entries.isEmpty() && (m_entries.size() > m_maxEntries || m_bytes > m_maxBytes)) {
        m_bytes -= m_entries.first().text.size() * qsizetype(sizeof(QChar));
        m_entries.removeFirst();
    }
}

QStringList RingLog::lastStderr(int count) const
{
    QStringList lines;
    for (auto it = m_entries.crbegin(); it != m_entries.crend() && lines.size() < count; ++it) {
        if (it->source == Source::Stderr)
            lines.prepend(it->text);
    }
    return lines;
}

} // namespace manifold
