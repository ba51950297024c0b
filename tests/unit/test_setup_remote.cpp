// Setup of remote servers (issue 15): URL entries of every client shape and stdio entries running
// mcp-remote become remote Manifold servers, on the fixtures in tests/fixtures/clients/remote:
// what is planned, the dry-run diffs (golden), where the secrets go, idempotence and byte-exact
// revert. Plus the pure mcp-remote command line reader.
//
// MANIFOLD_UPDATE_GOLDEN=1 rewrites the golden diffs from the current output; review the diff.

#include "clientsetuptest.h"

#include "clients/remoteimport.h"
#include "clients/unifieddiff.h"

#include <QCoreApplication>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace manifold;

namespace {

const QString kFixtures = QStringLiteral(MANIFOLD_REMOTE_FIXTURES);
const QString kShim = QStringLiteral("/home/user/.local/share/manifold/bin/manifold-shim");

// Every secret literal of the fixtures; none may be in a client file after setup, nor under the
// config dir, nor in a diff on screen.
const QList<QByteArray> kSecrets{"sntrys_remoteFixture1", "ghp_remoteFixture2",
                                 "figd_remoteFixture3",   "csecret_remoteFixture4",
                                 "tok_remoteFixture5",    "dk_remoteFixture6",
                                 "sntrys_other9"};
// mcp-remote's own token file: never read, never copied.
const QByteArray kMcpAuthToken = "mcpauth_neverCopied7";

const ServerConfig *findServer(const QList<ServerConfig> &servers, const QString &name)
{
    for (const ServerConfig &server : servers) {
        if (server.name == name)
            return &server;
    }
    return nullptr;
}

ClientEntry mcpRemoteEntry(const QStringList &argv, const QMap<QString, QString> &env = {})
{
    ClientEntry entry;
    entry.kind = ClientEntry::Kind::Stdio;
    entry.name = QStringLiteral("x");
    entry.command = argv.first();
    entry.args = argv.mid(1);
    entry.env = env;
    return entry;
}

} // namespace

class RemoteSetup : public ClientSetupTest
{
protected:
    void SetUp() override
    {
        ClientSetupTest::SetUp();
        setup->setShimPath(kShim);
        setup->setRealShim(QString());
        QDirIterator it(kFixtures + "/home", QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString source = it.next();
            write(env.home + "/" + QDir(kFixtures + "/home").relativeFilePath(source), read(source));
        }
    }

    QMap<QString, QByteArray> homeFiles() const
    {
        QMap<QString, QByteArray> files;
        QDirIterator it(env.home, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            files.insert(QDir(env.home).relativeFilePath(path), read(path));
        }
        return files;
    }

    const EntryPlan *entryPlan(const SetupPlan &p, const QString &relative, const QString &name) const
    {
        const FilePlan *file = filePlan(p, home(relative));
        if (!file)
            return nullptr;
        for (const EntryPlan &entry : file->entries) {
            if (entry.entry.name == name)
                return &entry;
        }
        return nullptr;
    }

    void expectAction(const SetupPlan &p, const QString &relative, const QString &name,
                      EntryPlan::Action action, const QString &server, const QString &note = {})
    {
        const EntryPlan *entry = entryPlan(p, relative, name);
        ASSERT_NE(entry, nullptr) << relative.toStdString() << " " << name.toStdString();
        EXPECT_EQ(int(entry->action), int(action)) << name.toStdString() << ": " << entry->note.toStdString();
        EXPECT_EQ(entry->server, server) << name.toStdString();
        if (!note.isEmpty()) {
            EXPECT_EQ(entry->note, note) << name.toStdString();
        }
    }
};

