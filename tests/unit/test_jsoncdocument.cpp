#include "jsoncdocumenttest.h"

using namespace manifold;
using namespace manifold::jsonctest;

// ---- parsing ----

TEST(JsoncDocumentParse, ReadsStandardJson)
{
    const auto doc = load(R"({"a": 1, "b": [true, false, null, -2.5e3, "x"], "c": {"d": {}}})");
    ASSERT_TRUE(doc);
    EXPECT_EQ(doc->keys({}), (QStringList{"a", "b", "c"}));
    EXPECT_EQ(doc->value({"a"}), QJsonValue(1));
    EXPECT_EQ(doc->value({"b"}),
              QJsonValue(QJsonArray{true, false, QJsonValue::Null, -2500.0, "x"}));
    EXPECT_EQ(doc->value({"c", "d"}), QJsonValue(QJsonObject{}));
    EXPECT_TRUE(doc->value({"c", "missing"}).isUndefined());
    EXPECT_TRUE(doc->value({"a", "notAnObject"}).isUndefined());
    EXPECT_TRUE(doc->contains({"c", "d"}));
    EXPECT_FALSE(doc->contains({"zz"}));
    EXPECT_EQ(doc->keys({"b"}), QStringList{});
}

TEST(JsoncDocumentParse, KeepsKeyOrderAndReportsSpans)
{
    const QByteArray text = R"({"zeta": 1, "alpha": {"inner": [1, 2]}, "mid": "x"})";
    const auto doc = load(text);
    ASSERT_TRUE(doc);
    EXPECT_EQ(doc->keys({}), (QStringList{"zeta", "alpha", "mid"}));
    const auto span = doc->valueSpan({"alpha"});
    ASSERT_TRUE(span);
    EXPECT_EQ(text.mid(span->first, span->second - span->first), R"({"inner": [1, 2]})");
    const auto root = doc->valueSpan({});
    ASSERT_TRUE(root);
    EXPECT_EQ(root->first, 0);
    EXPECT_EQ(root->second, text.size());
    EXPECT_FALSE(doc->valueSpan({"nope"}));
}

TEST(JsoncDocumentParse, AcceptsCommentsAnywhere)
{
    const QByteArray text =
        "// leading comment\n"
        "/* block */ {\n"
        "  \"a\" /* between key and colon */ : /* after colon */ 1, // after comma\n"
        "  // own line\n"
        "  \"b\": [ /* in array */ 1, // x\n 2 /* y */ ],\n"
        "  \"c\": \"has // and /* inside */ and \\\"quotes\\\"\"\n"
        "} // trailing\n"
        "/* at end of file */";
    const auto doc = load(text);
    ASSERT_TRUE(doc);
    EXPECT_EQ(doc->keys({}), (QStringList{"a", "b", "c"}));
    EXPECT_EQ(doc->value({"a"}), QJsonValue(1));
    EXPECT_EQ(doc->value({"b"}), QJsonValue(QJsonArray{1, 2}));
    EXPECT_EQ(doc->value({"c"}).toString(), "has // and /* inside */ and \"quotes\"");
}

TEST(JsoncDocumentParse, AcceptsTrailingCommas)
{
    const auto doc = load("{\"a\": [1, 2,], \"b\": {\"c\": 1,},}");
    ASSERT_TRUE(doc);
    EXPECT_EQ(doc->value({"a"}), QJsonValue(QJsonArray{1, 2}));
    EXPECT_EQ(doc->value({"b", "c"}), QJsonValue(1));
}

TEST(JsoncDocumentParse, HandlesCrlfBomAndNonAscii)
{
    const QByteArray text =
        "\xEF\xBB\xBF" +
        crlf("{\n    \"n\u00e4me\": \"gr\u00fc\u00df \u2713 \xF0\x9F\x98\x80\"\n}\n");
    const auto doc = load(text);
    ASSERT_TRUE(doc);
    EXPECT_EQ(doc->text(), text);
    EXPECT_EQ(doc->lineEnding(), "\r\n");
    EXPECT_EQ(doc->indentUnit(), "    ");
    EXPECT_EQ(doc->keys({}), QStringList{QString::fromUtf8("n\u00e4me")});
    EXPECT_EQ(doc->value({QString::fromUtf8("n\u00e4me")}).toString(),
              QString::fromUtf8("gr\u00fc\u00df \u2713 \xF0\x9F\x98\x80"));
}

