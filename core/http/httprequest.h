#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>

#include <memory>

namespace manifold::http {

// One HTTP/1.1 request as the front door sees it. Header names are lower-cased; values keep
// their bytes (without surrounding whitespace).
struct Request
{
    QByteArray method;   // "POST", as sent (methods are case-sensitive)
    QByteArray target;   // "/mcp/memory?sessionId=x", as sent
    QByteArray path;     // target up to '?'
    QByteArray query;    // after '?', without it
    int minorVersion = 1;   // HTTP/1.<minorVersion>
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    // The first value of a header (name in lower case), empty if absent.
    QByteArray header(QByteArrayView lowerName) const;
    bool hasHeader(QByteArrayView lowerName) const;
    qint64 contentLength() const;   // 0 without a Content-Length
    bool keepAlive() const;         // HTTP/1.1 unless "Connection: close"; 1.0 only with keep-alive
    bool expectsContinue() const;   // "Expect: 100-continue"
};

struct Limits
{
    qsizetype maxHeadBytes = 32 * 1024;   // request line and headers together
    int maxHeaders = 100;
    qint64 maxBodyBytes = 4 * 1024 * 1024;
};

// Reads requests from a connection's bytes, one at a time, within Limits, so that a peer can
// never make the front door hold more than maxHeadBytes + maxBodyBytes for a request. The parsing
// itself is Boost.Beast's HTTP/1.1 parser (header-only, Debian's libboost-dev): it is fed the
// connection's bytes as they come, fits Qt's event loop as it is (no Asio sockets), and bounds
// the head and the body. The head is reported on its own before the body is read: the caller
// checks Host, Origin and the token (and answers "100 Continue") before any body byte is taken
// in, and a Content-Length over the limit is refused from the header alone. Bodies come with a
// Content-Length (411 for Transfer-Encoding).
class RequestParser final
{
public:
    explicit RequestParser(Limits limits = {});
    ~RequestParser();
    RequestParser(const RequestParser &) = delete;
    RequestParser &operator=(const RequestParser &) = delete;

    struct Step
    {
        enum class Kind {
            NeedMore,   // feed more bytes
            Head,       // request() has method, target and headers; the body follows
            Complete,   // request() is whole; call next() again for a pipelined one
            Error,      // answer status with message and close the connection
        };
        Kind kind = Kind::NeedMore;
        int status = 0;       // Error: 400, 411, 413, 431 or 505
        QByteArray message;   // Error: what was wrong, for the answer and the log
    };

    void append(QByteArrayView data) { m_buffer.append(data); }
    // Advances as far as the bytes allow. After Complete the next call starts a new request with
    // what is left; after Error nothing more is parsed.
    Step next();
    const Request &request() const { return m_request; }
    Request takeRequest() { return std::exchange(m_request, {}); }
    qsizetype bufferedBytes() const { return m_buffer.size(); }

private:
    struct Beast;
    qsizetype headLength();   // bytes up to the blank line that ends the head; -1 until then
    Step feed();
    Step takeHead();
    Step fail(int status, QByteArray message);
    QByteArray bodyTooLarge(qint64 declared) const;   // declared: -1 if unknown

    enum class State { Head, Body, Done, Failed };
    Limits m_limits;
    State m_state = State::Head;
    QByteArray m_buffer;
    Request m_request;
    std::unique_ptr<Beast> m_beast;   // the current request's parser
    qsizetype m_headScanned = 0;      // bytes of the buffer searched for the head's end
};

} // namespace manifold::http