TEST_F(RemoteSetup, PlansEveryShape)
{
    using A = EntryPlan::Action;
    const SetupPlan p = plan();
    expectAction(p, ".claude.json", "sentry", A::ImportRemote, "sentry");
    expectAction(p, ".claude.json", "linear", A::ImportRemote, "linear");
    // Same normalised URL (case, default port) and headers: one registry entry.
    expectAction(p, ".cursor/mcp.json", "sentry", A::ReuseRemote, "sentry",
                 "same remote server as \"sentry\" from Claude Code");
    expectAction(p, ".cursor/mcp.json", "deepwiki", A::ImportRemote, "deepwiki");
    expectAction(p, ".codeium/windsurf/mcp_config.json", "linear", A::ReuseRemote, "linear");
    expectAction(p, ".codeium/windsurf/mcp_config.json", "bare", A::ImportRemote, "bare");
    expectAction(p, ".gemini/settings.json", "ghStream", A::ImportRemote, "ghStream");
    expectAction(p, ".gemini/settings.json", "legacySse", A::ImportRemote, "legacySse");
    expectAction(p, ".config/Code/User/mcp.json", "github", A::LeaveRemote, "",
                 "not imported: ${input:gh-token} is filled in by the client when it connects, "
                 "not known at setup");
    expectAction(p, ".config/Code/User/mcp.json", "docs", A::ImportRemote, "docs");
    // Same URL as Claude Code's sentry but other headers: a server of its own.
    expectAction(p, ".config/opencode/opencode.json", "sentry", A::ImportRemote, "sentry-opencode");
    expectAction(p, ".codex/config.toml", "figma", A::ImportRemote, "figma");
    expectAction(p, ".codex/config.toml", "notion", A::LeaveRemote, "",
                 "not imported: its token comes from $NOTION_TOKEN in Codex's environment "
                 "(bearer_token_env_var), which setup cannot read");
    const QString desktop = ".config/Claude/claude_desktop_config.json";
    expectAction(p, desktop, "example", A::ImportRemote, "example");
    expectAction(p, desktop, "signin", A::ImportRemote, "signin");
    expectAction(p, desktop, "filtered", A::LeaveRemote, "",
                 "not imported: mcp-remote flag --ignore-tool has no Manifold equivalent");
    expectAction(p, desktop, "unresolved", A::LeaveRemote, "",
                 "not imported: ${MISSING} is filled in by the client when it connects, not "
                 "known at setup");
    expectAction(p, desktop, "connector", A::LeaveRemote, "",
                 "not imported: Claude Desktop does not run URL entries of its file");
    expectAction(p, ".lmstudio/mcp.json", "deepwiki", A::ReuseRemote, "deepwiki");
    expectAction(p, ".aws/amazonq/mcp.json", "pnpm-sse", A::ImportRemote, "pnpm-sse");
    // The mcp-remote env variable behind a secret header moves with it.
    EXPECT_EQ(entryPlan(p, desktop, "example")->secrets, QStringList{"TOKEN"});

    QStringList names;
    for (const ServerConfig &server : p.newServers)
        names.append(server.name);
    EXPECT_EQ(names.join(' '), "example signin sentry linear deepwiki docs bare ghStream "
                               "legacySse figma pnpm-sse sentry-opencode"); // catalog order
    using T = ServerConfig::Transport;
    const struct
    {
        const char *name, *url;
        T transport;
        QMap<QString, QString> headers;
        QStringList secretHeaders;
    } expected[] = {
        {"sentry", "https://mcp.sentry.dev/mcp", T::StreamableHttp, {{"X-Org", "acme"}}, {"Authorization"}},
        {"linear", "https://mcp.linear.app/sse", T::Sse, {}, {}},
        {"deepwiki", "https://mcp.deepwiki.com/mcp", T::Auto, {}, {}},
        {"bare", "https://bare.example.com/mcp", T::Auto, {}, {}},
        {"ghStream", "https://api.githubcopilot.com/mcp/", T::StreamableHttp, {}, {"Authorization"}},
        {"legacySse", "https://legacy.example.com/sse", T::Sse, {}, {}},
        {"docs", "https://docs.example.com/sse", T::Sse, {}, {"X-Docs-Key"}},
        {"sentry-opencode", "https://mcp.sentry.dev/mcp", T::Auto, {}, {"Authorization"}},
        {"figma", "https://mcp.figma.com/mcp", T::Auto, {{"X-Figma-Region", "eu"}}, {"X-Api-Key"}},
        {"example", "https://mcp.example.com/mcp", T::StreamableHttp, {}, {"Authorization"}},
        {"signin", "https://auth.example.com/mcp", T::Auto, {}, {}},
        {"pnpm-sse", "https://pnpm.example.com/sse", T::Sse, {}, {}},
    };
    for (const auto &want : expected) {
        const ServerConfig *server = findServer(p.newServers, want.name);
        ASSERT_NE(server, nullptr) << want.name;
        EXPECT_EQ(server->url, want.url) << want.name;
        EXPECT_EQ(int(server->transport), int(want.transport)) << want.name;
        EXPECT_EQ(server->headers, want.headers) << want.name;
        EXPECT_EQ(server->secretHeaders, want.secretHeaders) << want.name;
        EXPECT_TRUE(server->command.isEmpty() && server->args.isEmpty() && server->env.isEmpty())
            << want.name;
    }
    const ServerConfig *signin = findServer(p.newServers, "signin");
    EXPECT_EQ(signin->oauth.clientId, "cid-1");
    EXPECT_TRUE(signin->oauth.clientSecret);
    EXPECT_FALSE(signin->oauth.sendResource);
    EXPECT_EQ(signin->oauth.authorizeParams, (QMap<QString, QString>{{"prompt", "consent"}}));

    // Secret values wait in the plan for the keychain, under the documented keys.
    const QHash<QString, QString> secrets{
        {serverHeaderSecretKey("sentry", "Authorization"), "Bearer sntrys_remoteFixture1"},
        {serverHeaderSecretKey("ghStream", "Authorization"), "Bearer ghp_remoteFixture2"},
        {serverHeaderSecretKey("docs", "X-Docs-Key"), "dk_remoteFixture6"},
        {serverHeaderSecretKey("sentry-opencode", "Authorization"), "Bearer sntrys_other9"},
        {serverHeaderSecretKey("figma", "X-Api-Key"), "figd_remoteFixture3"},
        {serverHeaderSecretKey("example", "Authorization"), "Bearer tok_remoteFixture5"},
        {"server/signin/oauth-client-secret", "csecret_remoteFixture4"},
    };
    EXPECT_EQ(p.secretValues, secrets);
    // Servers without an Authorization header get the sign-in reminder.
    const QStringList notes = p.signInNotes();
    EXPECT_EQ(notes.size(), 8) << notes.join('\n').toStdString();
    EXPECT_TRUE(notes.contains("sign in to signin once in Manifold: manifoldctl login signin "
                               "(tokens of mcp-remote or of the client are not copied)"));
    EXPECT_FALSE(notes.join(' ').contains("sentry"));
}

