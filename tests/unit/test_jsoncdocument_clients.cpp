#include "jsoncdocumenttest.h"

using namespace manifold;
using namespace manifold::jsonctest;

// ---- real client files ----

namespace {

QByteArray claudeCodeState()
{
    QByteArray history;
    for (int i = 0; i < 400; ++i) {
        history += "    {\n      \"display\": \"prompt " + QByteArray::number(i) +
                   " with \\\"quotes\\\" and // slashes\",\n      \"pastedContents\": {}\n    }" +
                   (i + 1 < 400 ? ",\n" : "\n");
    }
    return "{\n  \"numStartups\": 42,\n  \"installMethod\": \"npm\",\n  \"autoUpdates\": true,\n"
           "  \"tipsHistory\": {\n    \"new-user-warmup\": 1,\n    \"ide-hotkey\": 7\n  },\n"
           "  \"history\": [\n" +
           history +
           "  ],\n"
           "  \"projects\": {\n"
           "    \"/home/u/other.project\": {\n      \"allowedTools\": [],\n      \"mcpServers\": "
           "{\n"
           "        \"x\": {\n          \"command\": \"not-this-one\"\n        }\n      },\n"
           "      \"lastCost\": 0.1234\n    },\n"
           "    \"/home/u/p\": {\n      \"allowedTools\": [\n        \"Bash(git:*)\"\n      ],\n"
           "      \"mcpServers\": {\n        \"x\": {\n          \"type\": \"stdio\",\n"
           "          \"command\": \"node\",\n          \"args\": [\n            "
           "\"/home/u/x/server.js\"\n"
           "          ],\n          \"env\": {\n            \"TOKEN\": \"${TOKEN:-abc}\"\n         "
           " }\n"
           "        },\n        \"y\": {\n          \"command\": \"uvx\"\n        }\n      },\n"
           "      \"hasTrustDialogAccepted\": true,\n      \"exampleFiles\": [\n        "
           "\"a.cpp\",\n"
           "        \"b.h\"\n      ]\n    }\n  },\n"
           "  \"mcpServers\": {\n    \"x\": {\n      \"command\": \"user-scope\"\n    }\n  },\n"
           "  \"userID\": \"0123456789abcdef\",\n  \"hasCompletedOnboarding\": true\n}";
}

} // namespace

TEST(JsoncDocumentClients, ClaudeCodeProjectScopeEditLeavesStateAlone)
{
    const QByteArray text = claudeCodeState();
    auto doc = load(text, false);
    ASSERT_TRUE(doc);
    const QStringList project{"projects", "/home/u/p", "mcpServers"};
    EXPECT_EQ(doc->keys({"projects"}), (QStringList{"/home/u/other.project", "/home/u/p"}));
    EXPECT_EQ(doc->keys(project), (QStringList{"x", "y"}));
    const auto span = doc->valueSpan(project + QStringList{"x"});
    ASSERT_TRUE(span);
    QString error;
    ASSERT_TRUE(doc->setValueFromJson(
        project + QStringList{"x"},
        R"({"type":"stdio","command":"/abs/manifold-shim","args":["x"]})", &error));
    expectOnlySpanChanged(text, doc->text(), span->first, span->second, false);
    EXPECT_EQ(
        show(doc->text().mid(span->first,
                             doc->text().size() - (text.size() - span->second) - span->first)),
        show("{\n          \"type\": \"stdio\",\n          \"command\": \"/abs/manifold-shim\",\n"
             "          \"args\": [\"x\"]\n        }"));
    EXPECT_EQ(doc->value({"mcpServers", "x", "command"}).toString(), "user-scope");
    EXPECT_EQ(
        doc->value({"projects", "/home/u/other.project", "mcpServers", "x", "command"}).toString(),
        "not-this-one");
    EXPECT_EQ(doc->value({"history"}).toArray().size(), 400);

    // Adding and removing servers only touches the project's mcpServers object.
    const QByteArray afterSet = doc->text();
    ASSERT_TRUE(doc->removeMember(project + QStringList{"y"}, &error));
    ASSERT_TRUE(doc->insertMemberFromJson(
        project, "z", R"({"command":"/abs/manifold-shim","args":["z"]})", &error));
    const qsizetype head = afterSet.indexOf("        },\n        \"y\"") + 9;
    const qsizetype tail = afterSet.indexOf("\n      },\n      \"hasTrustDialogAccepted\"");
    EXPECT_EQ(show(doc->text().left(head)), show(afterSet.left(head)));
    EXPECT_TRUE(doc->text().endsWith(afterSet.mid(tail)));
    EXPECT_EQ(show(doc->text().mid(head, doc->text().size() - head - (afterSet.size() - tail))),
              show(",\n        \"z\": {\n          \"command\": \"/abs/manifold-shim\",\n          "
                   "\"args\": [\"z\"]\n        }"));
    EXPECT_TRUE(load(doc->text(), false));
}