TEST(JsoncDocumentParse, DecodesUnicodeEscapesInKeysAndValues)
{
    const auto doc = load(R"({"caf\u00e9": "\u00fc\ud83d\ude00\n\t\/\\", "\u0041": {"\"q\"": 1}})");
    ASSERT_TRUE(doc);
    EXPECT_EQ(doc->keys({}), (QStringList{QString::fromUtf8("caf\u00e9"), "A"}));
    EXPECT_EQ(doc->value({QString::fromUtf8("caf\u00e9")}).toString(),
              QString::fromUtf8("\u00fc\xF0\x9F\x98\x80\n\t/\\"));
    EXPECT_EQ(doc->value({"A", "\"q\""}), QJsonValue(1));
}

TEST(JsoncDocumentParse, DuplicateKeysLastOneWins)
{
    const auto doc = load(R"({"a": 1, "b": 2, "a": 3})");
    ASSERT_TRUE(doc);
    EXPECT_EQ(doc->keys({}), (QStringList{"a", "b"}));
    EXPECT_EQ(doc->value({"a"}), QJsonValue(3));
}

TEST(JsoncDocumentParse, ReportsLineAndColumn)
{
    EXPECT_EQ(parseError("{\n  \"a\": 1\n"),
              "line 3, column 1: unexpected end of file, expected ',' or '}'");
    EXPECT_EQ(parseError("{\n  \"a\": 1,\n  \"b\" 2\n}"),
              "line 3, column 7: expected ':', found '2'");
    EXPECT_EQ(parseError(crlf("{\n  \"\u00e4\u00e4\": x\n}")),
              "line 2, column 9: expected a value, found 'x'");
    EXPECT_EQ(parseError("\xEF\xBB\xBF{\"a\": 1}}"),
              "line 1, column 9: unexpected text after the end of the JSON value");
    EXPECT_EQ(parseError("{\"a\": \"open\n}"), "line 1, column 7: unterminated string");
}

TEST(JsoncDocumentParse, RejectsBrokenFiles)
{
    const QList<QByteArray> broken = {"",
                                      "   \n",
                                      "// only a comment\n",
                                      "{",
                                      "{\"a\": 1",
                                      "{\"a\": {\"b\": 1}",
                                      "{\"a\": 1}}",
                                      "[1, 2",
                                      "[1 2]",
                                      "]",
                                      "hello",
                                      "{\"a\" 1}",
                                      "{a: 1}",
                                      "{'a': 1}",
                                      "{\"a\": 01}",
                                      "{\"a\": 1.}",
                                      "{\"a\": -}",
                                      "{\"a\": tru}",
                                      "{\"a\": \"bad \\x escape\"}",
                                      "{\"a\": \"\\u12\"}",
                                      "{\"a\": \"tab\there\"}",
                                      "{\"a\": 1 /* unterminated",
                                      "{,}",
                                      "[,]",
                                      "{\"a\": 1,,}",
                                      "{\"a\": 1} {\"b\": 2}",
                                      "{\"a\": 1 / 2}",
                                      QByteArray("{\"a\":\0}", 7)};
    for (const QByteArray &text : broken) {
        const QString error = parseError(text);
        EXPECT_TRUE(error.startsWith("line ")) << show(text) << " -> " << error.toStdString();
    }
}

