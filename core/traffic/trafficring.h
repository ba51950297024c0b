#pragma once

#include "traffic/trafficrecord.h"

#include <QList>

#include <deque>

namespace manifold {

// The bounded memory of one server's traffic: records in arrival order, the oldest dropped
// once the cap (bytes, counted by TrafficRecord::costBytes) is exceeded. The newest record is
// always kept, however large. Readers follow it by sequence number: since(seq) gives what came
// after, and tells when records they never saw were dropped meanwhile.
class TrafficRing final
{
public:
    static constexpr qint64 DefaultCapBytes = 8 * 1024 * 1024;

    explicit TrafficRing(qint64 capBytes = DefaultCapBytes) : m_capBytes(qMax<qint64>(0, capBytes)) {}

    // Appends (giving the record its sequence number, returned) and evicts down to the cap.
    quint64 append(TrafficRecord record);
    void setCapBytes(qint64 capBytes);
    void clear();

    qint64 capBytes() const { return m_capBytes; }
    qint64 usedBytes() const { return m_usedBytes; }
    qsizetype size() const { return qsizetype(m_records.size()); }
    bool isEmpty() const { return m_records.empty(); }
    quint64 lastSeq() const { return m_nextSeq - 1; }
    quint64 firstSeq() const { return m_records.empty() ? m_nextSeq : m_records.front().seq; }
    const TrafficRecord &at(qsizetype index) const { return m_records.at(size_t(index)); }

    struct Slice
    {
        QList<TrafficRecord> records;
        quint64 missed = 0;   // records after `after` that were dropped before this read
    };
    // Records with seq > after, oldest first, at most limit of them (0: all).
    Slice since(quint64 after, qsizetype limit = 0) const;

private:
    void evict();

    std::deque<TrafficRecord> m_records;
    qint64 m_capBytes;
    qint64 m_usedBytes = 0;
    quint64 m_nextSeq = 1;
};

} // namespace manifold