TEST(JsoncDocumentClients, VsCodeMcpJsonWithCommentsAndInputs)
{
    const QByteArray text =
        "{\n"
        "\t// Inputs are prompted on first server start, then stored securely by VS Code.\n"
        "\t\"inputs\": [\n\t\t{\n\t\t\t\"type\": \"promptString\",\n\t\t\t\"id\": "
        "\"perplexity-key\",\n"
        "\t\t\t\"description\": \"Perplexity API Key\",\n\t\t\t\"password\": true\n\t\t}\n\t],\n"
        "\t\"servers\": {\n"
        "\t\t// https://github.com/ppl-ai/modelcontextprotocol/\n"
        "\t\t\"Perplexity\": {\n\t\t\t\"type\": \"stdio\",\n\t\t\t\"command\": \"npx\",\n"
        "\t\t\t\"args\": [\"-y\", \"server-perplexity-ask\"],\n"
        "\t\t\t\"env\": {\n\t\t\t\t\"PERPLEXITY_API_KEY\": "
        "\"${input:perplexity-key}\"\n\t\t\t}\n\t\t},\n"
        "\t\t\"fetch\": {\n\t\t\t\"command\": \"uvx\",\n\t\t\t\"args\": [\"mcp-server-fetch\"], // "
        "pinned\n\t\t},\n"
        "\t}\n}\n";
    auto doc = load(text);
    ASSERT_TRUE(doc);
    EXPECT_EQ(doc->indentUnit(), "\t");
    EXPECT_EQ(doc->keys({"servers"}), (QStringList{"Perplexity", "fetch"}));
    QString error;
    const auto span = doc->valueSpan({"servers", "Perplexity"});
    ASSERT_TRUE(doc->setValueFromJson(
        {"servers", "Perplexity"},
        R"({"type":"stdio","command":"/abs/manifold-shim","args":["Perplexity"]})", &error));
    expectOnlySpanChanged(text, doc->text(), span->first, span->second);
    // Editing members one by one keeps the comment inside the entry.
    ASSERT_TRUE(doc->setValue({"servers", "fetch", "command"}, "/abs/manifold-shim", &error));
    ASSERT_TRUE(doc->setValue({"servers", "fetch", "args"}, QJsonArray{"fetch"}, &error));
    ASSERT_TRUE(doc->insertMemberFromJson(
        {"servers"}, "new", R"({"command":"/abs/manifold-shim","args":["new"]})", &error));
    const QByteArray expected =
        "{\n"
        "\t// Inputs are prompted on first server start, then stored securely by VS Code.\n"
        "\t\"inputs\": [\n\t\t{\n\t\t\t\"type\": \"promptString\",\n\t\t\t\"id\": "
        "\"perplexity-key\",\n"
        "\t\t\t\"description\": \"Perplexity API Key\",\n\t\t\t\"password\": true\n\t\t}\n\t],\n"
        "\t\"servers\": {\n"
        "\t\t// https://github.com/ppl-ai/modelcontextprotocol/\n"
        "\t\t\"Perplexity\": {\n\t\t\t\"type\": \"stdio\",\n\t\t\t\"command\": "
        "\"/abs/manifold-shim\",\n"
        "\t\t\t\"args\": [\"Perplexity\"]\n\t\t},\n"
        "\t\t\"fetch\": {\n\t\t\t\"command\": \"/abs/manifold-shim\",\n\t\t\t\"args\": "
        "[\"fetch\"], // pinned\n\t\t},\n"
        "\t\t\"new\": {\n\t\t\t\"command\": \"/abs/manifold-shim\",\n\t\t\t\"args\": "
        "[\"new\"]\n\t\t},\n"
        "\t}\n}\n";
    EXPECT_EQ(show(doc->text()), show(expected));
}