TEST(JsoncDocumentParse, StrictModeRejectsCommentsAndTrailingCommas)
{
    EXPECT_EQ(parseError("{\n  // hi\n  \"a\": 1\n}", false),
              "line 2, column 3: comments are not allowed in this file");
    EXPECT_EQ(parseError("{\"a\": 1 /* c */}", false),
              "line 1, column 9: comments are not allowed in this file");
    EXPECT_EQ(parseError("{\"a\": 1,}", false), "line 1, column 8: trailing comma is not allowed");
    EXPECT_EQ(parseError("{\"a\": [1,]}", false),
              "line 1, column 9: trailing comma is not allowed");
    const auto doc = load(ClaudeDesktop, false);
    ASSERT_TRUE(doc);
    EXPECT_FALSE(doc->allowsComments());
    EXPECT_TRUE(load("{\"url\": \"http://x/*y*/\"}", false));
}

TEST(JsoncDocumentParse, RejectsAbsurdNestingWithoutCrashing)
{
    EXPECT_FALSE(parseError(QByteArray(100000, '[') + QByteArray(100000, ']')).isEmpty());
    EXPECT_TRUE(load(QByteArray(200, '[') + QByteArray(200, ']')));
}

TEST(JsoncDocumentParse, DetectsStyle)
{
    struct Case
    {
        QByteArray text;
        QByteArray eol;
        QByteArray unit;
    };
    const QList<Case> cases = {
        {ClaudeDesktop, "\n", "  "},
        {crlf("{\n    \"a\": {\n        \"b\": 1\n    }\n}\n"), "\r\n", "    "},
        {"{\n\t\"a\": {\n\t\t\"b\": [\n\t\t\t1\n\t\t]\n\t}\n}", "\n", "\t"},
        {"{}", "\n", "  "},
        {"{\"a\":{\"b\":1}}", "\n", "  "},
        {"{\n   \"odd\": 1\n}", "\n", "   "},
    };
    for (const Case &c : cases) {
        const auto doc = load(c.text);
        ASSERT_TRUE(doc);
        EXPECT_EQ(doc->lineEnding(), c.eol) << show(c.text);
        EXPECT_EQ(doc->indentUnit(), c.unit) << show(c.text);
    }
}

// ---- setValue ----

