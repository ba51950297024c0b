#include "httprequest.h"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include <algorithm>
#include <cstdint>
#include <utility>

namespace manifold::http {

namespace {

namespace beast_http = boost::beast::http;

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

// A Beast body that collects into a QByteArray, so a large body is never copied once more.
struct ByteArrayBody
{
    using value_type = QByteArray;

    class reader
    {
    public:
        template<bool isRequest, class Fields>
        reader(beast_http::header<isRequest, Fields> &, value_type &body) : m_body(body)
        {
        }
        void init(const boost::optional<std::uint64_t> &length, boost::system::error_code &ec)
        {
            if (length)
                m_body.reserve(qsizetype(*length));   // already within the body limit
            ec = {};
        }
        template<class ConstBufferSequence>
        std::size_t put(const ConstBufferSequence &buffers, boost::system::error_code &ec)
        {
            std::size_t taken = 0;
            for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it) {
                const boost::asio::const_buffer buffer = *it;
                m_body.append(static_cast<const char *>(buffer.data()), qsizetype(buffer.size()));
                taken += buffer.size();
            }
            ec = {};
            return taken;
        }
        void finish(boost::system::error_code &ec) { ec = {}; }

    private:
        value_type &m_body;
    };
};

struct RequestParser::Beast
{
    beast_http::request_parser<ByteArrayBody> parser;
};

RequestParser::RequestParser(Limits limits) : m_limits(limits) {}

RequestParser::~RequestParser() = default;

RequestParser::Step RequestParser::fail(int status, QByteArray message)
{
    m_state = State::Failed;
    m_buffer.clear();
    m_beast.reset();
    return {Step::Kind::Error, status, std::move(message)};
}

QByteArray RequestParser::bodyTooLarge(qint64 declared) const
{
    const QByteArray limit = " is larger than the limit of " + QByteArray::number(m_limits.maxBodyBytes) + " bytes";
    return declared >= 0 ? "the body of " + QByteArray::number(declared) + " bytes" + limit : "the body" + limit;
}

RequestParser::Step RequestParser::next()
{
    switch (m_state) {
    case State::Failed:
        return {Step::Kind::Error, 400, "the connection already failed"};
    case State::Done:
        m_request = {};
        m_beast.reset();
        m_headScanned = 0;
        m_state = State::Head;
        [[fallthrough]];
    case State::Head: {
        // Blank lines before a request are ignored (RFC 9112 2.2).
        while (m_buffer.startsWith("\r\n"))
            m_buffer.remove(0, 2);
        if (m_buffer.isEmpty())
            return {};
        // Beast is given a head only once it has ended (or cannot be one): fed in pieces, Beast
        // 1.74 can miss the end of a head with a folded line and wait for ever.
        const qsizetype headBytes = headLength();
        if (headBytes < 0 ? m_buffer.size() > m_limits.maxHeadBytes : headBytes > m_limits.maxHeadBytes)
            return fail(431, "the request head is larger than " + QByteArray::number(m_limits.maxHeadBytes) + " bytes");
        if (headBytes < 0)
            return {};
        if (!m_beast) {
            m_beast = std::make_unique<Beast>();
            m_beast->parser.header_limit(std::uint32_t(m_limits.maxHeadBytes));
            m_beast->parser.body_limit(std::uint64_t(m_limits.maxBodyBytes));
        }
        return feed();
    }
    case State::Body:
        return feed();
    }
    return {};
}

qsizetype RequestParser::headLength()
{
    // Searched from a little before where the last search ended, so a head costs one pass.
    const qsizetype from = std::max<qsizetype>(0, m_headScanned - 3);
    m_headScanned = m_buffer.size();
    const qsizetype crlf = m_buffer.indexOf("\r\n\r\n", from);
    const qsizetype lf = m_buffer.indexOf("\n\n", from);   // not a head: Beast says why
    if (crlf >= 0 && (lf < 0 || crlf < lf))
        return crlf + 4;
    return lf >= 0 ? lf + 2 : -1;
}

RequestParser::Step RequestParser::feed()
{
    auto &parser = m_beast->parser;
    while (!parser.is_done() && !m_buffer.isEmpty()) {
        boost::system::error_code error;
        const std::size_t used = parser.put(boost::asio::const_buffer(m_buffer.constData(), std::size_t(m_buffer.size())), error);
        m_buffer.remove(0, qsizetype(used));
        if (error == beast_http::error::need_more)
            break;
        if (error == beast_http::error::header_limit)
            return fail(431, "the request head is larger than " + QByteArray::number(m_limits.maxHeadBytes) + " bytes");
        if (error == beast_http::error::body_limit) {
            // From the head alone: the Content-Length field is in.
            const auto declared = parser.get()[beast_http::field::content_length];
            bool known = false;
            const qint64 length = QByteArray(declared.data(), qsizetype(declared.size())).toLongLong(&known);
            return fail(413, bodyTooLarge(known ? length : -1));
        }
        if (error == beast_http::error::bad_version) {
            // Beast reads "HTTP/1.1\n" as a bad version too: say what is really wrong.
            const qsizetype lineEnd = m_buffer.indexOf('\n');
            if (lineEnd > 0 && m_buffer.at(lineEnd - 1) != '\r')
                return fail(400, "lines must end with CRLF");
            return fail(505, "only HTTP/1.0 and HTTP/1.1 are spoken here");
        }
        if (error)
            return fail(400, "malformed request: " + QByteArray::fromStdString(error.message()));
        if (m_state == State::Head && parser.is_header_done())
            return takeHead();
    }
    if (m_state == State::Head) {
        // Beast takes a head only whole; say 431 as soon as what waits is over the limit.
        if (m_buffer.size() > m_limits.maxHeadBytes)
            return fail(431, "the request head is larger than " + QByteArray::number(m_limits.maxHeadBytes) + " bytes");
        return {};
    }
    if (!parser.is_done())
        return {};
    m_request.body = std::move(parser.get().body());
    m_state = State::Done;
    return {Step::Kind::Complete, 0, {}};
}

RequestParser::Step RequestParser::takeHead()
{
    const auto &message = m_beast->parser.get();
    const unsigned version = message.version();
    if (version / 10 != 1)
        return fail(505, "only HTTP/1.x is spoken here");
    if (version != 10 && version != 11)
        return fail(505, "unsupported HTTP version 1." + QByteArray::number(version % 10));
    m_request.method = QByteArray(message.method_string().data(), qsizetype(message.method_string().size()));
    m_request.target = QByteArray(message.target().data(), qsizetype(message.target().size()));
    m_request.minorVersion = int(version % 10);
    const qsizetype question = m_request.target.indexOf('?');
    m_request.path = question < 0 ? m_request.target : m_request.target.left(question);
    m_request.query = question < 0 ? QByteArray() : m_request.target.mid(question + 1);
    for (const auto &field : message) {
        if (m_request.headers.size() >= m_limits.maxHeaders)
            return fail(431, "more than " + QByteArray::number(m_limits.maxHeaders) + " headers");
        const auto name = field.name_string();
        const auto value = field.value();
        m_request.headers.append({QByteArray(name.data(), qsizetype(name.size())).toLower(),
                                  QByteArray(value.data(), qsizetype(value.size())).trimmed()});
    }
    if (m_request.minorVersion == 1 && !m_request.hasHeader("host"))
        return fail(400, "HTTP/1.1 requests need a Host header");
    // MCP clients send a Content-Length. Chunked request bodies are refused: Beast 1.74's chunk
    // parser asserts on some inputs fed in small pieces (found by fuzz_httprequest).
    if (m_request.hasHeader("transfer-encoding"))
        return fail(411, "send the body with a Content-Length (Transfer-Encoding is not accepted)");
    m_beast->parser.eager(true);   // the body as fast as it comes
    m_state = State::Body;
    return {Step::Kind::Head, 0, {}};
}

} // namespace manifold::http
