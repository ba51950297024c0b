#include "sseparser.h"

namespace manifold::remote {

namespace {

constexpr char ByteOrderMark[] = "\xEF\xBB\xBF";
constexpr qsizetype ByteOrderMarkSize = 3;

bool allDigits(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

} // namespace

bool SseParser::Event::operator==(const Event &other) const
{
    return type == other.type && data == other.data && id == other.id && idChanged == other.idChanged &&
           retryMs == other.retryMs;
}

std::optional<QByteArray> SseParser::lastEventId() const
{
    if (m_lastEventId.isEmpty())
        return std::nullopt;
    return m_lastEventId;
}

bool SseParser::skipByteOrderMark()
{
    const QByteArrayView mark(ByteOrderMark, ByteOrderMarkSize);
    const qsizetype compared = qMin(m_buffer.size(), ByteOrderMarkSize);
    if (QByteArrayView(m_buffer).first(compared) != mark.first(compared)) {
        m_atStreamStart = false;
        return true;
    }
    if (compared < ByteOrderMarkSize)
        return false;   // a read may end inside the mark
    m_buffer.remove(0, ByteOrderMarkSize);
    m_atStreamStart = false;
    return true;
}

QList<SseParser::Event> SseParser::feed(QByteArrayView bytes)
{
    QList<Event> out;
    if (failed())
        return out;
    m_buffer.append(bytes);
    if (m_atStreamStart && !skipByteOrderMark())
        return out;

    qsizetype lineStart = 0;
    if (m_skipLineFeed && !m_buffer.isEmpty()) {
        if (m_buffer.front() == '\n')
            lineStart = 1;
        m_skipLineFeed = false;
    }
    qsizetype at = qMax(lineStart, m_scanned);
    while (at < m_buffer.size() && !failed()) {
        const char c = m_buffer.at(at);
        if (c != '\r' && c != '\n') {
            ++at;
            continue;
        }
        takeLine(QByteArrayView(m_buffer).sliced(lineStart, at - lineStart), &out);
        // CR LF is one line end; a CR at the end of this read leaves the question to the next.
        if (c == '\r') {
            if (at + 1 == m_buffer.size())
                m_skipLineFeed = true;
            else if (m_buffer.at(at + 1) == '\n')
                ++at;
        }
        lineStart = ++at;
    }
    if (failed()) {
        m_buffer.clear();
        m_scanned = 0;
        return out;
    }
    m_buffer.remove(0, lineStart);
    m_scanned = m_buffer.size();
    if (m_buffer.size() > m_maxBytes) {
        m_error = QStringLiteral("event stream line longer than %1 bytes").arg(m_maxBytes);
        m_buffer.clear();
        m_scanned = 0;
    }
    return out;
}

void SseParser::takeLine(QByteArrayView line, QList<Event> *out)
{
    if (line.size() > m_maxBytes) {
        m_error = QStringLiteral("event stream line longer than %1 bytes").arg(m_maxBytes);
        return;
    }
    if (line.isEmpty()) {
        dispatch(out);
        return;
    }
    if (line.front() == ':')
        return;   // a comment: servers send them as keep-alives
    const qsizetype colon = line.indexOf(':');
    if (colon < 0) {
        takeField(line, {});   // a field name alone has an empty value
        return;
    }
    QByteArrayView value = line.sliced(colon + 1);
    if (value.startsWith(' '))
        value = value.sliced(1);   // only one space: the rest is the value's own
    takeField(line.first(colon), value);
}

void SseParser::takeField(QByteArrayView name, QByteArrayView value)
{
    if (name == "data") {
        if (m_data.size() + value.size() + 1 > m_maxBytes) {
            m_error = QStringLiteral("event stream event larger than %1 bytes").arg(m_maxBytes);
            return;
        }
        m_data.append(value);
        m_data.append('\n');
    } else if (name == "event") {
        m_type = value.toByteArray();
    } else if (name == "id") {
        if (!value.contains('\0'))   // the spec ignores such an id: it could not be sent back
            m_idBuffer = value.toByteArray();
    } else if (name == "retry") {
        bool ok = false;
        const qint64 ms = QByteArray(value.data(), value.size()).toLongLong(&ok);
        if (allDigits(value) && ok && m_retryMs != ms) {   // ok is false past qint64
            m_retryMs = ms;
            m_retryChanged = true;
        }
    }
    // Other field names are ignored, as the spec says.
}

void SseParser::dispatch(QList<Event> *out)
{
    const bool idChanged = m_lastEventId != m_idBuffer;
    m_lastEventId = m_idBuffer;
    QByteArray data = std::exchange(m_data, {});
    QByteArray type = std::exchange(m_type, {});
    // An empty data buffer fires nothing (the spec); a lone "data:" fires an event with empty
    // data, which carries no message either. Both are reported only for a new id or retry time.
    if (!data.isEmpty())
        data.chop(1);   // the '\n' after the last data line
    if (data.isEmpty() && !idChanged && !m_retryChanged)
        return;
    Event event;
    event.type = type.isEmpty() ? QByteArray("message") : std::move(type);
    event.data = std::move(data);
    event.id = lastEventId();
    event.idChanged = idChanged;
    event.retryMs = m_retryMs;
    m_retryChanged = false;
    out->append(std::move(event));
}

} // namespace manifold::remote
