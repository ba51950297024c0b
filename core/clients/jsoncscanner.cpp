#include "jsoncscanner.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

namespace manifold::jsonc {
namespace {

// Keeps the recursive scanner's stack bounded on hostile input.
constexpr int MaxDepth = 512;

QString tr(const char *text)
{
    return QCoreApplication::translate("manifold::JsoncDocument", text);
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
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
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

class Parser final
{
public:
    Parser(QByteArrayView text, bool allowComments) : m_text(text), m_allowComments(allowComments)
    {
    }

    std::optional<Tree> run(Error *error)
    {
        if (m_text.startsWith("\xEF\xBB\xBF")) {
            m_pos = 3;
            m_tree.bomSize = 3;
        }
        if (skipTrivia()) {
            if (atEnd()) {
                fail(m_pos, tr("the file holds no JSON value"));
            } else {
                m_tree.root = parseValue(0);
                if (m_tree.root >= 0 && skipTrivia() && !atEnd())
                    fail(m_pos, tr("unexpected text after the end of the JSON value"));
            }
        }
        if (m_failed) {
            if (error)
                *error = m_error;
            return std::nullopt;
        }
        return std::move(m_tree);
    }

private:
    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek(qsizetype ahead = 0) const
    {
        return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0';
    }

    bool fail(qsizetype at, const QString &message)
    {
        if (!m_failed) {
            m_failed = true;
            m_error = Error{at, message};
        }
        return false;
    }

    bool failUnexpected(const QString &expected)
    {
        if (atEnd())
            return fail(m_pos, tr("unexpected end of file, expected %1").arg(expected));
        const char c = peek();
        const QString found = (c >= 0x21 && c <= 0x7e)
                                  ? QStringLiteral("'%1'").arg(QChar::fromLatin1(c))
                                  : tr("a non-printable or non-ASCII character");
        return fail(m_pos, tr("expected %1, found %2").arg(expected, found));
    }

    // Whitespace and comments.
    bool skipTrivia()
    {
        while (!atEnd()) {
            const char c = peek();
            if (isSpace(c)) {
                ++m_pos;
                continue;
            }
            if (c != '/' || (peek(1) != '/' && peek(1) != '*'))
                return true;
            if (!m_allowComments)
                return fail(m_pos, tr("comments are not allowed in this file"));
            if (peek(1) == '/') {
                while (!atEnd() && peek() != '\n' && peek() != '\r')
                    ++m_pos;
            } else {
                const qsizetype close = m_text.indexOf(QByteArrayView("*/"), m_pos + 2);
                if (close < 0)
                    return fail(m_pos, tr("unterminated /* comment"));
                m_pos = close + 2;
            }
        }
        return true;
    }

    int addNode(Kind kind, qsizetype begin)
    {
        Node node;
        node.kind = kind;
        node.begin = begin;
        m_tree.nodes.push_back(std::move(node));
        return static_cast<int>(m_tree.nodes.size() - 1);
    }

    Node &nodeAt(int index) { return m_tree.nodes[static_cast<size_t>(index)]; }

    int parseValue(int depth)
    {
        if (depth > MaxDepth) {
            fail(m_pos, tr("values are nested too deeply"));
            return -1;
        }
        const qsizetype begin = m_pos;
        switch (peek()) {
        case '{':
            return parseObject(depth);
        case '[':
            return parseArray(depth);
        case '"': {
            if (!skipString())
                return -1;
            const int index = addNode(Kind::String, begin);
            nodeAt(index).end = m_pos;
            return index;
        }
        case 't':
            return parseLiteral("true", Kind::True);
        case 'f':
            return parseLiteral("false", Kind::False);
        case 'n':
            return parseLiteral("null", Kind::Null);
        default:
            if (peek() == '-' || isDigit(peek()))
                return parseNumber();
            failUnexpected(tr("a value"));
            return -1;
        }
    }

    int parseLiteral(QByteArrayView word, Kind kind)
    {
        if (!m_text.sliced(m_pos).startsWith(word)) {
            fail(m_pos, tr("invalid literal, expected %1").arg(QString::fromLatin1(word)));
            return -1;
        }
        const int index = addNode(kind, m_pos);
        m_pos += word.size();
        nodeAt(index).end = m_pos;
        return index;
    }

    int parseNumber()
    {
        const qsizetype begin = m_pos;
        auto digits = [this] {
            const qsizetype start = m_pos;
            while (isDigit(peek()))
                ++m_pos;
            return m_pos > start;
        };
        bool ok = true;
        if (peek() == '-')
            ++m_pos;
        if (peek() == '0')
            ++m_pos;
        else
            ok = digits();
        if (ok && peek() == '.') {
            ++m_pos;
            ok = digits();
        }
        if (ok && (peek() == 'e' || peek() == 'E')) {
            ++m_pos;
            if (peek() == '+' || peek() == '-')
                ++m_pos;
            ok = digits();
        }
        if (!ok || isDigit(peek())) {
            fail(begin, tr("invalid number"));
            return -1;
        }
        const int index = addNode(Kind::Number, begin);
        nodeAt(index).end = m_pos;
        return index;
    }

    bool skipString()
    {
        const qsizetype begin = m_pos;
        ++m_pos;
        while (!atEnd()) {
            const auto c = static_cast<unsigned char>(peek());
            if (c == '"') {
                ++m_pos;
                return true;
            }
            if (c == '\n' || c == '\r')
                break;
            if (c < 0x20)
                return fail(m_pos, tr("control character inside a string"));
            if (c == '\\') {
                const char e = peek(1);
                if (e == 'u') {
                    for (int i = 2; i < 6; ++i) {
                        if (hexValue(peek(i)) < 0)
                            return fail(m_pos, tr("invalid \\u escape in a string"));
                    }
                    m_pos += 6;
                    continue;
                }
                if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' &&
                    e != 'r' && e != 't')
                    return fail(m_pos, tr("invalid escape sequence in a string"));
                m_pos += 2;
                continue;
            }
            ++m_pos;
        }
        return fail(begin, tr("unterminated string"));
    }

    int parseObject(int depth)
    {
        const int index = addNode(Kind::Object, m_pos);
        ++m_pos;
        if (!skipTrivia())
            return -1;
        bool afterComma = false;
        while (peek() != '}') {
            if (peek() != '"') {
                failUnexpected(afterComma || nodeAt(index).members.isEmpty()
                                   ? tr("a string key or '}'")
                                   : tr("',' or '}'"));
                return -1;
            }
            Member member;
            member.keyBegin = m_pos;
            if (!skipString())
                return -1;
            member.keyEnd = m_pos;
            member.key = decodeString(m_text.sliced(member.keyBegin, m_pos - member.keyBegin));
            if (!skipTrivia())
                return -1;
            if (peek() != ':') {
                failUnexpected(tr("':'"));
                return -1;
            }
            member.colon = m_pos++;
            if (!skipTrivia())
                return -1;
            member.value = parseValue(depth + 1);
            if (member.value < 0 || !skipTrivia())
                return -1;
            afterComma = peek() == ',';
            if (afterComma) {
                member.comma = m_pos++;
                if (!skipTrivia())
                    return -1;
            }
            nodeAt(index).members.append(std::move(member));
            if (!afterComma && peek() != '}') {
                failUnexpected(tr("',' or '}'"));
                return -1;
            }
        }
        if (afterComma && !m_allowComments) {
            fail(nodeAt(index).members.constLast().comma, tr("trailing comma is not allowed"));
            return -1;
        }
        nodeAt(index).end = ++m_pos;
        return index;
    }

    int parseArray(int depth)
    {
        const int index = addNode(Kind::Array, m_pos);
        ++m_pos;
        if (!skipTrivia())
            return -1;
        qsizetype lastComma = -1;
        while (peek() != ']') {
            if (atEnd()) {
                failUnexpected(tr("a value or ']'"));
                return -1;
            }
            const int element = parseValue(depth + 1);
            if (element < 0 || !skipTrivia())
                return -1;
            nodeAt(index).elements.append(element);
            lastComma = -1;
            if (peek() == ',') {
                lastComma = m_pos++;
                if (!skipTrivia())
                    return -1;
            } else if (peek() != ']') {
                failUnexpected(tr("',' or ']'"));
                return -1;
            }
        }
        if (lastComma >= 0 && !m_allowComments) {
            fail(lastComma, tr("trailing comma is not allowed"));
            return -1;
        }
        nodeAt(index).end = ++m_pos;
        return index;
    }

    QByteArrayView m_text;
    bool m_allowComments = true;
    qsizetype m_pos = 0;
    bool m_failed = false;
    Error m_error;
    Tree m_tree;
};

} // namespace

std::optional<Tree> parse(QByteArrayView text, bool allowComments, Error *error)
{
    return Parser(text, allowComments).run(error);
}

QString decodeString(QByteArrayView literal)
{
    QString out;
    QByteArray run;
    const qsizetype end = literal.size() - 1;
    for (qsizetype i = 1; i < end; ++i) {
        const char c = literal[i];
        if (c != '\\') {
            run.append(c);
            continue;
        }
        out += QString::fromUtf8(run);
        run.clear();
        const char e = literal[++i];
        switch (e) {
        case 'b':
            out += QChar(u'\b');
            break;
        case 'f':
            out += QChar(u'\f');
            break;
        case 'n':
            out += QChar(u'\n');
            break;
        case 'r':
            out += QChar(u'\r');
            break;
        case 't':
            out += QChar(u'\t');
            break;
        case 'u': {
            char16_t unit = 0;
            for (int k = 1; k <= 4; ++k)
                unit = static_cast<char16_t>(unit * 16 + hexValue(literal[i + k]));
            // Surrogate pairs arrive as two escapes and join up in UTF-16 by themselves.
            out += QChar(unit);
            i += 4;
            break;
        }
        default:
            out += QChar::fromLatin1(e);
            break;
        }
    }
    out += QString::fromUtf8(run);
    return out;
}

QByteArray encodeString(const QString &s)
{
    const QByteArray utf8 = s.toUtf8();
    QByteArray out;
    out.reserve(utf8.size() + 2);
    out.append('"');
    for (const char c : utf8) {
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\b':
            out.append("\\b");
            break;
        case '\f':
            out.append("\\f");
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
            if (static_cast<unsigned char>(c) < 0x20) {
                static const char hex[] = "0123456789abcdef";
                out.append("\\u00");
                out.append(hex[(c >> 4) & 0xf]);
                out.append(hex[c & 0xf]);
            } else {
                out.append(c);
            }
        }
    }
    out.append('"');
    return out;
}

