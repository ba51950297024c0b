#include "httpconnection.h"

#include <QHostAddress>
#include <QTcpSocket>

namespace manifold::http {

HttpConnection::HttpConnection(QTcpSocket *socket, Limits limits, QObject *parent)
    : QObject(parent), m_socket(socket), m_parser(limits)
{
    m_socket->setParent(this);
    // Answers are small and go out at once; without this, Nagle's algorithm and the client's
    // delayed ACK hold each one back on a kept-alive connection.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &HttpConnection::close);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &HttpConnection::bytesWritten);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    m_timer.start(HeadTimeoutMs);
    connect(&m_streamKeepAlive, &QTimer::timeout, this, [this] { writeStream(QByteArrayLiteral(": keep-alive\n\n")); });
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &HttpConnection::onReadyRead, Qt::QueuedConnection);
}

HttpConnection::~HttpConnection() = default;

QByteArray HttpConnection::peer() const
{
    return m_socket->peerAddress().toString().toLatin1() + ':' + QByteArray::number(m_socket->peerPort());
}

bool HttpConnection::isOpen() const
{
    return !m_closed && m_socket->state() == QAbstractSocket::ConnectedState;
}

qint64 HttpConnection::bytesToWrite() const
{
    return m_socket->bytesToWrite();
}

QByteArray HttpConnection::reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

void HttpConnection::onReadyRead()
{
    if (m_closed)
        return;
    m_parser.append(m_socket->readAll());
    parse();
}

void HttpConnection::parse()
{
    while (!m_closed && !m_answering) {
        const RequestParser::Step step = m_parser.next();
        switch (step.kind) {
        case RequestParser::Step::Kind::NeedMore:
            return;
        case RequestParser::Step::Kind::Error:
            m_keepAlive = false;
            respond(step.status, {{"Content-Type", "text/plain; charset=utf-8"}}, step.message + '\n');
            return;
        case RequestParser::Step::Kind::Head:
            m_timer.stop();
            m_answered = false;
            m_keepAlive = m_parser.request().keepAlive();
            m_minorVersion = m_parser.request().minorVersion;
            emit headReceived(m_parser.request());
            if (m_answered || m_closed)
                return;   // refused at its head: the connection closes, the body is never read
            if (m_parser.request().expectsContinue())
                m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            break;
        case RequestParser::Step::Kind::Complete:
            m_answering = true;
            emit requestReceived(m_parser.takeRequest());
            return;
        }
    }
}

void HttpConnection::writeHead(int status, const Headers &headers, qint64 contentLength)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    for (const auto &[name, value] : headers)
        head += name + ": " + value + "\r\n";
    if (contentLength >= 0)
        head += "Content-Length: " + QByteArray::number(contentLength) + "\r\n";
    if (m_chunked)
        head += "Transfer-Encoding: chunked\r\n";
    if (!m_keepAlive || (contentLength < 0 && !m_chunked))
        head += "Connection: close\r\n";
    head += "\r\n";
    m_socket->write(head);
}

void HttpConnection::respond(int status, const Headers &headers, const QByteArray &body)
{
    if (m_closed || m_streaming)
        return;
    // A refusal before the body was read cannot keep the connection: the body would follow.
    const bool atHead = !m_answering;
    if (atHead && status >= 400)
        m_keepAlive = false;
    writeHead(status, headers, body.size());
    m_socket->write(body);
    m_answered = true;
    finishResponse(m_keepAlive);
}

void HttpConnection::finishResponse(bool keepAlive)
{
    m_answering = false;
    if (!keepAlive) {
        close();
        return;
    }
    m_timer.start(IdleTimeoutMs);
    // A pipelined request already here is handled on the next pass, not inside this answer.
    QMetaObject::invokeMethod(this, &HttpConnection::parse, Qt::QueuedConnection);
}

void HttpConnection::startStream(const Headers &headers, bool endsOnItsOwn)
{
    if (m_closed || m_streaming)
        return;
    m_streaming = true;
    m_chunked = endsOnItsOwn && m_keepAlive && m_minorVersion == 1;
    m_answered = true;
    m_timer.stop();
    Headers all = headers;
    all.emplaceBack("Content-Type", "text/event-stream");
    all.emplaceBack("Cache-Control", "no-cache, no-transform");
    all.emplaceBack("X-Accel-Buffering", "no");
    writeHead(200, all, -1);
    m_streamKeepAlive.start(StreamKeepAliveMs);
}

void HttpConnection::writeStream(const QByteArray &bytes)
{
    if (!m_streaming || m_closed || bytes.isEmpty())
        return;
    if (m_chunked)
        m_socket->write(QByteArray::number(bytes.size(), 16) + "\r\n" + bytes + "\r\n");
    else
        m_socket->write(bytes);
}

void HttpConnection::endStream()
{
    if (!m_streaming || m_closed || !m_chunked) {
        close();
        return;
    }
    m_socket->write("0\r\n\r\n");
    m_streaming = false;
    m_chunked = false;
    m_streamKeepAlive.stop();
    finishResponse(m_keepAlive);
}

void HttpConnection::close()
{
    if (std::exchange(m_closed, true))
        return;
    m_streamKeepAlive.stop();
    // What is written still goes out: closed() follows the socket's disconnect, or a client that
    // does not take it is dropped after HeadTimeoutMs.
    disconnect(&m_timer, nullptr, this, nullptr);
    connect(&m_timer, &QTimer::timeout, m_socket, &QTcpSocket::abort);
    m_timer.start(HeadTimeoutMs);
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        onDisconnected();
    else
        m_socket->disconnectFromHost();
}

void HttpConnection::onDisconnected()
{
    m_closed = true;
    m_timer.stop();
    m_streamKeepAlive.stop();
    if (!std::exchange(m_closedEmitted, true))
        emit closed();
}

} // namespace manifold::http
