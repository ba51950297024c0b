#pragma once

#include <QByteArray>
#include <QList>

#include <optional>

namespace manifold::http {

// Server-sent events of one HTTP session, numbered across all its streams and kept, within a
// byte bound, so a client that lost a stream can resume it with Last-Event-ID (MCP Streamable
// HTTP): ids are "<stream>-<sequence>", so an id names its stream, and a resume replays only
// what followed on that stream.
class EventBuffer final
{
public:
    explicit EventBuffer(qint64 maxBytes) : m_maxBytes(maxBytes) {}

    struct Event
    {
        int stream = 0;
        quint64 sequence = 0;
        QByteArray data;   // one JSON-RPC message; empty for a priming event
        QByteArray id() const;
    };

    // Numbers and keeps an event of stream; the oldest events go when the bound is passed.
    const Event &add(int stream, QByteArray data);
    // "<stream>-<sequence>" -> its parts; nullopt if the id is not of that shape.
    static std::optional<std::pair<int, quint64>> parseId(QByteArrayView id);

    struct Replay
    {
        bool known = false;     // the id is one of ours and still within the buffer's reach
        int stream = 0;         // the stream it belongs to
        QList<Event> events;    // what followed it on that stream
    };
    Replay after(QByteArrayView lastEventId) const;
    // The events of stream after sequence afterSequence (0: all kept), in order.
    QList<Event> since(int stream, quint64 afterSequence) const;
    void dropStream(int stream);   // the stream ended for good: its events are not needed
    qint64 bytes() const { return m_bytes; }

    // The bytes of one SSE event: "id:", "event: message" (unless data is empty: a priming
    // event) and "data:"; retryMs > 0 adds "retry:".
    static QByteArray format(const Event &event, int retryMs = 0);

private:
    qint64 m_maxBytes;
    qint64 m_bytes = 0;
    quint64 m_nextSequence = 1;
    quint64 m_oldestKept = 1;   // sequences below this were dropped
    QList<Event> m_events;      // in sequence order
};

} // namespace manifold::http