TEST(JsoncDocumentClients, ZedSettingsWithManyOtherSettings)
{
    const QByteArray text = R"(// Zed settings
//
// For information on how to configure Zed, see the Zed
// documentation: https://zed.dev/docs/configuring-zed
{
  "ui_font_size": 16,
  "buffer_font_size": 15,
  "theme": {
    "mode": "system",
    "light": "One Light",
    "dark": "One Dark"
  },
  /* "vim_mode": true, */
  "context_servers": {
    "mcp-server-github": {
      "source": "custom",
      "command": "/usr/local/bin/github-mcp",
      "args": ["stdio"],
      "env": {
        "GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_xxx" // secret
      }
    },
  },
  "languages": {
    "Python": {
      "tab_size": 4, // PEP 8
    },
  },
  "file_scan_exclusions": ["**/.git", "**/node_modules",],
}
)";
    auto doc = load(text);
    ASSERT_TRUE(doc);
    QString error;
    const QStringList github{"context_servers", "mcp-server-github"};
    ASSERT_TRUE(doc->setValue(github + QStringList{"command"}, "/abs/manifold-shim", &error));
    ASSERT_TRUE(
        doc->setValue(github + QStringList{"args"}, QJsonArray{"mcp-server-github"}, &error));
    ASSERT_TRUE(doc->insertMemberFromJson({"context_servers"}, "memory",
                                          R"({"command":"/abs/manifold-shim","args":["memory"]})",
                                          &error));
    QByteArray expected = text;
    expected.replace("\"/usr/local/bin/github-mcp\"", "\"/abs/manifold-shim\"")
        .replace("[\"stdio\"]", "[\"mcp-server-github\"]")
        .replace("      }\n    },\n  },\n  \"languages\"",
                 "      }\n    },\n    \"memory\": {\n      \"command\": \"/abs/manifold-shim\",\n"
                 "      \"args\": [\"memory\"]\n    },\n  },\n  \"languages\"");
    EXPECT_EQ(show(doc->text()), show(expected));

    ASSERT_TRUE(doc->removeMember(github, &error));
    ASSERT_TRUE(doc->removeMember({"context_servers", "memory"}, &error));
    QByteArray emptied = text;
    const qsizetype from = emptied.indexOf("\"context_servers\": {") + 19;
    emptied.replace(from, emptied.indexOf("  \"languages\"") - from, "{},\n");
    EXPECT_EQ(show(doc->text()), show(emptied));
}

TEST(JsoncDocumentClients, GeminiSettingsAndBom)
{
    const QByteArray text =
        "\xEF\xBB\xBF{\n  \"theme\": \"GitHub\",\n  \"mcpServers\": {\n    \"pythonTools\": {\n"
        "      \"command\": \"python\",\n      \"args\": [\"-m\", \"my_mcp_server\", \"--port\", "
        "\"8080\"],\n"
        "      \"cwd\": \"./mcp-servers/python\",\n      \"env\": {\n"
        "        \"DATABASE_URL\": \"$DB_CONNECTION_STRING\"\n      },\n      \"timeout\": 15000\n"
        "    }\n  }\n}\n";
    auto doc = load(text);
    QString error;
    ASSERT_TRUE(doc->removeMember({"mcpServers", "pythonTools"}, &error));
    EXPECT_EQ(show(doc->text()),
              show("\xEF\xBB\xBF{\n  \"theme\": \"GitHub\",\n  \"mcpServers\": {}\n}\n"));
    ASSERT_TRUE(doc->removeMember({"mcpServers"}, &error));
    ASSERT_TRUE(doc->removeMember({"theme"}, &error));
    EXPECT_EQ(doc->text(), "\xEF\xBB\xBF{}\n");
    ASSERT_TRUE(doc->insertMember({}, "a", 1, &error));
    EXPECT_EQ(doc->text(), "\xEF\xBB\xBF{\n  \"a\": 1\n}\n");
}

