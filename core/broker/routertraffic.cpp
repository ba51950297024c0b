// Router, the traffic view's tap: every message it relays, and every answer it makes itself,
// noted in the server's TrafficRecorder. It only reads what routing parsed already; the one
// extra parse is of the router's own (small) answers, to tell a result from an error.
#include "router.h"

#include "broker/routerutil.h"

namespace manifold {

using jsonrpc::Envelope;
using namespace routerutil;

namespace {
TrafficRecord::Kind kindOf(const Envelope &envelope)
{
    switch (envelope.kind) {
    case Envelope::Kind::Notification:
        return TrafficRecord::Kind::Notification;
    case Envelope::Kind::Response:
        return envelope.error.isValid() ? TrafficRecord::Kind::Error : TrafficRecord::Kind::Result;
    default:
        return TrafficRecord::Kind::Request;
    }
}
} // namespace

TrafficRecorder::Origin Router::trafficOrigin(SessionId session) const
{
    TrafficRecorder::Origin origin{session, {}, m_trafficInstance};
    const auto it = m_sessions.constFind(session);
    if (it != m_sessions.cend())
        origin.client = it->clientName;   // shared, not copied
    return origin;
}

void Router::recordFromSession(SessionId session, QByteArrayView line, const Envelope &envelope)
{
    // A batch is noted as its members, when they are routed one by one.
    if (envelope.kind == Envelope::Kind::Batch)
        return;
    TrafficRecorder::Origin origin = trafficOrigin(session);
    if (envelope.kind == Envelope::Kind::Request && envelope.method == "initialize" && origin.client.isEmpty())
        origin.client = stringAt(line, envelope.params, {"clientInfo", "name"});   // not yet known
    const QByteArrayView rawId = envelope.id.isValid() ? envelope.id.in(line) : QByteArrayView();
    const QByteArray method = envelope.kind == Envelope::Kind::NotJson || envelope.kind == Envelope::Kind::Invalid
                                  ? QByteArrayLiteral("(not JSON-RPC)")
                                  : envelope.method.left(MaxMethodLength);
    m_traffic->recordFromClient(origin, kindOf(envelope), method, rawId, line);
}

void Router::recordFromChild(QByteArrayView line, const Envelope &envelope, const RouterActions &routed)
{
    // Answers are noted when they reach their session (respond), with the client's id. A request
    // or notification is noted once, as the session it went to: progress to the session that asked
    // for it, a server request to the session that caused it. One that went to several sessions
    // (a list change) or to none yet (held, dropped) is not one session's.
    SessionId session = 0;
    bool several = false;
    const RouterAction *delivery = nullptr;   // the first line that went to a session
    for (const RouterAction &action : routed) {
        if (action.kind != RouterAction::Kind::ToSession)
            continue;
        if (session != 0 && action.session != session)
            several = true;
        session = action.session;
        if (!delivery)
            delivery = &action;
    }
    const bool one = !several && session != 0;
    TrafficRecorder::Origin origin = one ? trafficOrigin(session) : TrafficRecorder::Origin{0, {}, m_trafficInstance};
    // A request that went to no session is the broker's to answer (roots/list from the
    // instance's roots) or to hold until its cause is clear.
    if (session == 0 && envelope.kind == Envelope::Kind::Request)
        origin.client = QByteArrayLiteral("Manifold");
    // A request reaches its session under an id of the broker's: the one its answer will carry.
    QByteArray facingId;
    if (one && envelope.kind == Envelope::Kind::Request) {
        const Envelope sent = jsonrpc::parseEnvelope(delivery->data);   // a small request
        facingId = sent.id.isValid() ? sent.id.in(delivery->data).toByteArray() : QByteArray();
    }
    m_traffic->recordFromServer(origin, kindOf(envelope), envelope.method.left(MaxMethodLength), line, facingId);
}

void Router::recordOwnRequest(SessionId session, QByteArrayView method, QByteArrayView rawId, QByteArrayView line)
{
    m_traffic->recordFromServer(trafficOrigin(session), TrafficRecord::Kind::Request, method.toByteArray(), line,
                                rawId, true);
}

TrafficRecorder::Answer Router::answerOf(QByteArrayView line, const Envelope &envelope)
{
    TrafficRecorder::Answer answer;
    if (!envelope.error.isValid())
        return answer;
    answer.isError = true;
    if (const auto code = findBelow(line, envelope.error, {"code"}))
        answer.errorCode = code->in(line).toByteArray().toInt();
    answer.errorMessage = stringAt(line, envelope.error, {"message"});   // cut by the recorder
    return answer;
}

void Router::recordAnswer(SessionId session, QByteArrayView rawId, QByteArrayView line)
{
    TrafficRecorder::Answer answer;
    if (m_childAnswer) {
        answer = *m_childAnswer;
    } else {
        // One the router made: small, parsed once more only to tell what it says.
        answer = answerOf(line, jsonrpc::parseEnvelope(line));
        answer.byBroker = true;
    }
    m_traffic->recordAnswer(trafficOrigin(session), rawId, answer, line);
}

} // namespace manifold
