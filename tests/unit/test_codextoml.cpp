#include "clients/codextoml.h"

#include <gtest/gtest.h>

using namespace manifold;

namespace {

// A realistic ~/.codex/config.toml: every shape of MCP server entry, plus tables around them.
const QByteArray kConfig = R"(# Codex CLI configuration
model = "gpt-5-codex"
model_reasoning_effort = "high"
approval_policy = "on-request"

[model_providers.ollama]
name = "Ollama"
base_url = "http://localhost:11434/v1"

# Long-term memory
[mcp_servers.memory]
command = "npx"  # resolved from PATH
args = ["-y", "@modelcontextprotocol/server-memory"]
env = { MEMORY_FILE_PATH = "/home/me/.memory.json", "DEBUG" = "1" }
tool_timeout_sec = 30

[mcp_servers.github]
command = "docker"
args = [
  "run", "-i", "--rm",   # interactive, throwaway
  # the token comes from the env table below
  "-e", "GITHUB_PERSONAL_ACCESS_TOKEN",
  "ghcr.io/github/github-mcp-server",
]
cwd = "/srv/github"
startup_timeout_sec = 20

# Token for GitHub
[mcp_servers.github.env]
GITHUB_PERSONAL_ACCESS_TOKEN = "ghp_example"

[mcp_servers."my-server"]
command = 'C:\tools\my server.exe'
args = ['--port', "7\u00e9"]
enabled = false

[mcp_servers.remote]
url = "https://mcp.example.com/mcp"
bearer_token_env_var = "REMOTE_TOKEN"

[profiles.fast]
model = "gpt-5-mini"
notes = """
Not a header, just text:
[mcp_servers.fake]
command = "evil"
"""
released = 1979-05-27 07:32:00Z
)";

QByteArray crlf(QByteArray text)
{
    return text.replace("\n", "\r\n");
}

// text with `from` (which must occur exactly once) replaced by `to`.
QByteArray replaced(const QByteArray &text, const QByteArray &from, const QByteArray &to)
{
    EXPECT_EQ(text.count(from), 1) << from.constData();
    QByteArray out = text;
    return out.replace(from, to);
}

// [begin, end) of the bytes of `before` that differ from `after` (common prefix/suffix removed).
std::pair<qsizetype, qsizetype> changedRegion(const QByteArray &before, const QByteArray &after)
{
    qsizetype prefix = 0;
    while (prefix < before.size() && prefix < after.size() && before[prefix] == after[prefix])
        ++prefix;
    qsizetype suffix = 0;
    while (suffix < before.size() - prefix && suffix < after.size() - prefix &&
           before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix])
        ++suffix;
    return {prefix, before.size() - suffix};
}

CodexToml parsed(const QByteArray &text)
{
    QString error;
    std::optional<CodexToml> toml = CodexToml::parse(text, &error);
    EXPECT_TRUE(toml) << error.toStdString();
    return toml ? *toml : *CodexToml::parse({}, nullptr);
}

QString parseError(const QByteArray &text)
{
    QString error;
    EXPECT_FALSE(CodexToml::parse(text, &error)) << text.constData();
    return error;
}

} // namespace

TEST(CodexToml, ReadsEveryServerShape)
{
    const CodexToml toml = parsed(kConfig);
    const QList<CodexServer> servers = toml.servers();
    ASSERT_EQ(servers.size(), 4);

    EXPECT_EQ(servers[0].name, "memory");
    EXPECT_EQ(servers[0].command, "npx");
    EXPECT_EQ(servers[0].args, QStringList({"-y", "@modelcontextprotocol/server-memory"}));
    EXPECT_EQ(servers[0].env.value("MEMORY_FILE_PATH"), "/home/me/.memory.json");
    EXPECT_EQ(servers[0].env.value("DEBUG"), "1");
    EXPECT_TRUE(servers[0].enabled);

    EXPECT_EQ(servers[1].name, "github");
    EXPECT_EQ(servers[1].args,
              QStringList({"run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN",
                           "ghcr.io/github/github-mcp-server"}));
    EXPECT_EQ(servers[1].env,
              (QMap<QString, QString>{{"GITHUB_PERSONAL_ACCESS_TOKEN", "ghp_example"}}));
    EXPECT_EQ(servers[1].cwd, "/srv/github");

    EXPECT_EQ(servers[2].name, "my-server");
    EXPECT_EQ(servers[2].command, "C:\\tools\\my server.exe");
    EXPECT_EQ(servers[2].args, QStringList({"--port", QString::fromUtf8("7\xc3\xa9")}));
    EXPECT_FALSE(servers[2].enabled);

    EXPECT_EQ(servers[3].name, "remote");
    EXPECT_EQ(servers[3].url, "https://mcp.example.com/mcp");
    EXPECT_TRUE(servers[3].command.isEmpty());

    EXPECT_EQ(toml.text(), kConfig);
    EXPECT_EQ(toml.lineEnding(), "\n");
    EXPECT_EQ(parsed(crlf(kConfig)).servers(), servers);
    EXPECT_EQ(parsed(crlf(kConfig)).lineEnding(), "\r\n");
}

