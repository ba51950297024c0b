#include "streamablesession.h"

#include "jsonrpc/jsonrpc.h"

#include <algorithm>

namespace manifold::http {

namespace {

QByteArray rawAt(const QByteArray &line, std::initializer_list<QByteArrayView> path)
{
    const auto span = json::findPath(line, path);
    return span ? span->in(line).toByteArray() : QByteArray();
}

} // namespace

StreamableSession::StreamableSession(SessionId id, Hello hello, qint64 maxQueuedBytes, QByteArray mcpSessionId,
                                     QString tokenName, int setupTimeoutMs, QObject *parent)
    : ClientSession(id, std::move(hello), maxQueuedBytes, parent),
      m_mcpSessionId(std::move(mcpSessionId)),
      m_tokenName(std::move(tokenName)),
      m_events(std::min(maxQueuedBytes, ReplayBytes))
{
    m_idle.setSingleShot(true);
    connect(&m_idle, &QTimer::timeout, this, [this] {
        for (const Stream &stream : std::as_const(m_streams)) {
            if (stream.connection && stream.connection->isOpen()) {
                touch();
                return;
            }
        }
        close(QStringLiteral("the HTTP session was idle for %1 minutes").arg(IdleTimeoutMs / 60000));
    });
    // A client that never finishes initializing (a probe, a crash) does not hold a session for long.
    m_setup.setSingleShot(true);
    connect(&m_setup, &QTimer::timeout, this, [this, setupTimeoutMs] {
        close(QStringLiteral("the client did not send notifications/initialized within %1 s").arg(setupTimeoutMs / 1000.0));
    });
    m_setup.start(setupTimeoutMs);
}

void StreamableSession::begin(const QByteArray &)
{
    touch();
}

qint64 StreamableSession::queuedBytes() const
{
    qint64 bytes = 0;
    for (const Stream &stream : m_streams) {
        if (stream.connection)
            bytes += stream.connection->bytesToWrite();
    }
    return bytes;
}

void StreamableSession::touch()
{
    m_idle.start(IdleTimeoutMs);
}

bool StreamableSession::modernProtocol() const
{
    return m_protocolVersion >= "2025-11-25";
}

void StreamableSession::post(HttpConnection *connection, const QByteArray &body)
{
    touch();
    const jsonrpc::Envelope envelope = jsonrpc::parseEnvelope(body);
    if (!envelope.isRequest()) {
        if (envelope.method == "notifications/initialized")
            m_setup.stop();
        connection->respond(202, {{"Mcp-Session-Id", m_mcpSessionId}});
        emit lineReceived(id(), body);
        // A cancelled request is never answered: its stream ends here, not with the session.
        if (envelope.method == "notifications/cancelled") {
            if (const int stream = m_byRequestId.take(rawAt(body, {"params", "requestId"})))
                endStream(stream);
        }
        return;
    }
    const int stream = m_nextStream++;
    const QByteArray requestId = envelope.id.in(body).toByteArray();
    const bool json = envelope.method == "initialize";
    m_streams.insert(stream, {connection, requestId, envelope.method, json});
    m_byRequestId.insert(requestId, stream);
    const QByteArray token = rawAt(body, {"params", "_meta", "progressToken"});
    if (!token.isEmpty())
        m_byProgressToken.insert(token, stream);
    if (!json) {
        connection->startStream({{"Mcp-Session-Id", m_mcpSessionId}}, true);
        // A priming event: an id to resume from, even before anything else is sent.
        if (modernProtocol())
            connection->writeStream(EventBuffer::format(m_events.add(stream, {}), RetryMs));
    }
    emit lineReceived(id(), body);
}

void StreamableSession::get(HttpConnection *connection, const QByteArray &lastEventId)
{
    touch();
    if (!lastEventId.isEmpty()) {
        const EventBuffer::Replay replay = m_events.after(lastEventId);
        if (!replay.known) {
            connection->respond(400, {{"Content-Type", "application/json"}},
                                jsonrpc::makeError("null", jsonrpc::ServerError,
                                                   "Last-Event-ID " + lastEventId + " cannot be resumed: it is not "
                                                   "one of this session's or too old"));
            return;
        }
        connection->startStream({{"Mcp-Session-Id", m_mcpSessionId}});
        for (const EventBuffer::Event &event : replay.events)
            connection->writeStream(EventBuffer::format(event));
        const auto it = m_streams.find(replay.stream);
        if (it == m_streams.end()) {
            connection->close();   // that stream has ended: everything it had is replayed
            return;
        }
        attach(replay.stream, connection);
        return;
    }
    Stream &get = m_streams[getStream()];
    if (get.connection && get.connection != connection)
        get.connection->close();   // the newest GET wins: never two copies of one message
    connection->startStream({{"Mcp-Session-Id", m_mcpSessionId}});
    for (const EventBuffer::Event &event : m_events.since(m_getStream, m_getDelivered))
        connection->writeStream(EventBuffer::format(event));
    attach(m_getStream, connection);
}

void StreamableSession::attach(int stream, HttpConnection *connection)
{
    m_streams[stream].connection = connection;
    if (stream == m_getStream) {
        const QList<EventBuffer::Event> all = m_events.since(stream, m_getDelivered);
        if (!all.isEmpty())
            m_getDelivered = all.constLast().sequence;
    }
}

int StreamableSession::streamFor(const QByteArray &line)
{
    const jsonrpc::Envelope envelope = jsonrpc::parseEnvelope(line);
    if (envelope.isResponse())
        return m_byRequestId.take(envelope.id.in(line).toByteArray());
    if (envelope.isNotification() && envelope.method == "notifications/progress") {
        const int stream = m_byProgressToken.value(rawAt(line, {"params", "progressToken"}));
        if (stream != 0)
            return stream;
    } else if (envelope.isRequest()) {
        if (const int cause = causeOf())
            return cause;
    }
    return getStream();
}

// Over stdio a server's request names no cause; the router gives it to this session because
// only this session's requests were in flight. Of those, the cause is the one open request that
// can ask the client something (a tool call, a prompt, a read; not a list, ping or subscribe), or
// the only open request. With more than one, the GET stream: the client gets it either way.
int StreamableSession::causeOf() const
{
    const auto quiet = [](const QByteArray &method) {
        return method == "ping" || method.endsWith("/list") || method == "logging/setLevel" ||
               method == "resources/subscribe" || method == "resources/unsubscribe" || method == "completion/complete";
    };
    int open = 0, openCount = 0, asking = 0, askingCount = 0;
    for (auto it = m_streams.cbegin(); it != m_streams.cend(); ++it) {
        if (it.key() == m_getStream || it->json)
            continue;
        open = it.key();
        ++openCount;
        if (!quiet(it->method)) {
            asking = it.key();
            ++askingCount;
        }
    }
    if (askingCount == 1)
        return asking;
    return askingCount == 0 && openCount == 1 ? open : 0;
}

int StreamableSession::getStream()
{
    if (m_getStream == 0) {
        m_getStream = m_nextStream++;
        m_streams.insert(m_getStream, {});
    }
    return m_getStream;
}

void StreamableSession::send(const QByteArray &line)
{
    if (m_closed)
        return;
    const int stream = streamFor(line);
    const auto it = m_streams.find(stream);
    if (it == m_streams.end())
        return;   // the answer to a request of a stream already gone with its session state
    if (it->json) {
        // initialize: one JSON body; its result says which protocol version the session speaks.
        m_protocolVersion = rawAt(line, {"result", "protocolVersion"}).replace('"', "");
        if (it->connection)
            it->connection->respond(200, {{"Content-Type", "application/json"}, {"Mcp-Session-Id", m_mcpSessionId}}, line);
        m_streams.erase(it);
        return;
    }
    emitEvent(stream, line);
    if (stream != m_getStream && jsonrpc::parseEnvelope(line).isResponse())
        endStream(stream);
    closeIfOverCap();
}

void StreamableSession::emitEvent(int stream, const QByteArray &line)
{
    const EventBuffer::Event &event = m_events.add(stream, line);
    Stream &target = m_streams[stream];
    if (!target.connection || !target.connection->isOpen())
        return;   // kept in the buffer for a resume (or the next GET)
    target.connection->writeStream(EventBuffer::format(event));
    if (stream == m_getStream)
        m_getDelivered = event.sequence;
}

void StreamableSession::endStream(int stream)
{
    // What it sent stays in the EventBuffer for a resume; a resume of a stream not here replays
    // what is kept and ends.
    const Stream ended = m_streams.take(stream);
    if (ended.connection)
        ended.connection->endStream();   // its connection serves the client's next request
    for (auto it = m_byProgressToken.begin(); it != m_byProgressToken.end();) {
        if (it.value() == stream)
            it = m_byProgressToken.erase(it);
        else
            ++it;
    }
}

void StreamableSession::close(const QString &)
{
    if (std::exchange(m_closed, true))
        return;
    m_idle.stop();
    m_setup.stop();
    for (const Stream &stream : std::as_const(m_streams)) {
        if (stream.connection)
            stream.connection->close();
    }
    emit closed(id());
}

} // namespace manifold::http
