#pragma once

// Qt-free JSON scanning shared by the broker (through core/jsonrpc/jsonscan.h) and the shim.
// Plain C++17: std::string_view in, std::string out, no allocation unless a result needs one.

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace manifold::wire::json {

// Byte range [begin, end) of a JSON value inside a larger text.
struct Span
{
    std::ptrdiff_t begin = -1;
    std::ptrdiff_t end = -1;

    bool isValid() const { return begin >= 0 && end >= begin; }
    std::ptrdiff_t size() const { return end - begin; }
    std::string_view in(std::string_view text) const { return text.substr(size_t(begin), size_t(end - begin)); }
};

// A strict RFC 8259 scanner that works on raw bytes and never re-encodes anything: callers splice
// rewritten values into the original line, so payloads stay byte-exact.

// Objects and arrays may nest at most this deep (deeper is refused).
inline constexpr int MaxNestingDepth = 512;

enum class ScanError { None, Syntax, TooDeep };

// True if text is exactly one JSON value, with optional surrounding whitespace.
bool isValid(std::string_view text);

// Span of the single value in text (whitespace trimmed), or nullopt (then *error says why).
std::optional<Span> valueSpan(std::string_view text, ScanError *error = nullptr);

// Calls onMember(context, rawKey, value) for each member of the object objectText, in order;
// rawKey is the key's literal with its quotes. False if objectText (trimmed in front) is not
// exactly one valid object (trailing whitespace allowed).
using MemberVisitor = void (*)(void *context, std::string_view rawKey, Span value);
bool visitMembers(std::string_view objectText, MemberVisitor onMember, void *context,
                  ScanError *error = nullptr);

// Calls onElement(context, value) for each element of the array arrayText, in order. False if
// arrayText (trimmed in front) is not exactly one valid array.
using ElementVisitor = void (*)(void *context, Span value);
bool visitElements(std::string_view arrayText, ElementVisitor onElement, void *context,
                   ScanError *error = nullptr);

// Span (relative to objectText) of the value of the last member named key.
std::optional<Span> findMember(std::string_view objectText, std::string_view key);

// Span (relative to text) of the member reached by following keys through nested objects.
// text must be valid JSON (it is not validated again).
std::optional<Span> findPath(std::string_view text, std::initializer_list<std::string_view> keys);
// The same with keys[0..count) (for callers whose keys are not a braced list).
std::optional<Span> findPath(std::string_view text, const std::string_view *keys, size_t count);

// True if the raw key literal (with quotes) spells key, escapes decoded.
bool keyEquals(std::string_view rawKey, std::string_view key);

// False only if no member named key can be anywhere in text.
bool mayContainKey(std::string_view text, std::string_view key);

// Decodes a JSON string literal (with quotes) into UTF-8 bytes; nullopt if it is not a string.
std::optional<std::string> decodeString(std::string_view literal);

// Appends utf8 as a JSON string literal with quotes to out; encodeString returns it.
void appendEncodedString(std::string &out, std::string_view utf8);
std::string encodeString(std::string_view utf8);

enum class ValueType { Invalid, Object, Array, String, Number, True, False, Null };
ValueType typeOf(std::string_view rawValue);

// text with span replaced by replacement.
std::string splice(std::string_view text, Span span, std::string_view replacement);

} // namespace manifold::wire::json
