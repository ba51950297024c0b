#pragma once

// The TOML scanner behind CodexToml (clients/codextoml.h): it tokenizes a whole config.toml into
// tables and `key = value` entries with their byte spans, finds the MCP servers in it, and helps
// splice edits into the original bytes. Internal to CodexToml; kept apart to keep files small.
#include "clients/codextoml.h"

#include <QByteArray>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace manifold::codextoml {

inline const QString kServers = QStringLiteral("mcp_servers");

// TOML's short escapes as (letter, byte) pairs; \e is TOML 1.1, read but never written.
inline constexpr char kEscapes[] = "b\bt\tn\nf\fr\r\"\"\\\\e\x1b";

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

// What the scanned document says about MCP servers, checked for shapes Codex accepts.
struct ServerIndex
{
    QList<CodexServer> servers;
    QSet<QString> headerForm; // has its own [mcp_servers.X] table
    QSet<QString> otherForm;  // has keys outside its own tables (dotted or inline)
};

bool isBareKeyChar(char c);
// The whole text as tables and entries; nullopt (and *error = "line N: ...") if it is not TOML
// this scanner can edit safely.
std::optional<Document> scanDocument(const QByteArray &text, QString *error);
std::optional<ServerIndex> indexServers(const QByteArray &text, const Document &doc, QString *error);
qsizetype contentEnd(const Table &table);
std::vector<Edit> removeTables(const QByteArray &text, const Document &doc,
                               const std::vector<bool> &remove);
QByteArray applyEdits(QByteArray text, std::vector<Edit> edits);
QByteArray quoteArray(const QStringList &items);
const Entry *findEntry(const Table &table, const QString &key);
const Table *findServerTable(const Document &doc, const QString &name);   // [mcp_servers.<name>]
QByteArray indentOf(const QByteArray &text, qsizetype lineBegin);
bool setError(QString *error, const QString &message);

} // namespace manifold::codextoml
