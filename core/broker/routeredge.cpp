// Router, the edge: what a session sends that is refused before any routing (not JSON, not
// JSON-RPC, forbidden by MCP), the errors that answer it, and the log line naming the session.
#include "router.h"

#include "broker/routerutil.h"

namespace manifold {

using jsonrpc::Envelope;
using namespace routerutil;

std::optional<Router::Refusal> Router::refusalOf(QByteArrayView line, const Envelope &envelope)
{
    switch (envelope.kind) {
    case Envelope::Kind::NotJson:
        return envelope.tooDeep ? Refusal::TooDeep : Refusal::NotJson;
    case Envelope::Kind::Invalid:
        return Refusal::Invalid;
    case Envelope::Kind::Request:
        // JSON-RPC only discourages a null id; MCP forbids it: an answer to it could not be told
        // from an error about a message whose id was unreadable.
        if (envelope.id.in(line) == "null")
            return Refusal::NullId;
        if (envelope.method.size() > MaxMethodLength)
            return Refusal::LongMethodRequest;
        return std::nullopt;
    case Envelope::Kind::Notification:
        if (envelope.method.size() > MaxMethodLength)
            return Refusal::LongMethodNotification;
        return std::nullopt;
    case Envelope::Kind::Response:
    case Envelope::Kind::Batch:
        return std::nullopt;
    }
    return std::nullopt;
}

Router::RefusalText Router::describe(Refusal refusal, qsizetype lineLimit)
{
    const QString longMethod = QStringLiteral("method name longer than %1 bytes").arg(MaxMethodLength);
    switch (refusal) {
    case Refusal::NotJson:
        return {jsonrpc::ParseError, QStringLiteral("Parse error: line is not valid JSON"),
                QStringLiteral("sent a line that is not valid JSON")};
    case Refusal::TooDeep: {
        const QString deeper = QStringLiteral("nesting deeper than %1 levels").arg(json::MaxNestingDepth);
        return {jsonrpc::ParseError, QStringLiteral("Parse error: JSON ") + deeper,
                QStringLiteral("sent JSON ") + deeper};
    }
    case Refusal::Invalid:
        return {jsonrpc::InvalidRequest, QStringLiteral("Invalid Request: not a JSON-RPC 2.0 message"),
                QStringLiteral("sent a message that is not JSON-RPC 2.0")};
    case Refusal::EmptyBatch:
        return {jsonrpc::InvalidRequest, QStringLiteral("Invalid Request: empty batch"),
                QStringLiteral("sent an empty batch")};
    case Refusal::NullId:
        return {jsonrpc::InvalidRequest, QStringLiteral("Invalid Request: MCP requests must not have a null id"),
                QStringLiteral("refused a request with a null id")};
    case Refusal::LongMethodRequest:
        return {jsonrpc::InvalidRequest, QStringLiteral("Invalid Request: ") + longMethod,
                QStringLiteral("refused a request with a ") + longMethod};
    case Refusal::LongMethodNotification:
        return {0, QString(), QStringLiteral("dropped a notification with a ") + longMethod};
    case Refusal::DuplicateId:
        return {jsonrpc::InvalidRequest, QStringLiteral("a request with this id is already in flight"),
                QStringLiteral("refused a request whose id is already in flight")};
    case Refusal::Oversized: {
        const QString longer = QStringLiteral("line longer than %1 bytes").arg(lineLimit);
        return {jsonrpc::RequestRefused, QStringLiteral("message refused: ") + longer,
                QStringLiteral("refused a ") + longer};
    }
    }
    return {};
}

QByteArray Router::refusalAnswer(Refusal refusal, QByteArrayView rawId, qsizetype lineLimit)
{
    const RefusalText text = describe(refusal, lineLimit);
    if (text.answer.isEmpty())
        return {};
    return jsonrpc::makeError(rawId, text.code, text.answer.toUtf8());
}

void Router::logRefusal(RouterActions &out, SessionId session, Refusal refusal, qsizetype lineLimit)
{
    const quint32 bit = 1u << int(refusal);
    quint32 &logged = m_refusalsLogged[session];
    if (logged & bit)
        return;
    logged |= bit;
    out.append(log(QStringLiteral("%1: %2 (only the first such is logged)")
                       .arg(sessionLabel(session), describe(refusal, lineLimit).logged)));
}

QString Router::sessionLabel(SessionId session) const
{
    const QByteArray name = m_sessions.value(session).clientName;
    if (name.isEmpty())
        return QStringLiteral("session %1").arg(session);
    return QStringLiteral("session %1 (%2)").arg(session).arg(QString::fromUtf8(name));
}

} // namespace manifold