TEST(CodexToml, HeaderTextInsideMultiLineStringsIsNotAHeader)
{
    const QByteArray literal =
        "[profiles.x]\nnotes = '''\n[mcp_servers.fake]\ncommand = 'x'\n'''\n";
    for (const QByteArray &text : {kConfig, literal, crlf(kConfig)}) {
        CodexToml toml = parsed(text);
        for (const CodexServer &server : toml.servers())
            EXPECT_NE(server.name, "fake");
        QString error;
        EXPECT_FALSE(toml.rewriteServer("fake", "manifold-shim", {"fake"}, true, &error));
        EXPECT_TRUE(error.contains("fake"));
        EXPECT_EQ(toml.text(), text);
    }
}

TEST(CodexToml, RewritesInlineEnvServerAndDropsEnv)
{
    CodexToml toml = parsed(kConfig);
    QString error;
    ASSERT_TRUE(toml.rewriteServer("memory", "manifold-shim", {"memory"}, true, &error))
        << error.toStdString();
    const QByteArray expected =
        replaced(kConfig,
                 "command = \"npx\"  # resolved from PATH\n"
                 "args = [\"-y\", \"@modelcontextprotocol/server-memory\"]\n"
                 "env = { MEMORY_FILE_PATH = \"/home/me/.memory.json\", \"DEBUG\" = \"1\" }\n",
                 "command = \"manifold-shim\"  # resolved from PATH\n"
                 "args = [\"memory\"]\n");
    EXPECT_EQ(toml.text(), expected);
    EXPECT_EQ(toml.server("memory")->command, "manifold-shim");
    EXPECT_TRUE(toml.server("memory")->env.isEmpty());
}

TEST(CodexToml, RewritesSubtableServerAndTouchesNothingElse)
{
    CodexToml toml = parsed(kConfig);
    QString error;
    ASSERT_TRUE(toml.rewriteServer("github", "manifold-shim", {"github"}, true, &error))
        << error.toStdString();
    const QByteArray expected = R"([mcp_servers.github]
command = "manifold-shim"
args = ["github"]
startup_timeout_sec = 20

[mcp_servers."my-server"]
)";
    const qsizetype begin = kConfig.indexOf("[mcp_servers.github]\n");
    const qsizetype end = kConfig.indexOf("[mcp_servers.\"my-server\"]\n") + 26;
    EXPECT_EQ(toml.text(), kConfig.left(begin) + expected + kConfig.mid(end));

    const auto [changedBegin, changedEnd] = changedRegion(kConfig, toml.text());
    EXPECT_GT(changedBegin, begin);
    EXPECT_LT(changedEnd, end);
    EXPECT_EQ(toml.servers().size(), 4);
    EXPECT_EQ(toml.server("memory"), parsed(kConfig).server("memory"));
}

TEST(CodexToml, RewriteCanKeepEnv)
{
    CodexToml toml = parsed(kConfig);
    QString error;
    ASSERT_TRUE(toml.rewriteServer("github", "manifold-shim", {"github"}, false, &error));
    const qsizetype argsBegin = kConfig.indexOf("args = [\n");
    const qsizetype argsEnd = kConfig.indexOf("]\ncwd") + 1;
    const QByteArray expected =
        replaced(kConfig.left(argsBegin), "command = \"docker\"", "command = \"manifold-shim\"") +
        "args = [\"github\"]" + kConfig.mid(argsEnd);
    EXPECT_EQ(toml.text(), expected);
    EXPECT_EQ(toml.server("github")->env.size(), 1);
    EXPECT_EQ(toml.server("github")->cwd, "/srv/github");
}

