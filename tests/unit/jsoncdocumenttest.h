#pragma once

// Helpers shared by the JsoncDocument tests.

#include "clients/jsoncdocument.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <gtest/gtest.h>

namespace manifold::jsonctest {

inline const QByteArray ShimJson = R"({"command":"/abs/manifold-shim","args":["memory"]})";

inline std::optional<JsoncDocument> load(const QByteArray &text, bool allowComments = true)
{
    QString error;
    auto document = JsoncDocument::parse(text, &error, allowComments);
    EXPECT_TRUE(document) << error.toStdString() << "\n" << text.toStdString();
    return document;
}

inline QString parseError(const QByteArray &text, bool allowComments = true)
{
    QString error;
    EXPECT_FALSE(JsoncDocument::parse(text, &error, allowComments)) << text.toStdString();
    return error;
}

inline QByteArray crlf(QByteArray text)
{
    return text.replace("\n", "\r\n");
}

inline std::string show(const QByteArray &text)
{
    return text.toStdString();
}

// Everything outside [begin, end) of before is byte-identical in after, which re-parses.
inline void expectOnlySpanChanged(const QByteArray &before, const QByteArray &after,
                                  qsizetype begin, qsizetype end, bool allowComments = true)
{
    ASSERT_GE(after.size(), begin + (before.size() - end));
    EXPECT_EQ(show(after.left(begin)), show(before.left(begin)));
    EXPECT_EQ(show(after.right(before.size() - end)), show(before.mid(end)));
    QString error;
    EXPECT_TRUE(JsoncDocument::parse(after, &error, allowComments)) << error.toStdString();
}

inline const QByteArray ClaudeDesktop = R"({
  "mcpServers": {
    "memory": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-memory"]
    },
    "filesystem": {
      "command": "npx",
      "args": [
        "-y",
        "@modelcontextprotocol/server-filesystem",
        "/Users/me/Desktop"
      ]
    }
  },
  "globalShortcut": "Ctrl+Space"
}
)";

} // namespace manifold::jsonctest
