#include "jsonscan.h"

#include <algorithm>
#include <cstring>
#include <functional>

namespace manifold::json {
namespace {

bool isWhitespace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

class Scanner
{
public:
    explicit Scanner(QByteArrayView text) : m_text(text) {}

    qsizetype pos() const { return m_pos; }
    void setPos(qsizetype pos) { m_pos = pos; }
    bool atEnd() const { return m_pos >= m_text.size(); }
    // After a failed scan: why it failed.
    ScanError error() const { return m_tooDeep ? ScanError::TooDeep : ScanError::Syntax; }
    char peek() const { return atEnd() ? '\0' : m_text[m_pos]; }

    void skipWhitespace()
    {
        while (!atEnd()) {
            const char c = m_text[m_pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                return;
            ++m_pos;
        }
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
            const auto c = static_cast<unsigned char>(m_text[m_pos]);
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
                const char e = m_text[m_pos];
                if (e == 'u') {
                    for (int i = 1; i <= 4; ++i) {
                        if (m_pos + i >= m_text.size() || !isHex(m_text[m_pos + i]))
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

    // Object members; calls onMember(keySpan, valueSpan) for each when given.
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
            const qsizetype keyBegin = m_pos;
            if (!skipString())
                return false;
            const Span key{keyBegin, m_pos};
            skipWhitespace();
            if (peek() != ':')
                return false;
            ++m_pos;
            skipWhitespace();
            const qsizetype valueBegin = m_pos;
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

    static bool isHex(char c)
    {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
    static bool isDigit(char c) { return c >= '0' && c <= '9'; }

    bool skipObject(int depth)
    {
        return scanObject(depth, [](Span, Span) {});
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
            const qsizetype begin = m_pos;
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

    bool skipArray(int depth)
    {
        return scanArray(depth, [](Span) {});
    }

    bool skipLiteral(QByteArrayView literal)
    {
        if (m_text.size() - m_pos < literal.size() ||
            m_text.sliced(m_pos, literal.size()) != literal)
            return false;
        m_pos += literal.size();
        return true;
    }

    bool skipNumber()
    {
        const qsizetype begin = m_pos;
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

    QByteArrayView m_text;
    qsizetype m_pos = 0;
    bool m_tooDeep = false;
};

void setError(ScanError *error, ScanError value)
{
    if (error)
        *error = value;
}

void appendUtf8(QByteArray &out, char32_t cp)
{
    if (cp < 0x80) {
        out.append(char(cp));
    } else if (cp < 0x800) {
        out.append(char(0xC0 | (cp >> 6)));
        out.append(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.append(char(0xE0 | (cp >> 12)));
        out.append(char(0x80 | ((cp >> 6) & 0x3F)));
        out.append(char(0x80 | (cp & 0x3F)));
    } else {
        out.append(char(0xF0 | (cp >> 18)));
        out.append(char(0x80 | ((cp >> 12) & 0x3F)));
        out.append(char(0x80 | ((cp >> 6) & 0x3F)));
        out.append(char(0x80 | (cp & 0x3F)));
    }
}

} // namespace

bool isValid(QByteArrayView text)
{
    return valueSpan(text).has_value();
}

std::optional<Span> valueSpan(QByteArrayView text, ScanError *error)
{
    Scanner scanner(text);
    scanner.skipWhitespace();
    const qsizetype begin = scanner.pos();
    if (!scanner.skipValue()) {
        setError(error, scanner.error());
        return std::nullopt;
    }
    const qsizetype end = scanner.pos();
    scanner.skipWhitespace();
    if (!scanner.atEnd()) {
        setError(error, ScanError::Syntax);
        return std::nullopt;
    }
    setError(error, ScanError::None);
    return Span{begin, end};
}

std::optional<QList<Member>> objectMembers(QByteArrayView objectText)
{
    QList<Member> members;
    const bool ok = visitMembers(
        objectText,
        [](void *context, QByteArrayView rawKey, Span value) {
            static_cast<QList<Member> *>(context)->append(
                Member{decodeString(rawKey).value_or(QByteArray()), value});
        },
        &members);
    if (!ok)
        return std::nullopt;
    return members;
}

std::optional<QList<Span>> arrayElements(QByteArrayView arrayText)
{
    Scanner scanner(arrayText);
    QList<Span> elements;
    if (!scanner.scanArray(0, [&](Span element) { elements.append(element); }))
        return std::nullopt;
    scanner.skipWhitespace();
    if (!scanner.atEnd())
        return std::nullopt;
    return elements;
}

std::optional<Span> findPath(QByteArrayView text, std::initializer_list<QByteArrayView> keys)
{
    Scanner scanner(text);
    scanner.skipWhitespace();
    qsizetype end = text.size();
    while (end > scanner.pos() && isWhitespace(text[end - 1]))
        --end;
    Span current{scanner.pos(), end};
    if (current.size() == 0)
        return std::nullopt;
    for (QByteArrayView key : keys) {
        const auto found = findMember(current.in(text), key);
        if (!found)
            return std::nullopt;
        current = Span{current.begin + found->begin, current.begin + found->end};
    }
    return current;
}

bool visitMembers(QByteArrayView objectText, MemberVisitor onMember, void *context,
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

bool keyEquals(QByteArrayView rawKey, QByteArrayView key)
{
    if (rawKey.size() < 2)
        return false;
    const QByteArrayView body = rawKey.sliced(1, rawKey.size() - 2);
    if (!body.contains('\\'))
        return body == key;
    return decodeString(rawKey).value_or(QByteArray()) == key;
}

std::optional<Span> findMember(QByteArrayView objectText, QByteArrayView key)
{
    struct Search
    {
        QByteArrayView key;
        std::optional<Span> found;
    } search{key, std::nullopt};
    const bool ok = visitMembers(
        objectText,
        [](void *context, QByteArrayView rawKey, Span value) {
            auto *s = static_cast<Search *>(context);
            if (keyEquals(rawKey, s->key))
                s->found = value; // later duplicates win, as in most JSON parsers
        },
        &search);
    return ok ? search.found : std::nullopt;
}

bool mayContainKey(QByteArrayView text, QByteArrayView key)
{
    const auto contains = [text](QByteArrayView needle) {
        const std::boyer_moore_horspool_searcher searcher(needle.begin(), needle.end());
        return std::search(text.begin(), text.end(), searcher) != text.end();
    };
    return contains(key) || contains("\\u");
}

std::optional<QByteArray> decodeString(QByteArrayView literal)
{
    if (literal.size() < 2 || literal.front() != '"' || literal.back() != '"')
        return std::nullopt;
    const QByteArrayView body = literal.sliced(1, literal.size() - 2);
    if (!body.contains('\\'))
        return body.toByteArray();
    QByteArray out;
    out.reserve(body.size());
    for (qsizetype i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (c != '\\') {
            out.append(c);
            continue;
        }
        if (++i >= body.size())
            return std::nullopt;
        switch (body[i]) {
        case '"':
            out.append('"');
            break;
        case '\\':
            out.append('\\');
            break;
        case '/':
            out.append('/');
            break;
        case 'b':
            out.append('\b');
            break;
        case 'f':
            out.append('\f');
            break;
        case 'n':
            out.append('\n');
            break;
        case 'r':
            out.append('\r');
            break;
        case 't':
            out.append('\t');
            break;
        case 'u': {
            auto hex4 = [&](qsizetype at, char32_t *value) {
                if (at + 4 > body.size())
                    return false;
                bool ok = false;
                *value = char32_t(body.sliced(at, 4).toUInt(&ok, 16));
                return ok;
            };
            char32_t cp = 0;
            if (!hex4(i + 1, &cp))
                return std::nullopt;
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < body.size() && body[i + 1] == '\\' &&
                body[i + 2] == 'u') {
                char32_t low = 0;
                if (hex4(i + 3, &low) && low >= 0xDC00 && low <= 0xDFFF) {
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

QByteArray encodeString(QByteArrayView utf8)
{
    static const char hex[] = "0123456789abcdef";
    QByteArray out;
    out.reserve(utf8.size() + 2);
    out.append('"');
    for (const char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default:
            if (u < 0x20) {
                out.append("\\u00");
                out.append(hex[u >> 4]);
                out.append(hex[u & 0xF]);
            } else {
                out.append(c);
            }
        }
    }
    out.append('"');
    return out;
}

ValueType typeOf(QByteArrayView raw)
{
    if (raw.isEmpty())
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
        return (raw.front() == '-' || (raw.front() >= '0' && raw.front() <= '9'))
                   ? ValueType::Number
                   : ValueType::Invalid;
    }
}

QByteArray splice(QByteArrayView text, Span span, QByteArrayView replacement)
{
    QByteArray out;
    out.reserve(text.size() - span.size() + replacement.size());
    out.append(text.first(span.begin));
    out.append(replacement);
    out.append(text.sliced(span.end));
    return out;
}

void spliceInPlace(QByteArray &text, Span span, QByteArrayView replacement)
{
    const qsizetype tail = text.size() - span.end;
    const qsizetype grow = replacement.size() - span.size();
    if (grow > 0)
        text.resize(text.size() + grow);   // a realloc: grows in place or moves the pages
    char *bytes = text.data();
    if (grow != 0)
        std::memmove(bytes + span.end + grow, bytes + span.end, size_t(tail));
    if (!replacement.isEmpty())
        std::memcpy(bytes + span.begin, replacement.data(), size_t(replacement.size()));
    if (grow < 0)
        text.truncate(text.size() + grow);
}

} // namespace manifold::json
