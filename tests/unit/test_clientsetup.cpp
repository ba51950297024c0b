// Setup and revert of client configs end to end through ClientSetup, on hand-written files.

#include "clientsetuptest.h"

#include "clients/setupmanifest.h"
#include "testsupport.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace manifold;

namespace {

const QByteArray kClaudeDesktop = R"({
  "mcpServers": {
    "filesystem": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/home/u/projects"]
    },
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"],
      "env": {
        "GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_desktopSecret123",
        "LOG_LEVEL": "info"
      }
    },
    "remote": { "type": "http", "url": "https://mcp.example.com/mcp" }
  },
  "globalShortcut": "Ctrl+Space"
}
)";

const QByteArray kCursor = "{\r\n"
                           "\t\"mcpServers\": {\r\n"
                           "\t\t\"fs\": {\r\n"
                           "\t\t\t\"command\": \"npx\",\r\n"
                           "\t\t\t\"args\": [\"-y\", \"@modelcontextprotocol/server-filesystem\", \"/home/u/projects\"]\r\n"
                           "\t\t},\r\n"
                           "\t\t\"github\": {\r\n"
                           "\t\t\t\"command\": \"docker\",\r\n"
                           "\t\t\t\"args\": [\"run\", \"-i\", \"--rm\", \"ghcr.io/github/github-mcp-server\"]\r\n"
                           "\t\t}\r\n"
                           "\t}\r\n"
                           "}";

const QByteArray kCodex = R"(# Codex settings
model = "o4-mini"

# GitHub tools
[mcp_servers.github]
command = "npx"
args = ["-y", "@modelcontextprotocol/server-github"]

[mcp_servers.github.env]
GITHUB_PERSONAL_ACCESS_TOKEN = "ghp_desktopSecret123"
LOG_LEVEL = "info"

[mcp_servers.docs]
url = "https://docs.example.com/mcp"

[profiles.fast]
model = "gpt-4.1"
)";

} // namespace

class ClientSetupFlow : public ClientSetupTest
{
protected:
    void SetUp() override
    {
        ClientSetupTest::SetUp();
        desktop = home(QStringLiteral(".config/Claude/claude_desktop_config.json"));
        cursor = home(QStringLiteral(".cursor/mcp.json"));
        codex = home(QStringLiteral(".codex/config.toml"));
    }

    QString desktop, cursor, codex;
};

TEST_F(ClientSetupFlow, IdenticalDefinitionsBecomeOneServerAndClashesGetDistinctNames)
{
    write(desktop, kClaudeDesktop);
    write(cursor, kCursor);
    const SetupPlan p = plan();
    QStringList names;
    for (const ServerConfig &server : p.newServers)
        names.append(server.name);
    EXPECT_EQ(names, (QStringList{"filesystem", "github", "github-cursor"}));
    const FilePlan *cursorPlan = filePlan(p, cursor);
    ASSERT_NE(cursorPlan, nullptr);
    ASSERT_EQ(cursorPlan->entries.size(), 2);
    EXPECT_EQ(cursorPlan->entries.at(0).action, EntryPlan::Action::Reuse);
    EXPECT_EQ(cursorPlan->entries.at(0).server, "filesystem");
    EXPECT_EQ(cursorPlan->entries.at(1).action, EntryPlan::Action::Import);
    EXPECT_EQ(cursorPlan->entries.at(1).server, "github-cursor");
    EXPECT_TRUE(cursorPlan->entries.at(1).note.contains("defined differently")) << cursorPlan->entries.at(1).note.toStdString();
    const FilePlan *desktopPlan = filePlan(p, desktop);
    ASSERT_NE(desktopPlan, nullptr);
    EXPECT_EQ(desktopPlan->entries.at(2).action, EntryPlan::Action::LeaveRemote);
}

