#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <optional>

#include "wire/json.h"

namespace manifold::json {

// Byte range [begin, end) of a JSON value inside a larger text.
struct Span
{
    qsizetype begin = -1;
    qsizetype end = -1;

    bool isValid() const { return begin >= 0 && end >= begin; }
    qsizetype size() const { return end - begin; }
    QByteArrayView in(QByteArrayView text) const { return text.sliced(begin, end - begin); }
};

// Bridges to core/wire's types: views are not copied.
inline std::string_view toWire(QByteArrayView bytes)
{
    return std::string_view(bytes.data(), size_t(bytes.size()));
}
inline QByteArrayView fromWire(std::string_view bytes)
{
    return QByteArrayView(bytes.data(), qsizetype(bytes.size()));
}
inline Span fromWire(wire::json::Span span)
{
    return Span{span.begin, span.end};
}

struct Member
{
    QByteArray key;   // decoded key
    Span value;       // span of the raw value, relative to the scanned text
};

// A strict RFC 8259 scanner that works on raw bytes and never re-encodes anything: callers splice
// rewritten values into the original line, so payloads stay byte-exact (non-ASCII, number
// spellings, key order, huge strings).

// The QByteArray face of core/wire/json.h (the one implementation, shared with the shim).

// Objects and arrays may nest at most this deep (the scanner recurses; deeper is refused).
using wire::json::MaxNestingDepth;

// Why a scan failed: a syntax error, or containers nested deeper than MaxNestingDepth.
using wire::json::ScanError;

// True if text is exactly one JSON value, with optional surrounding whitespace.
bool isValid(QByteArrayView text);

// Span of the single value in text (whitespace trimmed), or nullopt if text is not valid JSON
// (then *error, if given, says why).
std::optional<Span> valueSpan(QByteArrayView text, ScanError *error = nullptr);

// The members of the object whose raw text is objectText (already trimmed). nullopt if it is not
// a valid object. Spans are relative to objectText.
std::optional<QList<Member>> objectMembers(QByteArrayView objectText);

// The elements of the array whose raw text is arrayText (already trimmed). nullopt if it is not
// a valid array. Spans are relative to arrayText.
std::optional<QList<Span>> arrayElements(QByteArrayView arrayText);

// Span (relative to text) of the member reached by following keys through nested objects.
// nullopt if a step is missing or not an object. text must be valid JSON (it is not validated
// again: each step scans only the object it looks in, once).
std::optional<Span> findPath(QByteArrayView text, std::initializer_list<QByteArrayView> keys);

// Span (relative to objectText) of the value of the last member named key; nullopt if there is
// none or objectText is not a valid object. One pass, no allocation unless a key has escapes.
std::optional<Span> findMember(QByteArrayView objectText, QByteArrayView key);

// Calls onMember(context, rawKey, value) for each member of the object objectText, in order;
// rawKey is the key's literal with its quotes (decodeString it if it holds a backslash). False
// if objectText (already trimmed in front) is not exactly one valid object (then *error, if
// given, says why); trailing whitespace is allowed. objectMembers() and findMember() are built
// on it.
using MemberVisitor = void (*)(void *context, QByteArrayView rawKey, Span value);
bool visitMembers(QByteArrayView objectText, MemberVisitor onMember, void *context,
                  ScanError *error = nullptr);

// True if the raw key literal (with quotes) spells key, escapes decoded.
bool keyEquals(QByteArrayView rawKey, QByteArrayView key);

// False only if no member named key can be anywhere in text: neither the key's literal nor any
// \u escape occurs. A cheap test before a scan of a large value.
bool mayContainKey(QByteArrayView text, QByteArrayView key);

// Decodes a JSON string literal (with quotes) into UTF-8 bytes; nullopt if it is not a string.
std::optional<QByteArray> decodeString(QByteArrayView literal);

// Encodes bytes (UTF-8) as a JSON string literal with quotes.
QByteArray encodeString(QByteArrayView utf8);

using wire::json::ValueType;
ValueType typeOf(QByteArrayView rawValue);

// Returns text with span replaced by replacement.
QByteArray splice(QByteArrayView text, Span span, QByteArrayView replacement);

// Replaces span in text by replacement in text's own buffer (moving what follows the span), so
// that a large line is not copied to change its id. text must not be shared (a shared one is
// detached, i.e. copied, first) and replacement must not point into it.
void spliceInPlace(QByteArray &text, Span span, QByteArrayView replacement);

} // namespace manifold::json