TEST(JsoncDocumentSetValue, ReplacesOnlyTheValueInClaudeDesktopFile)
{
    auto doc = load(ClaudeDesktop);
    ASSERT_TRUE(doc);
    const auto span = doc->valueSpan({"mcpServers", "memory"});
    ASSERT_TRUE(span);
    QString error;
    ASSERT_TRUE(doc->setValueFromJson({"mcpServers", "memory"}, ShimJson, &error))
        << error.toStdString();
    expectOnlySpanChanged(ClaudeDesktop, doc->text(), span->first, span->second);
    const QByteArray expected = R"({
  "mcpServers": {
    "memory": {
      "command": "/abs/manifold-shim",
      "args": ["memory"]
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
    EXPECT_EQ(show(doc->text()), show(expected));
    EXPECT_EQ(doc->value({"mcpServers", "memory", "args"}), QJsonValue(QJsonArray{"memory"}));
}

TEST(JsoncDocumentSetValue, UsesCrlfAndFourSpaces)
{
    const QByteArray text = crlf("{\n    \"mcpServers\": {\n        \"memory\": {\"command\": "
                                 "\"npx\", \"args\": [\"-y\", \"x\"]}\n    }\n}\n");
    auto doc = load(text);
    ASSERT_TRUE(doc);
    const auto span = doc->valueSpan({"mcpServers", "memory"});
    QString error;
    ASSERT_TRUE(doc->setValueFromJson({"mcpServers", "memory"}, ShimJson, &error));
    expectOnlySpanChanged(text, doc->text(), span->first, span->second);
    EXPECT_EQ(show(doc->text()),
              show(crlf("{\n    \"mcpServers\": {\n        \"memory\": {\n            \"command\": "
                        "\"/abs/manifold-shim\",\n"
                        "            \"args\": [\"memory\"]\n        }\n    }\n}\n")));
    EXPECT_EQ(doc->text().count('\n'), doc->text().count("\r\n"));
}

TEST(JsoncDocumentSetValue, UsesTabs)
{
    const QByteArray text =
        "{\n\t\"mcpServers\": {\n\t\t\"memory\": {\n\t\t\t\"command\": \"npx\"\n\t\t}\n\t}\n}";
    auto doc = load(text);
    ASSERT_TRUE(doc);
    QString error;
    ASSERT_TRUE(doc->setValueFromJson(
        {"mcpServers", "memory"},
        R"({"command":"/abs/manifold-shim","args":["memory"],"env":{"A":"1"}})", &error));
    EXPECT_EQ(show(doc->text()), show("{\n\t\"mcpServers\": {\n\t\t\"memory\": "
                                      "{\n\t\t\t\"command\": \"/abs/manifold-shim\",\n"
                                      "\t\t\t\"args\": [\"memory\"],\n\t\t\t\"env\": "
                                      "{\n\t\t\t\t\"A\": \"1\"\n\t\t\t}\n\t\t}\n\t}\n}"));
}

TEST(JsoncDocumentSetValue, IsIdempotent)
{
    auto doc = load(ClaudeDesktop);
    ASSERT_TRUE(doc);
    QString error;
    ASSERT_TRUE(doc->setValueFromJson({"mcpServers", "memory"}, ShimJson, &error));
    const QByteArray once = doc->text();
    ASSERT_TRUE(doc->setValueFromJson({"mcpServers", "memory"}, ShimJson, &error));
    EXPECT_EQ(doc->text(), once);
    ASSERT_TRUE(doc->setValue({"mcpServers", "memory"}, QJsonDocument::fromJson(ShimJson).object(),
                              &error));
    EXPECT_EQ(doc->text(), once);
    // A fresh parse of the result followed by the same edit changes nothing either.
    auto again = load(once);
    ASSERT_TRUE(again->setValueFromJson({"mcpServers", "memory"}, ShimJson, &error));
    EXPECT_EQ(again->text(), once);
}

TEST(JsoncDocumentSetValue, EqualValueKeepsHandFormatting)
{
    const QByteArray text = "{\"a\": {  \"x\" : 1 ,\"y\":[ 1,2 ] } // keep\n}";
    auto doc = load(text);
    QString error;
    ASSERT_TRUE(doc->setValueFromJson({"a"}, R"({"y":[1,2],"x":1.0})", &error));
    EXPECT_EQ(doc->text(), text);
}

TEST(JsoncDocumentSetValue, ReplacesScalarsAndKeepsSingleLineParentsInline)
{
    const QByteArray text =
        "{\n  // note\n  \"s\": \"old\", /* c */\n  \"env\": {\"A\": \"1\", \"B\": \"2\"}\n}\n";
    auto doc = load(text);
    QString error;
    ASSERT_TRUE(doc->setValue({"s"}, QStringLiteral("n\u00e9w \"q\""), &error));
    ASSERT_TRUE(doc->setValue({"env", "B"}, QJsonObject{{"k", QJsonArray{1, 2}}}, &error));
    EXPECT_EQ(show(doc->text()), show("{\n  // note\n  \"s\": \"n\xC3\xA9w \\\"q\\\"\", /* c */\n  "
                                      "\"env\": {\"A\": \"1\", \"B\": {\"k\": [1, 2]}}\n}\n"));
    ASSERT_TRUE(doc->setValue({"s"}, 42, &error));
    ASSERT_TRUE(doc->setValue({"env", "A"}, QJsonValue::Null, &error));
    EXPECT_EQ(doc->value({"s"}), QJsonValue(42));
    EXPECT_TRUE(doc->value({"env", "A"}).isNull());
}

TEST(JsoncDocumentSetValue, QJsonObjectInputIsRenderedInItsSortedOrder)
{
    auto doc = load("{\n  \"m\": 1\n}");
    QString error;
    ASSERT_TRUE(
        doc->setValue({"m"}, QJsonObject{{"command", "x"}, {"args", QJsonArray{"a"}}}, &error));
    EXPECT_EQ(show(doc->text()),
              show("{\n  \"m\": {\n    \"args\": [\"a\"],\n    \"command\": \"x\"\n  }\n}"));
}

TEST(JsoncDocumentSetValue, MinifiedFileStaysOnOneLine)
{
    auto doc = load(R"({"mcpServers":{"memory":{"command":"npx"}},"x":1})");
    QString error;
    ASSERT_TRUE(doc->setValueFromJson({"mcpServers", "memory"}, ShimJson, &error));
    EXPECT_EQ(
        doc->text(),
        R"({"mcpServers":{"memory":{"command":"/abs/manifold-shim","args":["memory"]}},"x":1})");
}

TEST(JsoncDocumentSetValue, NestedArraysOfObjectsGoOnSeparateLines)
{
    auto doc = load("{\n  \"a\": 0\n}");
    QString error;
    ASSERT_TRUE(doc->setValueFromJson({"a"}, R"([{"x":1},[],{}])", &error));
    EXPECT_EQ(show(doc->text()),
              show("{\n  \"a\": [\n    {\n      \"x\": 1\n    },\n    [],\n    {}\n  ]\n}"));
}

TEST(JsoncDocumentSetValue, FailsWithoutTouchingTheText)
{
    auto doc = load(ClaudeDesktop);
    QString error;
    EXPECT_FALSE(doc->setValue({"mcpServers", "nope"}, 1, &error));
    EXPECT_EQ(error, R"("mcpServers" > "nope" does not exist)");
    EXPECT_FALSE(doc->setValueFromJson({"globalShortcut"}, "{broken", &error));
    EXPECT_TRUE(error.startsWith("invalid JSON value")) << error.toStdString();
    EXPECT_FALSE(doc->setValue({"globalShortcut"}, QJsonValue::Undefined, &error));
    EXPECT_EQ(doc->text(), ClaudeDesktop);
}

// ---- insertMember ----

TEST(JsoncDocumentInsert, IntoEmptyObjects)
{
    struct Case
    {
        QByteArray before;
        QByteArray after;
    };
    const QList<Case> cases = {
        {"{}", "{\n  \"s\": {\n    \"command\": \"/abs/manifold-shim\",\n    \"args\": "
               "[\"memory\"]\n  }\n}"},
        {"{}\n", "{\n  \"s\": {\n    \"command\": \"/abs/manifold-shim\",\n    \"args\": "
                 "[\"memory\"]\n  }\n}\n"},
        {"{\n    \"mcpServers\": {}\n}",
         "{\n    \"mcpServers\": {\n        \"s\": {\n            \"command\": "
         "\"/abs/manifold-shim\",\n            \"args\": [\"memory\"]\n        }\n    }\n}"},
        {"{\n  \"mcpServers\": { }\n}",
         "{\n  \"mcpServers\": {\n    \"s\": {\n      \"command\": \"/abs/manifold-shim\",\n      "
         "\"args\": [\"memory\"]\n    }\n  }\n}"},
        {"{\n  \"mcpServers\": {\n  }\n}",
         "{\n  \"mcpServers\": {\n    \"s\": {\n      \"command\": \"/abs/manifold-shim\",\n      "
         "\"args\": [\"memory\"]\n    }\n  }\n}"},
        {"{\"a\":1,\"m\":{}}",
         "{\"a\":1,\"m\":{\"s\":{\"command\":\"/abs/manifold-shim\",\"args\":[\"memory\"]}}}"},
    };
    for (const Case &c : cases) {
        auto doc = load(c.before);
        ASSERT_TRUE(doc);
        const QStringList path = doc->contains({"mcpServers"}) ? QStringList{"mcpServers"}
                                 : doc->contains({"m"})        ? QStringList{"m"}
                                                               : QStringList{};
        QString error;
        ASSERT_TRUE(doc->insertMemberFromJson(path, "s", ShimJson, &error)) << error.toStdString();
        EXPECT_EQ(show(doc->text()), show(c.after));
    }
}

TEST(JsoncDocumentInsert, EmptyObjectHoldingOnlyComments)
{
    auto doc = load("{\n  \"servers\": {\n    // add servers here\n  }\n}");
    QString error;
    ASSERT_TRUE(doc->insertMember({"servers"}, "x", QJsonObject{{"command", "c"}}, &error));
    EXPECT_EQ(show(doc->text()), show("{\n  \"servers\": {\n    // add servers here\n    \"x\": "
                                      "{\n      \"command\": \"c\"\n    }\n  }\n}"));
    auto inlineDoc = load("{\"servers\": { /* none */ }}");
    ASSERT_TRUE(inlineDoc->insertMember({"servers"}, "x", 1, &error));
    EXPECT_EQ(inlineDoc->text(), "{\"servers\": { /* none */ \"x\": 1 }}");
}

TEST(JsoncDocumentInsert, AppendsToMultiLineObject)
{
    auto doc = load(ClaudeDesktop);
    QString error;
    ASSERT_TRUE(doc->insertMemberFromJson({"mcpServers"}, "manifold", ShimJson, &error));
    const qsizetype cut = ClaudeDesktop.indexOf("      ]\n    }\n") + 13;
    EXPECT_EQ(show(doc->text().left(cut)), show(ClaudeDesktop.left(cut)));
    EXPECT_EQ(show(doc->text().mid(cut)), show(QByteArray(R"(,
    "manifold": {
      "command": "/abs/manifold-shim",
      "args": ["memory"]
    }
  },
  "globalShortcut": "Ctrl+Space"
}
)")));
    ASSERT_TRUE(doc->insertMember({}, "last", true, &error));
    EXPECT_TRUE(
        doc->text().endsWith("  \"globalShortcut\": \"Ctrl+Space\",\n  \"last\": true\n}\n"));
}

TEST(JsoncDocumentInsert, KeepsTrailingCommaStyle)
{
    auto doc = load(
        "{\n\t\"context_servers\": {\n\t\t\"a\": {\n\t\t\t\"command\": \"a\",\n\t\t},\n\t},\n}\n");
    QString error;
    ASSERT_TRUE(doc->insertMemberFromJson({"context_servers"}, "b", R"({"command":"b"})", &error));
    EXPECT_EQ(show(doc->text()),
              show("{\n\t\"context_servers\": {\n\t\t\"a\": {\n\t\t\t\"command\": \"a\",\n\t\t},\n"
                   "\t\t\"b\": {\n\t\t\t\"command\": \"b\"\n\t\t},\n\t},\n}\n"));
}

TEST(JsoncDocumentInsert, GoesAfterCommentsFollowingTheLastMember)
{
    const QByteArray text = "{\n  \"servers\": {\n    \"a\": 1, // first\n    \"b\": 2 // about b\n"
                            "    // \"c\": 3 (disabled)\n  }\n}\n";
    auto doc = load(text);
    QString error;
    ASSERT_TRUE(doc->insertMember({"servers"}, "d", 4, &error));
    EXPECT_EQ(show(doc->text()),
              show("{\n  \"servers\": {\n    \"a\": 1, // first\n    \"b\": 2, // about b\n"
                   "    // \"c\": 3 (disabled)\n    \"d\": 4\n  }\n}\n"));
    auto block = load("{\n  \"a\": 1 /* x */\n}");
    ASSERT_TRUE(block->insertMember({}, "b", 2, &error));
    EXPECT_EQ(block->text(), "{\n  \"a\": 1, /* x */\n  \"b\": 2\n}");
}

TEST(JsoncDocumentInsert, SingleLineObjectsStayOnOneLine)
{
    auto doc = load("{\n  \"env\": {\"A\": \"1\"},\n  \"t\": {\"x\": 1,}\n}");
    QString error;
    ASSERT_TRUE(doc->insertMember({"env"}, "B", "2", &error));
    ASSERT_TRUE(doc->insertMember({"t"}, "y", QJsonObject{{"z", 1}}, &error));
    EXPECT_EQ(show(doc->text()), show("{\n  \"env\": {\"A\": \"1\", \"B\": \"2\"},\n  \"t\": "
                                      "{\"x\": 1, \"y\": {\"z\": 1},}\n}"));
}

TEST(JsoncDocumentInsert, CreatesParentsOnlyWhenAsked)
{
    auto doc = load("{\n  \"theme\": \"dark\"\n}\n");
    QString error;
    EXPECT_FALSE(doc->insertMember({"mcpServers"}, "x", 1, &error));
    EXPECT_EQ(error, "\"mcpServers\" does not exist");
    ASSERT_TRUE(doc->insertMemberFromJson({"mcpServers"}, "x", ShimJson, &error, true));
    EXPECT_EQ(show(doc->text()), show(R"({
  "theme": "dark",
  "mcpServers": {
    "x": {
      "command": "/abs/manifold-shim",
      "args": ["memory"]
    }
  }
}
)"));
    ASSERT_TRUE(doc->insertMember({"a", "b"}, "c", 1, &error, true));
    EXPECT_EQ(doc->value({"a", "b", "c"}), QJsonValue(1));
    EXPECT_FALSE(doc->insertMember({"theme"}, "x", 1, &error, true));
    EXPECT_EQ(error, "\"theme\" is not an object");
}

TEST(JsoncDocumentInsert, RefusesExistingKeys)
{
    auto doc = load(ClaudeDesktop);
    QString error;
    EXPECT_FALSE(doc->insertMember({"mcpServers"}, "memory", 1, &error));
    EXPECT_EQ(error, R"("mcpServers" > "memory" already exists)");
    EXPECT_EQ(doc->text(), ClaudeDesktop);
}

TEST(JsoncDocumentInsert, FollowsCrlfAndStrictJson)
{
    const QByteArray text = crlf(ClaudeDesktop);
    auto doc = load(text, false);
    QString error;
    ASSERT_TRUE(doc->insertMemberFromJson({"mcpServers"}, "m", ShimJson, &error));
    EXPECT_EQ(doc->text().count('\n'), doc->text().count("\r\n"));
    EXPECT_FALSE(doc->text().contains(",\r\n  }"));
    EXPECT_EQ(doc->value({"mcpServers", "m", "args"}), QJsonValue(QJsonArray{"memory"}));
    EXPECT_TRUE(load(doc->text(), false));
}

// ---- removeMember ----

TEST(JsoncDocumentRemove, FirstMiddleAndLast)
{
    const QByteArray text = "{\n  \"a\": 1,\n  \"b\": {\n    \"x\": [1, 2]\n  },\n  \"c\": 3\n}\n";
    struct Case
    {
        QString key;
        QByteArray after;
    };
    const QList<Case> cases = {
        {"a", "{\n  \"b\": {\n    \"x\": [1, 2]\n  },\n  \"c\": 3\n}\n"},
        {"b", "{\n  \"a\": 1,\n  \"c\": 3\n}\n"},
        {"c", "{\n  \"a\": 1,\n  \"b\": {\n    \"x\": [1, 2]\n  }\n}\n"},
    };
    for (const Case &c : cases) {
        for (const bool windows : {false, true}) {
            auto doc = load(windows ? crlf(text) : text);
            QString error;
            ASSERT_TRUE(doc->removeMember({c.key}, &error)) << error.toStdString();
            EXPECT_EQ(show(doc->text()), show(windows ? crlf(c.after) : c.after));
        }
    }
}

TEST(JsoncDocumentRemove, TrailingCommaStyle)
{
    const QByteArray text = "{\n  \"a\": 1,\n  \"b\": 2,\n}";
    auto doc = load(text);
    QString error;
    ASSERT_TRUE(doc->removeMember({"b"}, &error));
    EXPECT_EQ(doc->text(), "{\n  \"a\": 1,\n}");
    ASSERT_TRUE(doc->removeMember({"a"}, &error));
    EXPECT_EQ(doc->text(), "{}");
}

TEST(JsoncDocumentRemove, KeepsCommentsOnTheirOwnLines)
{
    const QByteArray text = "{\n  \"a\": 1, // about a\n  // about b\n  \"b\": 2\n  // end\n}";
    auto first = load(text);
    QString error;
    ASSERT_TRUE(first->removeMember({"a"}, &error));
    EXPECT_EQ(first->text(), "{\n  // about b\n  \"b\": 2\n  // end\n}");
    auto last = load(text);
    ASSERT_TRUE(last->removeMember({"b"}, &error));
    EXPECT_EQ(last->text(), "{\n  \"a\": 1 // about a\n  // about b\n  // end\n}");
    ASSERT_TRUE(last->removeMember({"a"}, &error));
    EXPECT_EQ(last->text(), "{\n  // about b\n  // end\n}");
}

TEST(JsoncDocumentRemove, SingleLineObjects)
{
    struct Case
    {
        QByteArray before;
        QString key;
        QByteArray after;
    };
    const QList<Case> cases = {
        {"{\"a\": 1, \"b\": 2, \"c\": 3}", "a", "{\"b\": 2, \"c\": 3}"},
        {"{\"a\": 1, \"b\": 2, \"c\": 3}", "b", "{\"a\": 1, \"c\": 3}"},
        {"{\"a\": 1, \"b\": 2, \"c\": 3}", "c", "{\"a\": 1, \"b\": 2}"},
        {"{ \"a\": 1 }", "a", "{}"},
        {"{\"a\":1,\"b\":2}", "b", "{\"a\":1}"},
        {"{\"a\": 1, /* keep */ \"b\": 2}", "b", "{\"a\": 1 /* keep */ }"},
        {"{\"a\": 1 /* keep */}", "a", "{ /* keep */}"},
    };
    for (const Case &c : cases) {
        auto doc = load(c.before);
        QString error;
        ASSERT_TRUE(doc->removeMember({c.key}, &error)) << error.toStdString();
        EXPECT_EQ(show(doc->text()), show(c.after)) << show(c.before);
    }
}

TEST(JsoncDocumentRemove, ServerFromClaudeDesktopAndErrors)
{
    auto doc = load(ClaudeDesktop);
    QString error;
    ASSERT_TRUE(doc->removeMember({"mcpServers", "filesystem"}, &error));
    EXPECT_EQ(show(doc->text()), show(QByteArray(R"({
  "mcpServers": {
    "memory": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-memory"]
    }
  },
  "globalShortcut": "Ctrl+Space"
}
)")));
    ASSERT_TRUE(doc->removeMember({"mcpServers", "memory"}, &error));
    EXPECT_TRUE(doc->text().startsWith("{\n  \"mcpServers\": {},\n  \"globalShortcut\""));
    EXPECT_FALSE(doc->removeMember({"mcpServers", "memory"}, &error));
    EXPECT_FALSE(doc->removeMember({}, &error));
}

TEST(JsoncDocumentRemove, InsertThenRemoveRestoresTheOriginal)
{
    for (const QByteArray &text : {ClaudeDesktop, crlf(ClaudeDesktop),
                                   QByteArray("{\n\t\"s\": {\n\t\t\"a\": 1,\n\t},\n}")}) {
        auto doc = load(text);
        const QStringList parent =
            doc->contains({"mcpServers"}) ? QStringList{"mcpServers"} : QStringList{"s"};
        QString error;
        ASSERT_TRUE(doc->insertMemberFromJson(parent, "new", ShimJson, &error));
        ASSERT_TRUE(doc->removeMember(parent + QStringList{"new"}, &error));
        EXPECT_EQ(show(doc->text()), show(text));
    }
}

TEST(JsoncDocumentParse, EveryTruncationIsAnErrorNotAnEmptyDocument)
{
    for (const QByteArray &text : {ClaudeDesktop, crlf(ClaudeDesktop),
                                   QByteArray("{\"a\" /* c */ : [1, {\"b\": \"\\u00e9\"},], // x\n}")}) {
        const auto full = load(text);
        ASSERT_TRUE(full);
        const qsizetype rootEnd = full->valueSpan({})->second;
        for (qsizetype size = 0; size < rootEnd; ++size) {
            QString error;
            EXPECT_FALSE(JsoncDocument::parse(text.left(size), &error)) << size;
            EXPECT_TRUE(error.startsWith("line ")) << size;
        }
    }
}
