#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>

class QJsonValue;

#include <optional>
#include <vector>

// Internal to JsoncDocument: a tolerant JSON-with-comments scanner that records the byte position
// of every key, value, colon and comma so edits can splice the original text.
namespace manifold::jsonc {

enum class Kind { Object, Array, String, Number, True, False, Null };

struct Member
{
    QString key;            // decoded
    qsizetype keyBegin = 0; // opening quote
    qsizetype keyEnd = 0;   // one past the closing quote
    qsizetype colon = 0;
    int value = -1;       // index into Tree::nodes
    qsizetype comma = -1; // the ',' after the value (possibly a trailing comma), -1 if none
};

struct Node
{
    Kind kind = Kind::Null;
    qsizetype begin = 0;   // first byte of the value
    qsizetype end = 0;     // one past its last byte ('}' or ']' for containers)
    QList<Member> members; // objects, in file order
    QList<int> elements;   // arrays
};

struct Tree
{
    std::vector<Node> nodes;
    int root = -1;
    qsizetype bomSize = 0; // a UTF-8 byte order mark is kept in the text and skipped here

    const Node &node(int index) const { return nodes[static_cast<size_t>(index)]; }
};

struct Error
{
    qsizetype offset = 0;
    QString message;
};

// Parses one JSON value. With allowComments, // and /* */ comments and trailing commas are
// accepted (JSONC as VS Code reads it); without, the text must be strict JSON.
std::optional<Tree> parse(QByteArrayView text, bool allowComments, Error *error);

// Decodes a string literal that parse() accepted (quotes included).
QString decodeString(QByteArrayView literal);

// A JSON string literal for s: UTF-8, only quote, backslash and control characters escaped.
QByteArray encodeString(const QString &s);

// The parsed value of a node (comments dropped; for duplicate keys the last one wins).
QJsonValue toJsonValue(const Tree &tree, QByteArrayView text, int index);

// "line L, column C" for a byte offset; columns count characters, not bytes.
QString describePosition(QByteArrayView text, qsizetype offset);

} // namespace manifold::jsonc