TEST(CodexToml, RewriteIsIdempotent)
{
    for (const QByteArray &original : {kConfig, crlf(kConfig)}) {
        CodexToml toml = parsed(original);
        for (const char *name : {"memory", "github", "my-server"}) {
            QString error;
            ASSERT_TRUE(toml.rewriteServer(name, "manifold-shim", {name}, true, &error))
                << error.toStdString();
        }
        const QByteArray once = toml.text();
        for (const char *name : {"memory", "github", "my-server"})
            ASSERT_TRUE(toml.rewriteServer(name, "manifold-shim", {name}, true, nullptr));
        EXPECT_EQ(toml.text(), once);
        EXPECT_EQ(parsed(once).text(), once);
    }
}

TEST(CodexToml, RewriteKeepsCrlf)
{
    CodexToml toml = parsed(crlf(kConfig));
    ASSERT_TRUE(toml.rewriteServer("memory", "manifold-shim", {"memory"}, true, nullptr));
    ASSERT_TRUE(toml.rewriteServer("github", "manifold-shim", {"github"}, true, nullptr));
    CodexToml lf = parsed(kConfig);
    ASSERT_TRUE(lf.rewriteServer("memory", "manifold-shim", {"memory"}, true, nullptr));
    ASSERT_TRUE(lf.rewriteServer("github", "manifold-shim", {"github"}, true, nullptr));
    EXPECT_EQ(toml.text(), crlf(lf.text()));
    EXPECT_FALSE(toml.text().contains(QByteArray("\n").prepend('x')));
    EXPECT_EQ(toml.text().count('\n'), toml.text().count("\r\n"));
}

TEST(CodexToml, RewriteInsertsMissingKeysAfterCommand)
{
    CodexToml toml = parsed("[mcp_servers.a]\n  command = \"x\"\n  enabled = true\n");
    ASSERT_TRUE(toml.rewriteServer("a", "manifold-shim", {"a"}, true, nullptr));
    EXPECT_EQ(toml.text(), "[mcp_servers.a]\n  command = \"manifold-shim\"\n  args = [\"a\"]\n"
                           "  enabled = true\n");

    // No line ending at the end of the file stays that way.
    CodexToml bare = parsed("[mcp_servers.a]\r\ncommand = \"x\"");
    ASSERT_TRUE(bare.rewriteServer("a", "shim", {"a", "b c"}, false, nullptr));
    EXPECT_EQ(bare.text(), "[mcp_servers.a]\r\ncommand = \"shim\"\r\nargs = [\"a\", \"b c\"]");

    // A table holding only its env subtable's sibling keys gets both keys after the header.
    CodexToml empty = parsed("[mcp_servers.a]\n\n[mcp_servers.a.env]\nK = \"v\"\n");
    ASSERT_TRUE(empty.rewriteServer("a", "shim", {}, true, nullptr));
    EXPECT_EQ(empty.text(), "[mcp_servers.a]\ncommand = \"shim\"\nargs = []\n");
}

TEST(CodexToml, RewriteDropsDottedEnvKeysAndCwd)
{
    const QByteArray text = "[mcp_servers.a]\ncommand = \"x\"\nargs = []\nenv.TOKEN = \"t\"  # s\n"
                            "cwd = '/tmp'\nenv . \"B\" = \"2\"\nstartup_timeout_sec = 5\n";
    CodexToml toml = parsed(text);
    EXPECT_EQ(toml.server("a")->env, (QMap<QString, QString>{{"TOKEN", "t"}, {"B", "2"}}));
    ASSERT_TRUE(toml.rewriteServer("a", "shim", {"a"}, true, nullptr));
    EXPECT_EQ(toml.text(),
              "[mcp_servers.a]\ncommand = \"shim\"\nargs = [\"a\"]\nstartup_timeout_sec = 5\n");
}

TEST(CodexToml, RefusedEditsChangeNothing)
{
    const QByteArray forms = "mcp_servers.dotted.command = \"d\"\n"
                             "[mcp_servers]\ninline = { command = \"i\", args = [\"1\"] }\n"
                             "[mcp_servers.dotted.env]\nK = \"v\"\n";
    for (const QByteArray &text : {kConfig, forms}) {
        CodexToml toml = parsed(text);
        QString error;
        EXPECT_FALSE(toml.rewriteServer("remote", "shim", {}, false, &error));
        EXPECT_FALSE(toml.rewriteServer("nope", "shim", {}, true, &error));
        EXPECT_TRUE(error.contains("nope"));
        EXPECT_FALSE(toml.removeServer("nope", &error));
        EXPECT_EQ(toml.text(), text);
    }
    CodexToml toml = parsed(forms);
    QString error;
    EXPECT_FALSE(toml.rewriteServer("inline", "shim", {}, true, &error));
    EXPECT_TRUE(error.contains("by hand")) << error.toStdString();
    EXPECT_FALSE(toml.rewriteServer("dotted", "shim", {}, true, &error));
    EXPECT_FALSE(toml.removeServer("inline", &error));
    EXPECT_EQ(toml.text(), forms);
}

