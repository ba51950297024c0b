#include "jsonrpc.h"

namespace manifold::jsonrpc {

Envelope parseEnvelope(QByteArrayView line)
{
    Envelope envelope;
    const auto span = json::valueSpan(line);
    if (!span)
        return envelope;   // NotJson
    const QByteArrayView value = span->in(line);
    if (value.front() == '[') {
        envelope.kind = Envelope::Kind::Batch;
        return envelope;
    }
    envelope.kind = Envelope::Kind::Invalid;
    if (value.front() != '{')
        return envelope;
    const auto members = json::objectMembers(value);
    if (!members)
        return envelope;
    bool hasMethod = false;
    bool versionOk = false;
    bool malformed = false;
    for (const json::Member &member : *members) {
        const json::Span absolute{span->begin + member.value.begin, span->begin + member.value.end};
        const QByteArrayView raw = absolute.in(line);
        if (member.key == "jsonrpc") {
            versionOk = raw == "\"2.0\"";
        } else if (member.key == "method") {
            const auto method = json::decodeString(raw);
            malformed |= !method.has_value();
            envelope.method = method.value_or(QByteArray());
            hasMethod = true;
        } else if (member.key == "id") {
            const auto type = json::typeOf(raw);
            if (type == json::ValueType::String || type == json::ValueType::Number ||
                type == json::ValueType::Null)
                envelope.id = absolute;
            else
                malformed = true;
        } else if (member.key == "params") {
            envelope.params = absolute;
        } else if (member.key == "result") {
            envelope.result = absolute;
        } else if (member.key == "error") {
            envelope.error = absolute;
        }
    }
    if (!versionOk || malformed)
        return envelope;
    if (hasMethod)
        envelope.kind = envelope.id.isValid() ? Envelope::Kind::Request : Envelope::Kind::Notification;
    else if (envelope.id.isValid() && (envelope.result.isValid() != envelope.error.isValid()))
        envelope.kind = Envelope::Kind::Response;
    return envelope;
}

QByteArray makeRequest(QByteArrayView rawId, QByteArrayView method, QByteArrayView rawParams)
{
    QByteArray out = "{\"jsonrpc\":\"2.0\",\"id\":";
    out += rawId;
    out += ",\"method\":";
    out += json::encodeString(method);
    if (!rawParams.isEmpty()) {
        out += ",\"params\":";
        out += rawParams;
    }
    out += '}';
    return out;
}

QByteArray makeNotification(QByteArrayView method, QByteArrayView rawParams)
{
    QByteArray out = "{\"jsonrpc\":\"2.0\",\"method\":";
    out += json::encodeString(method);
    if (!rawParams.isEmpty()) {
        out += ",\"params\":";
        out += rawParams;
    }
    out += '}';
    return out;
}

QByteArray makeResult(QByteArrayView rawId, QByteArrayView rawResult)
{
    QByteArray out = "{\"jsonrpc\":\"2.0\",\"id\":";
    out += rawId;
    out += ",\"result\":";
    out += rawResult;
    out += '}';
    return out;
}

QByteArray makeError(QByteArrayView rawId, int code, QByteArrayView message)
{
    QByteArray out = "{\"jsonrpc\":\"2.0\",\"id\":";
    out += rawId.isEmpty() ? QByteArrayView("null") : rawId;
    out += ",\"error\":{\"code\":";
    out += QByteArray::number(code);
    out += ",\"message\":";
    out += json::encodeString(message);
    out += "}}";
    return out;
}

} // namespace manifold::jsonrpc
