#include "clients/codextoml.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <cctype>
#include <vector>

namespace manifold {

bool operator==(const CodexServer &a, const CodexServer &b)
{
    return a.name == b.name && a.command == b.command && a.args == b.args && a.env == b.env &&
           a.cwd == b.cwd && a.enabled == b.enabled && a.url == b.url;
}

namespace {

const QString kServers = QStringLiteral("mcp_servers");

// TOML's short escapes as (letter, byte) pairs; \e is TOML 1.1, read but never written.
const char kEscapes[] = "b\bt\tn\nf\fr\r\"\"\\\\e\x1b";

struct Member;

struct Value
{
    enum Kind { String, Bool, Scalar, Array, Table }; // Scalar: numbers, date-times
    Kind kind = String;
    qsizetype begin = 0; // raw span of the value in the text
    qsizetype end = 0;
    QString string; // decoded for String, raw spelling for other scalars
    bool boolean = false;
    std::vector<Value> items;
    std::vector<Member> members;
};

struct Member
{
    QStringList key;
    Value value;
};

// One `key = value` statement: its whole lines, from line start to after the line ending.
struct Entry
{
    QStringList key;
    Value value;
    qsizetype lineBegin = 0;
    qsizetype lineEnd = 0;
};

struct Table
{
    QStringList path;          // empty for the root table
    bool isArray = false;      // [[path]]
    qsizetype headerBegin = 0; // line start of the header
    qsizetype headerEnd = 0;   // after the header's line ending
    std::vector<Entry> entries;
};

struct Document
{
    std::vector<Table> tables; // tables[0] is the root table
};

struct Edit
{
    qsizetype begin;
    qsizetype end;
    QByteArray text;
};

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

// What the scanned document says about MCP servers, checked for shapes Codex accepts.
struct ServerIndex
{
    QList<CodexServer> servers;
    QSet<QString> headerForm; // has its own [mcp_servers.X] table
    QSet<QString> otherForm;  // has keys outside its own tables (dotted or inline)
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
                    for (const Value &item : value.items)
                        target.args.append(item.string);
                } else if (what == QLatin1String("enabled")) {
                    if (field.size() != 1 || value.kind != Value::Bool)
                        return mustBe("true or false");
                    target.enabled = value.boolean;
                } else if (what == QLatin1String("http_headers")) {
                    if (field.size() == 2 && value.kind == Value::String)
                        target.httpHeaders.insert(field.at(1), value.string);
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

} // namespace

std::optional<CodexToml> CodexToml::parse(const QByteArray &text, QString *error)
{
    CodexToml toml;
    if (!toml.load(text, error))
        return std::nullopt;
    return toml;
}

bool CodexToml::load(const QByteArray &text, QString *error)
{
    const std::optional<Document> doc = scanDocument(text, error);
    if (!doc)
        return false;
    const std::optional<ServerIndex> index = indexServers(text, *doc, error);
    if (!index)
        return false;
    m_text = text;
    m_servers = index->servers;
    m_headerServers.clear();
    for (const CodexServer &server : m_servers) {
        if (index->headerForm.contains(server.name) && !index->otherForm.contains(server.name))
            m_headerServers.append(server.name);
    }
    return true;
}

std::optional<CodexServer> CodexToml::server(const QString &name) const
{
    for (const CodexServer &server : m_servers) {
        if (server.name == name)
            return server;
    }
    return std::nullopt;
}

QByteArray CodexToml::lineEnding() const
{
    const qsizetype newline = m_text.indexOf('\n');
    return newline > 0 && m_text.at(newline - 1) == '\r' ? QByteArrayLiteral("\r\n")
                                                         : QByteArrayLiteral("\n");
}

QByteArray CodexToml::quoteString(const QString &value)
{
    QByteArray out = "\"";
    for (const char c : value.toUtf8()) {
        const char *escape = kEscapes;
        while (*escape && escape[1] != c)
            escape += 2;
        const auto byte = static_cast<unsigned char>(c);
        if (*escape && escape[0] != 'e')
            out += QByteArray("\\") + escape[0];
        else if (byte < 0x20 || byte == 0x7f)
            out += "\\u00" + QByteArray::number(byte, 16).rightJustified(2, '0');
        else
            out += c;
    }
    return out + '"';
}

QByteArray CodexToml::quoteKey(const QString &key)
{
    const bool bare = !key.isEmpty() && std::all_of(key.begin(), key.end(), [](QChar c) {
        return c.unicode() < 0x80 && isBareKeyChar(char(c.unicode()));
    });
    return bare ? key.toLatin1() : quoteString(key);
}

bool CodexToml::editable(const QString &name, QString *error) const
{
    if (!server(name))
        return setError(error, QStringLiteral("no MCP server named '%1'").arg(name));
    if (!m_headerServers.contains(name))
        return setError(error, QStringLiteral("MCP server '%1' is not written as its own "
                                              "[mcp_servers.%1] table; edit it by hand")
                                   .arg(name));
    return true;
}

bool CodexToml::commit(const QByteArray &text, const QString &name, QString *error,
                       const std::function<bool(const CodexToml &)> &verify)
{
    CodexToml candidate;
    QString reason;
    if (!candidate.load(text, &reason))
        return setError(error,
                        QStringLiteral("editing '%1' would break the file (%2)").arg(name, reason));
    if (!verify(candidate))
        return setError(error, QStringLiteral("editing '%1' did not verify").arg(name));
    *this = candidate;
    return true;
}

bool CodexToml::rewriteServer(const QString &name, const QString &command, const QStringList &args,
                              bool dropEnv, QString *error)
{
    if (!editable(name, error))
        return false;
    const std::optional<CodexServer> current = server(name);
    if (!current->url.isEmpty())
        return setError(error,
                        QStringLiteral("MCP server '%1' is a remote (url) server").arg(name));
    const std::optional<Document> doc = scanDocument(m_text, error);
    if (!doc)
        return false;
    const QStringList path{kServers, name};
    const auto table = std::find_if(doc->tables.begin(), doc->tables.end(),
                                    [&](const Table &t) { return t.path == path; });
    if (table == doc->tables.end())
        return setError(error, QStringLiteral("[mcp_servers.%1] not found").arg(name));

    std::vector<Edit> edits;
    const QByteArray eol = lineEnding();
    const Entry *commandEntry = findEntry(*table, QStringLiteral("command"));
    const Entry *argsEntry = findEntry(*table, QStringLiteral("args"));
    if (commandEntry && commandEntry->value.string != command)
        edits.push_back({commandEntry->value.begin, commandEntry->value.end, quoteString(command)});
    if (argsEntry && current->args != args)
        edits.push_back({argsEntry->value.begin, argsEntry->value.end, quoteArray(args)});

    // Missing keys go right after `command` (or the header), indented like the table's keys.
    const qsizetype insertAt = commandEntry ? commandEntry->lineEnd : table->headerEnd;
    const QByteArray indent =
        table->entries.empty()
            ? QByteArray()
            : indentOf(m_text, (commandEntry ? commandEntry : &table->entries.front())->lineBegin);
    QByteArray inserted;
    if (!commandEntry)
        inserted += indent + "command = " + quoteString(command) + eol;
    if (!argsEntry)
        inserted += indent + "args = " + quoteArray(args) + eol;
    if (!inserted.isEmpty()) {
        if (insertAt == m_text.size() && !m_text.endsWith('\n')) {
            inserted.prepend(eol); // keep "no line ending at the end of the file" as it was
            inserted.chop(eol.size());
        }
        edits.push_back({insertAt, insertAt, inserted});
    }

    if (dropEnv) {
        for (const Entry &entry : table->entries) {
            if (entry.key.first() == QLatin1String("env") ||
                entry.key == QStringList{QStringLiteral("cwd")})
                edits.push_back({entry.lineBegin, entry.lineEnd, {}});
        }
        std::vector<bool> remove(doc->tables.size(), false);
        bool any = false;
        for (size_t i = 1; i < doc->tables.size(); ++i) {
            const QStringList &p = doc->tables.at(i).path;
            remove[i] = p.size() >= 3 && p.mid(0, 2) == path && p.at(2) == QLatin1String("env");
            any = any || remove[i];
        }
        if (any) {
            const std::vector<Edit> removals = removeTables(m_text, *doc, remove);
            edits.insert(edits.end(), removals.begin(), removals.end());
        }
    }
    if (edits.empty())
        return true;

    return commit(applyEdits(m_text, edits), name, error, [&](const CodexToml &candidate) {
        const std::optional<CodexServer> after = candidate.server(name);
        return after && after->command == command && after->args == args &&
               (!dropEnv || (after->env.isEmpty() && after->cwd.isEmpty()));
    });
}

bool CodexToml::pointServerAtUrl(const QString &name, const QString &url,
                                 const QMap<QString, QString> &headers, QString *error)
{
    if (!editable(name, error))
        return false;
    const std::optional<Document> doc = scanDocument(m_text, error);
    if (!doc)
        return false;
    const QStringList path{kServers, name};
    const auto table = std::find_if(doc->tables.begin(), doc->tables.end(),
                                    [&](const Table &t) { return t.path == path; });
    if (table == doc->tables.end())
        return setError(error, QStringLiteral("[mcp_servers.%1] not found").arg(name));

    QByteArrayList pairs;
    for (auto it = headers.cbegin(); it != headers.cend(); ++it)
        pairs.append(quoteKey(it.key()) + " = " + quoteString(it.value()));
    const QByteArray headersText = "{ " + pairs.join(", ") + " }";
    const std::optional<CodexServer> current = server(name);

    std::vector<Edit> edits;
    const Entry *urlEntry = findEntry(*table, QStringLiteral("url"));
    const Entry *headersEntry = findEntry(*table, QStringLiteral("http_headers"));
    static const QStringList dropped{
        QStringLiteral("command"),      QStringLiteral("args"),
        QStringLiteral("env"),          QStringLiteral("cwd"),
        QStringLiteral("bearer_token"), QStringLiteral("bearer_token_env_var")};
    for (const Entry &entry : table->entries) {
        if (entry.key.first() == QLatin1String("http_headers") && entry.key.size() > 1)
            return setError(error, QStringLiteral("the http_headers of '%1' are dotted keys; "
                                                  "edit it by hand")
                                       .arg(name));
        if (dropped.contains(entry.key.first()))
            edits.push_back({entry.lineBegin, entry.lineEnd, {}});
    }
    std::vector<bool> remove(doc->tables.size(), false);
    bool anySubtable = false;
    for (size_t i = 1; i < doc->tables.size(); ++i) {
        const QStringList &p = doc->tables.at(i).path;
        if (p.size() < 3 || p.mid(0, 2) != path)
            continue;
        if (p.at(2) == QLatin1String("http_headers"))
            return setError(error, QStringLiteral("the http_headers of '%1' are a table of their "
                                                  "own; edit it by hand")
                                       .arg(name));
        remove[i] = p.at(2) == QLatin1String("env");
        anySubtable = anySubtable || remove[i];
    }
    if (anySubtable) {
        const std::vector<Edit> removals = removeTables(m_text, *doc, remove);
        edits.insert(edits.end(), removals.begin(), removals.end());
    }
    if (urlEntry && urlEntry->value.string != url)
        edits.push_back({urlEntry->value.begin, urlEntry->value.end, quoteString(url)});
    if (headersEntry &&
        (headersEntry->value.kind != Value::Table || current->httpHeaders != headers))
        edits.push_back({headersEntry->value.begin, headersEntry->value.end, headersText});

    // Missing keys go right after the header, indented like the table's keys.
    const QByteArray eol = lineEnding();
    const QByteArray indent =
        table->entries.empty() ? QByteArray() : indentOf(m_text, table->entries.front().lineBegin);
    QByteArray inserted;
    if (!urlEntry)
        inserted += indent + "url = " + quoteString(url) + eol;
    if (!headersEntry)
        inserted += indent + "http_headers = " + headersText + eol;
    if (!inserted.isEmpty()) {
        const qsizetype insertAt = table->headerEnd;
        if (insertAt == m_text.size() && !m_text.endsWith('\n')) {
            inserted.prepend(eol); // keep "no line ending at the end of the file" as it was
            inserted.chop(eol.size());
        }
        edits.push_back({insertAt, insertAt, inserted});
    }
    if (edits.empty())
        return true;
    return commit(applyEdits(m_text, edits), name, error, [&](const CodexToml &candidate) {
        const std::optional<CodexServer> after = candidate.server(name);
        return after && after->url == url && after->httpHeaders == headers &&
               after->command.isEmpty() && after->args.isEmpty() && after->env.isEmpty() &&
               after->cwd.isEmpty();
    });
}

std::optional<std::pair<qsizetype, qsizetype>> CodexToml::serverSpan(const QString &name) const
{
    if (!m_headerServers.contains(name))
        return std::nullopt;
    const std::optional<Document> doc = scanDocument(m_text, nullptr);
    if (!doc)
        return std::nullopt;
    const auto belongs = [&](const Table &table) {
        return table.path.size() >= 2 && table.path.at(0) == kServers && table.path.at(1) == name;
    };
    size_t first = 0;
    size_t last = 0;
    for (size_t i = 1; i < doc->tables.size(); ++i) {
        if (!belongs(doc->tables.at(i)))
            continue;
        if (first == 0)
            first = i;
        else if (last + 1 != i)
            return std::nullopt; // another table sits between two of the server's tables
        last = i;
    }
    if (first == 0 || doc->tables.at(first).path.size() != 2)
        return std::nullopt;
    return std::make_pair(doc->tables.at(first).headerBegin, contentEnd(doc->tables.at(last)));
}

bool CodexToml::replaceServerText(const QString &name, const QByteArray &raw, QString *error)
{
    const auto span = serverSpan(name);
    if (!span)
        return setError(error, QStringLiteral("[mcp_servers.%1] is not one block of tables; "
                                              "edit it by hand")
                                   .arg(name));
    QByteArray text = m_text;
    text.replace(span->first, span->second - span->first, raw);
    return commit(text, name, error, [&](const CodexToml &candidate) {
        return candidate.serverSpan(name).has_value();
    });
}

bool CodexToml::addServer(const CodexServer &server, QString *error)
{
    if (server.name.isEmpty())
        return setError(error, QStringLiteral("MCP server name is empty"));
    if (this->server(server.name))
        return setError(error, QStringLiteral("MCP server '%1' already exists").arg(server.name));
    if (server.command.isEmpty() == server.url.isEmpty())
        return setError(
            error,
            QStringLiteral("MCP server '%1' needs either a command or a url").arg(server.name));
    const std::optional<Document> doc = scanDocument(m_text, error);
    if (!doc)
        return false;
    for (const Entry &entry : doc->tables.front().entries) {
        if (entry.key == QStringList{kServers})
            return setError(error, QStringLiteral("mcp_servers is an inline table; cannot append "
                                                  "a [mcp_servers.%1] table")
                                       .arg(server.name));
    }

    const QByteArray eol = lineEnding();
    QByteArray block = "[mcp_servers." + quoteKey(server.name) + ']' + eol;
    if (!server.command.isEmpty())
        block += "command = " + quoteString(server.command) + eol;
    if (!server.args.isEmpty())
        block += "args = " + quoteArray(server.args) + eol;
    if (!server.url.isEmpty())
        block += "url = " + quoteString(server.url) + eol;
    if (!server.env.isEmpty()) {
        QByteArrayList pairs;
        for (auto it = server.env.cbegin(); it != server.env.cend(); ++it)
            pairs.append(quoteKey(it.key()) + " = " + quoteString(it.value()));
        block += "env = { " + pairs.join(", ") + " }" + eol;
    }
    if (!server.cwd.isEmpty())
        block += "cwd = " + quoteString(server.cwd) + eol;
    if (!server.enabled)
        block += "enabled = false" + eol;

    const QByteArray separator = m_text.isEmpty()        ? QByteArray()
                                 : m_text.endsWith('\n') ? eol
                                                         : eol + eol;
    return commit(m_text + separator + block, server.name, error, [&](const CodexToml &candidate) {
        return candidate.server(server.name) == std::optional<CodexServer>(server);
    });
}

bool CodexToml::removeServer(const QString &name, QString *error)
{
    if (!editable(name, error))
        return false;
    const std::optional<Document> doc = scanDocument(m_text, error);
    if (!doc)
        return false;
    std::vector<bool> remove(doc->tables.size(), false);
    for (size_t i = 1; i < doc->tables.size(); ++i) {
        const QStringList &p = doc->tables.at(i).path;
        remove[i] = p.size() >= 2 && p.at(0) == kServers && p.at(1) == name;
    }
    return commit(applyEdits(m_text, removeTables(m_text, *doc, remove)), name, error,
                  [&](const CodexToml &candidate) { return !candidate.server(name); });
}

} // namespace manifold
