#pragma once

#include "jsonscan.h"
#include "wire/jsonrpc.h"

#include <QByteArray>
#include <QByteArrayView>

namespace manifold::jsonrpc {

// The QByteArray face of core/wire/jsonrpc.h (the one implementation, shared with the shim).

using ErrorCode = wire::jsonrpc::ErrorCode;
using wire::jsonrpc::ParseError;
using wire::jsonrpc::InvalidRequest;
using wire::jsonrpc::MethodNotFound;
using wire::jsonrpc::InvalidParams;
using wire::jsonrpc::InternalError;
using wire::jsonrpc::ServerError;
using wire::jsonrpc::RequestRefused;

// The envelope of one JSON-RPC line: what it is and where its parts are. Spans index the line.
struct Envelope
{
    using Kind = wire::jsonrpc::Envelope::Kind;
    Kind kind = Kind::NotJson;
    QByteArray method;   // decoded, for requests and notifications
    json::Span id;       // raw id (requests and responses), invalid span if absent
    json::Span params;
    json::Span result;
    json::Span error;
    bool tooDeep = false; // NotJson because containers nest deeper than json::MaxNestingDepth

    bool isRequest() const { return kind == Kind::Request; }
    bool isNotification() const { return kind == Kind::Notification; }
    bool isResponse() const { return kind == Kind::Response; }
};

Envelope parseEnvelope(QByteArrayView line);

// Builders. Ids and results are raw JSON text, spliced in unchanged.
QByteArray makeRequest(QByteArrayView rawId, QByteArrayView method, QByteArrayView rawParams = {});
QByteArray makeNotification(QByteArrayView method, QByteArrayView rawParams = {});
QByteArray makeResult(QByteArrayView rawId, QByteArrayView rawResult);
QByteArray makeError(QByteArrayView rawId, int code, QByteArrayView message);

} // namespace manifold::jsonrpc