TEST_F(RemoteSetup, DryRunDiffsPerFileShowNoSecret)
{
    const QMap<QString, QByteArray> before = homeFiles();
    const SetupPlan p = plan();
    int changed = 0;
    for (const FilePlan &file : p.files) {
        if (!file.changes())
            continue;
        ++changed;
        const QString relative = QDir(env.home).relativeFilePath(file.loaded.file.path);
        const QByteArray diff = unifiedDiff(file.maskedBefore(), file.maskedAfter(), relative, relative).toUtf8();
        for (const QByteArray &secret : kSecrets)
            EXPECT_FALSE(diff.contains(secret)) << relative.toStdString() << " shows " << secret.constData();
        const QString golden = kFixtures + "/golden/" + QString(relative).replace('/', '_') + ".diff";
        if (qEnvironmentVariableIntValue("MANIFOLD_UPDATE_GOLDEN") == 1) {
            write(golden, diff);
        } else {
            EXPECT_EQ(read(golden), diff) << golden.toStdString()
                                          << " differs (MANIFOLD_UPDATE_GOLDEN=1 rewrites it)";
        }
    }
    EXPECT_EQ(changed, 10); // every fixture file has at least one entry to import
    EXPECT_EQ(homeFiles(), before) << "planning changes nothing";
}