TEST_F(ClientSetupFlow, SetupRewritesEntriesMovesSecretsAndLeavesEverythingElse)
{
    write(desktop, kClaudeDesktop);
    write(cursor, kCursor);
    const SetupOutcome outcome = setUp();
    ASSERT_TRUE(outcome.ok()) << outcome.errors.join("\n").toStdString();
    EXPECT_EQ(outcome.written.size(), 2);
    EXPECT_EQ(outcome.restartClients, QStringList{"Claude Desktop"});

    const QJsonObject servers = QJsonDocument::fromJson(read(desktop)).object().value("mcpServers").toObject();
    const QString shimPath = setup->shimPath();
    EXPECT_EQ(servers.value("github").toObject(),
              (QJsonObject{{"command", shimPath}, {"args", QJsonArray{"github"}}}));
    EXPECT_EQ(servers.value("remote").toObject().value("url").toString(), "https://mcp.example.com/mcp");
    EXPECT_TRUE(read(desktop).contains("\"globalShortcut\": \"Ctrl+Space\""));

    // Cursor's file keeps its tabs and CRLF line endings, and still has no final newline.
    const QByteArray cursorText = read(cursor);
    EXPECT_EQ(cursorText.count("\r\n"), cursorText.count('\n'));
    EXPECT_TRUE(cursorText.contains("\t\t\"fs\": {\r\n\t\t\t\"command\": \"" + shimPath.toUtf8()));
    EXPECT_FALSE(cursorText.endsWith('\n'));

    // The secret went to the store; no file under the config dir or the client files holds it.
    EXPECT_EQ(store.values().value(serverSecretKey("github", "GITHUB_PERSONAL_ACCESS_TOKEN")), "ghp_desktopSecret123");
    EXPECT_EQ(filesContaining(configDir, "ghp_desktopSecret123"), QStringList());
    EXPECT_EQ(filesContaining(env.home, "ghp_desktopSecret123"), QStringList());
    const QList<ServerConfig> registered = registry();
    ASSERT_EQ(registered.size(), 3);
    EXPECT_EQ(registered.at(1).secretEnv, QStringList{"GITHUB_PERSONAL_ACCESS_TOKEN"});
    EXPECT_EQ(registered.at(1).env.value("LOG_LEVEL"), "info");

    // The launcher the configs name was written and execs the real shim.
    EXPECT_TRUE(read(shimPath).contains("exec '/opt/manifold/bin/manifold-shim' \"$@\""));
    EXPECT_TRUE(QFileInfo(shimPath).isExecutable());
}

TEST_F(ClientSetupFlow, SecondRunChangesNothing)
{
    write(desktop, kClaudeDesktop);
    write(cursor, kCursor);
    ASSERT_TRUE(setUp().ok());
    const QByteArray desktopAfter = read(desktop);
    const QByteArray manifestAfter = read(configDir + "/clients/setup.json");
    const SetupPlan again = plan();
    EXPECT_FALSE(again.changes());
    const SetupOutcome outcome = apply(again);
    EXPECT_TRUE(outcome.ok());
    EXPECT_TRUE(outcome.written.isEmpty());
    EXPECT_EQ(read(desktop), desktopAfter);
    EXPECT_EQ(read(configDir + "/clients/setup.json"), manifestAfter);
    EXPECT_EQ(registry().size(), 3);
}

TEST_F(ClientSetupFlow, RevertRestoresTheOriginalBytesAndForgetsBackups)
{
    write(desktop, kClaudeDesktop);
    write(cursor, kCursor);
    write(codex, kCodex);
    ASSERT_TRUE(setUp().ok());
    ASSERT_NE(read(codex), kCodex);
    EXPECT_FALSE(read(codex).contains("ghp_"));
    const RevertPlan preview = planRevert();
    ASSERT_EQ(preview.files.size(), 3);
    for (const RevertFilePlan &file : preview.files) {
        EXPECT_TRUE(file.exact) << file.path.toStdString();
        EXPECT_FALSE(file.maskedAfter.contains("ghp_desktopSecret123"));
    }
    const SetupOutcome outcome = revert();
    ASSERT_TRUE(outcome.ok()) << outcome.errors.join("\n").toStdString();
    EXPECT_EQ(read(desktop), kClaudeDesktop);
    EXPECT_EQ(read(cursor), kCursor);
    EXPECT_EQ(read(codex), kCodex);
    EXPECT_TRUE(QDir(configDir + "/clients/backups").isEmpty());
    for (const QString &key : store.values().keys())
        EXPECT_FALSE(key.startsWith("client-backup/")) << key.toStdString();
    EXPECT_EQ(registry().size(), 4); // servers stay in Manifold (Codex's docs URL entry too)
}