// A remote entry setup takes over becomes a command entry: its url, headers and bearer token
// keys go, its other keys and the rest of the file stay.
TEST(CodexToml, RewritingARemoteEntryDropsItsUrlKeys)
{
    const QByteArray text = "# servers\n[mcp_servers.figma]\nurl = \"https://mcp.figma.com/mcp\"\n"
                            "http_headers = { \"X-Team\" = \"a\" }\n"
                            "bearer_token_env_var = \"FIGMA\"\nenabled = false\n\n"
                            "[mcp_servers.figma.env_http_headers]\nX-Key = \"KEY\"\n\n[tui]\nx = 1\n";
    CodexToml toml = parsed(text);
    const CodexServer before = *toml.server("figma");
    EXPECT_EQ(before.bearerTokenEnvVar, "FIGMA");
    EXPECT_EQ(before.otherAuth, QStringList{"env_http_headers"});
    EXPECT_EQ(before.httpHeaders.value("X-Team"), "a");
    ASSERT_TRUE(before.headerSpans.contains("X-Team"));
    EXPECT_EQ(text.sliced(before.headerSpans["X-Team"].first,
                          before.headerSpans["X-Team"].second - before.headerSpans["X-Team"].first),
              "\"a\"");
    QString error;
    ASSERT_TRUE(toml.rewriteServer("figma", "/bin/shim", {"figma"}, true, &error))
        << error.toStdString();
    EXPECT_EQ(toml.text(), "# servers\n[mcp_servers.figma]\ncommand = \"/bin/shim\"\n"
                           "args = [\"figma\"]\nenabled = false\n\n[tui]\nx = 1\n");
    const CodexServer after = *toml.server("figma");
    EXPECT_TRUE(after.url.isEmpty());
    EXPECT_TRUE(after.httpHeaders.isEmpty());
    ASSERT_EQ(after.argSpans.size(), 1);
}

TEST(CodexToml, ReadsInlineAndDottedForms)
{
    const CodexToml toml = parsed("mcp_servers.dotted.command = \"d\"\n"
                                  "mcp_servers.dotted.env.A = \"1\"\n"
                                  "[mcp_servers]\n"
                                  "inline = { command = \"i\", args = [\"1\"], env = { B = \"2\" },"
                                  " enabled = false }\n"
                                  "[mcp_servers.dotted.env]\nC = \"3\"\n");
    ASSERT_EQ(toml.servers().size(), 2);
    EXPECT_EQ(toml.server("dotted")->command, "d");
    EXPECT_EQ(toml.server("dotted")->env, (QMap<QString, QString>{{"A", "1"}, {"C", "3"}}));
    EXPECT_EQ(toml.server("inline")->args, QStringList{"1"});
    EXPECT_EQ(toml.server("inline")->env.value("B"), "2");
    EXPECT_FALSE(toml.server("inline")->enabled);
}

TEST(CodexToml, RejectsBrokenInputWithLineNumber)
{
    const std::pair<const char *, const char *> cases[] = {
        {"model = \"x\"\n[mcp_servers.a]\ncommand = \"npx\nargs = []\n", "line 3:"},
        {"[mcp_servers.a\ncommand = \"x\"\n", "line 1:"},
        {"a = 1\n\n[mcp_servers..a]\n", "line 3:"},
        {"[]\n", "line 1:"},
        {"[mcp_servers.a] x\n", "line 1:"},
        {"[mcp_servers.a]\ncommand = npx\n", "line 2:"},
        {"[mcp_servers.a]\ncommand = 5\n", "line 2:"},
        {"[mcp_servers.a]\nargs = [\"a\", 1]\n", "line 2:"},
        {"[mcp_servers.a]\nargs = [\"a\"\n\n", "line 2:"},
        {"[mcp_servers.a]\nenv = { A = 1 }\n", "line 2:"},
        {"[mcp_servers.a]\nenabled = \"yes\"\n", "line 2:"},
        {"[mcp_servers.a]\r\ncommand = \"x\"\r\n[mcp_servers.a]\r\n", "line 3:"},
        {"[mcp_servers.a]\ncommand = \"x\"\ncommand = \"y\"\n", "line 3:"},
        {"[[mcp_servers.a]]\ncommand = \"x\"\n", "line 1:"},
        {"x = 1\nnotes = \"\"\"\nnever closed\n[mcp_servers.a]\n", "line 2:"},
        {"x = 1\nnotes = '''\nnever closed\n", "line 2:"},
        {"[mcp_servers.a]\ncommand = \"bad \\q escape\"\n", "line 2:"},
        {"[mcp_servers.a]\ncommand = \"x\" \"y\"\n", "line 2:"},
        {"[mcp_servers.a]\nenv = { A = \"1\"\n", "line 2:"},
        {"[mcp_servers.a]\n= \"x\"\n", "line 2:"},
        {"mcp_servers = 3\n", "line 1:"},
        {"[profiles.x]\nkey = \n", "line 2:"},
    };
    for (const auto &[text, line] : cases) {
        const QString error = parseError(text);
        EXPECT_TRUE(error.startsWith(QLatin1String(line))) << text << " -> " << error.toStdString();
    }
}

