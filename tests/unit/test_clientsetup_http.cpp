// setup --transport http: each URL-capable client's entry shape byte for byte, the rest of the
// file untouched, one token per client made through the broker's control methods (a fake front
// door here), the shim kept for stdio-only clients, and revert restoring bytes and revoking.

#include "clientsetuptest.h"

#include "clients/httpsetup.h"
#include "clients/setupmanifest.h"
#include "http/tokenstore.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QTimer>

using namespace manifold;

namespace {

const QString kBase = QStringLiteral("http://127.0.0.1:47999/mcp/");

// The broker's side of http/status|enable|tokenAdd|tokenRevoke, answering on the event loop.
class FakeFrontDoor
{
public:
    bool enabled = true;
    QMap<QString, QString> tokens; // name -> secret
    QStringList calls;             // "method name"
    QString failTokenAdd;          // a token name whose tokenAdd fails

    ClientSetup::ControlCall control()
    {
        return [this](const QString &method, const QJsonObject &params,
                      const ClientSetup::ControlReply &reply) {
            const QString name = params.value(QStringLiteral("name")).toString();
            calls.append((method + QLatin1Char(' ') + name).trimmed());
            bool ok = true;
            QJsonObject result;
            QString error;
            if (method == QLatin1String("http/status")) {
                result = status();
            } else if (method == QLatin1String("http/enable")) {
                enabled = true;
                result = status();
            } else if (method == QLatin1String("http/tokenAdd")) {
                ok = !tokens.contains(name) && name != failTokenAdd;
                error = QStringLiteral("token '%1' cannot be made").arg(name);
                const QString secret = QStringLiteral("mfd_") + QString(43, QChar('A' + made++));
                if (ok) {
                    tokens.insert(name, secret);
                    result = {{QStringLiteral("name"), name}, {QStringLiteral("secret"), secret}};
                }
            } else if (method == QLatin1String("http/tokenRevoke")) {
                ok = tokens.remove(name) == 1;
                error = QStringLiteral("no token named '%1'").arg(name);
                result = {{QStringLiteral("revoked"), name}};
            }
            QTimer::singleShot(0, [reply, ok, result, error] { reply(ok, result, error); });
        };
    }

    QJsonObject status() const
    {
        QJsonArray list;
        for (const QString &name : tokens.keys())
            list.append(QJsonObject{{QStringLiteral("name"), name}});
        return {{QStringLiteral("enabled"), enabled},
                {QStringLiteral("listening"), enabled},
                {QStringLiteral("url"), kBase + QStringLiteral("NAME")},
                {QStringLiteral("tokens"), list}};
    }

    int made = 0;
};

ClientSetup::Options overHttp(const QStringList &clients = {})
{
    ClientSetup::Options options;
    options.clients = clients;
    options.transport = SetupTransport::Http;
    return options;
}

const QByteArray kClaudeCode = R"({
  "numStartups": 7,
  "mcpServers": {
    "everything": {
      "type": "stdio",
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-everything"],
      "env": {}
    }
  },
  "tipsHistory": { "new-user-warmup": 1 }
}
)";

const QByteArray kVsCode = R"(// my MCP servers
{
  "servers": {
    "everything": {
      "type": "stdio",
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-everything"], // pinned later
    },
  },
  "inputs": [],
}
)";

const QByteArray kCursor = R"({
  "mcpServers": {
    "everything": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-everything"]
    }
  }
}
)";

const QByteArray kGemini = R"({
  "theme": "Default",
  "mcpServers": {
    "everything": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-everything"],
      "trust": false
    }
  }
}
)";

const QByteArray kCodex = R"(# Codex settings
model = "o4-mini"

[mcp_servers.everything]
command = "npx"
args = ["-y", "@modelcontextprotocol/server-everything"]
tool_timeout_sec = 30

[mcp_servers.everything.env]
LOG_LEVEL = "info"

[profiles.fast]
model = "o4-mini"
)";

const QByteArray kOpenCodeV1 = R"({
  "$schema": "https://opencode.ai/config.json",
  "mcp": {
    "everything": {
      "type": "local",
      "command": ["npx", "-y", "@modelcontextprotocol/server-everything"],
      "enabled": true
    }
  }
}
)";

