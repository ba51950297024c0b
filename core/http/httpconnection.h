#pragma once

#include "http/httprequest.h"

#include <QObject>
#include <QTimer>

class QTcpSocket;

namespace manifold::http {

using Headers = QList<QPair<QByteArray, QByteArray>>;

// One client connection to the front door: reads its requests one at a time (the next is read
// only once the current one is answered), answers them with a Content-Length body, or turns the
// connection into an SSE stream that ends when the connection does. A head that takes longer than
// HeadTimeoutMs, or a kept-alive connection idle for IdleTimeoutMs, is closed.
class HttpConnection final : public QObject
{
    Q_OBJECT

public:
    static constexpr int HeadTimeoutMs = 10000;
    static constexpr int IdleTimeoutMs = 60000;
    // An SSE comment this often on an open stream: proxies keep it, and a peer gone without a
    // word is found by the failed write.
    static constexpr int StreamKeepAliveMs = 25000;

    // Takes the socket over.
    HttpConnection(QTcpSocket *socket, Limits limits, QObject *parent = nullptr);
    ~HttpConnection() override;

    QByteArray peer() const;   // "address:port", for logs and status
    bool isOpen() const;
    // Bytes given to the socket and not yet sent: what a stream still owes its client.
    qint64 bytesToWrite() const;

    // The answer to the current request; the connection then reads the next one, or closes if
    // the request or the answer said so (or status is 4xx/5xx for a request whose body was not read).
    void respond(int status, const Headers &headers, const QByteArray &body = {});
    // Starts an SSE answer (200, text/event-stream). A stream that ends (a POST's) goes chunked on
    // a kept-alive HTTP/1.1 connection, so the connection serves the next request; one that lasts
    // (a GET's) ends with the connection.
    void startStream(const Headers &headers, bool endsOnItsOwn = false);
    void writeStream(const QByteArray &bytes);
    // Ends a stream started with endsOnItsOwn: the last chunk, then the next request (or close).
    void endStream();
    void close();

    static QByteArray reasonPhrase(int status);

signals:
    // The current request's head: the receiver may answer it at once (a refusal: its body is
    // then never read). Not answered: the body is read (after "100 Continue" if asked for).
    void headReceived(const manifold::http::Request &request);
    void requestReceived(const manifold::http::Request &request);
    void bytesWritten();
    void closed();

private:
    void onReadyRead();
    void onDisconnected();
    void parse();
    void writeHead(int status, const Headers &headers, qint64 contentLength);
    void finishResponse(bool keepAlive);

    QTcpSocket *m_socket;
    RequestParser m_parser;
    QTimer m_timer;            // the head deadline, then the idle keep-alive deadline
    QTimer m_streamKeepAlive;
    bool m_answering = false;  // a request is read and not answered yet
    bool m_answered = false;   // the current request was answered at its head
    bool m_streaming = false;
    bool m_chunked = false;    // the current stream is sent in chunks
    int m_minorVersion = 1;    // of the current request: chunks only for HTTP/1.1
    bool m_keepAlive = true;
    bool m_closed = false;          // no more requests are read or answered
    bool m_closedEmitted = false;
};

} // namespace manifold::http
