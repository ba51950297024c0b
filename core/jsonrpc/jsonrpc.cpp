#include "jsonrpc.h"

namespace manifold::jsonrpc {

namespace {

// What parseEnvelope collects from the members of a message object in its one pass.
struct EnvelopeScan
{
    QByteArrayView object;
    qsizetype offset = 0; // of object in the line
    Envelope *envelope = nullptr;
    bool hasMethod = false;
    bool versionOk = false;
    bool malformed = false;

    static void onMember(void *context, QByteArrayView rawKey, json::Span value)
    {
        auto *scan = static_cast<EnvelopeScan *>(context);
        Envelope &envelope = *scan->envelope;
        const json::Span absolute{scan->offset + value.begin, scan->offset + value.end};
        const QByteArrayView raw = value.in(scan->object);
        if (json::keyEquals(rawKey, "jsonrpc")) {
            scan->versionOk = raw == "\"2.0\"";
        } else if (json::keyEquals(rawKey, "method")) {
            const auto method = json::decodeString(raw);
            scan->malformed |= !method.has_value();
            envelope.method = method.value_or(QByteArray());
            scan->hasMethod = true;
        } else if (json::keyEquals(rawKey, "id")) {
            const auto type = json::typeOf(raw);
            if (type == json::ValueType::String || type == json::ValueType::Number ||
                type == json::ValueType::Null)
                envelope.id = absolute;
            else
                scan->malformed = true;
        } else if (json::keyEquals(rawKey, "params")) {
            envelope.params = absolute;
        } else if (json::keyEquals(rawKey, "result")) {
            envelope.result = absolute;
        } else if (json::keyEquals(rawKey, "error")) {
            envelope.error = absolute;
        }
    }
};

} // namespace

Envelope parseEnvelope(QByteArrayView line)
{
    Envelope envelope;
    qsizetype first = 0;
    while (first < line.size() && (line[first] == ' ' || line[first] == '\t' ||
                                   line[first] == '\n' || line[first] == '\r'))
        ++first;
    if (first == line.size() || line[first] != '{') {
        // Not an object: only the kind matters (a batch, another value, or not JSON at all).
        json::ScanError error = json::ScanError::None;
        const auto span = json::valueSpan(line, &error);
        if (span)
            envelope.kind =
                span->in(line).front() == '[' ? Envelope::Kind::Batch : Envelope::Kind::Invalid;
        envelope.tooDeep = error == json::ScanError::TooDeep;
        return envelope;
    }
    // One pass: the member scan is also the validation (a '{' line that is not exactly one valid
    // object is not JSON).
    EnvelopeScan scan;
    scan.object = line.sliced(first);
    scan.offset = first;
    scan.envelope = &envelope;
    json::ScanError error = json::ScanError::None;
    if (!json::visitMembers(scan.object, &EnvelopeScan::onMember, &scan, &error)) {
        envelope = Envelope{}; // NotJson
        envelope.tooDeep = error == json::ScanError::TooDeep;
        return envelope;
    }
    envelope.kind = Envelope::Kind::Invalid;
    if (!scan.versionOk || scan.malformed)
        return envelope;
    if (scan.hasMethod)
        envelope.kind =
            envelope.id.isValid() ? Envelope::Kind::Request : Envelope::Kind::Notification;
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