const QByteArray kOpenCodeV2 = R"({
  "mcp": {
    "servers": {
      "everything": {
        "type": "local",
        "command": ["npx", "-y", "@modelcontextprotocol/server-everything"],
        "disabled": false
      }
    }
  }
}
)";

const QByteArray kClaudeDesktop = R"({
  "mcpServers": {
    "everything": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-everything"]
    }
  }
}
)";

} // namespace

class HttpSetup : public ClientSetupTest
{
protected:
    void SetUp() override
    {
        ClientSetupTest::SetUp();
        setup->setControl(door.control());
    }

    QString secret(const QString &token) const { return door.tokens.value(token); }

    QStringList manifestTokens() const
    {
        SetupManifest manifest(configDir);
        manifest.load(nullptr);
        return manifest.tokenNames();
    }

    FakeFrontDoor door;
};

TEST_F(HttpSetup, ClaudeCodeGetsATypedHttpEntryWithItsOwnToken)
{
    const QString path = home(".claude.json");
    write(path, kClaudeCode);
    const SetupOutcome outcome = setUp(overHttp({"claude-code"}));
    ASSERT_TRUE(outcome.ok()) << outcome.errors.join("; ").toStdString();
    ASSERT_EQ(door.tokens.keys(), QStringList{"claude-code"});
    EXPECT_EQ(read(path), QByteArray(R"({
  "numStartups": 7,
  "mcpServers": {
    "everything": {
      "type": "http",
      "url": "http://127.0.0.1:47999/mcp/everything",
      "headers": {
        "Authorization": "Bearer )" + secret("claude-code").toUtf8() +
                                     R"("
      }
    }
  },
  "tipsHistory": { "new-user-warmup": 1 }
}
)"));
    EXPECT_EQ(outcome.addedServers, QStringList{"everything"});
    EXPECT_TRUE(outcome.notes.join('\n').contains("made token \"claude-code\" for Claude Code"));
    EXPECT_EQ(manifestTokens(), QStringList{"claude-code"});
}

TEST_F(HttpSetup, VsCodeKeepsCommentsAndTrailingCommas)
{
    const QString path = home(".config/Code/User/mcp.json");
    write(path, kVsCode);
    ASSERT_TRUE(setUp(overHttp({"vscode"})).ok());
    EXPECT_EQ(read(path), QByteArray(R"(// my MCP servers
{
  "servers": {
    "everything": {
      "type": "http",
      "url": "http://127.0.0.1:47999/mcp/everything",
      "headers": {
        "Authorization": "Bearer )" + secret("vscode").toUtf8() +
                                     R"("
      },
    },
  },
  "inputs": [],
}
)"));
}

TEST_F(HttpSetup, CursorAndWindsurfUseTheirOwnUrlKeys)
{
    write(home(".cursor/mcp.json"), kCursor);
    write(home(".codeium/windsurf/mcp_config.json"), kCursor);
    ASSERT_TRUE(setUp(overHttp({"cursor", "windsurf"})).ok());
    const auto expected = [&](const char *urlKey, const QString &token) {
        return QByteArray(R"({
  "mcpServers": {
    "everything": {
      ")") + urlKey +
               R"(": "http://127.0.0.1:47999/mcp/everything",
      "headers": {
        "Authorization": "Bearer )" +
               secret(token).toUtf8() + R"("
      }
    }
  }
}
)";
    };
    EXPECT_EQ(read(home(".cursor/mcp.json")), expected("url", "cursor"));
    EXPECT_EQ(read(home(".codeium/windsurf/mcp_config.json")), expected("serverUrl", "windsurf"));
    EXPECT_NE(secret("cursor"), secret("windsurf"));
}

