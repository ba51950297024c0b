#include "httprequest.h"

#include <utility>

namespace manifold::http {

namespace {

bool isTokenChar(char c)
{
    // RFC 9110 tchar
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

bool hasControlChars(QByteArrayView text)
{
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f)
            return true;
    }
    return false;
}

// Whether a comma-separated header value lists token (case-insensitive).
bool listsToken(QByteArrayView value, QByteArrayView token)
{
    for (const QByteArray &part : value.toByteArray().split(',')) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

QByteArray Request::header(QByteArrayView lowerName) const
{
    for (const auto &[name, value] : headers) {
        if (name == lowerName)
            return value;
    }
    return {};
}

bool Request::hasHeader(QByteArrayView lowerName) const
{
    for (const auto &header : headers) {
        if (header.first == lowerName)
            return true;
    }
    return false;
}

qint64 Request::contentLength() const
{
    return header("content-length").toLongLong();
}

bool Request::keepAlive() const
{
    const QByteArray connection = header("connection");
    if (minorVersion == 0)
        return listsToken(connection, "keep-alive");
    return !listsToken(connection, "close");
}

bool Request::expectsContinue() const
{
    return header("expect").compare("100-continue", Qt::CaseInsensitive) == 0;
}

RequestParser::Step RequestParser::fail(int status, QByteArray message)
{
    m_state = State::Failed;
    m_buffer.clear();
    return {Step::Kind::Error, status, std::move(message)};
}

RequestParser::Step RequestParser::next()
{
    switch (m_state) {
    case State::Failed:
        return {Step::Kind::Error, 400, "the connection already failed"};
    case State::Done:
        m_request = {};
        m_state = State::Head;
        [[fallthrough]];
    case State::Head: {
        // Blank lines before a request are ignored (RFC 9112 2.2).
        while (m_buffer.startsWith("\r\n"))
            m_buffer.remove(0, 2);
        const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
        if (headEnd < 0 && m_buffer.contains("\n\n"))
            return fail(400, "lines must end with CRLF");
        if (headEnd < 0) {
            if (m_buffer.size() > m_limits.maxHeadBytes)
                return fail(431, "the request head is larger than " + QByteArray::number(m_limits.maxHeadBytes) + " bytes");
            return {};
        }
        if (headEnd + 4 > m_limits.maxHeadBytes)
            return fail(431, "the request head is larger than " + QByteArray::number(m_limits.maxHeadBytes) + " bytes");
        return parseHead(headEnd);
    }
    case State::Body:
        if (m_buffer.size() < m_bodyLength)
            return {};
        m_request.body = m_buffer.left(m_bodyLength);
        m_buffer.remove(0, m_bodyLength);
        m_state = State::Done;
        return {Step::Kind::Complete, 0, {}};
    }
    return {};
}

RequestParser::Step RequestParser::parseHead(qsizetype headEnd)
{
    const QByteArray head = m_buffer.left(headEnd + 2);   // every line with its CRLF
    m_buffer.remove(0, headEnd + 4);
    QList<QByteArray> lines = head.split('\n');
    lines.removeLast();   // after the last line's LF
    for (QByteArray &line : lines) {
        if (!line.endsWith('\r'))
            return fail(400, "lines must end with CRLF");
        line.chop(1);
    }

    const QByteArray &requestLine = lines.first();
    const QList<QByteArray> parts = requestLine.split(' ');
    if (parts.size() != 3 || !isToken(parts[0]) || parts[1].isEmpty() || hasControlChars(parts[1]))
        return fail(400, "malformed request line");
    if (!parts[2].startsWith("HTTP/1."))
        return fail(505, "only HTTP/1.x is spoken here");
    if (parts[2] != "HTTP/1.1" && parts[2] != "HTTP/1.0")
        return fail(505, "unsupported HTTP version " + parts[2]);
    m_request.method = parts[0];
    m_request.target = parts[1];
    m_request.minorVersion = parts[2].back() - '0';
    const qsizetype question = m_request.target.indexOf('?');
    m_request.path = question < 0 ? m_request.target : m_request.target.left(question);
    m_request.query = question < 0 ? QByteArray() : m_request.target.mid(question + 1);

    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines[i];
        if (line.startsWith(' ') || line.startsWith('\t'))
            return fail(400, "folded header lines are not accepted");
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(QByteArrayView(line).first(colon)))
            return fail(400, "malformed header line");
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (hasControlChars(value))
            return fail(400, "control characters in a header value");
        if (m_request.headers.size() >= m_limits.maxHeaders)
            return fail(431, "more than " + QByteArray::number(m_limits.maxHeaders) + " headers");
        m_request.headers.append({line.left(colon).toLower(), value});
    }

    if (m_request.minorVersion == 1 && !m_request.hasHeader("host"))
        return fail(400, "HTTP/1.1 requests need a Host header");
    if (m_request.hasHeader("transfer-encoding"))
        return fail(411, "send the body with a Content-Length (Transfer-Encoding is not accepted)");
    qint64 length = 0;
    int lengths = 0;
    for (const auto &[name, value] : std::as_const(m_request.headers)) {
        if (name != "content-length")
            continue;
        bool ok = false;
        const qint64 parsed = value.toLongLong(&ok);
        if (!ok || parsed < 0 || value.startsWith('+') || value.startsWith('-') || (lengths > 0 && parsed != length))
            return fail(400, "invalid Content-Length");
        length = parsed;
        ++lengths;
    }
    if (length > m_limits.maxBodyBytes)
        return fail(413, "the body of " + QByteArray::number(length) + " bytes is larger than the limit of " +
                             QByteArray::number(m_limits.maxBodyBytes));
    m_bodyLength = length;
    m_state = State::Body;
    return {Step::Kind::Head, 0, {}};
}

} // namespace manifold::http