TEST_F(RemoteSetup, SecretsGoToTheKeychainOnlyAndSecondRunChangesNothing)
{
    const QMap<QString, QByteArray> before = homeFiles();
    const SetupOutcome outcome = setUp();
    ASSERT_TRUE(outcome.ok()) << outcome.errors.join('\n').toStdString();
    EXPECT_TRUE(outcome.notes.contains("note: sign in to deepwiki once in Manifold: manifoldctl "
                                       "login deepwiki (tokens of mcp-remote or of the client are "
                                       "not copied)"))
        << outcome.notes.join('\n').toStdString();
    for (const QByteArray &secret : kSecrets + QList<QByteArray>{kMcpAuthToken}) {
        EXPECT_EQ(filesContaining(configDir, secret).join(' ').toStdString(), "") << secret.constData();
        for (const QString &value : store.values())
            EXPECT_FALSE(secret == kMcpAuthToken && value.contains(kMcpAuthToken));
    }
    // Client files keep only the secrets of entries left alone (none here) and of nothing else.
    for (const QByteArray &secret : kSecrets)
        EXPECT_EQ(filesContaining(env.home, secret).join(' ').toStdString(), "") << secret.constData();
    EXPECT_EQ(store.values().value(serverHeaderSecretKey("example", "Authorization")), "Bearer tok_remoteFixture5");
    EXPECT_EQ(store.values().value("server/signin/oauth-client-secret"), "csecret_remoteFixture4");

    // servers.json has the remote servers, header names only for secrets.
    const QList<ServerConfig> servers = registry();
    ASSERT_EQ(servers.size(), 12);
    const ServerConfig *figma = findServer(servers, "figma");
    ASSERT_NE(figma, nullptr);
    EXPECT_EQ(figma->url, "https://mcp.figma.com/mcp");
    EXPECT_EQ(figma->secretHeaders, QStringList{"X-Api-Key"});
    EXPECT_EQ(figma->headers.value("X-Figma-Region"), "eu");

    // The rewritten entries run the shim and keep their other keys.
    const QByteArray codex = read(home(".codex/config.toml"));
    EXPECT_TRUE(codex.contains("[mcp_servers.figma]\ncommand = \"" + kShim.toUtf8() +
                               "\"\nargs = [\"figma\"]\nstartup_timeout_sec = 20\n"))
        << codex.constData();
    EXPECT_TRUE(codex.contains("bearer_token_env_var = \"NOTION_TOKEN\"")); // left alone
    const QByteArray windsurf = read(home(".codeium/windsurf/mcp_config.json"));
    EXPECT_TRUE(windsurf.contains("\"disabled\": true")) << "a disabled entry stays disabled";
    EXPECT_TRUE(read(home(".config/Claude/claude_desktop_config.json")).contains("--ignore-tool"));
    EXPECT_EQ(read(home(".mcp-auth/mcp-remote-0.1.29/0123abcd_tokens.json")),
              before.value(".mcp-auth/mcp-remote-0.1.29/0123abcd_tokens.json"));

    const QMap<QString, QByteArray> after = homeFiles();
    const SetupPlan again = plan();
    EXPECT_FALSE(again.changes());
    EXPECT_TRUE(again.newServers.isEmpty());
    EXPECT_TRUE(apply(again).written.isEmpty());
    EXPECT_EQ(homeFiles(), after);
}

TEST_F(RemoteSetup, RevertRestoresEveryFileByteForByte)
{
    const QMap<QString, QByteArray> before = homeFiles();
    ASSERT_TRUE(setUp().ok());
    ASSERT_NE(homeFiles(), before);
    const SetupOutcome outcome = revert();
    ASSERT_TRUE(outcome.ok()) << outcome.errors.join('\n').toStdString();
    const QMap<QString, QByteArray> after = homeFiles();
    for (auto it = before.cbegin(); it != before.cend(); ++it)
        EXPECT_EQ(after.value(it.key()), it.value()) << it.key().toStdString();
    EXPECT_EQ(after.keys(), before.keys()) << "revert removes nothing and adds nothing";
    EXPECT_EQ(registry().size(), 12); // servers stay in Manifold
    for (const QByteArray &secret : kSecrets)
        EXPECT_EQ(filesContaining(configDir, secret).join(' ').toStdString(), "") << secret.constData();
}

TEST_F(RemoteSetup, AnIdenticalRegistryServerIsReused)
{
    ServerRegistry registry(configDir);
    ServerConfig existing;
    existing.name = "my-deepwiki";
    existing.url = "https://mcp.deepwiki.com/mcp/../mcp";
    QString error;
    ASSERT_TRUE(registry.load(&error) && registry.add(existing, &error) && registry.save(&error))
        << error.toStdString();
    const SetupPlan p = plan();
    expectAction(p, ".cursor/mcp.json", "deepwiki", EntryPlan::Action::ReuseRemote, "my-deepwiki",
                 "same remote server as \"my-deepwiki\" from Manifold");
    expectAction(p, ".lmstudio/mcp.json", "deepwiki", EntryPlan::Action::ReuseRemote, "my-deepwiki");
    EXPECT_EQ(findServer(p.newServers, "deepwiki"), nullptr);
}