TEST_F(HttpSetup, GeminiGetsUrlAndTypeNeverHttpUrl)
{
    const QString path = home(".gemini/settings.json");
    write(path, kGemini);
    ASSERT_TRUE(setUp(overHttp({"gemini"})).ok());
    EXPECT_EQ(read(path), QByteArray(R"({
  "theme": "Default",
  "mcpServers": {
    "everything": {
      "trust": false,
      "type": "http",
      "url": "http://127.0.0.1:47999/mcp/everything",
      "headers": {
        "Authorization": "Bearer )" + secret("gemini").toUtf8() +
                                     R"("
      }
    }
  }
}
)"));
    EXPECT_FALSE(read(path).contains("httpUrl"));
}

TEST_F(HttpSetup, CodexGetsHttpHeadersNeverBearerToken)
{
    const QString path = home(".codex/config.toml");
    write(path, kCodex);
    ASSERT_TRUE(setUp(overHttp({"codex"})).ok());
    EXPECT_EQ(read(path), QByteArray(R"(# Codex settings
model = "o4-mini"

[mcp_servers.everything]
url = "http://127.0.0.1:47999/mcp/everything"
http_headers = { Authorization = "Bearer )" +
                                     secret("codex").toUtf8() + R"(" }
tool_timeout_sec = 30

[profiles.fast]
model = "o4-mini"
)"));
    EXPECT_FALSE(read(path).contains("bearer_token"));
}

TEST_F(HttpSetup, OpenCodeRemoteEntryInBothShapes)
{
    const QString v1 = home(".config/opencode/opencode.json");
    const QString v2 = home(".config/opencode/opencode.jsonc");
    write(v1, kOpenCodeV1);
    write(v2, kOpenCodeV2);
    ASSERT_TRUE(setUp(overHttp({"opencode"})).ok());
    const QByteArray token = secret("opencode").toUtf8();
    EXPECT_EQ(read(v1), QByteArray(R"({
  "$schema": "https://opencode.ai/config.json",
  "mcp": {
    "everything": {
      "type": "remote",
      "enabled": true,
      "url": "http://127.0.0.1:47999/mcp/everything",
      "headers": {
        "Authorization": "Bearer )" +
                                   token + R"("
      },
      "oauth": false
    }
  }
}
)"));
    EXPECT_EQ(read(v2), QByteArray(R"({
  "mcp": {
    "servers": {
      "everything": {
        "type": "remote",
        "disabled": false,
        "url": "http://127.0.0.1:47999/mcp/everything",
        "headers": {
          "Authorization": "Bearer )" +
                                   token + R"("
        }
      }
    }
  }
}
)"));
    EXPECT_EQ(door.tokens.size(), 1) << "one token per client, whatever its number of files";
}

TEST_F(HttpSetup, ClaudeDesktopKeepsTheShimAndSaysWhy)
{
    const QString desktop = home(".config/Claude/claude_desktop_config.json");
    const QString code = home(".claude.json");
    write(desktop, kClaudeDesktop);
    write(code, kClaudeCode);
    const SetupPlan p = plan(overHttp());
    const FilePlan *desktopPlan = filePlan(p, desktop);
    ASSERT_NE(desktopPlan, nullptr);
    EXPECT_TRUE(desktopPlan->transportNote.contains("keeps the shim"));
    EXPECT_TRUE(desktopPlan->after.contains("manifold-shim"));
    EXPECT_FALSE(desktopPlan->after.contains("http://"));
    EXPECT_TRUE(filePlan(p, code)->after.contains("http://127.0.0.1:47999/mcp/everything"));
    ASSERT_EQ(p.tokens.size(), 1);
    EXPECT_EQ(p.tokens.first().clientId, "claude-code");
    EXPECT_TRUE(door.tokens.isEmpty()) << "planning makes no token";
    ASSERT_TRUE(apply(p).ok());
    EXPECT_EQ(door.tokens.keys(), QStringList{"claude-code"});
    EXPECT_FALSE(read(desktop).contains("Bearer"));
}

TEST_F(HttpSetup, ProjectFilesKeepTheShimSoNoTokenIsCommitted)
{
    const QString project = home("work/app");
    write(project + "/.mcp.json",
          R"({ "mcpServers": { "fetch": { "command": "uvx", "args": ["mcp-server-fetch"] } } }
)");
    write(home(".claude.json"), kClaudeCode);
    ClientSetup::Options options = overHttp({"claude-code"});
    options.projectDirs = {project};
    const SetupPlan p = plan(options);
    const FilePlan *projectPlan = filePlan(p, project + "/.mcp.json");
    ASSERT_NE(projectPlan, nullptr);
    EXPECT_TRUE(projectPlan->transportNote.contains("committed"))
        << projectPlan->transportNote.toStdString();
    EXPECT_TRUE(projectPlan->after.contains("manifold-shim"));
    EXPECT_FALSE(projectPlan->after.contains("mfd_"));
    EXPECT_TRUE(filePlan(p, home(".claude.json"))->after.contains("\"type\": \"http\""));
    ASSERT_TRUE(apply(p).ok());
    EXPECT_FALSE(read(project + "/.mcp.json").contains("Bearer"));
}

TEST_F(HttpSetup, PreviewMasksTokensAndPlanningMakesNone)
{
    write(home(".claude.json"), kClaudeCode);
    const SetupPlan p = plan(overHttp());
    const FilePlan *file = filePlan(p, home(".claude.json"));
    ASSERT_NE(file, nullptr);
    EXPECT_TRUE(file->maskedAfter().contains("\"Bearer mfd_********\""));
    EXPECT_FALSE(file->maskedAfter().contains("new-token-for"));
    EXPECT_EQ(door.calls, QStringList{"http/status"});
}

TEST_F(HttpSetup, RevertRestoresEveryByteAndRevokesTheTokens)
{
    write(home(".claude.json"), kClaudeCode);
    write(home(".codex/config.toml"), kCodex);
    write(home(".config/Claude/claude_desktop_config.json"), kClaudeDesktop);
    ASSERT_TRUE(setUp(overHttp()).ok());
    EXPECT_EQ(door.tokens.keys(), (QStringList{"claude-code", "codex"}));
    EXPECT_TRUE(filesContaining(configDir, secret("codex").toUtf8()).isEmpty())
        << "the secret lives only in the client's config";

    const RevertPlan revertPlan = planRevert();
    EXPECT_EQ(revertPlan.tokens, (QStringList{"claude-code", "codex"}));
    const SetupOutcome outcome = revert();
    ASSERT_TRUE(outcome.ok()) << outcome.errors.join("; ").toStdString();
    EXPECT_EQ(read(home(".claude.json")), kClaudeCode);
    EXPECT_EQ(read(home(".codex/config.toml")), kCodex);
    EXPECT_EQ(read(home(".config/Claude/claude_desktop_config.json")), kClaudeDesktop);
    EXPECT_TRUE(door.tokens.isEmpty());
    EXPECT_TRUE(outcome.notes.join('\n').contains("revoked token \"codex\""));
    EXPECT_TRUE(manifestTokens().isEmpty());
}

TEST_F(HttpSetup, RevertOfOneClientKeepsTheOthersToken)
{
    write(home(".claude.json"), kClaudeCode);
    write(home(".cursor/mcp.json"), kCursor);
    ASSERT_TRUE(setUp(overHttp()).ok());
    ASSERT_TRUE(revert({{"cursor"}, {}, {}}).ok());
    EXPECT_EQ(read(home(".cursor/mcp.json")), kCursor);
    EXPECT_EQ(door.tokens.keys(), QStringList{"claude-code"});
}

TEST_F(HttpSetup, RunningAgainChangesNothingAndMakesNoToken)
{
    write(home(".claude.json"), kClaudeCode);
    ASSERT_TRUE(setUp(overHttp()).ok());
    const QByteArray once = read(home(".claude.json"));
    door.calls.clear();
    const SetupPlan again = plan(overHttp());
    EXPECT_FALSE(again.changes());
    EXPECT_TRUE(again.tokens.isEmpty());
    const FilePlan *file = filePlan(again, home(".claude.json"));
    ASSERT_EQ(file->entries.size(), 1);
    EXPECT_EQ(file->entries.first().action, EntryPlan::Action::AlreadyManaged);
    EXPECT_TRUE(file->entries.first().viaHttp);
    ASSERT_TRUE(apply(again).ok());
    EXPECT_EQ(read(home(".claude.json")), once);
    EXPECT_EQ(door.calls, QStringList{"http/status"});
}

TEST_F(HttpSetup, ANewServerLaterReplacesTheClientsTokenEverywhere)
{
    write(home(".claude.json"), kClaudeCode);
    ASSERT_TRUE(setUp(overHttp()).ok());
    const QString first = secret("claude-code");
    QByteArray text = read(home(".claude.json"));
    text.replace("  \"tipsHistory\"", "  \"other\": 1,\n  \"tipsHistory\"");
    // A second stdio server the user added since.
    text.replace("\"mcpServers\": {\n", "\"mcpServers\": {\n    \"fetch\": { \"command\": \"uvx\", "
                                        "\"args\": [\"mcp-server-fetch\"] },\n");
    write(home(".claude.json"), text);

    door.calls.clear();
    const SetupPlan again = plan(overHttp());
    ASSERT_EQ(again.tokens.size(), 1);
    EXPECT_TRUE(again.tokens.first().replaces);
    const SetupOutcome outcome = apply(again);
    ASSERT_TRUE(outcome.ok()) << outcome.errors.join("; ").toStdString();
    EXPECT_EQ(door.tokens.size(), 1) << "tokens do not pile up";
    const QString second = secret("claude-code");
    EXPECT_NE(first, second);
    const QByteArray after = read(home(".claude.json"));
    EXPECT_FALSE(after.contains(first.toUtf8()));
    EXPECT_EQ(after.count(second.toUtf8()), 2) << after.toStdString();
    EXPECT_TRUE(outcome.notes.join('\n').contains("replaced token \"claude-code\""));
    EXPECT_EQ(door.calls.mid(1),
              (QStringList{"http/tokenRevoke claude-code", "http/tokenAdd claude-code"}));

    // Revert goes back through both runs to the very first bytes, and the token goes.
    ASSERT_TRUE(revert().ok());
    EXPECT_EQ(read(home(".claude.json")), [&] {
        QByteArray original = kClaudeCode;
        original.replace("  \"tipsHistory\"", "  \"other\": 1,\n  \"tipsHistory\"");
        original.replace("\"mcpServers\": {\n", "\"mcpServers\": {\n    \"fetch\": { \"command\": "
                                                "\"uvx\", \"args\": [\"mcp-server-fetch\"] },\n");
        return original;
    }()) << "entries restored, the user's own edit kept";
    EXPECT_TRUE(door.tokens.isEmpty());
}

TEST_F(HttpSetup, AUserTokenOfTheSameNameIsNeverReplaced)
{
    door.tokens.insert("claude-code", "mfd_users-own-token-xxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    write(home(".claude.json"), kClaudeCode);
    const SetupPlan p = plan(overHttp());
    ASSERT_EQ(p.tokens.size(), 1);
    EXPECT_EQ(p.tokens.first().name, "claude-code-2");
    EXPECT_FALSE(p.tokens.first().replaces);
    ASSERT_TRUE(apply(p).ok());
    EXPECT_EQ(door.tokens.keys(), (QStringList{"claude-code", "claude-code-2"}));
    ASSERT_TRUE(revert().ok());
    EXPECT_EQ(door.tokens.keys(), QStringList{"claude-code"});
}

TEST_F(HttpSetup, TokensOnDiskCountWhenTheBrokerListsNone)
{
    // A broker whose front door has been off since it started lists no tokens.
    http::TokenStore tokens(configDir);
    QString error;
    ASSERT_FALSE(tokens.add("cursor", &error).isEmpty()) << error.toStdString();
    ASSERT_TRUE(tokens.save(&error)) << error.toStdString();
    door.enabled = false;
    write(home(".cursor/mcp.json"), kCursor);
    const SetupPlan p = plan(overHttp());
    ASSERT_EQ(p.tokens.size(), 1);
    EXPECT_EQ(p.tokens.first().name, "cursor-2");
    EXPECT_FALSE(p.tokens.first().replaces);
}

TEST_F(HttpSetup, ShimEntriesMoveToHttpAndBackOnRevert)
{
    write(home(".claude.json"), kClaudeCode);
    ASSERT_TRUE(setUp({{"claude-code"}, {}, {}}).ok());
    const QByteArray viaShim = read(home(".claude.json"));
    ASSERT_TRUE(viaShim.contains("manifold-shim"));
    const SetupPlan p = plan(overHttp());
    ASSERT_EQ(filePlan(p, home(".claude.json"))->entries.first().action,
              EntryPlan::Action::AlreadyManaged);
    ASSERT_TRUE(apply(p).ok());
    EXPECT_FALSE(read(home(".claude.json")).contains("manifold-shim"));
    EXPECT_TRUE(read(home(".claude.json")).contains("\"type\": \"http\""));
    ASSERT_TRUE(revert().ok());
    EXPECT_EQ(read(home(".claude.json")), kClaudeCode);
    EXPECT_TRUE(door.tokens.isEmpty());
}

TEST_F(HttpSetup, TurnsTheFrontDoorOnAndSaysSo)
{
    door.enabled = false;
    write(home(".cursor/mcp.json"), kCursor);
    const SetupPlan p = plan(overHttp());
    EXPECT_TRUE(p.enableFrontDoor);
    const SetupOutcome outcome = apply(p);
    ASSERT_TRUE(outcome.ok());
    EXPECT_TRUE(door.enabled);
    EXPECT_EQ(door.calls.mid(1), (QStringList{"http/enable", "http/tokenAdd cursor"}));
    EXPECT_TRUE(outcome.notes.first().contains("turned the HTTP front door on: "
                                               "http://127.0.0.1:47999/mcp/NAME"));
}

TEST_F(HttpSetup, AFailedTokenChangesNothingAndLeavesNoToken)
{
    write(home(".claude.json"), kClaudeCode);
    write(home(".cursor/mcp.json"), kCursor);
    door.failTokenAdd = "cursor";
    const SetupOutcome outcome = setUp(overHttp());
    EXPECT_FALSE(outcome.ok());
    EXPECT_TRUE(outcome.errors.join('\n').contains("cannot make token \"cursor\""));
    EXPECT_EQ(read(home(".claude.json")), kClaudeCode);
    EXPECT_EQ(read(home(".cursor/mcp.json")), kCursor);
    EXPECT_TRUE(door.tokens.isEmpty()) << "the token made before the failure is revoked";
    EXPECT_TRUE(registry().isEmpty());
}

TEST_F(HttpSetup, WithoutABrokerHttpSetupIsAClearError)
{
    setup->setControl({});
    write(home(".claude.json"), kClaudeCode);
    QString error;
    runUntilDone([&](auto finish) {
        setup->planSetup(overHttp(), [&, finish](const SetupPlan &, const QString &e) {
            error = e;
            finish();
        });
    });
    EXPECT_TRUE(error.contains("needs the broker running")) << error.toStdString();
    EXPECT_EQ(read(home(".claude.json")), kClaudeCode);
}

TEST(HttpSetupHelpers, MaskTokensAndFrontDoorUrls)
{
    EXPECT_EQ(httpsetup::maskTokens("a \"Bearer mfd_" + QByteArray(43, 'x') + "\" b"),
              QByteArray("a \"Bearer mfd_********\" b"));
    EXPECT_TRUE(httpsetup::isFrontDoorUrl("http://127.0.0.1:1234/mcp/everything", "everything"));
    EXPECT_TRUE(httpsetup::isFrontDoorUrl("http://localhost:47821/mcp/a.b", "a.b"));
    EXPECT_FALSE(httpsetup::isFrontDoorUrl("https://mcp.example.com/mcp/everything", "everything"));
    EXPECT_FALSE(httpsetup::isFrontDoorUrl("http://127.0.0.1:1234/mcp/other", "everything"));
    EXPECT_EQ(httpsetup::serverOfUrl(kBase + "fs", kBase), "fs");
    EXPECT_EQ(httpsetup::serverOfUrl("http://127.0.0.1:1/mcp/fs", kBase), "");
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