TEST_F(ClientSetupFlow, RevertKeepsServersAddedAfterSetup)
{
    write(desktop, kClaudeDesktop);
    ASSERT_TRUE(setUp().ok());
    QByteArray edited = read(desktop);
    const QByteArray marker = "    \"remote\": { \"type\": \"http\", \"url\": \"https://mcp.example.com/mcp\" }";
    ASSERT_TRUE(edited.contains(marker));
    const QByteArray added = ",\n    \"later\": { \"command\": \"uvx\", \"args\": [\"mcp-server-time\"] }";
    edited.replace(marker, marker + added);
    write(desktop, edited);

    ASSERT_TRUE(revert().ok());
    QByteArray expected = kClaudeDesktop;
    expected.replace(marker, marker + added);
    EXPECT_EQ(read(desktop), expected);
}

TEST_F(ClientSetupFlow, RevertAfterTwoSetupRunsUnwindsBoth)
{
    write(desktop, kClaudeDesktop);
    ASSERT_TRUE(setUp().ok());
    QByteArray edited = read(desktop);
    edited.replace("\"globalShortcut\"", "\"extra\": 1,\n  \"globalShortcut\"");
    edited.replace("\"mcpServers\": {\n", "\"mcpServers\": {\n    \"time\": { \"command\": \"uvx\", \"args\": [\"mcp-server-time\"] },\n");
    write(desktop, edited);
    ASSERT_TRUE(setUp().ok());
    EXPECT_TRUE(QJsonDocument::fromJson(read(desktop)).object().value("mcpServers").toObject().value("time").toObject().value("command").toString().endsWith("manifold-shim"));

    ASSERT_TRUE(revert().ok());
    QByteArray expected = kClaudeDesktop;
    expected.replace("\"globalShortcut\"", "\"extra\": 1,\n  \"globalShortcut\"");
    expected.replace("\"mcpServers\": {\n", "\"mcpServers\": {\n    \"time\": { \"command\": \"uvx\", \"args\": [\"mcp-server-time\"] },\n");
    EXPECT_EQ(read(desktop), expected);
}

TEST_F(ClientSetupFlow, BrokenFileIsReportedAndNeverTouched)
{
    const QByteArray broken = "{\n  \"mcpServers\": {\n    \"a\": { \"command\": \"x\" }\n    \"b\": {}\n  }\n}\n";
    write(desktop, broken);
    write(cursor, kCursor);
    const SetupPlan p = plan();
    const FilePlan *desktopPlan = filePlan(p, desktop);
    ASSERT_NE(desktopPlan, nullptr);
    EXPECT_TRUE(desktopPlan->error.contains("line 4")) << desktopPlan->error.toStdString();
    EXPECT_FALSE(desktopPlan->changes());
    const SetupOutcome outcome = apply(p);
    EXPECT_TRUE(outcome.ok());
    EXPECT_EQ(outcome.written, QStringList{cursor});
    EXPECT_EQ(read(desktop), broken);
    const QList<ClientFileStatus> status = setup->status();
    const auto it = std::find_if(status.begin(), status.end(), [&](const ClientFileStatus &s) { return s.file.path == desktop; });
    ASSERT_NE(it, status.end());
    EXPECT_EQ(it->state, ClientFileStatus::State::Broken);
}

