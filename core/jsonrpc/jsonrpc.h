#pragma once

#include "jsonscan.h"

#include <QByteArray>
#include <QByteArrayView>

namespace manifold::jsonrpc {

enum ErrorCode {
    ParseError = -32700,
    InvalidRequest = -32600,
    MethodNotFound = -32601,
    InvalidParams = -32602,
    InternalError = -32603,
    ServerError = -32000,       // the server's child failed (exited, could not start, ...)
    RequestRefused = -32001,    // the broker refused this request (too large, unknown server, ...)
};

// The envelope of one JSON-RPC line: what it is and where its parts are. Spans index the line.
struct Envelope
{
    enum class Kind { NotJson, Invalid, Request, Notification, Response, Batch };
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