TEST(CodexToml, AcceptsTheRestOfToml)
{
    const QByteArray text = "\xEF\xBB\xBF# BOM first\n"
                            "a = 0x_dead_beef\nb = -1_000\nc = +inf\nd = nan\ne = 6.02e+23\n"
                            "f = 1979-05-27T07:32:00-08:00\ng = 07:32:00\nh = 1979-05-27\n"
                            "i = [[1, 2], ['x', \"y\"], { k = 1 }, ]\n"
                            "j = { nested = { deep = [true, false] }, \"q k\" = 'v' }\n"
                            "k = \"\"\"two \"quotes\"\" end\"\"\"\"\"\n"
                            "l = '''it's'''\n"
                            "m = \"\"\"\\\n   folded \\\n   line\"\"\"\n"
                            "n = \"tab\\tunicode\\u00e9\\U0001F600\"\n"
                            "[[array.of.tables]]\nx = 1\n[[array.of.tables]]\nx = 2\n"
                            "[ spaced . \"header\" ]  # comment\n"
                            "[mcp_servers.s]\ncommand = \"\"\"multi\"\"\"\n";
    const CodexToml toml = parsed(text);
    ASSERT_EQ(toml.servers().size(), 1);
    EXPECT_EQ(toml.server("s")->command, "multi");
}

TEST(CodexToml, AddsServerAtTheEnd)
{
    CodexToml toml = parsed(kConfig);
    CodexServer server;
    server.name = "manifold";
    server.command = "/usr/bin/manifold-shim";
    server.args = {"manifold", "--quiet"};
    server.env = {{"B", "2"}, {"A KEY", "\"q\""}};
    server.cwd = "/tmp";
    server.enabled = false;
    QString error;
    ASSERT_TRUE(toml.addServer(server, &error)) << error.toStdString();
    EXPECT_EQ(toml.text(), kConfig + "\n[mcp_servers.manifold]\n"
                                     "command = \"/usr/bin/manifold-shim\"\n"
                                     "args = [\"manifold\", \"--quiet\"]\n"
                                     "env = { \"A KEY\" = \"\\\"q\\\"\", B = \"2\" }\n"
                                     "cwd = \"/tmp\"\n"
                                     "enabled = false\n");
    EXPECT_EQ(toml.server("manifold"), server);
    EXPECT_FALSE(toml.addServer(server, &error));
    EXPECT_TRUE(error.contains("already exists"));
}

TEST(CodexToml, AddThenRemoveRestoresTheOriginalBytes)
{
    const QByteArray originals[] = {
        kConfig,
        crlf(kConfig),
        {},
        "model = \"x\"\n",
        "model = \"x\"\n\n\n",
        "[mcp_servers.a]\n",
        "# only a comment\r\n",
        parsed(kConfig).text().left(kConfig.indexOf("[mcp_servers.github]")),
    };
    CodexServer remote;
    remote.name = "my server";
    remote.url = "https://example.com/mcp";
    CodexServer local;
    local.name = "b";
    local.command = "C:\\Program Files\\x.exe";
    local.args = {"tab\there", QString::fromUtf8("\xc3\xbc"), "nl\n"};
    for (const QByteArray &original : originals) {
        CodexToml toml = parsed(original);
        QString error;
        ASSERT_TRUE(toml.addServer(remote, &error)) << error.toStdString();
        ASSERT_TRUE(toml.addServer(local, &error)) << error.toStdString();
        EXPECT_TRUE(toml.text().contains("[mcp_servers.\"my server\"]" + toml.lineEnding()));
        EXPECT_EQ(toml.server("my server"), remote);
        EXPECT_EQ(toml.server("b"), local);
        ASSERT_TRUE(toml.removeServer("b", &error)) << error.toStdString();
        ASSERT_TRUE(toml.removeServer("my server", &error)) << error.toStdString();
        EXPECT_EQ(toml.text(), original);
    }
}

