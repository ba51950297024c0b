// The JSON scanner and the JSON-RPC classifier on arbitrary bytes as one line. Besides not
// crashing, what the router relies on must hold: every span is valid JSON inside the line, the
// kind agrees with the parts found, splicing a new id into a request or response keeps it the
// same message, and string literals decode and re-encode without loss.
#include "fuzzcheck.h"

#include "jsonrpc/jsonrpc.h"
#include "jsonrpc/jsonscan.h"

using manifold::jsonrpc::Envelope;
using Kind = Envelope::Kind;
namespace json = manifold::json;

namespace {

void checkSpan(QByteArrayView text, json::Span span, const char *what)
{
    if (!span.isValid())
        return;
    FUZZ_CHECK(span.end <= text.size(), QByteArray(what) + " span past the end");
    const QByteArrayView value = span.in(text);
    const auto whole = json::valueSpan(value);
    FUZZ_CHECK(whole && whole->begin == 0 && whole->end == value.size(),
               QByteArray(what) + " span is not exactly one JSON value: " + value.toByteArray());
}

void checkStringLiteral(QByteArrayView literal)
{
    if (json::typeOf(literal) != json::ValueType::String)
        return;
    // A string the scanner accepted always decodes, and survives an encode/decode round trip.
    const auto decoded = json::decodeString(literal);
    FUZZ_CHECK(decoded.has_value(),
               "valid string literal does not decode: " + literal.toByteArray());
    const QByteArray encoded = json::encodeString(*decoded);
    FUZZ_CHECK(json::decodeString(encoded) == decoded,
               "round trip changed " + literal.toByteArray());
}

// Members and elements of a container: valid spans, findPath agrees (later duplicates win).
void checkContainer(QByteArrayView value, int depth)
{
    if (depth > 3 || value.isEmpty())
        return;
    if (value.front() == '{') {
        const auto members = json::objectMembers(value);
        FUZZ_CHECK(members.has_value(), "valid object has no members list: " + value.toByteArray());
        for (qsizetype i = 0; i < members->size(); ++i) {
            const json::Member &member = members->at(i);
            checkSpan(value, member.value, "member");
            checkStringLiteral(member.value.in(value));
            if (i < 16) { // findPath scans the whole object: keep this linear
                const auto found = json::findPath(value, {member.key});
                FUZZ_CHECK(found && found->end >= member.value.end,
                           "findPath misses key " + member.key);
            }
            checkContainer(member.value.in(value), depth + 1);
        }
    } else if (value.front() == '[') {
        const auto elements = json::arrayElements(value);
        FUZZ_CHECK(elements.has_value(), "valid array has no element list: " + value.toByteArray());
        for (const json::Span &element : *elements) {
            checkSpan(value, element, "element");
            checkContainer(element.in(value), depth + 1);
        }
    }
}

void checkEnvelope(QByteArrayView line, const Envelope &envelope)
{
    const bool valid = json::isValid(line);
    FUZZ_CHECK((envelope.kind == Kind::NotJson) == !valid, "NotJson disagrees with isValid");
    checkSpan(line, envelope.id, "id");
    checkSpan(line, envelope.params, "params");
    checkSpan(line, envelope.result, "result");
    checkSpan(line, envelope.error, "error");
    switch (envelope.kind) {
    case Kind::Request:
        FUZZ_CHECK(envelope.id.isValid(), "request without id");
        break;
    case Kind::Notification:
        FUZZ_CHECK(!envelope.id.isValid(), "notification with id");
        break;
    case Kind::Response:
        FUZZ_CHECK(envelope.id.isValid() && envelope.method.isEmpty(),
                   "response without id or with a method");
        FUZZ_CHECK(envelope.result.isValid() != envelope.error.isValid(),
                   "response needs exactly one of result/error");
        break;
    case Kind::Batch:
        FUZZ_CHECK(json::valueSpan(line)->in(line).front() == '[', "batch that is not an array");
        break;
    case Kind::NotJson:
    case Kind::Invalid:
        break;
    }
    if (envelope.id.isValid()) {
        const auto type = json::typeOf(envelope.id.in(line));
        FUZZ_CHECK(type == json::ValueType::Number || type == json::ValueType::String ||
                       type == json::ValueType::Null,
                   "id of another type: " + envelope.id.in(line).toByteArray());
    }
}

// What the router does to every request and response: put another id in place of the old one.
void checkIdSplice(QByteArrayView line, const Envelope &envelope, QByteArrayView newId)
{
    if (envelope.kind != Kind::Request && envelope.kind != Kind::Response)
        return;
    const QByteArray spliced = json::splice(line, envelope.id, newId);
    const Envelope again = manifold::jsonrpc::parseEnvelope(spliced);
    FUZZ_CHECK(again.kind == envelope.kind, "splicing the id changed the kind: " + spliced);
    FUZZ_CHECK(again.method == envelope.method, "splicing the id changed the method: " + spliced);
    FUZZ_CHECK(again.id.in(spliced) == newId, "spliced id not found: " + spliced);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView line = fuzz::bytesOf(data, size);
    const Envelope envelope = manifold::jsonrpc::parseEnvelope(line);
    checkEnvelope(line, envelope);
    checkIdSplice(line, envelope, "4242");
    checkIdSplice(line, envelope, json::encodeString(QByteArray("id \"\\\n\xc3\xbc", 9)));
    if (const auto span = json::valueSpan(line)) {
        checkStringLiteral(span->in(line));
        checkContainer(span->in(line), 0);
    }
    if (envelope.kind == Kind::Batch) {
        // As the router does: each element classified on its own.
        const QByteArrayView array = json::valueSpan(line)->in(line);
        for (const json::Span &element : json::arrayElements(array).value_or(QList<json::Span>())) {
            const QByteArrayView item = element.in(array);
            checkEnvelope(item, manifold::jsonrpc::parseEnvelope(item));
        }
    }
    // Any bytes at all encode to a valid JSON string that decodes back to them.
    const QByteArray encoded = json::encodeString(line);
    FUZZ_CHECK(json::isValid(encoded), "encodeString produced invalid JSON");
    FUZZ_CHECK(json::decodeString(encoded) == line.toByteArray(),
               "encode/decode changed the bytes");
    return 0;
}
