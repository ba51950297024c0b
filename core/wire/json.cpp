#include "json.h"

#include <algorithm>
#include <functional>

#include "jsonchars.h"

namespace manifold::wire::json {
namespace {

using chars::isDigit;
using chars::isHex;
using chars::isWhitespace;

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
#ifdef __cpp_lib_boyer_moore_searcher
        // Large values are what this test is for: skip ahead rather than compare at every byte.
        const std::boyer_moore_horspool_searcher searcher(needle.begin(), needle.end());
        return std::search(text.begin(), text.end(), searcher) != text.end();
#else
        return text.find(needle) != std::string_view::npos; // older libc++ (macOS) lacks it
#endif
    };
    return contains(key) || contains("\\u");
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
