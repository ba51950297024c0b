#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <functional>

namespace manifold {

// What a ServerHost speaks JSON-RPC to: a child process over stdio (ChildUpstream) or a remote
// server over HTTP (core/remote). The host keeps everything above the wire — the Router, the
// restart policy, heartbeats, linger — and the upstream only moves whole messages.
//
// Messages: send() takes one complete JSON-RPC message without a newline; deliverLine() gives
// one back (to the line handler, else as line()).
// An upstream that cannot deliver one request (a dropped stream that cannot be resumed, an HTTP
// error for that request alone) answers it itself with a JSON-RPC error response carrying the
// request's own id, so the router routes the failure like any answer.
class Upstream : public QObject
{
    Q_OBJECT

public:
    enum class GoneKind {
        Stopped,          // stop() finished
        Crashed,          // exited or killed unasked (counts toward the crash loop)
        Unreachable,      // network, DNS, TLS, 5xx: back off and try again; never a crash loop
        SignInRequired,   // nobody is signed in, or the sign-in was refused: wait for the user
        Fatal,            // cannot work until the configuration changes (bad URL, wrong transport)
    };
    Q_ENUM(GoneKind)

    using QObject::QObject;
    ~Upstream() override = default;

    // Spawn or connect; started() or gone() follows from the event loop.
    virtual void start() = 0;
    virtual void send(const QByteArray &message) = 0;
    // Graceful end (close stdin and escalate | DELETE the HTTP session); gone(Stopped) follows.
    virtual void stop() = 0;
    // Now: SIGKILL the group | abort every request. gone(Crashed) follows.
    virtual void kill() = 0;
    // For shutdown paths only: ends it before returning, waiting at most timeoutMs.
    virtual void shutdownBlocking(int timeoutMs) = 0;

    virtual qint64 pid() const { return 0; }         // a child's process id, else 0
    virtual qint64 memoryKb() const { return -1; }   // a child group's RSS, else -1
    // Extra status fields (merged into the server's status): e.g. {"remote": {...}}.
    virtual QJsonObject statusJson() const { return {}; }
    // Whether every server request arrives tagged with the request that caused it (line()'s
    // relatedRequest): true for Streamable HTTP, false for stdio and HTTP+SSE.
    virtual bool tagsServerRequests() const { return false; }
    // One line for logs: "pid 123" or "https://h/mcp (Streamable HTTP, session 5d77…)".
    virtual QString describe() const = 0;

    // The owner may take messages directly instead of through line(): the message is handed
    // over by rvalue, so a large result is routed in the buffer it was read into (a signal
    // would keep a second reference and force a copy).
    using LineHandler = std::function<void(QByteArray &&message, const QByteArray &relatedRequest)>;
    void setLineHandler(LineHandler handler) { m_lineHandler = std::move(handler); }

signals:
    void started();
    // relatedRequest: the id (as sent) of the upstream request whose stream carried this message,
    // when the transport knows it (an HTTP POST's SSE stream); empty otherwise.
    void line(QByteArray message, QByteArray relatedRequest);
    // A message longer than the limit went by; head and tail are its first and last bytes.
    void oversized(QByteArray head, QByteArray tail);
    void stderrLine(QString text);   // a child's stderr
    void noted(QString text);        // something worth a line in the server's log
    // The remote server forgot the session (HTTP 404 on an expired session). Requests it never
    // processed are kept and re-sent; the host must initialize again (Router::childStarted) and
    // the upstream delivers the held requests once notifications/initialized has gone out.
    void sessionLost();
    void gone(QString description, manifold::Upstream::GoneKind kind);

protected:
    // What an implementation calls for every message from the server.
    void deliverLine(QByteArray &&message, const QByteArray &relatedRequest = {})
    {
        if (m_lineHandler)
            m_lineHandler(std::move(message), relatedRequest);
        else
            emit line(message, relatedRequest);
    }

private:
    LineHandler m_lineHandler;
};

} // namespace manifold