TEST(JsoncDocumentClients, ReplacingTheRootKeepsSurroundingComments)
{
    auto doc = load("// header\n{\n  \"a\": 1\n}\n// footer\n");
    QString error;
    ASSERT_TRUE(doc->setValueFromJson({}, R"({"b":2})", &error));
    EXPECT_EQ(show(doc->text()), show("// header\n{\n  \"b\": 2\n}\n// footer\n"));
    // A root written on one line is rewritten on one line.
    auto oneLine = load("// header\n{\"a\": 1}\n// footer\n");
    ASSERT_TRUE(oneLine->setValueFromJson({}, R"({"b":2,"c":[]})", &error));
    EXPECT_EQ(show(oneLine->text()), show("// header\n{\"b\": 2, \"c\": []}\n// footer\n"));
}

TEST(JsoncDocumentClients, ValueOnItsOwnLineIndentsFromThatLine)
{
    auto doc = load("{\n  \"a\":\n    {\n      \"old\": 1\n    }\n}");
    QString error;
    ASSERT_TRUE(doc->setValue({"a"}, QJsonObject{{"new", 2}}, &error));
    EXPECT_EQ(doc->text(), "{\n  \"a\":\n    {\n      \"new\": 2\n    }\n}");
}

// Every member of every object can be removed, and a member can be added to every object, with
// the result still parsing to exactly the expected value.
TEST(JsoncDocumentClients, EveryEditKeepsTheRestOfTheValue)
{
    const QList<QByteArray> fixtures = {
        ClaudeDesktop,
        crlf(ClaudeDesktop),
        "{ /*a*/ \"a\" /*b*/ : /*c*/ 1 /*d*/ , /*e*/ \"b\" : { \"c\" : [ 1 , 2 , ] , } , // f\n } "
        "// g",
        "{\"x\":{\"y\":{\"z\":1,\"w\":2}},\"v\":[]}",
        "{\n\t\"k\": {\"a\": 1, \"b\": {\n\t\t\"c\": 2 // x\n\t}},\n\t\"l\": 3 /* y */ ,\n}",
        "// c\n{\r\n  \"a\": {\r\n  },\r\n  // d\r\n  \"b\": 1\r\n}"};
    for (const QByteArray &text : fixtures) {
        const auto original = load(text);
        ASSERT_TRUE(original);
        QList<QStringList> objects{{}};
        for (qsizetype i = 0; i < objects.size(); ++i) {
            const QStringList objectPath = objects[i];
            const QJsonObject before = original->value(objectPath).toObject();
            for (const QString &key : original->keys(objectPath)) {
                const QStringList path = objectPath + QStringList{key};
                if (original->value(path).isObject())
                    objects.append(path);
                auto doc = *original;
                QString error;
                ASSERT_TRUE(doc.removeMember(path, &error)) << error.toStdString();
                QJsonObject expected = before;
                expected.remove(key);
                EXPECT_EQ(doc.value(objectPath), QJsonValue(expected)) << show(doc.text());
            }
            auto doc = *original;
            QString error;
            ASSERT_TRUE(
                doc.insertMember(objectPath, "added", QJsonObject{{"q", QJsonArray{1}}}, &error));
            QJsonObject expected = before;
            expected.insert("added", QJsonObject{{"q", QJsonArray{1}}});
            EXPECT_EQ(doc.value(objectPath), QJsonValue(expected)) << show(doc.text());
            EXPECT_EQ(doc.keys(objectPath).constLast(), "added");
        }
        EXPECT_GT(objects.size(), 1);
    }
}