QJsonValue toJsonValue(const Tree &tree, QByteArrayView src, int index)
{
    const Node &node = tree.node(index);
    const QByteArrayView raw = src.sliced(node.begin, node.end - node.begin);
    switch (node.kind) {
    case Kind::Object: {
        QJsonObject object;
        for (const Member &member : node.members)
            object.insert(member.key, toJsonValue(tree, src, member.value));
        return object;
    }
    case Kind::Array: {
        QJsonArray array;
        for (const int element : node.elements)
            array.append(toJsonValue(tree, src, element));
        return array;
    }
    case Kind::String:
        return decodeString(raw);
    case Kind::Number: {
        if (!raw.contains('.') && !raw.contains('e') && !raw.contains('E')) {
            bool ok = false;
            const qint64 integer = raw.toLongLong(&ok);
            if (ok)
                return integer;
        }
        return raw.toDouble();
    }
    case Kind::True:
        return true;
    case Kind::False:
        return false;
    case Kind::Null:
        break;
    }
    return QJsonValue::Null;
}

QString describePosition(QByteArrayView text, qsizetype offset)
{
    int line = 1;
    int column = 1;
    const qsizetype start = text.startsWith("\xEF\xBB\xBF") ? 3 : 0;
    for (qsizetype i = start; i < offset && i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n' || (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
            ++line;
            column = 1;
        } else if (c != '\r' && (static_cast<unsigned char>(c) & 0xc0) != 0x80) {
            ++column;
        }
    }
    return tr("line %1, column %2").arg(line).arg(column);
}

} // namespace manifold::jsonc
