#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

namespace manifold {

// Bounded per-server log: the child's stderr lines and broker events, newest last.
// Old entries fall off once either the line or the byte budget is exceeded.
class RingLog final
{
public:
    enum class Source { Stderr, Event };
    struct Entry
    {
        QDateTime when;
        Source source;
        QString text;
    };

    explicit RingLog(int maxEntries = 2000, qsizetype maxBytes = 1024 * 1024)
        : m_maxEntries(maxEntries), m_maxBytes(maxBytes) {}

    void append(Source source, const QString &text);
    const QList<Entry> &entries() const { return m_entries; }
    QStringList lastStderr(int count) const;

private:
    QList<Entry> m_entries;
    int m_maxEntries;
    qsizetype m_maxBytes;
    qsizetype m_bytes = 0;
};

} // namespace manifold
