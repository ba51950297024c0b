#include "clients/codextomlscan.h"

#include <QHash>

#include <algorithm>
#include <cctype>

namespace manifold::codextoml {



bool isBareKeyChar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

QString located(const QByteArray &text, qsizetype pos, const QString &message)
{
    const qsizetype line = 1 + QByteArrayView(text).first(std::min(pos, text.size())).count('\n');
    return QStringLiteral("line %1: %2").arg(line).arg(message);
}

// Tokenizes a whole TOML document into tables and key/value statements, keeping byte spans.
class Scanner final
{
public:
    explicit Scanner(const QByteArray &text) : m_t(text), m_n(text.size()) {}

    std::optional<Document> run(QString *error)
    {
        Document doc;
        doc.tables.emplace_back();
        m_p = m_t.startsWith("\xEF\xBB\xBF") ? 3 : 0;
        if (scan(&doc))
            return doc;
        if (error)
            *error = m_error;
        return std::nullopt;
    }

private:
    char at(qsizetype i) const { return i < m_n ? m_t.at(i) : '\0'; }
    char cur() const { return at(m_p); }
    bool atEnd() const { return m_p >= m_n; }
    bool atNewline() const { return cur() == '\n' || (cur() == '\r' && at(m_p + 1) == '\n'); }
    void skipBlanks()
    {
        while (cur() == ' ' || cur() == '\t')
            ++m_p;
    }
    void skipNewline() { m_p += cur() == '\r' ? 2 : 1; }
    void skipComment()
    {
        while (!atEnd() && !atNewline())
            ++m_p;
    }
    // Blanks, comments and newlines, as allowed between array items. False at the end of text.
    bool skipTrivia()
    {
        for (;;) {
            skipBlanks();
            if (cur() == '#')
                skipComment();
            else if (atNewline())
                skipNewline();
            else
                return !atEnd();
        }
    }
    bool fail(const QString &message, qsizetype pos = -1)
    {
        if (m_error.isEmpty())
            m_error = located(m_t, pos < 0 ? m_p : pos, message);
        return false;
    }
    bool endOfLine()
    {
        skipBlanks();
        if (cur() == '#')
            skipComment();
        if (atEnd())
            return true;
        if (!atNewline())
            return fail(QStringLiteral("unexpected text after the value"));
        skipNewline();
        return true;
    }

    bool scan(Document *doc)
    {
        while (!atEnd()) {
            const qsizetype lineStart = m_p;
            skipBlanks();
            if (atEnd())
                break;
            if (atNewline()) {
                skipNewline();
                continue;
            }
            if (cur() == '#') {
                skipComment();
                continue;
            }
            if (cur() == '[') {
                Table table;
                table.headerBegin = lineStart;
                table.isArray = at(m_p + 1) == '[';
                m_p += table.isArray ? 2 : 1;
                const QString bad = QStringLiteral("malformed table header");
                if (!parseKey(&table.path)) {
                    m_error.clear();
                    return fail(bad, lineStart);
                }
                skipBlanks();
                if (cur() != ']' || (table.isArray && at(m_p + 1) != ']'))
                    return fail(bad, lineStart);
                m_p += table.isArray ? 2 : 1;
                if (!endOfLine())
                    return false;
                table.headerEnd = m_p;
                doc->tables.push_back(std::move(table));
                continue;
            }
            Entry entry;
            entry.lineBegin = lineStart;
            if (!parseKey(&entry.key))
                return false;
            skipBlanks();
            if (cur() != '=')
                return fail(QStringLiteral("expected '=' after the key"));
            ++m_p;
            skipBlanks();
            if (!parseValue(&entry.value, 0) || !endOfLine())
                return false;
            entry.lineEnd = m_p;
            doc->tables.back().entries.push_back(std::move(entry));
        }
        return true;
    }