// With --transport http the entry becomes a front door URL entry: the remote server's own
// headers go (they live in Manifold now), only the client's front door token is sent.
TEST_F(RemoteSetup, OverHttpTheEntryReachesTheFrontDoorWithoutItsHeaders)
{
    const QString base = QStringLiteral("http://127.0.0.1:47999/mcp/");
    QStringList calls;
    setup->setControl([&](const QString &method, const QJsonObject &params,
                          const ClientSetup::ControlReply &reply) {
        calls.append(method);
        QJsonObject result{{"enabled", true}, {"listening", true}, {"url", base + "NAME"},
                           {"tokens", QJsonArray{}}};
        if (method == "http/tokenAdd")
            result = {{"name", params.value("name")}, {"secret", "mfd_" + QString(43, 'Q')}};
        QTimer::singleShot(0, [reply, result] { reply(true, result, QString()); });
    });
    ClientSetup::Options options;
    options.clients = {"claude-code", "codex"};
    options.transport = SetupTransport::Http;
    const QMap<QString, QByteArray> before = homeFiles();
    const SetupOutcome outcome = setUp(options);
    ASSERT_TRUE(outcome.ok()) << outcome.errors.join('\n').toStdString();
    const QJsonObject sentry = QJsonDocument::fromJson(read(home(".claude.json")))
                                   .object()["mcpServers"].toObject()["sentry"].toObject();
    EXPECT_EQ(sentry, (QJsonObject{{"type", "http"},
                                   {"url", base + "sentry"},
                                   {"headers", QJsonObject{{"Authorization", "Bearer mfd_" + QString(43, 'Q')}}}}));
    const QByteArray codex = read(home(".codex/config.toml"));
    EXPECT_TRUE(codex.contains("[mcp_servers.figma]\nurl = \"" + (base + "figma").toUtf8() + "\"\n"))
        << codex.constData();
    EXPECT_FALSE(codex.contains("X-Figma-Region"));
    for (const QByteArray &secret : kSecrets) {
        EXPECT_FALSE(read(home(".claude.json")).contains(secret)) << secret.constData();
        EXPECT_FALSE(codex.contains(secret)) << secret.constData();
        EXPECT_EQ(filesContaining(configDir, secret).join(' ').toStdString(), "") << secret.constData();
    }
    ASSERT_TRUE(revert(options).ok());
    EXPECT_EQ(homeFiles(), before);
}

TEST(McpRemoteCommand, RecognisesTheLaunchers)
{
    qsizetype url = -1;
    EXPECT_TRUE(isMcpRemoteCommand("npx", {"-y", "mcp-remote", "https://a/mcp"}, &url));
    EXPECT_EQ(url, 2);
    EXPECT_TRUE(isMcpRemoteCommand("npx", {"mcp-remote@0.1.29", "https://a/mcp"}, &url));
    EXPECT_EQ(url, 1);
    EXPECT_TRUE(isMcpRemoteCommand("/usr/bin/npx", {"-y", "-p", "mcp-remote@0.15.1", "mcp-remote", "https://a"}, &url));
    EXPECT_EQ(url, 4);
    EXPECT_TRUE(isMcpRemoteCommand("bunx", {"mcp-remote", "https://a"}));
    EXPECT_TRUE(isMcpRemoteCommand("pnpm", {"dlx", "mcp-remote", "https://a"}));
    EXPECT_TRUE(isMcpRemoteCommand("yarn", {"dlx", "mcp-remote@latest", "https://a"}));
    EXPECT_TRUE(isMcpRemoteCommand("npx.cmd", {"-y", "mcp-remote", "https://a"}));
    EXPECT_TRUE(isMcpRemoteCommand("/opt/bin/mcp-remote", {"https://a"}, &url));
    EXPECT_EQ(url, 0);

    EXPECT_FALSE(isMcpRemoteCommand("npx", {"-y", "@modelcontextprotocol/server-github"}));
    EXPECT_FALSE(isMcpRemoteCommand("npx", {"mcp-remote-client", "https://a"}));
    EXPECT_FALSE(isMcpRemoteCommand("npx", {"-p", "mcp-remote", "other", "https://a"}));
    EXPECT_FALSE(isMcpRemoteCommand("pnpm", {"mcp-remote", "https://a"}));
    EXPECT_FALSE(isMcpRemoteCommand("npx", {"-y", "mcp-remote"}));
    EXPECT_FALSE(isMcpRemoteCommand("node", {"mcp-remote", "https://a"}));
}

