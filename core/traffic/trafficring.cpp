#include "traffic/trafficring.h"

#include <algorithm>

namespace manifold {

quint64 TrafficRing::append(TrafficRecord record)
{
    record.seq = m_nextSeq++;
    m_usedBytes += record.costBytes();
    m_records.push_back(std::move(record));
    evict();
    return m_records.back().seq;
}

void TrafficRing::setCapBytes(qint64 capBytes)
{
    m_capBytes = qMax<qint64>(0, capBytes);
    evict();
}

void TrafficRing::clear()
{
    m_records.clear();
    m_usedBytes = 0;
}

void TrafficRing::evict()
{
    while (m_records.size() > 1 && m_usedBytes > m_capBytes) {
        m_usedBytes -= m_records.front().costBytes();
        m_records.pop_front();
    }
}

TrafficRing::Slice TrafficRing::since(quint64 after, qsizetype limit) const
{
    Slice slice;
    const quint64 first = firstSeq();
    if (after + 1 < first)
        slice.missed = first - (after + 1);
    // Sequence numbers are contiguous within the ring: the start is found by arithmetic.
    const quint64 start = std::max(after + 1, first);
    if (start > lastSeq() || m_records.empty())
        return slice;
    auto it = m_records.cbegin() + qint64(start - first);
    for (; it != m_records.cend() && (limit <= 0 || slice.records.size() < limit); ++it)
        slice.records.append(*it);
    return slice;
}

} // namespace manifold
