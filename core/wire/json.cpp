#include "json.h"

#include <algorithm>
#include <functional>

namespace manifold::wire::json {
namespace {

bool isWhitespace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool isHex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return c - 'A' + 10;
}

// Walks the bytes of one text; every skip either consumes a whole valid construct or fails.
class Scanner
{
public:
    explicit Scanner(std::string_view text) : m_text(text), m_size(std::ptrdiff_t(text.size())) {}

    std::ptrdiff_t pos() const { return m_pos; }
    bool atEnd() const { return m_pos >= m_size; }
    // After a failed scan: why it failed.
    ScanError error() const { return m_tooDeep ? ScanError::TooDeep : ScanError::Syntax; }
    char peek() const { return atEnd() ? '\0' : m_text[size_t(m_pos)]; }

    void skipWhitespace()
    {
        while (!atEnd() && isWhitespace(m_text[size_t(m_pos)]))
            ++m_pos;
    }

    // depth: how many containers enclose the value (bounds the recursion's stack).
    bool skipValue(int depth = 0)
    {
        skipWhitespace();
        switch (peek()) {
        case '{':
            return depth < MaxNestingDepth ? skipObject(depth) : tooDeep();
        case '[':
            return depth < MaxNestingDepth ? skipArray(depth) : tooDeep();
        case '"':
            return skipString();
        case 't':
            return skipLiteral("true");
        case 'f':
            return skipLiteral("false");
        case 'n':
            return skipLiteral("null");
        default:
            return skipNumber();
        }
    }

    bool skipString()
    {
        if (peek() != '"')
            return false;
        ++m_pos;
        while (!atEnd()) {
            const auto c = static_cast<unsigned char>(m_text[size_t(m_pos)]);
            if (c == '"') {
                ++m_pos;
                return true;
            }
            if (c < 0x20)
                return false;
            if (c == '\\') {
                ++m_pos;
                if (atEnd())
                    return false;
                const char e = m_text[size_t(m_pos)];
                if (e == 'u') {
                    for (std::ptrdiff_t i = 1; i <= 4; ++i) {
                        if (m_pos + i >= m_size || !isHex(m_text[size_t(m_pos + i)]))
                            return false;
                    }
                    m_pos += 5;
                    continue;
                }
                if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' &&
                    e != 'r' && e != 't')
                    return false;
            }
            ++m_pos;
        }
        return false;
    }

    // Object members; calls onMember(keySpan, valueSpan) for each.
    template <typename OnMember> bool scanObject(int depth, OnMember &&onMember)
    {
        if (peek() != '{')
            return false;
        ++m_pos;
        skipWhitespace();
        if (peek() == '}') {
            ++m_pos;
            return true;
        }
        for (;;) {
            skipWhitespace();
            const std::ptrdiff_t keyBegin = m_pos;
            if (!skipString())
                return false;
            const Span key{keyBegin, m_pos};
            skipWhitespace();
            if (peek() != ':')
                return false;
            ++m_pos;
            skipWhitespace();
            const std::ptrdiff_t valueBegin = m_pos;
            if (!skipValue(depth + 1))
                return false;
            onMember(key, Span{valueBegin, m_pos});
            skipWhitespace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() == '}') {
                ++m_pos;
                return true;
            }
            return false;
        }
    }

    template <typename OnElement> bool scanArray(int depth, OnElement &&onElement)
    {
        if (peek() != '[')
            return false;
        ++m_pos;
        skipWhitespace();
        if (peek() == ']') {
            ++m_pos;
            return true;
        }
        for (;;) {
            skipWhitespace();
            const std::ptrdiff_t begin = m_pos;
            if (!skipValue(depth + 1))
                return false;
            onElement(Span{begin, m_pos});
            skipWhitespace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() == ']') {
                ++m_pos;
                return true;
            }
            return false;
        }
    }

private:
    bool tooDeep()
    {
        m_tooDeep = true;
        return false;
    }

    bool skipObject(int depth)
    {
        return scanObject(depth, [](Span, Span) {});
    }

    bool skipArray(int depth)
    {
        return scanArray(depth, [](Span) {});
    }

    bool skipLiteral(std::string_view literal)
    {
        if (std::size_t(m_size - m_pos) < literal.size() ||
            m_text.compare(size_t(m_pos), literal.size(), literal) != 0)
            return false;
        m_pos += std::ptrdiff_t(literal.size());
        return true;
    }

    bool skipNumber()
    {
        const std::ptrdiff_t begin = m_pos;
        if (peek() == '-')
            ++m_pos;
        if (peek() == '0') {
            ++m_pos;
        } else if (isDigit(peek())) {
            while (isDigit(peek()))
                ++m_pos;
        } else {
            return false;
        }
        if (peek() == '.') {
            ++m_pos;
            if (!isDigit(peek()))
                return false;
            while (isDigit(peek()))
                ++m_pos;
        }
        if (peek() == 'e' || peek() == 'E') {
            ++m_pos;
            if (peek() == '+' || peek() == '-')
                ++m_pos;
            if (!isDigit(peek()))
                return false;
            while (isDigit(peek()))
                ++m_pos;
        }
        return m_pos > begin;
    }

    std::string_view m_text;
    std::ptrdiff_t m_size = 0;
    std::ptrdiff_t m_pos = 0;
    bool m_tooDeep = false;
};

