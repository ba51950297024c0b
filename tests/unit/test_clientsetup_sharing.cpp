// How setup picks a server's sharing mode: project entries and relative paths become
// per-project (with the reason every preview shows), and one definition used in several projects
// becomes one per-project server.

#include "clientsetuptest.h"

#include "clients/sharingchoice.h"

#include <QCoreApplication>

using namespace manifold;

namespace {

QByteArray mcpJson(const QByteArray &servers)
{
    return "{\n  \"mcpServers\": {\n" + servers + "\n  }\n}\n";
}

const QByteArray kMemory =
    R"(    "memory": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"] })";

const ServerConfig *findServer(const QList<ServerConfig> &servers, const QString &name)
{
    for (const ServerConfig &server : servers) {
        if (server.name == name)
            return &server;
    }
    return nullptr;
}

} // namespace

TEST(RelativePath, Rule)
{
    const QStringList relative{
        ".",           "..",           "./data",    "../shared/db", "src/index.js",
        "data/app.db", ".venv/bin/x",  "server.py", "index.js",     "app.sqlite",
        "--db=./x.db", "--root=src/a", ".\\data",   "src\\main.ts"};
    for (const QString &argument : relative)
        EXPECT_TRUE(isRelativePath(argument)) << argument.toStdString();
    const QStringList notRelative{"",
                                  "-y",
                                  "--stdio",
                                  "--db",
                                  "/abs/path",
                                  "~/notes",
                                  "C:\\data",
                                  "\\\\host\\share",
                                  "https://x.io/mcp",
                                  "@modelcontextprotocol/server-memory",
                                  "@playwright/mcp@latest",
                                  "pkg@1.2.3",
                                  "mcp-server-git==1.0",
                                  "KEY=value/x",
                                  "ghcr.io/github/github-mcp-server",
                                  "github.com/x/y",
                                  "image:tag",
                                  "jsr:@x/y",
                                  "mcp-server-fetch",
                                  "src",
                                  "awslabs.aws-documentation-mcp-server",
                                  "--db=/abs.db",
                                  "run"};
    for (const QString &argument : notRelative)
        EXPECT_FALSE(isRelativePath(argument)) << argument.toStdString();
}

TEST(RelativePath, Command)
{
    EXPECT_TRUE(isRelativeCommand("./bin/server"));
    EXPECT_TRUE(isRelativeCommand("bin/server"));
    EXPECT_FALSE(isRelativeCommand("node"));      // found through PATH, not the cwd
    EXPECT_FALSE(isRelativeCommand("server.py")); // the same
    EXPECT_FALSE(isRelativeCommand("/usr/bin/node"));
}

TEST(ChooseSharing, UserEntries)
{
    ClientEntry entry;
    entry.scope = "user";
    entry.command = "npx";
    entry.args = {"-y", "@modelcontextprotocol/server-filesystem", "./data"};
    SharingChoice choice = chooseSharing(entry, "/home/u/.cursor/mcp.json");
    EXPECT_TRUE(choice.perProject);
    EXPECT_EQ(choice.reason, R"(argument "./data" is a relative path)");

    entry.cwd = "/srv/files"; // the entry's own cwd anchors its relative paths
    EXPECT_FALSE(chooseSharing(entry, "/home/u/.cursor/mcp.json").perProject);

    entry.cwd = "sub"; // a relative cwd is the client's working directory again
    choice = chooseSharing(entry, "/home/u/.cursor/mcp.json");
    EXPECT_TRUE(choice.perProject);
    EXPECT_EQ(choice.reason, R"(cwd "sub" is a relative path)");

    entry.cwd.clear();
    entry.command = "./bin/server";
    entry.args.clear();
    EXPECT_EQ(chooseSharing(entry, "/f").reason, R"(command "./bin/server" is a relative path)");

    // Image names are not host paths; an explicit ./ still is.
    entry.command = "docker";
    entry.args = {"run", "-i", "--rm", "mcp/fetch"};
    EXPECT_FALSE(chooseSharing(entry, "/f").perProject);
    entry.args = {"run", "-i", "--rm", "-v", "./data:/data", "mcp/sqlite"};
    EXPECT_TRUE(chooseSharing(entry, "/f").perProject);

    entry.command = "npx";
    entry.args = {"-y", "@modelcontextprotocol/server-memory"};
    EXPECT_FALSE(chooseSharing(entry, "/f").perProject);
}

TEST(ChooseSharing, ProjectEntries)
{
    ClientEntry entry;
    entry.command = "npx";
    entry.args = {"-y", "@modelcontextprotocol/server-memory"};
    entry.scope = "project";
    entry.projectDir = "/home/u/app";
    SharingChoice choice = chooseSharing(entry, "/home/u/app/.mcp.json");
    EXPECT_TRUE(choice.perProject);
    EXPECT_EQ(choice.reason, "from project file /home/u/app/.mcp.json");

    entry.scope = "local /home/u/app";
    choice = chooseSharing(entry, "/home/u/.claude.json");
    EXPECT_EQ(choice.reason, "from project /home/u/app in /home/u/.claude.json");
}

class SharingSetup : public ClientSetupTest
{
};