TEST(McpRemoteCommand, MapsItsFlags)
{
    const ClientKind &kind = *findClientKind("cursor");
    const RemoteImport ok = importRemote(
        kind, mcpRemoteEntry({"npx", "-y", "mcp-remote", "https://a.example/mcp", "3334",
                              "--header", "X-Team: blue", "--header", "X-Key:${KEY}",
                              "--transport", "sse-first", "--resource", "https://a.example/",
                              "--allow-http", "--callback-path", "/cb", "--auth-timeout", "30",
                              "--silent", "--authorize-param", "audience=api"},
                             {{"KEY", "k_secret1"}, {"UNUSED", "1"}}));
    ASSERT_TRUE(ok.ok()) << ok.problem.toStdString();
    EXPECT_EQ(ok.url, "https://a.example/mcp");
    EXPECT_EQ(int(ok.transport), int(ServerConfig::Transport::Auto));
    EXPECT_EQ(ok.headers, (QMap<QString, QString>{{"X-Team", "blue"}, {"X-Key", "k_secret1"}}));
    EXPECT_EQ(ok.secretHeaders, QStringList{"X-Key"}); // a resolved variable is a secret
    EXPECT_EQ(ok.secretEnv, QStringList{"KEY"});
    EXPECT_TRUE(ok.oauth.sendResource);
    EXPECT_EQ(ok.oauth.authorizeParams.value("audience"), "api");

    // A literal secret header: the arg holding it is cut from backups.
    const RemoteImport literal = importRemote(
        kind, mcpRemoteEntry({"mcp-remote", "https://a.example/mcp", "--header", "Authorization: Bearer abc123"}));
    ASSERT_TRUE(literal.ok());
    EXPECT_EQ(literal.headers.value("Authorization"), "Bearer abc123");
    EXPECT_EQ(literal.secretArgs, QList<qsizetype>{2});

    const struct
    {
        QStringList argv;
        const char *problem;
    } refused[] = {
        {{"npx", "mcp-remote", "https://a", "--header-file", "h"},
         "not imported: mcp-remote flag --header-file has no Manifold equivalent"},
        {{"npx", "mcp-remote", "https://a", "--client-credentials"},
         "not imported: mcp-remote flag --client-credentials has no Manifold equivalent"},
        {{"npx", "mcp-remote", "https://a", "--static-oauth-client-info", "@client.json"},
         "not imported: --static-oauth-client-info is not a JSON object with a client_id (a file "
         "is not read)"},
        {{"npx", "mcp-remote", "https://a", "--transport", "websocket"},
         "not imported: mcp-remote --transport websocket is unknown"},
        {{"npx", "mcp-remote", "https://a", "--header"},
         "not imported: mcp-remote flag --header has no value"},
        {{"npx", "mcp-remote", "https://a", "--header", "Content-Type: text/plain"},
         ""}, // the transport's own header: checked below by prefix
        {{"npx", "mcp-remote", "ftp://a"}, ""},
    };
    for (const auto &c : refused) {
        const RemoteImport import = importRemote(kind, mcpRemoteEntry(c.argv));
        EXPECT_FALSE(import.ok()) << c.argv.join(' ').toStdString();
        EXPECT_TRUE(import.headers.isEmpty());
        if (*c.problem) {
            EXPECT_EQ(import.problem, c.problem);
        } else {
            EXPECT_TRUE(import.problem.startsWith("not imported: ")) << import.problem.toStdString();
        }
    }
}

TEST(RemoteUrl, Normalises)
{
    EXPECT_EQ(normalizedRemoteUrl("HTTPS://Mcp.Example.COM:443/a/../mcp"), "https://mcp.example.com/mcp");
    EXPECT_EQ(normalizedRemoteUrl("http://h:80"), "http://h/");
    EXPECT_EQ(normalizedRemoteUrl("http://h:8080/x#frag"), "http://h:8080/x");
    EXPECT_NE(normalizedRemoteUrl("https://h/mcp"), normalizedRemoteUrl("https://h/mcp/"));
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
