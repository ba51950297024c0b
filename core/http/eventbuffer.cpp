#include "eventbuffer.h"

#include <utility>

namespace manifold::http {

QByteArray EventBuffer::Event::id() const
{
    return QByteArray::number(stream) + '-' + QByteArray::number(sequence);
}

const EventBuffer::Event &EventBuffer::add(int stream, QByteArray data)
{
    m_bytes += data.size();
    m_events.append({stream, m_nextSequence++, std::move(data)});
    // The newest event always stays, however large.
    while (m_bytes > m_maxBytes && m_events.size() > 1) {
        m_bytes -= m_events.first().data.size();
        m_oldestKept = m_events.first().sequence + 1;
        m_events.removeFirst();
    }
    return m_events.constLast();
}

std::optional<std::pair<int, quint64>> EventBuffer::parseId(QByteArrayView id)
{
    const qsizetype dash = id.indexOf('-');
    if (dash <= 0)
        return std::nullopt;
    bool streamOk = false, sequenceOk = false;
    const int stream = id.first(dash).toInt(&streamOk);
    const quint64 sequence = id.sliced(dash + 1).toULongLong(&sequenceOk);
    if (!streamOk || !sequenceOk || stream < 0 || sequence == 0)
        return std::nullopt;
    return std::make_pair(stream, sequence);
}

EventBuffer::Replay EventBuffer::after(QByteArrayView lastEventId) const
{
    Replay replay;
    const auto parsed = parseId(lastEventId);
    // An id older than what is kept may have had followers that are gone: not resumable.
    if (!parsed || parsed->second >= m_nextSequence || parsed->second + 1 < m_oldestKept)
        return replay;
    replay.known = true;
    replay.stream = parsed->first;
    for (const Event &event : m_events) {
        if (event.stream == parsed->first && event.sequence > parsed->second)
            replay.events.append(event);
    }
    return replay;
}

QList<EventBuffer::Event> EventBuffer::since(int stream, quint64 afterSequence) const
{
    QList<Event> events;
    for (const Event &event : m_events) {
        if (event.stream == stream && event.sequence > afterSequence)
            events.append(event);
    }
    return events;
}

void EventBuffer::dropStream(int stream)
{
    for (qsizetype i = m_events.size() - 1; i >= 0; --i) {
        if (m_events[i].stream == stream) {
            m_bytes -= m_events[i].data.size();
            m_events.removeAt(i);
        }
    }
}

QByteArray EventBuffer::format(const Event &event, int retryMs)
{
    QByteArray bytes = "id: " + event.id() + '\n';
    if (retryMs > 0)
        bytes += "retry: " + QByteArray::number(retryMs) + '\n';
    if (!event.data.isEmpty())
        bytes += "event: message\n";
    // A JSON-RPC line has no newline of its own; data: carries it whole.
    bytes += "data: " + event.data + "\n\n";
    return bytes;
}

} // namespace manifold::http