TEST_F(SharingSetup, SameDefinitionInTwoProjectsIsOnePerProjectServer)
{
    const QString a = home("work/a"), b = home("work/b");
    write(a + "/.mcp.json", mcpJson(kMemory));
    write(b + "/.mcp.json", mcpJson(kMemory));
    write(b + "/.cursor/mcp.json", mcpJson(kMemory));
    const SetupPlan p = plan({{}, {a, b}, {}});
    ASSERT_EQ(p.newServers.size(), 1);
    const ServerConfig &server = p.newServers.first();
    EXPECT_EQ(server.name, "memory");
    EXPECT_EQ(server.sharing, ServerConfig::Sharing::PerProject);
    EXPECT_EQ(server.cwd, ""); // each instance runs in the project its client works in
    EXPECT_EQ(p.perProjectReasons.value("memory"), "from project file " + a + "/.mcp.json");

    const FilePlan *fromB = filePlan(p, b + "/.mcp.json");
    ASSERT_NE(fromB, nullptr);
    ASSERT_EQ(fromB->entries.size(), 1);
    EXPECT_EQ(fromB->entries.first().action, EntryPlan::Action::Reuse);
    EXPECT_EQ(fromB->entries.first().server, "memory");
    EXPECT_EQ(fromB->entries.first().perProjectReason, "from project file " + b + "/.mcp.json");
    const FilePlan *cursorB = filePlan(p, b + "/.cursor/mcp.json");
    ASSERT_NE(cursorB, nullptr);
    EXPECT_EQ(cursorB->entries.first().action, EntryPlan::Action::Reuse);

    ASSERT_TRUE(apply(p).ok());
    const QList<ServerConfig> servers = registry();   // findServer points into it
    const ServerConfig *saved = findServer(servers, "memory");
    ASSERT_NE(saved, nullptr);
    EXPECT_EQ(saved->sharing, ServerConfig::Sharing::PerProject);
    // Nothing left to do on a second run.
    EXPECT_FALSE(plan({{}, {a, b}, {}}).changes());
}

TEST_F(SharingSetup, UserAndProjectDefinitionsStayApart)
{
    // The user-scope server is shared by every client; the project's copy runs per project.
    write(home(".cursor/mcp.json"), mcpJson(kMemory));
    const QString a = home("work/a");
    write(a + "/.mcp.json", mcpJson(kMemory));
    const SetupPlan p = plan({{}, {a}, {}});
    ASSERT_EQ(p.newServers.size(), 2);
    const ServerConfig *user = findServer(p.newServers, "memory");
    ASSERT_NE(user, nullptr);
    EXPECT_EQ(user->sharing, ServerConfig::Sharing::Shared);
    EXPECT_FALSE(p.perProjectReasons.contains("memory"));
    const ServerConfig *project = findServer(p.newServers, "memory-claude-code");
    ASSERT_NE(project, nullptr);
    EXPECT_EQ(project->sharing, ServerConfig::Sharing::PerProject);
}

TEST_F(SharingSetup, ProjectEntryWithItsOwnCwdStaysThere)
{
    // Per-project instances run in their project; an entry that names another directory runs
    // there for every project, so it stays shared with that cwd.
    const QString a = home("work/a");
    write(a + "/.gemini/settings.json", R"({ "mcpServers": {
      "here": { "command": "node", "args": ["tools/mcp.js"], "cwd": "./" },
      "sub": { "command": "node", "args": ["mcp.js"], "cwd": "tools" },
      "elsewhere": { "command": "node", "args": ["mcp.js"], "cwd": "/opt/mcp" } } })");
    const SetupPlan p = plan({{"gemini"}, {a}, {}});
    ASSERT_EQ(p.newServers.size(), 3);
    EXPECT_EQ(findServer(p.newServers, "here")->cwd, "");
    EXPECT_EQ(findServer(p.newServers, "here")->sharing, ServerConfig::Sharing::PerProject);
    EXPECT_EQ(p.perProjectReasons.value("here"),
              "from project file " + a + "/.gemini/settings.json");
    EXPECT_EQ(findServer(p.newServers, "sub")->cwd, a + "/tools");
    EXPECT_EQ(findServer(p.newServers, "sub")->sharing, ServerConfig::Sharing::Shared);
    EXPECT_EQ(findServer(p.newServers, "elsewhere")->cwd, "/opt/mcp");
    EXPECT_EQ(findServer(p.newServers, "elsewhere")->sharing, ServerConfig::Sharing::Shared);
    EXPECT_FALSE(p.perProjectReasons.contains("sub"));
}

TEST_F(SharingSetup, RelativeArgumentInUserScope)
{
    write(
        home(".cursor/mcp.json"),
        mcpJson(
            R"(    "files": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "."] },
    "docs": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/home/u/docs"] })"));
    const SetupPlan p = plan({{"cursor"}, {}, {}});
    ASSERT_EQ(p.newServers.size(), 2);
    EXPECT_EQ(findServer(p.newServers, "files")->sharing, ServerConfig::Sharing::PerProject);
    EXPECT_EQ(p.perProjectReasons.value("files"), R"(argument "." is a relative path)");
    EXPECT_EQ(findServer(p.newServers, "docs")->sharing, ServerConfig::Sharing::Shared);
    EXPECT_FALSE(p.perProjectReasons.contains("docs"));
}

TEST_F(SharingSetup, RegistryPerProjectServerIsReused)
{
    ServerRegistry registry(configDir);
    QString error;
    ASSERT_TRUE(registry.load(&error)) << error.toStdString();
    ServerConfig memory;
    memory.name = "mem";
    memory.command = "npx";
    memory.args = {"-y", "@modelcontextprotocol/server-memory"};
    memory.sharing = ServerConfig::Sharing::PerProject;
    ASSERT_TRUE(registry.add(memory, &error)) << error.toStdString();
    ASSERT_TRUE(registry.save(&error)) << error.toStdString();
    const QString a = home("work/a");
    write(a + "/.mcp.json", mcpJson(kMemory));
    const SetupPlan p = plan({{}, {a}, {}});
    EXPECT_TRUE(p.newServers.isEmpty());
    const FilePlan *file = filePlan(p, a + "/.mcp.json");
    ASSERT_NE(file, nullptr);
    EXPECT_EQ(file->entries.first().action, EntryPlan::Action::Reuse);
    EXPECT_EQ(file->entries.first().server, "mem");
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
