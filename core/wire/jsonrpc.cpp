#include "jsonrpc.h"

namespace manifold::wire::jsonrpc {
namespace {

// What parseEnvelope collects from the members of a message object in its one pass.
struct EnvelopeScan
{
    std::string_view object;
    std::ptrdiff_t offset = 0; // of object in the line
    Envelope *envelope = nullptr;
    bool hasMethod = false;
    bool versionOk = false;
    bool malformed = false;

    static void onMember(void *context, std::string_view rawKey, json::Span value)
    {
        auto *scan = static_cast<EnvelopeScan *>(context);
        Envelope &envelope = *scan->envelope;
        const json::Span absolute{scan->offset + value.begin, scan->offset + value.end};
        const std::string_view raw = value.in(scan->object);
        if (json::keyEquals(rawKey, "jsonrpc")) {
            scan->versionOk = raw == "\"2.0\"";
        } else if (json::keyEquals(rawKey, "method")) {
            auto method = json::decodeString(raw);
            scan->malformed |= !method.has_value();
            envelope.method = method ? std::move(*method) : std::string();
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

void appendParams(std::string &out, std::string_view rawParams)
{
    if (!rawParams.empty()) {
        out += ",\"params\":";
        out += rawParams;
    }
}

} // namespace

Envelope parseEnvelope(std::string_view line)
{
    Envelope envelope;
    size_t first = 0;
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
    scan.object = line.substr(first);
    scan.offset = std::ptrdiff_t(first);
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

std::string makeRequest(std::string_view rawId, std::string_view method, std::string_view rawParams)
{
    std::string out = "{\"jsonrpc\":\"2.0\",\"id\":";
    out += rawId;
    out += ",\"method\":";
    json::appendEncodedString(out, method);
    appendParams(out, rawParams);
    out += '}';
    return out;
}

std::string makeNotification(std::string_view method, std::string_view rawParams)
{
    std::string out = "{\"jsonrpc\":\"2.0\",\"method\":";
    json::appendEncodedString(out, method);
    appendParams(out, rawParams);
    out += '}';
    return out;
}

std::string makeResult(std::string_view rawId, std::string_view rawResult)
{
    std::string out;
    out.reserve(30 + rawId.size() + rawResult.size());
    out += "{\"jsonrpc\":\"2.0\",\"id\":";
    out += rawId;
    out += ",\"result\":";
    out += rawResult;
    out += '}';
    return out;
}

std::string makeError(std::string_view rawId, int code, std::string_view message)
{
    std::string out = "{\"jsonrpc\":\"2.0\",\"id\":";
    out += rawId.empty() ? std::string_view("null") : rawId;
    out += ",\"error\":{\"code\":";
    out += std::to_string(code);
    out += ",\"message\":";
    json::appendEncodedString(out, message);
    out += "}}";
    return out;
}

} // namespace manifold::wire::jsonrpc