TEST(CodexToml, RemovesServerWithSubtablesAndItsComments)
{
    CodexToml toml = parsed(kConfig);
    QString error;
    ASSERT_TRUE(toml.removeServer("github", &error)) << error.toStdString();
    const qsizetype begin = kConfig.indexOf("[mcp_servers.github]\n");
    const qsizetype end = kConfig.indexOf("[mcp_servers.\"my-server\"]\n");
    EXPECT_EQ(toml.text(), kConfig.left(begin) + kConfig.mid(end));

    ASSERT_TRUE(toml.removeServer("memory", &error));
    EXPECT_FALSE(toml.text().contains("Long-term memory"));
    EXPECT_TRUE(
        toml.text().contains("base_url = \"http://localhost:11434/v1\"\n\n[mcp_servers.\"my"));

    CodexToml tail = parsed("a = 1\n\n[mcp_servers.x]\ncommand = \"x\"\n\n[mcp_servers.x.env]\nK = "
                            "\"v\"\n# trailing\n");
    ASSERT_TRUE(tail.removeServer("x", &error));
    EXPECT_EQ(tail.text(), "a = 1\n");
}

TEST(CodexToml, QuotesStringsAndKeys)
{
    EXPECT_EQ(CodexToml::quoteString("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
    EXPECT_EQ(CodexToml::quoteString(QString::fromUtf8("\xc3\xa9")), "\"\xc3\xa9\"");
    EXPECT_EQ(CodexToml::quoteString("\x1b\t\x7f"), "\"\\u001b\\t\\u007f\"");
    EXPECT_EQ(CodexToml::quoteKey("my_server-1"), "my_server-1");
    EXPECT_EQ(CodexToml::quoteKey("my.server"), "\"my.server\"");
    EXPECT_EQ(CodexToml::quoteKey(""), "\"\"");
}

TEST(CodexToml, RefusesToAddIntoInlineServersTable)
{
    CodexToml toml = parsed("mcp_servers = { a = { command = \"x\" } }\n");
    CodexServer server;
    server.name = "b";
    server.command = "y";
    QString error;
    EXPECT_FALSE(toml.addServer(server, &error));
    EXPECT_FALSE(error.isEmpty());
    server.command.clear();
    EXPECT_FALSE(parsed({}).addServer(server, &error));
    EXPECT_EQ(toml.text(), "mcp_servers = { a = { command = \"x\" } }\n");
}

TEST(CodexToml, DamagedFilesAreRejectedOrEditedConsistently)
{
    // Every prefix and many byte flips of the sample: either a "line N:" error, or a document
    // whose edits keep it parseable. Mostly a crash and sanitizer check.
    std::vector<QByteArray> inputs;
    for (const QByteArray &text : {kConfig, crlf(kConfig)}) {
        for (qsizetype n = 0; n <= text.size(); ++n)
            inputs.push_back(text.left(n));
    }
    quint32 seed = 12345;
    for (int i = 0; i < 1500; ++i) {
        seed = seed * 1664525u + 1013904223u;
        QByteArray text = kConfig;
        text[qsizetype(seed % quint32(text.size()))] = "\"'[]{}=#,\n\\ ."[(seed >> 16) % 14];
        inputs.push_back(text);
    }
    for (const QByteArray &text : inputs) {
        QString error;
        const std::optional<CodexToml> toml = CodexToml::parse(text, &error);
        if (!toml) {
            EXPECT_TRUE(error.startsWith("line ")) << error.toStdString();
            continue;
        }
        for (const CodexServer &server : toml->servers()) {
            CodexToml copy = *toml;
            if (copy.rewriteServer(server.name, "shim", {server.name}, true, nullptr))
                EXPECT_EQ(copy.server(server.name)->command, "shim");
            else
                EXPECT_EQ(copy.text(), text);
            copy = *toml;
            if (copy.removeServer(server.name, nullptr))
                EXPECT_FALSE(copy.server(server.name));
            else
                EXPECT_EQ(copy.text(), text);
        }
    }
}