TEST_F(ClientSetupFlow, PlaceholdersAndEnvFilesAreLeftAlone)
{
    write(home(".claude.json"), R"({
  "numStartups": 12,
  "mcpServers": {
    "api": { "type": "stdio", "command": "node", "args": ["/opt/api.js"], "env": { "API_KEY": "${API_KEY}" } }
  },
  "projects": {
    "/work/proj": {
      "allowedTools": [],
      "mcpServers": { "local": { "type": "stdio", "command": "node", "args": ["server.js"] } }
    }
  }
})");
    const SetupPlan p = plan({{"claude-code"}, {}, {}});
    const FilePlan *file = filePlan(p, home(".claude.json"));
    ASSERT_NE(file, nullptr);
    ASSERT_EQ(file->entries.size(), 2);
    EXPECT_EQ(file->entries.at(0).action, EntryPlan::Action::LeaveUnsupported);
    EXPECT_TRUE(file->entries.at(0).note.contains("${...}"));
    EXPECT_EQ(file->entries.at(1).action, EntryPlan::Action::Import);
    EXPECT_EQ(file->entries.at(1).entry.scope, "local /work/proj");
    ASSERT_EQ(p.newServers.size(), 1);
    // A local-scope server runs per project, in the project its client works in.
    EXPECT_EQ(p.newServers.at(0).sharing, ServerConfig::Sharing::PerProject);
    EXPECT_EQ(p.newServers.at(0).cwd, "");
    EXPECT_EQ(file->entries.at(1).perProjectReason,
              "from project /work/proj in " + home(".claude.json"));
}

TEST_F(ClientSetupFlow, FileChangedSincePreviewIsNotWritten)
{
    write(desktop, kClaudeDesktop);
    const SetupPlan p = plan();
    write(desktop, kClaudeDesktop + " ");
    const SetupOutcome outcome = apply(p);
    EXPECT_FALSE(outcome.ok());
    EXPECT_TRUE(outcome.errors.join(" ").contains("changed since the preview"));
    EXPECT_EQ(read(desktop), kClaudeDesktop + " ");
    EXPECT_TRUE(registry().isEmpty());
}

TEST_F(ClientSetupFlow, FailingKeychainChangesNothing)
{
    write(desktop, kClaudeDesktop);
    store.setFailing("the keychain is locked");
    const SetupOutcome outcome = setUp();
    EXPECT_FALSE(outcome.ok());
    EXPECT_TRUE(outcome.errors.join(" ").contains("the keychain is locked"));
    EXPECT_EQ(read(desktop), kClaudeDesktop);
    EXPECT_TRUE(registry().isEmpty());
    EXPECT_FALSE(QFile::exists(configDir + "/clients/setup.json"));
}

TEST_F(ClientSetupFlow, FileModeAndSymlinksAreKept)
{
    const QString real = home("dotfiles/cursor-mcp.json");
    write(real, kCursor);
    QFile::setPermissions(real, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QDir().mkpath(QFileInfo(cursor).absolutePath());
    ASSERT_TRUE(QFile::link(real, cursor));
    ASSERT_TRUE(setUp().ok());
    EXPECT_TRUE(QFileInfo(cursor).isSymLink());
    EXPECT_TRUE(read(real).contains("manifold-shim"));
    EXPECT_EQ(testsupport::modeOf(real), mode_t(0600));
    ASSERT_TRUE(revert().ok());
    EXPECT_EQ(read(real), kCursor);
    EXPECT_TRUE(QFileInfo(cursor).isSymLink());
}

TEST_F(ClientSetupFlow, UserMarkedSecretsMoveToo)
{
    write(cursor, R"({"mcpServers": {"db": {"command": "pg-mcp", "env": {"PGURL": "postgres://u:pw@h/db"}}}})");
    const SetupPlan p = plan({{}, {}, {"pgurl"}});
    ASSERT_EQ(p.newServers.size(), 1);
    EXPECT_EQ(p.newServers.at(0).secretEnv, QStringList{"PGURL"});
    EXPECT_TRUE(filePlan(p, cursor)->maskedBefore().contains("\"PGURL\": \"********\""));
    ASSERT_TRUE(apply(p).ok());
    EXPECT_EQ(filesContaining(configDir, "postgres://u:pw@h/db"), QStringList());
    ASSERT_TRUE(revert().ok());
    EXPECT_TRUE(read(cursor).contains("postgres://u:pw@h/db"));
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
