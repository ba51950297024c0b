#pragma once

// Byte classes of RFC 8259 shared by the scanner (json.cpp) and the string codec
// (jsonstrings.cpp); private to core/wire.

namespace manifold::wire::json::chars {

inline bool isWhitespace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

inline bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

inline bool isHex(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

} // namespace manifold::wire::json::chars
