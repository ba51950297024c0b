#pragma once

#include "json.h"

#include <string>
#include <string_view>

namespace manifold::wire::jsonrpc {

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
    std::string method; // decoded, for requests and notifications
    json::Span id;      // raw id (requests and responses), invalid span if absent
    json::Span params;
    json::Span result;
    json::Span error;
    bool tooDeep = false; // NotJson because containers nest deeper than json::MaxNestingDepth

    bool isRequest() const { return kind == Kind::Request; }
    bool isNotification() const { return kind == Kind::Notification; }
    bool isResponse() const { return kind == Kind::Response; }
};

Envelope parseEnvelope(std::string_view line);

// Builders. Ids, params and results are raw JSON text, spliced in unchanged; no trailing '\n'.
std::string makeRequest(std::string_view rawId, std::string_view method, std::string_view rawParams = {});
std::string makeNotification(std::string_view method, std::string_view rawParams = {});
std::string makeResult(std::string_view rawId, std::string_view rawResult);
std::string makeError(std::string_view rawId, int code, std::string_view message);

} // namespace manifold::wire::jsonrpc
