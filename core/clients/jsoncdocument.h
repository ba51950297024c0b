#pragma once

#include <QByteArray>
#include <QStringList>

#include <memory>
#include <optional>
#include <utility>

class QJsonValue;

namespace manifold {

namespace jsonc {
struct Tree;
}

// A JSON or JSONC text that can be queried and edited in place: every byte outside the edited
// value stays as it was (comments, key order, indentation, line endings, trailing commas, BOM).
//
// Paths are lists of object keys (a key may contain '/' or '.'). With duplicate keys the last one
// wins, as in JavaScript's JSON.parse. Every edit re-parses the result before accepting it, so a
// document never holds text that does not parse.
class JsoncDocument final
{
public:
    // Parses; on failure returns nullopt and sets *error to "line L, column C: what". A broken or
    // empty file is an error, never an empty document. allowComments = false means strict JSON:
    // comments and trailing commas are errors, and edits never introduce either.
    static std::optional<JsoncDocument> parse(const QByteArray &text, QString *error,
                                              bool allowComments = true);

    const QByteArray &text() const { return m_text; }
    bool allowsComments() const { return m_allowComments; }

    bool contains(const QStringList &path) const;
    // Byte range [first, second) of the raw value at path; an empty path is the root value.
    std::optional<std::pair<qsizetype, qsizetype>> valueSpan(const QStringList &path) const;
    // The same for element `element` of the array at path.
    std::optional<std::pair<qsizetype, qsizetype>> elementSpan(const QStringList &path,
                                                               qsizetype element) const;
    // Parsed view of the value at path (comments stripped); Undefined if missing.
    QJsonValue value(const QStringList &path) const;
    // Member names of the object at objectPath in file order (each name once); empty if the path
    // is missing or not an object.
    QStringList keys(const QStringList &objectPath) const;

    // Replaces the existing value at path with value rendered in the file's style: indentation
    // unit and line ending detected from the file, nested containers indented relative to the
    // line the value starts on, arrays of scalars on one line, single-line objects kept on one
    // line. If the current value already equals value nothing changes (keeps hand formatting and
    // makes repeated runs idempotent). Fails if path is missing. QJsonObject sorts its keys; use
    // setValueFromJson to choose the member order.
    bool setValue(const QStringList &path, const QJsonValue &value, QString *error);
    // As setValue, with the new value given as JSON text (member order and number spellings kept;
    // comments in it are dropped).
    bool setValueFromJson(const QStringList &path, const QByteArray &json, QString *error);

    // Replaces the existing value at path with raw text exactly as given (e.g. a value cut from
    // an earlier version of the file); the result must parse.
    bool replaceRaw(const QStringList &path, const QByteArray &raw, QString *error);

    // Appends a new member to the object at objectPath, following the file's indentation, line
    // endings and comma style (if the object's last member has a trailing comma, so does the new
    // one). The new member goes after everything already in the object, including comments that
    // follow the last member; the missing comma goes straight after the last member's value.
    // An empty multi-line-style object `{}` / `{ }` is expanded onto separate lines. Fails if
    // the key exists; missing intermediate objects are created only with createParents.
    bool insertMember(const QStringList &objectPath, const QString &key, const QJsonValue &value,
                      QString *error, bool createParents = false);
    bool insertMemberFromJson(const QStringList &objectPath, const QString &key,
                              const QByteArray &json, QString *error, bool createParents = false);

    // Removes a member and its separating comma. If the member sat alone on its line(s) the whole
    // lines go, including a comment that trails it on its last line; comments on lines of their
    // own (before or after it) stay. Removing the only member of an object that holds no comments
    // leaves `{}`.
    bool removeMember(const QStringList &path, QString *error);

    // Detected style (from the text given to parse(); edits keep following it).
    QByteArray lineEnding() const { return m_lineEnding; } // "\n" or "\r\n"
    QByteArray indentUnit() const { return m_indentUnit; } // e.g. "  ", "    ", "\t"

private:
    struct Edit
    {
        qsizetype pos;
        qsizetype length;
        QByteArray replacement;
    };

    JsoncDocument() = default;
    void detectStyle();
    int findNode(const QStringList &path) const;
    bool findMember(const QStringList &path, int *object, int *member, QString *error) const;
    bool replaceValue(const QStringList &path, const QByteArray &json, QString *error);
    bool insertJson(const QStringList &objectPath, const QString &key, const QByteArray &json,
                    QString *error, bool createParents);
    bool applyEdits(QList<Edit> edits, QString *error);

    QByteArray m_text;
    std::shared_ptr<const jsonc::Tree> m_tree;
    bool m_allowComments = true;
    bool m_pretty = true; // render containers over several lines
    QByteArray m_lineEnding = "\n";
    QByteArray m_indentUnit = "  ";
    QByteArray m_colon = ": "; // separator inside single-line objects
    QByteArray m_comma = ", ";
};

} // namespace manifold