void setError(ScanError *error, ScanError value)
{
    if (error)
        *error = value;
}

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
        result = (result << 4) | char32_t(hexValue(body[i]));
    }
    *value = result;
    return true;
}

} // namespace

bool isValid(std::string_view text)
{
    return valueSpan(text).has_value();
}

std::optional<Span> valueSpan(std::string_view text, ScanError *error)
{
    Scanner scanner(text);
    scanner.skipWhitespace();
    const std::ptrdiff_t begin = scanner.pos();
    if (!scanner.skipValue()) {
        setError(error, scanner.error());
        return std::nullopt;
    }
    const std::ptrdiff_t end = scanner.pos();
    scanner.skipWhitespace();
    if (!scanner.atEnd()) {
        setError(error, ScanError::Syntax);
        return std::nullopt;
    }
    setError(error, ScanError::None);
    return Span{begin, end};
}

bool visitMembers(std::string_view objectText, MemberVisitor onMember, void *context,
                  ScanError *error)
{
    Scanner scanner(objectText);
    const bool ok = scanner.scanObject(
        0, [&](Span key, Span value) { onMember(context, key.in(objectText), value); });
    if (!ok) {
        setError(error, scanner.error());
        return false;
    }
    scanner.skipWhitespace();
    setError(error, scanner.atEnd() ? ScanError::None : ScanError::Syntax);
    return scanner.atEnd();
}

bool visitElements(std::string_view arrayText, ElementVisitor onElement, void *context,
                   ScanError *error)
{
    Scanner scanner(arrayText);
    if (!scanner.scanArray(0, [&](Span element) { onElement(context, element); })) {
        setError(error, scanner.error());
        return false;
    }
    scanner.skipWhitespace();
    setError(error, scanner.atEnd() ? ScanError::None : ScanError::Syntax);
    return scanner.atEnd();
}

std::optional<Span> findPath(std::string_view text, std::initializer_list<std::string_view> keys)
{
    return findPath(text, keys.begin(), keys.size());
}

std::optional<Span> findPath(std::string_view text, const std::string_view *keys, size_t count)
{
    Scanner scanner(text);
    scanner.skipWhitespace();
    std::ptrdiff_t end = std::ptrdiff_t(text.size());
    while (end > scanner.pos() && isWhitespace(text[size_t(end - 1)]))
        --end;
    Span current{scanner.pos(), end};
    if (current.size() == 0)
        return std::nullopt;
    for (size_t i = 0; i < count; ++i) {
        const auto found = findMember(current.in(text), keys[i]);
        if (!found)
            return std::nullopt;
        current = Span{current.begin + found->begin, current.begin + found->end};
    }
    return current;
}

bool keyEquals(std::string_view rawKey, std::string_view key)
{
    if (rawKey.size() < 2)
        return false;
    const std::string_view body = rawKey.substr(1, rawKey.size() - 2);
    if (body.find('\\') == std::string_view::npos)
        return body == key;
    const auto decoded = decodeString(rawKey);
    return decoded ? *decoded == key : key.empty();
}

std::optional<Span> findMember(std::string_view objectText, std::string_view key)
{
    struct Search
    {
        std::string_view key;
        std::optional<Span> found;
    } search{key, std::nullopt};
    const bool ok = visitMembers(
        objectText,
        [](void *context, std::string_view rawKey, Span value) {
            auto *s = static_cast<Search *>(context);
            if (keyEquals(rawKey, s->key))
                s->found = value; // later duplicates win, as in most JSON parsers
        },
        &search);
    return ok ? search.found : std::nullopt;
}

bool mayContainKey(std::string_view text, std::string_view key)
{
    const auto contains = [text](std::string_view needle) {
        const std::boyer_moore_horspool_searcher searcher(needle.begin(), needle.end());
        return std::search(text.begin(), text.end(), searcher) != text.end();
    };
    return contains(key) || contains("\\u");
}

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

ValueType typeOf(std::string_view raw)
{
    if (raw.empty())
        return ValueType::Invalid;
    switch (raw.front()) {
    case '{':
        return ValueType::Object;
    case '[':
        return ValueType::Array;
    case '"':
        return ValueType::String;
    case 't':
        return ValueType::True;
    case 'f':
        return ValueType::False;
    case 'n':
        return ValueType::Null;
    default:
        return (raw.front() == '-' || isDigit(raw.front())) ? ValueType::Number
                                                            : ValueType::Invalid;
    }
}

std::string splice(std::string_view text, Span span, std::string_view replacement)
{
    std::string out;
    out.reserve(text.size() - size_t(span.size()) + replacement.size());
    out.append(text.substr(0, size_t(span.begin)));
    out.append(replacement);
    out.append(text.substr(size_t(span.end)));
    return out;
}

} // namespace manifold::wire::json
