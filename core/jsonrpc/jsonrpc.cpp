#include "jsonrpc.h"

#include "wire/jsonrpc.h"

// The envelope and builders live in core/wire (shared with the shim); these are their
// QByteArray faces.
namespace manifold::jsonrpc {
namespace {

QByteArray toByteArray(const std::string &bytes)
{
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

} // namespace

Envelope parseEnvelope(QByteArrayView line)
{
    const wire::jsonrpc::Envelope parsed = wire::jsonrpc::parseEnvelope(json::toWire(line));
    Envelope envelope;
    envelope.kind = parsed.kind;
    if (!parsed.method.empty())
        envelope.method = toByteArray(parsed.method);
    envelope.id = json::fromWire(parsed.id);
    envelope.params = json::fromWire(parsed.params);
    envelope.result = json::fromWire(parsed.result);
    envelope.error = json::fromWire(parsed.error);
    envelope.tooDeep = parsed.tooDeep;
    return envelope;
}

QByteArray makeRequest(QByteArrayView rawId, QByteArrayView method, QByteArrayView rawParams)
{
    return toByteArray(wire::jsonrpc::makeRequest(json::toWire(rawId), json::toWire(method),
                                                  json::toWire(rawParams)));
}

QByteArray makeNotification(QByteArrayView method, QByteArrayView rawParams)
{
    return toByteArray(
        wire::jsonrpc::makeNotification(json::toWire(method), json::toWire(rawParams)));
}

QByteArray makeResult(QByteArrayView rawId, QByteArrayView rawResult)
{
    return toByteArray(wire::jsonrpc::makeResult(json::toWire(rawId), json::toWire(rawResult)));
}

QByteArray makeError(QByteArrayView rawId, int code, QByteArrayView message)
{
    return toByteArray(
        wire::jsonrpc::makeError(json::toWire(rawId), code, json::toWire(message)));
}

} // namespace manifold::jsonrpc
