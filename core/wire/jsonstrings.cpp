#include "json.h"

#include "jsonchars.h"

// JSON string literals: decoding to UTF-8 bytes and encoding from them (the scanner is json.cpp).
namespace manifold::wire::json {
namespace {

using chars::isDigit;
using chars::isHex;

void appendUtf8(std::string &out, char32_t cp)
{
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

// The four hex digits at body[at..at+4) as a code unit; false if they are not four hex digits.
bool hex4(std::string_view body, size_t at, char32_t *value)
{
    if (at + 4 > body.size())
        return false;
    char32_t result = 0;
    for (size_t i = at; i < at + 4; ++i) {
        if (!isHex(body[i]))
            return false;
        const char c = body[i];
        // A letter's low four bits are 1-6 in either case ('a' is 0x61, 'A' 0x41).
        result = (result << 4) | char32_t(isDigit(c) ? c - '0' : (c & 0x0F) + 9);
    }
    *value = result;
    return true;
}

} // namespace

std::optional<std::string> decodeString(std::string_view literal)
{
    if (literal.size() < 2 || literal.front() != '"' || literal.back() != '"')
        return std::nullopt;
    const std::string_view body = literal.substr(1, literal.size() - 2);
    if (body.find('\\') == std::string_view::npos)
        return std::string(body);
    std::string out;
    out.reserve(body.size());
    for (size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (c != '\\') {
            out += c;
            continue;
        }
        if (++i >= body.size())
            return std::nullopt;
        switch (body[i]) {
        case '"':
            out += '"';
            break;
        case '\\':
            out += '\\';
            break;
        case '/':
            out += '/';
            break;
        case 'b':
            out += '\b';
            break;
        case 'f':
            out += '\f';
            break;
        case 'n':
            out += '\n';
            break;
        case 'r':
            out += '\r';
            break;
        case 't':
            out += '\t';
            break;
        case 'u': {
            char32_t cp = 0;
            if (!hex4(body, i + 1, &cp))
                return std::nullopt;
            i += 4;
            // A high surrogate followed by an escaped low one is one code point; a lone
            // surrogate is kept as its own (ill-formed) 3-byte sequence, as before.
            if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < body.size() && body[i + 1] == '\\' &&
                body[i + 2] == 'u') {
                char32_t low = 0;
                if (hex4(body, i + 3, &low) && low >= 0xDC00 && low <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    i += 6;
                }
            }
            appendUtf8(out, cp);
            break;
        }
        default:
            return std::nullopt;
        }
    }
    return out;
}

void appendEncodedString(std::string &out, std::string_view utf8)
{
    static const char hex[] = "0123456789abcdef";
    out.reserve(out.size() + utf8.size() + 2);
    out += '"';
    size_t plainFrom = 0; // bytes [plainFrom, i) need no escape and are appended in one go
    const auto flush = [&](size_t i) { out.append(utf8.data() + plainFrom, i - plainFrom); };
    for (size_t i = 0; i < utf8.size(); ++i) {
        const char c = utf8[i];
        const auto u = static_cast<unsigned char>(c);
        if (c != '"' && c != '\\' && u >= 0x20)
            continue;
        flush(i);
        plainFrom = i + 1;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += "\\u00";
            out += hex[u >> 4];
            out += hex[u & 0xF];
        }
    }
    flush(utf8.size());
    out += '"';
}

std::string encodeString(std::string_view utf8)
{
    std::string out;
    appendEncodedString(out, utf8);
    return out;
}

} // namespace manifold::wire::json