    bool parseKey(QStringList *key)
    {
        for (;;) {
            skipBlanks();
            QString part;
            if (cur() == '"' || cur() == '\'') {
                if (at(m_p + 1) == cur() && at(m_p + 2) == cur())
                    return fail(QStringLiteral("a key cannot be a multi-line string"));
                if (!parseString(&part))
                    return false;
            } else {
                const qsizetype begin = m_p;
                while (isBareKeyChar(cur()))
                    ++m_p;
                if (begin == m_p)
                    return fail(QStringLiteral("expected a key"));
                part = QString::fromLatin1(m_t.mid(begin, m_p - begin));
            }
            key->append(part);
            skipBlanks();
            if (cur() != '.')
                return true;
            ++m_p;
        }
    }

    bool parseValue(Value *value, int depth)
    {
        if (depth > 64)
            return fail(QStringLiteral("values nested too deeply"));
        value->begin = m_p;
        value->kind = Value::String;
        const bool ok = cur() == '"' || cur() == '\''  ? parseString(&value->string)
                        : cur() == '[' || cur() == '{' ? parseList(value, depth)
                                                       : parseScalar(value);
        value->end = m_p;
        return ok;
    }

    bool parseEscape(QByteArray *out, bool multi)
    {
        const qsizetype start = m_p;
        if (multi) {
            // A backslash ending a line swallows the line break and the whitespace after it.
            qsizetype q = m_p + 1;
            while (at(q) == ' ' || at(q) == '\t')
                ++q;
            if (at(q) == '\n' || (at(q) == '\r' && at(q + 1) == '\n')) {
                m_p = q;
                while (cur() == ' ' || cur() == '\t' || cur() == '\n' || cur() == '\r')
                    ++m_p;
                return true;
            }
        }
        const char c = at(m_p + 1);
        m_p += 2;
        for (const char *escape = kEscapes; *escape; escape += 2) {
            if (escape[0] == c) {
                out->append(escape[1]);
                return true;
            }
        }
        const int digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
        const QByteArray hex = m_t.mid(m_p, digits);
        bool ok =
            digits > 0 && hex.size() == digits &&
            std::all_of(hex.begin(), hex.end(), [](char h) { return std::isxdigit(uchar(h)); });
        const char32_t code = ok ? hex.toUInt(&ok, 16) : 0;
        if (!ok || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            return fail(QStringLiteral("invalid escape sequence"), start);
        out->append(QString::fromUcs4(&code, 1).toUtf8());
        m_p += digits;
        return true;
    }

    // Basic ("..", """..""") and literal ('..', '''..''') strings; escapes only in basic ones.
    bool parseString(QString *out)
    {
        const qsizetype start = m_p;
        const char quote = cur();
        const bool multi = at(m_p + 1) == quote && at(m_p + 2) == quote;
        QByteArray bytes;
        m_p += multi ? 3 : 1;
        if (multi && atNewline())
            skipNewline(); // trimmed: a line break right after the opening delimiter
        for (;;) {
            const char c = cur();
            if (atEnd() || (!multi && (c == '\n' || c == '\r')))
                return fail(multi ? QStringLiteral("unterminated multi-line string")
                                  : QStringLiteral("unterminated string"),
                            start);
            if (c == quote && !multi) {
                ++m_p;
                break;
            }
            if (c == quote && at(m_p + 1) == quote && at(m_p + 2) == quote) {
                qsizetype count = 3; // up to two more quotes belong to the content
                while (at(m_p + count) == quote)
                    ++count;
                if (count > 5)
                    return fail(QStringLiteral("too many quotes closing a string"));
                bytes.append(QByteArray(count - 3, quote));
                m_p += count;
                break;
            }
            if (c == '\\' && quote == '"') {
                if (!parseEscape(&bytes, multi))
                    return false;
                continue;
            }
            if (c != '\r' || at(m_p + 1) != '\n')
                bytes.append(c);
            ++m_p;
        }
        *out = QString::fromUtf8(bytes);
        return true;
    }

    // Arrays and inline tables; newlines and a trailing comma in the latter are TOML 1.1 and
    // harmless to accept here.
    bool parseList(Value *value, int depth)
    {
        const bool isTable = cur() == '{';
        const char close = isTable ? '}' : ']';
        value->kind = isTable ? Value::Table : Value::Array;
        const QString unterminated = isTable ? QStringLiteral("unterminated inline table")
                                             : QStringLiteral("unterminated array");
        ++m_p;
        for (;;) {
            if (!skipTrivia())
                return fail(unterminated, value->begin);
            if (cur() == close)
                break;
            Member member;
            if (isTable) {
                if (!parseKey(&member.key))
                    return false;
                skipBlanks();
                if (cur() != '=')
                    return fail(QStringLiteral("expected '=' in inline table"));
                ++m_p;
                skipBlanks();
            }
            if (!parseValue(&member.value, depth + 1))
                return false;
            if (isTable)
                value->members.push_back(std::move(member));
            else
                value->items.push_back(std::move(member.value));
            if (!skipTrivia())
                return fail(unterminated, value->begin);
            if (cur() == close)
                break;
            if (cur() != ',')
                return fail(QStringLiteral("expected ',' or '%1'").arg(QLatin1Char(close)));
            ++m_p;
        }
        ++m_p;
        return true;
    }

    // Booleans, numbers and date-times. Only their extent matters for editing, so the check is
    // loose, but bare words (command = npx) are rejected.
    bool parseScalar(Value *value)
    {
        const auto scalarChar = [](char c) {
            return isBareKeyChar(c) || c == '+' || c == '.' || c == ':';
        };
        const qsizetype begin = m_p;
        while (scalarChar(cur()))
            ++m_p;
        if (m_p - begin == 10 && at(begin + 4) == '-' && at(begin + 7) == '-' && cur() == ' ' &&
            isDigit(at(m_p + 1)) && isDigit(at(m_p + 2)) && at(m_p + 3) == ':') {
            ++m_p; // "1979-05-27 07:32:00": a date, a space, a time
            while (scalarChar(cur()))
                ++m_p;
        }
        const QByteArray token = m_t.mid(begin, m_p - begin);
        const QByteArray body =
            token.startsWith('+') || token.startsWith('-') ? token.mid(1) : token;
        value->string = QString::fromLatin1(token);
        value->boolean = token == "true";
        value->kind = value->boolean || token == "false" ? Value::Bool : Value::Scalar;
        if (value->kind == Value::Bool || body == "inf" || body == "nan" ||
            (!body.isEmpty() && isDigit(body.at(0))))
            return true;
        return fail(token.isEmpty() ? QStringLiteral("missing value")
                                    : QStringLiteral("invalid value '%1'").arg(value->string),
                    begin);
    }

    const QByteArray &m_t;
    const qsizetype m_n;
    qsizetype m_p = 0;
    QString m_error;
};


struct Leaf
{
    QStringList path;
    const Value *value;
};

void flatten(const QStringList &path, const Value &value, std::vector<Leaf> *out)
{
    if (value.kind != Value::Table || value.members.empty()) {
        out->push_back({path, &value});
        return;
    }
    for (const Member &member : value.members)
        flatten(path + member.key, member.value, out);
}

bool isStringArray(const Value &value)
{
    return value.kind == Value::Array &&
           std::all_of(value.items.begin(), value.items.end(),
                       [](const Value &item) { return item.kind == Value::String; });
}

std::optional<ServerIndex> indexServers(const QByteArray &text, const Document &doc, QString *error)
{
    ServerIndex index;
    QHash<QString, int> position;
    QSet<QString> seen; // full key paths under mcp_servers, to catch duplicates
    const auto server = [&](const QString &name) -> CodexServer & {
        auto it = position.constFind(name);
        if (it == position.constEnd()) {
            it = position.insert(name, int(index.servers.size()));
            index.servers.append(CodexServer{});
            index.servers.last().name = name;
        }
        return index.servers[*it];
    };
    const auto bad = [&](qsizetype pos, const QString &message) {
        if (error)
            *error = located(text, pos, message);
        return std::nullopt;
    };
    for (const Table &table : doc.tables) {
        const bool inServers = !table.path.isEmpty() && table.path.first() == kServers;
        if (inServers) {
            if (table.isArray)
                return bad(table.headerBegin, QStringLiteral("[[mcp_servers...]] is not a table"));
            const QString key = QStringLiteral("[]") + table.path.join(QChar(0x1f));
            if (seen.contains(key))
                return bad(table.headerBegin, QStringLiteral("duplicate table header"));
            seen.insert(key);
            if (table.path.size() >= 2)
                server(table.path.at(1));
            if (table.path.size() == 2)
                index.headerForm.insert(table.path.at(1));
        }
        for (const Entry &entry : table.entries) {
            std::vector<Leaf> leaves;
            flatten(table.path + entry.key, entry.value, &leaves);
            for (const Leaf &leaf : leaves) {
                if (leaf.path.first() != kServers)
                    continue;
                const Value &value = *leaf.value;
                const QString key = leaf.path.join(QChar(0x1f));
                if (seen.contains(key))
                    return bad(entry.lineBegin, QStringLiteral("duplicate key"));
                seen.insert(key);
                if (leaf.path.size() <= 2) {
                    if (value.kind != Value::Table)
                        return bad(entry.lineBegin, QStringLiteral("%1 must be a table")
                                                        .arg(leaf.path.join(QLatin1Char('.'))));
                    if (leaf.path.size() == 2)
                        server(leaf.path.at(1));
                    continue;
                }
                const QString name = leaf.path.at(1);
                CodexServer &target = server(name);
                if (table.path.size() < 2)
                    index.otherForm.insert(name);
                const QStringList field = leaf.path.mid(2);
                const QString what = field.first();
                const auto mustBe = [&](const char *type) {
                    return bad(entry.lineBegin, QStringLiteral("mcp_servers.%1.%2 must be %3")
                                                    .arg(name, what, QLatin1String(type)));
                };
                if (what == QLatin1String("command") || what == QLatin1String("cwd") ||
                    what == QLatin1String("url")) {
                    if (field.size() != 1 || value.kind != Value::String)
                        return mustBe("a string");
                    (what == QLatin1String("command") ? target.command
                     : what == QLatin1String("cwd")   ? target.cwd
                                                      : target.url) = value.string;
                } else if (what == QLatin1String("args")) {
                    if (field.size() != 1 || !isStringArray(value))
                        return mustBe("an array of strings");
                    for (const Value &item : value.items) {
                        target.args.append(item.string);
                        target.argSpans.append({item.begin, item.end});
                    }
                } else if (what == QLatin1String("enabled")) {
                    if (field.size() != 1 || value.kind != Value::Bool)
                        return mustBe("true or false");
                    target.enabled = value.boolean;
                } else if (what == QLatin1String("http_headers")) {
                    if (field.size() == 2 && value.kind == Value::String) {
                        target.httpHeaders.insert(field.at(1), value.string);
                        target.headerSpans.insert(field.at(1), {value.begin, value.end});
                    }
                } else if (what == QLatin1String("bearer_token_env_var")) {
                    if (field.size() == 1 && value.kind == Value::String)
                        target.bearerTokenEnvVar = value.string;
                } else if (what == QLatin1String("bearer_token") ||
                           what == QLatin1String("env_http_headers")) {
                    if (!target.otherAuth.contains(what))
                        target.otherAuth.append(what);
                } else if (what == QLatin1String("env")) {
                    if (field.size() == 1 && value.kind == Value::Table)
                        continue; // env = {}
                    if (field.size() != 2 || value.kind != Value::String)
                        return mustBe("a table of strings");
                    target.env.insert(field.at(1), value.string);
                    target.envSpans.insert(field.at(1), {value.begin, value.end});
                }
            }
        }
    }
    return index;
}

std::optional<Document> scanDocument(const QByteArray &text, QString *error)
{
    return Scanner(text).run(error);
}

bool isBlankLine(QByteArrayView line)
{
    return std::all_of(line.begin(), line.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

// Start of the line before the one starting at pos (pos > 0 and at a line start).
qsizetype previousLineStart(const QByteArray &text, qsizetype pos)
{
    return pos < 2 ? 0 : text.lastIndexOf('\n', pos - 2) + 1;
}

// Where table i's content ends and nothing of a statement can follow: after its last entry.
qsizetype contentEnd(const Table &table)
{
    return table.entries.empty() ? table.headerEnd : table.entries.back().lineEnd;
}

// Start of the comment lines directly above table i's header (no blank line between): they
// describe that table and go with it.
qsizetype attachedStart(const QByteArray &text, const Document &doc, size_t i)
{
    const qsizetype floor = contentEnd(doc.tables.at(i - 1));
    qsizetype pos = doc.tables.at(i).headerBegin;
    while (pos > floor) {
        const qsizetype start = previousLineStart(text, pos);
        if (start < floor || !text.sliced(start, pos - start).trimmed().startsWith('#'))
            break;
        pos = start;
    }
    return pos;
}

// Edits deleting the marked tables, each with the comment lines directly above its header and
// up to the comments attached to the next table. A run reaching the end of the file also takes
// the one blank line before it, which is what CodexToml::addServer puts there.
std::vector<Edit> removeTables(const QByteArray &text, const Document &doc,
                               const std::vector<bool> &remove)
{
    std::vector<Edit> edits;
    const size_t n = doc.tables.size();
    size_t tailRun = n;
    while (tailRun > 1 && remove.at(tailRun - 1))
        --tailRun;
    for (size_t i = 1; i < n; ++i) {
        if (!remove.at(i))
            continue;
        qsizetype begin = attachedStart(text, doc, i);
        const qsizetype end = i + 1 == n ? text.size() : attachedStart(text, doc, i + 1);
        const qsizetype floor = contentEnd(doc.tables.at(i - 1));
        if (i == tailRun && begin > floor) {
            const qsizetype start = previousLineStart(text, begin);
            if (start >= floor && isBlankLine(QByteArrayView(text).sliced(start, begin - start)))
                begin = start;
        }
        edits.push_back({begin, end, {}});
    }
    return edits;
}

QByteArray applyEdits(QByteArray text, std::vector<Edit> edits)
{
    // Back to front; at one position a deletion goes before an insertion so both survive.
    std::sort(edits.begin(), edits.end(), [](const Edit &a, const Edit &b) {
        return a.begin != b.begin ? a.begin > b.begin : a.end > b.end;
    });
    for (const Edit &edit : edits)
        text.replace(edit.begin, edit.end - edit.begin, edit.text);
    return text;
}

QByteArray quoteArray(const QStringList &items)
{
    QByteArrayList quoted;
    for (const QString &item : items)
        quoted.append(CodexToml::quoteString(item));
    return '[' + quoted.join(", ") + ']';
}

const Entry *findEntry(const Table &table, const QString &key)
{
    for (const Entry &entry : table.entries) {
        if (entry.key == QStringList{key})
            return &entry;
    }
    return nullptr;
}

QByteArray indentOf(const QByteArray &text, qsizetype lineBegin)
{
    qsizetype end = lineBegin;
    while (end < text.size() && (text.at(end) == ' ' || text.at(end) == '\t'))
        ++end;
    return text.mid(lineBegin, end - lineBegin);
}

bool setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}


const Table *findServerTable(const Document &doc, const QString &name)
{
    const QStringList path{kServers, name};
    const auto table = std::find_if(doc.tables.begin(), doc.tables.end(), [&](const Table &t) { return t.path == path; });
    return table == doc.tables.end() ? nullptr : &*table;
}

} // namespace manifold::codextoml
