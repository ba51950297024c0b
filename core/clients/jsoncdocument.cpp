#include "jsoncdocument.h"

#include <algorithm>

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>
#include <QSet>

#include "clients/jsoncscanner.h"

namespace manifold {
namespace {

using jsonc::Kind;
using jsonc::Node;
using jsonc::Tree;

QString tr(const char *text)
{
    return QCoreApplication::translate("manifold::JsoncDocument", text);
}

void setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
}

QString describePath(const QStringList &path)
{
    QStringList quoted;
    for (const QString &key : path)
        quoted.append(QLatin1Char('"') + key + QLatin1Char('"'));
    return quoted.isEmpty() ? tr("the root value") : quoted.join(QLatin1String(" > "));
}

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

bool isSpace(char c)
{
    return isBlank(c) || c == '\n' || c == '\r';
}

bool hasLineBreak(QByteArrayView text, qsizetype from, qsizetype to)
{
    for (qsizetype i = from; i < to; ++i) {
        if (text[i] == '\n' || text[i] == '\r')
            return true;
    }
    return false;
}

bool allSpace(QByteArrayView text, qsizetype from, qsizetype to)
{
    for (qsizetype i = from; i < to; ++i) {
        if (!isSpace(text[i]))
            return false;
    }
    return true;
}

// One past the last non-whitespace byte in [from, to), or -1. Between tokens that byte can only
// belong to a comment or a comma.
qsizetype lastNonSpaceEnd(QByteArrayView text, qsizetype from, qsizetype to)
{
    for (qsizetype i = to - 1; i >= from; --i) {
        if (!isSpace(text[i]))
            return i + 1;
    }
    return -1;
}

// Line geometry over the text; the BOM does not count as indentation.
class Lines final
{
public:
    Lines(QByteArrayView text, qsizetype bomSize) : m_text(text), m_bomSize(bomSize) {}

    qsizetype start(qsizetype pos) const
    {
        while (pos > m_bomSize && m_text[pos - 1] != '\n' && m_text[pos - 1] != '\r')
            --pos;
        return pos;
    }

    QByteArray indent(qsizetype pos) const
    {
        const qsizetype begin = start(pos);
        qsizetype end = begin;
        while (end < m_text.size() && isBlank(m_text[end]))
            ++end;
        return m_text.sliced(begin, end - begin).toByteArray();
    }

    bool startsLine(qsizetype pos) const
    {
        for (qsizetype i = start(pos); i < pos; ++i) {
            if (!isBlank(m_text[i]))
                return false;
        }
        return true;
    }

