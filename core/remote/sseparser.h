#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>

namespace manifold::remote {

// Reads a text/event-stream (an upstream's SSE response) by the WHATWG "server-sent events"
// rules, from bytes split into reads anyhow. Payloads stay bytes: the stream is UTF-8 and its
// data is JSON-RPC, which the router reads as bytes; field names are ASCII either way.
class SseParser final
{
public:
    struct Event
    {
        QByteArray type;   // "message" unless an "event:" field named another
        QByteArray data;   // its "data:" lines joined with '\n'; empty: see isMessage()
        // The stream's last event id when this was dispatched: set by an "id:" field and kept
        // for later events without one; nullopt while there is none ("id:" with no value
        // clears it). It is what a resume sends as Last-Event-ID.
        std::optional<QByteArray> id;
        bool idChanged = false;   // this dispatch changed the last event id
        // The stream's reconnection time as of this dispatch ("retry:"), nullopt if never set.
        std::optional<qint64> retryMs;

        // False for a dispatch with no data, which the spec does not fire as an event. It is
        // reported when it changed the id or the retry time: MCP's priming event is an id and
        // an empty "data:", and its id is what makes the response stream resumable.
        bool isMessage() const { return !data.isEmpty(); }
        bool operator==(const Event &other) const;
    };

    // maxBytes bounds one line and one event's data (the upstream's largest message), so a
    // peer that never ends a line cannot grow the buffer without end.
    explicit SseParser(qsizetype maxBytes) : m_maxBytes(maxBytes) {}

    // The events completed by these bytes, in order. After an error nothing more is read: the
    // events before the faulty line are still returned, and error() says what was wrong.
    QList<Event> feed(QByteArrayView bytes);

    bool failed() const { return !m_error.isEmpty(); }
    QString error() const { return m_error; }
    std::optional<QByteArray> lastEventId() const;
    std::optional<qint64> retryMs() const { return m_retryMs; }

private:
    void takeLine(QByteArrayView line, QList<Event> *out);
    void takeField(QByteArrayView name, QByteArrayView value);
    void dispatch(QList<Event> *out);
    bool skipByteOrderMark();   // false while the buffer could still be the start of one

    qsizetype m_maxBytes;
    QByteArray m_buffer;              // bytes of the line not yet ended
    qsizetype m_scanned = 0;          // of m_buffer, searched for a line end without finding one
    bool m_atStreamStart = true;      // a byte order mark may still come
    bool m_skipLineFeed = false;      // the last line ended with CR: a LF right after is its end too
    QByteArray m_data;                // the event's data buffer, each line followed by '\n'
    QByteArray m_type;                // the event type buffer
    QByteArray m_idBuffer;            // the last event id buffer (set by "id:" fields)
    QByteArray m_lastEventId;         // the last event id string (set on dispatch)
    std::optional<qint64> m_retryMs;
    bool m_retryChanged = false;      // since the last report
    QString m_error;
};

} // namespace manifold::remote