    // If only blanks and comments follow pos up to the end of its line: the offset just past that
    // line's line break. Otherwise -1.
    qsizetype restOfLineEnd(qsizetype pos) const
    {
        const qsizetype size = m_text.size();
        for (;;) {
            while (pos < size && isBlank(m_text[pos]))
                ++pos;
            if (pos + 1 < size && m_text[pos] == '/' && m_text[pos + 1] == '/') {
                while (pos < size && m_text[pos] != '\n' && m_text[pos] != '\r')
                    ++pos;
            } else if (pos + 1 < size && m_text[pos] == '/' && m_text[pos + 1] == '*') {
                const qsizetype close = m_text.indexOf(QByteArrayView("*/"), pos + 2);
                if (close < 0 || hasLineBreak(m_text, pos, close))
                    return -1;
                pos = close + 2;
                continue;
            }
            break;
        }
        if (pos >= size)
            return size;
        if (m_text[pos] == '\r')
            return pos + 1 < size && m_text[pos + 1] == '\n' ? pos + 2 : pos + 1;
        return m_text[pos] == '\n' ? pos + 1 : -1;
    }

private:
    QByteArrayView m_text;
    qsizetype m_bomSize;
};

struct RenderStyle
{
    QByteArray eol;
    QByteArray unit;
    QByteArray colon;
    QByteArray comma;
};

bool isNonEmptyContainer(const Node &node)
{
    return !node.members.isEmpty() || !node.elements.isEmpty();
}

// Renders a value of a parsed snippet. Multi-line containers put each child on its own line, one
// unit deeper than indent (the indentation of the line the value starts on); arrays holding only
// scalars and empty containers stay on one line.
void render(const Tree &tree, QByteArrayView src, int index, const QByteArray &indent,
            bool multiLine, const RenderStyle &style, QByteArray &out)
{
    const Node &node = tree.node(index);
    const auto raw = [&src](qsizetype begin, qsizetype end) {
        return src.sliced(begin, end - begin);
    };
    const QByteArray inner = indent + style.unit;
    if (node.kind == Kind::Object) {
        if (node.members.isEmpty()) {
            out += "{}";
            return;
        }
        out += '{';
        for (qsizetype i = 0; i < node.members.size(); ++i) {
            const jsonc::Member &member = node.members[i];
            if (multiLine)
                out += style.eol + inner;
            else if (i > 0)
                out += style.comma;
            out += raw(member.keyBegin, member.keyEnd);
            out += style.colon;
            render(tree, src, member.value, inner, multiLine, style, out);
            if (multiLine && i + 1 < node.members.size())
                out += ',';
        }
        if (multiLine)
            out += style.eol + indent;
        out += '}';
        return;
    }
    if (node.kind == Kind::Array) {
        const bool nested =
            std::any_of(node.elements.cbegin(), node.elements.cend(),
                        [&tree](int e) { return isNonEmptyContainer(tree.node(e)); });
        const bool lines = multiLine && nested;
        out += '[';
        for (qsizetype i = 0; i < node.elements.size(); ++i) {
            if (lines)
                out += style.eol + inner;
            else if (i > 0)
                out += style.comma;
            render(tree, src, node.elements[i], inner, multiLine, style, out);
            if (lines && i + 1 < node.elements.size())
                out += ',';
        }
        if (lines)
            out += style.eol + indent;
        out += ']';
        return;
    }
    out += raw(node.begin, node.end);
}

std::optional<QByteArray> toJsonText(const QJsonValue &value, QString *error)
{
    if (value.isUndefined()) {
        setError(error, tr("cannot write an undefined JSON value"));
        return std::nullopt;
    }
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

struct Snippet
{
    QByteArray text;
    Tree tree;
};

std::optional<Snippet> parseSnippet(const QByteArray &json, QString *error)
{
    jsonc::Error parseError;
    auto tree = jsonc::parse(json, true, &parseError);
    if (!tree) {
        setError(error,
                 tr("invalid JSON value (%1: %2)")
                     .arg(jsonc::describePosition(json, parseError.offset), parseError.message));
        return std::nullopt;
    }
    return Snippet{json, std::move(*tree)};
}

} // namespace

std::optional<JsoncDocument> JsoncDocument::parse(const QByteArray &text, QString *error,
                                                  bool allowComments)
{
    jsonc::Error parseError;
    auto tree = jsonc::parse(text, allowComments, &parseError);
    if (!tree) {
        setError(error, jsonc::describePosition(text, parseError.offset) + QLatin1String(": ") +
                            parseError.message);
        return std::nullopt;
    }
    JsoncDocument document;
    document.m_text = text;
    document.m_allowComments = allowComments;
    document.m_tree = std::make_shared<const Tree>(std::move(*tree));
    document.detectStyle();
    return document;
}

void JsoncDocument::detectStyle()
{
    const Tree &tree = *m_tree;
    const Lines lines(m_text, tree.bomSize);

    qsizetype crlf = 0;
    qsizetype lf = 0;
    for (qsizetype i = m_text.indexOf('\n'); i >= 0; i = m_text.indexOf('\n', i + 1))
        ++(i > 0 && m_text[i - 1] == '\r' ? crlf : lf);
    m_lineEnding = crlf > lf ? QByteArray("\r\n") : QByteArray("\n");

    // A file written on one line (minified) gets single-line edits; an empty root object tells
    // nothing, so it gets the usual pretty layout.
    const Node &root = tree.node(tree.root);
    m_pretty = !isNonEmptyContainer(root) || hasLineBreak(m_text, root.begin, root.end);

    // Indent unit: the most common step between a container's line and its children's lines.
    QList<std::pair<QByteArray, int>> steps;
    bool colonSeen = false;
    bool commaSeen = false;
    for (const Node &node : tree.nodes) {
        if (!isNonEmptyContainer(node))
            continue;
        const QByteArray parentIndent = lines.indent(node.begin);
        QList<qsizetype> childStarts;
        for (qsizetype i = 0; i < node.members.size(); ++i) {
            const jsonc::Member &member = node.members[i];
            childStarts.append(member.keyBegin);
            if (!colonSeen) {
                colonSeen = true;
                m_colon = member.colon + 1 == tree.node(member.value).begin ? ":" : ": ";
            }
            // Only a comma followed by more on the same line shows the single-line style.
            if (!commaSeen && i + 1 < node.members.size() && m_text[member.comma + 1] != '\n' &&
                m_text[member.comma + 1] != '\r') {
                commaSeen = true;
                m_comma = isBlank(m_text[member.comma + 1]) ? ", " : ",";
            }
        }
        for (const int element : node.elements)
            childStarts.append(tree.node(element).begin);
        for (const qsizetype start : childStarts) {
            if (!lines.startsLine(start))
                continue;
            const qsizetype lineStart = lines.start(start);
            if (start - lineStart <= parentIndent.size())
                continue;
            const QByteArray childIndent = m_text.mid(lineStart, start - lineStart);
            if (!childIndent.startsWith(parentIndent))
                continue;
            const QByteArray step = childIndent.mid(parentIndent.size());
            auto it = std::find_if(steps.begin(), steps.end(),
                                   [&step](const auto &entry) { return entry.first == step; });
            if (it == steps.end())
                steps.append({step, 1});
            else
                ++it->second;
        }
    }
    if (!commaSeen)
        m_comma = m_colon == ":" ? QByteArray(",") : QByteArray(", ");
    if (!steps.isEmpty()) {
        m_indentUnit =
            std::max_element(steps.cbegin(), steps.cend(), [](const auto &a, const auto &b) {
                return a.second < b.second;
            })->first;
    }
}

int JsoncDocument::findNode(const QStringList &path) const
{
    int current = m_tree->root;
    for (const QString &key : path) {
        const Node &node = m_tree->node(current);
        if (node.kind != Kind::Object)
            return -1;
        const auto it = std::find_if(node.members.crbegin(), node.members.crend(),
                                     [&key](const jsonc::Member &m) { return m.key == key; });
        if (it == node.members.crend())
            return -1;
        current = it->value;
    }
    return current;
}

bool JsoncDocument::findMember(const QStringList &path, int *object, int *member,
                               QString *error) const
{
    if (path.isEmpty()) {
        setError(error, tr("the root value is not a member"));
        return false;
    }
    *object = findNode(path.mid(0, path.size() - 1));
    if (*object >= 0 && m_tree->node(*object).kind == Kind::Object) {
        const auto &members = m_tree->node(*object).members;
        for (qsizetype i = members.size() - 1; i >= 0; --i) {
            if (members[i].key == path.constLast()) {
                *member = static_cast<int>(i);
                return true;
            }
        }
    }
    setError(error, tr("%1 does not exist").arg(describePath(path)));
    return false;
}

bool JsoncDocument::contains(const QStringList &path) const
{
    return findNode(path) >= 0;
}

std::optional<std::pair<qsizetype, qsizetype>>
JsoncDocument::valueSpan(const QStringList &path) const
{
    const int index = findNode(path);
    if (index < 0)
        return std::nullopt;
    const Node &node = m_tree->node(index);
    return std::make_pair(node.begin, node.end);
}

std::optional<std::pair<qsizetype, qsizetype>>
JsoncDocument::elementSpan(const QStringList &path, qsizetype element) const
{
    const int index = findNode(path);
    if (index < 0 || m_tree->node(index).kind != Kind::Array || element < 0 ||
        element >= m_tree->node(index).elements.size())
        return std::nullopt;
    const Node &node = m_tree->node(m_tree->node(index).elements.at(element));
    return std::make_pair(node.begin, node.end);
}

QJsonValue JsoncDocument::value(const QStringList &path) const
{
    const int index = findNode(path);
    return index < 0 ? QJsonValue(QJsonValue::Undefined)
                     : jsonc::toJsonValue(*m_tree, m_text, index);
}

QStringList JsoncDocument::keys(const QStringList &objectPath) const
{
    QStringList result;
    const int index = findNode(objectPath);
    if (index < 0)
        return result;
    QSet<QString> seen;
    for (const jsonc::Member &member : m_tree->node(index).members) {
        if (!seen.contains(member.key)) {
            seen.insert(member.key);
            result.append(member.key);
        }
    }
    return result;
}

bool JsoncDocument::setValue(const QStringList &path, const QJsonValue &value, QString *error)
{
    const auto json = toJsonText(value, error);
    return json && replaceValue(path, *json, error);
}

bool JsoncDocument::setValueFromJson(const QStringList &path, const QByteArray &json,
                                     QString *error)
{
    return replaceValue(path, json, error);
}

bool JsoncDocument::replaceRaw(const QStringList &path, const QByteArray &raw, QString *error)
{
    const int index = findNode(path);
    if (index < 0) {
        setError(error, tr("%1 does not exist").arg(describePath(path)));
        return false;
    }
    const Node &node = m_tree->node(index);
    return applyEdits({{node.begin, node.end - node.begin, raw}}, error);
}

bool JsoncDocument::insertMember(const QStringList &objectPath, const QString &key,
                                 const QJsonValue &value, QString *error, bool createParents)
{
    const auto json = toJsonText(value, error);
    return json && insertJson(objectPath, key, *json, error, createParents);
}

bool JsoncDocument::insertMemberFromJson(const QStringList &objectPath, const QString &key,
                                         const QByteArray &json, QString *error, bool createParents)
{
    return insertJson(objectPath, key, json, error, createParents);
}

bool JsoncDocument::replaceValue(const QStringList &path, const QByteArray &json, QString *error)
{
    const auto snippet = parseSnippet(json, error);
    if (!snippet)
        return false;
    const int index = findNode(path);
    if (index < 0) {
        setError(error, tr("%1 does not exist").arg(describePath(path)));
        return false;
    }
    const QJsonValue wanted = jsonc::toJsonValue(snippet->tree, snippet->text, snippet->tree.root);
    if (jsonc::toJsonValue(*m_tree, m_text, index) == wanted)
        return true;

    // Stay on one line inside a single-line parent ({"env": {...}} written inline).
    bool multiLine = m_pretty;
    if (!path.isEmpty()) {
        const Node &parent = m_tree->node(findNode(path.mid(0, path.size() - 1)));
        multiLine = multiLine && hasLineBreak(m_text, parent.begin, parent.end);
    }
    const Node &node = m_tree->node(index);
    const Lines lines(m_text, m_tree->bomSize);
    QByteArray rendered;
    render(snippet->tree, snippet->text, snippet->tree.root, lines.indent(node.begin), multiLine,
           {m_lineEnding, m_indentUnit, m_colon, m_comma}, rendered);
    return applyEdits({{node.begin, node.end - node.begin, rendered}}, error);
}

bool JsoncDocument::insertJson(const QStringList &objectPath, const QString &key,
                               const QByteArray &json, QString *error, bool createParents)
{
    // Find the object to insert into; with createParents the first missing step becomes the new
    // member and the rest of the path nests inside its value.
    QString memberKey = key;
    QByteArray memberJson = json;
    int target = m_tree->root;
    for (qsizetype i = 0; i < objectPath.size(); ++i) {
        if (m_tree->node(target).kind != Kind::Object)
            break;
        const int next = findNode(objectPath.mid(0, i + 1));
        if (next >= 0) {
            target = next;
            continue;
        }
        if (!createParents) {
            setError(error, tr("%1 does not exist").arg(describePath(objectPath.mid(0, i + 1))));
            return false;
        }
        memberJson = "{" + jsonc::encodeString(key) + ":" + json + "}";
        for (qsizetype j = objectPath.size() - 1; j > i; --j)
            memberJson = "{" + jsonc::encodeString(objectPath[j]) + ":" + memberJson + "}";
        memberKey = objectPath[i];
        break;
    }
    const auto snippet = parseSnippet(memberJson, error);
    if (!snippet)
        return false;
    const Node &object = m_tree->node(target);
    if (object.kind != Kind::Object) {
        setError(error, tr("%1 is not an object").arg(describePath(objectPath)));
        return false;
    }
    if (std::any_of(object.members.cbegin(), object.members.cend(),
                    [&memberKey](const jsonc::Member &m) { return m.key == memberKey; })) {
        setError(error,
                 tr("%1 already exists").arg(describePath(objectPath + QStringList{memberKey})));
        return false;
    }

    const Lines lines(m_text, m_tree->bomSize);
    const RenderStyle style{m_lineEnding, m_indentUnit, m_colon, m_comma};
    const qsizetype open = object.begin;
    const qsizetype close = object.end - 1;
    const bool singleLine = !hasLineBreak(m_text, open, close);
    const auto member = [&](const QByteArray &indent, bool multiLine) {
        QByteArray out = jsonc::encodeString(memberKey) + m_colon;
        render(snippet->tree, snippet->text, snippet->tree.root, indent, multiLine, style, out);
        return out;
    };
    // Inside a single-line object, space the new member like the object's own members.
    bool spaced = m_comma.endsWith(' ');
    if (object.members.size() > 1)
        spaced = isBlank(m_text[object.members.constFirst().comma + 1]);
    const QByteArray separator = spaced ? QByteArray(" ") : QByteArray();

    if (object.members.isEmpty()) {
        const qsizetype commentEnd = lastNonSpaceEnd(m_text, open + 1, close);
        const QByteArray braceIndent = lines.indent(open);
        const QByteArray indent = braceIndent + m_indentUnit;
        if (commentEnd < 0 && !m_pretty)
            return applyEdits({{open + 1, close - open - 1, member(indent, false)}}, error);
        if (commentEnd < 0) {
            const QByteArray expanded =
                m_lineEnding + indent + member(indent, true) + m_lineEnding + braceIndent;
            return applyEdits({{open + 1, close - open - 1, expanded}}, error);
        }
        // Only comments inside: the new member goes after them.
        if (singleLine)
            return applyEdits({{commentEnd, 0, " " + member(indent, false)}}, error);
        return applyEdits({{commentEnd, 0, m_lineEnding + indent + member(indent, m_pretty)}},
                          error);
    }

    const jsonc::Member &last = object.members.constLast();
    const qsizetype valueEnd = m_tree->node(last.value).end;
    const bool trailingComma = last.comma >= 0;
    const qsizetype tailStart = trailingComma ? last.comma + 1 : valueEnd;
    const qsizetype insertAt = std::max(tailStart, lastNonSpaceEnd(m_text, tailStart, close));
    const QByteArray ending = trailingComma ? QByteArray(",") : QByteArray();
    QList<Edit> edits;
    if (!trailingComma)
        edits.append({valueEnd, 0, ","});
    if (singleLine) {
        edits.append({insertAt, 0, separator + member(lines.indent(open), false) + ending});
    } else {
        const QByteArray indent = lines.startsLine(last.keyBegin)
                                      ? lines.indent(last.keyBegin)
                                      : lines.indent(open) + m_indentUnit;
        edits.append({insertAt, 0, m_lineEnding + indent + member(indent, m_pretty) + ending});
    }
    return applyEdits(edits, error);
}

bool JsoncDocument::removeMember(const QStringList &path, QString *error)
{
    int objectIndex = -1;
    int memberIndex = -1;
    if (!findMember(path, &objectIndex, &memberIndex, error))
        return false;
    const Node &object = m_tree->node(objectIndex);
    const jsonc::Member &member = object.members[memberIndex];
    const qsizetype valueEnd = m_tree->node(member.value).end;
    const qsizetype begin = member.keyBegin;
    const qsizetype end = member.comma >= 0 ? member.comma + 1 : valueEnd;

    // The only member and no comments around it: leave a clean {}.
    if (object.members.size() == 1 && allSpace(m_text, object.begin + 1, begin) &&
        allSpace(m_text, end, object.end - 1))
        return applyEdits({{object.begin + 1, object.end - object.begin - 2, {}}}, error);

    // The last member without a trailing comma takes the previous member's comma with it.
    const qsizetype previousComma =
        member.comma < 0 && memberIndex > 0 ? object.members[memberIndex - 1].comma : -1;
    const Lines lines(m_text, m_tree->bomSize);
    const qsizetype lineEnd = lines.startsLine(begin) ? lines.restOfLineEnd(end) : -1;
    QList<Edit> edits;
    if (previousComma >= 0 && lineEnd < 0 && allSpace(m_text, previousComma + 1, begin)) {
        edits.append({previousComma, end - previousComma, {}});
        return applyEdits(edits, error);
    }
    if (previousComma >= 0)
        edits.append({previousComma, 1, {}});
    if (lineEnd >= 0) {
        const qsizetype lineStart = lines.start(begin);
        edits.append({lineStart, lineEnd - lineStart, {}});
    } else {
        qsizetype stop = end;
        while (member.comma >= 0 && stop < m_text.size() && isBlank(m_text[stop]))
            ++stop;
        edits.append({begin, stop - begin, {}});
    }
    return applyEdits(edits, error);
}

bool JsoncDocument::applyEdits(QList<Edit> edits, QString *error)
{
    // Back to front so offsets stay valid; at equal offsets the edit listed first ends up first.
    QList<qsizetype> order(edits.size());
    for (qsizetype i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&edits](qsizetype a, qsizetype b) {
        return edits[a].pos != edits[b].pos ? edits[a].pos > edits[b].pos : a > b;
    });
    QByteArray text = m_text;
    for (const qsizetype i : order)
        text.replace(edits[i].pos, edits[i].length, edits[i].replacement);

    jsonc::Error parseError;
    auto tree = jsonc::parse(text, m_allowComments, &parseError);
    if (!tree) {
        setError(error,
                 tr("the edit would not leave valid JSON (%1: %2); the text is unchanged")
                     .arg(jsonc::describePosition(text, parseError.offset), parseError.message));
        return false;
    }
    m_text = std::move(text);
    m_tree = std::make_shared<const Tree>(std::move(*tree));
    return true;
}

} // namespace manifold
