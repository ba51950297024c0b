// Golden tests on the client config fixtures (tests/fixtures/clients): what setup imports from a
// home with every client, the files it writes (compared byte for byte with golden copies), the
// dry-run diff, idempotence and byte-exact revert, and the variants (CRLF, BOM, no final newline,
// broken files).
//
// MANIFOLD_UPDATE_GOLDEN=1 rewrites the golden files from the current output; review the diff.

#include "clientsetuptest.h"

#include "clients/unifieddiff.h"

#include <QCoreApplication>
#include <QDirIterator>
#include <QSet>

using namespace manifold;

namespace {

const QString kFixtures = QStringLiteral(MANIFOLD_CLIENT_FIXTURES);
const QString kShim = QStringLiteral("/home/user/.local/share/manifold/bin/manifold-shim");

bool updating()
{
    return qEnvironmentVariableIntValue("MANIFOLD_UPDATE_GOLDEN") == 1;
}

} // namespace

class GoldenSetup : public ClientSetupTest
{
protected:
    void SetUp() override
    {
        ClientSetupTest::SetUp();
        setup->setShimPath(kShim);
        setup->setRealShim(QString());
        copyTree(kFixtures + "/home", env.home);
    }

    // Copies every file (dot files included) byte for byte; returns their relative paths.
    QStringList copyTree(const QString &from, const QString &to)
    {
        QStringList copied;
        QDirIterator it(from, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString source = it.next();
            const QString relative = QDir(from).relativeFilePath(source);
            write(to + "/" + relative, read(source));
            copied.append(relative);
        }
        copied.sort();
        return copied;
    }

    void expectGolden(const QString &goldenRelative, const QByteArray &actual)
    {
        const QString path = kFixtures + "/golden/" + goldenRelative;
        if (updating()) {
            write(path, actual);
            return;
        }
        EXPECT_EQ(read(path), actual) << "golden file " << path.toStdString()
                                      << " differs (MANIFOLD_UPDATE_GOLDEN=1 rewrites it)";
    }

    // One line per entry and per new server, paths under the home shown as ~ (golden files).
    QByteArray decisions(const SetupPlan &p, bool projectsOnly = false) const
    {
        const auto tilde = [this](QString text) { return text.replace(env.home, QStringLiteral("~")); };
        QStringList lines;
        QSet<QString> shown;
        for (const FilePlan &file : p.files) {
            if (!file.loaded.exists || (projectsOnly && file.loaded.file.projectDir.isEmpty()))
                continue;
            lines.append(QStringLiteral("%1 %2%3").arg(file.kind->id, QDir(env.home).relativeFilePath(file.loaded.file.path),
                                                      file.error.isEmpty() ? QString() : " ERROR " + file.error));
            for (const EntryPlan &entry : file.entries) {
                static const char *const actions[] = {"import", "reuse", "import-remote", "reuse-remote",
                                                     "managed", "remote", "unsupported"};
                shown.insert(entry.server);
                lines.append(tilde(QStringLiteral("  %1 [%2] %3 -> %4%5%6%7")
                                       .arg(entry.entry.name, entry.entry.scope, QLatin1String(actions[int(entry.action)]),
                                            entry.server,
                                            entry.secrets.isEmpty() ? QString() : " secrets=" + entry.secrets.join(','),
                                            entry.note.isEmpty() ? QString() : " | " + entry.note,
                                            entry.perProjectReason.isEmpty() ? QString()
                                                                             : " | per-project: " + entry.perProjectReason)));
            }
        }
        lines.append(QStringLiteral("servers:"));
        for (const ServerConfig &server : p.newServers) {
            if (projectsOnly && !shown.contains(server.name))
                continue;
            const QString why = p.perProjectReasons.value(server.name);
            if (server.isRemote()) {
                QStringList headers;
                for (auto it = server.headers.cbegin(); it != server.headers.cend(); ++it)
                    headers.append(it.key() + '=' + it.value());
                lines.append(QStringLiteral("  %1: %2 transport=%3 headers=%4 secretHeaders=%5")
                                 .arg(server.name, server.url, ServerConfig::transportName(server.transport),
                                      headers.join(','), server.secretHeaders.join(',')));
                continue;
            }
            lines.append(tilde(QStringLiteral("  %1: %2 %3 env=%4 secret=%5 cwd=%6 sharing=%7%8")
                                   .arg(server.name, server.command, server.args.join(' '),
                                        QStringList(server.env.keys()).join(','), server.secretEnv.join(','), server.cwd,
                                        ServerConfig::sharingName(server.sharing),
                                        why.isEmpty() ? QString() : " (" + why + ")")));
        }
        return lines.join('\n').toUtf8() + '\n';
    }

    QMap<QString, QByteArray> homeFiles()
    {
        QMap<QString, QByteArray> files;
        QDirIterator it(env.home, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            files.insert(QDir(env.home).relativeFilePath(path), read(path));
        }
        return files;
    }
};

TEST_F(GoldenSetup, ImportDecisions)
{
    expectGolden("import-decisions.txt", decisions(plan()));
}

// Two checkouts of the same project: its servers become per-project, one server each for both.
TEST_F(GoldenSetup, ProjectDecisions)
{
    copyTree(kFixtures + "/project", env.home + "/proj");
    copyTree(kFixtures + "/project", env.home + "/proj2");
    expectGolden("project-decisions.txt",
                 decisions(plan({{}, {env.home + "/proj", env.home + "/proj2"}, {}}), true));
}

TEST_F(GoldenSetup, WrittenFilesMatchGoldenAndSecondRunChangesNothing)
{
    const QMap<QString, QByteArray> before = homeFiles();
    const SetupOutcome outcome = setUp();
    ASSERT_TRUE(outcome.ok()) << outcome.errors.join('\n').toStdString();
    EXPECT_EQ(outcome.written.size(), 12); // every file with an importable entry (not LM Studio)
    EXPECT_EQ(outcome.restartClients, QStringList{"Claude Desktop"});
    const QMap<QString, QByteArray> after = homeFiles();
    for (auto it = after.cbegin(); it != after.cend(); ++it) {
        if (it.value() != before.value(it.key()))
            expectGolden("home/" + it.key(), it.value());
    }
    // Secrets (env values and remote servers' header values) left every client file and never
    // reached the config dir.
    for (const QByteArray &secret : {QByteArray("ghp_fixtureToken123"), QByteArray("BSA_fixtureKey456"),
                                     QByteArray("ctx7_fixtureKey789"), QByteArray("sntrys_fixtureToken321"),
                                     QByteArray("zed_fixtureToken000")}) {
        EXPECT_EQ(filesContaining(configDir, secret).join(' ').toStdString(), "") << secret.constData();
        EXPECT_EQ(filesContaining(env.home, secret).join(' ').toStdString(), "") << secret.constData();
    }
    EXPECT_EQ(store.values().value(serverSecretKey("github", "GITHUB_PERSONAL_ACCESS_TOKEN")), "ghp_fixtureToken123");
    EXPECT_EQ(store.values().value(serverHeaderSecretKey("githubRemote", "Authorization")), "Bearer ghp_fixtureToken123");
    EXPECT_EQ(store.values().value(serverHeaderSecretKey("context7", "CONTEXT7_API_KEY")), "ctx7_fixtureKey789");

    const SetupPlan again = plan();
    EXPECT_FALSE(again.changes());
    EXPECT_TRUE(apply(again).written.isEmpty());
    EXPECT_EQ(homeFiles(), after);
}

TEST_F(GoldenSetup, DryRunDiffs)
{
    const SetupPlan p = plan();
    for (const QString &relative : {QStringLiteral(".config/Claude/claude_desktop_config.json"),
                                    QStringLiteral(".codex/config.toml"),
                                    QStringLiteral(".config/zed/settings.json")}) {
        const FilePlan *file = filePlan(p, home(relative));
        ASSERT_NE(file, nullptr);
        const QString label = "~/" + relative;
        const QString diff = unifiedDiff(file->maskedBefore(), file->after, label, label);
        EXPECT_FALSE(diff.contains("ghp_fixtureToken123"));
        expectGolden("diff/" + QFileInfo(relative).fileName() + ".diff", diff.toUtf8());
    }
}

TEST_F(GoldenSetup, RevertRestoresEveryFileByteForByte)
{
    const QMap<QString, QByteArray> before = homeFiles();
    ASSERT_TRUE(setUp().ok());
    ASSERT_NE(homeFiles(), before);
    const SetupOutcome outcome = revert();
    ASSERT_TRUE(outcome.ok()) << outcome.errors.join('\n').toStdString();
    EXPECT_EQ(outcome.written.size(), 12);
    const QMap<QString, QByteArray> after = homeFiles();
    EXPECT_EQ(after.keys(), before.keys());
    for (auto it = before.cbegin(); it != before.cend(); ++it)
        EXPECT_EQ(after.value(it.key()), it.value()) << it.key().toStdString();
}

TEST_F(GoldenSetup, RevertOfOneClientLeavesTheOthersSetUp)
{
    const QMap<QString, QByteArray> before = homeFiles();
    ASSERT_TRUE(setUp().ok());
    const QMap<QString, QByteArray> setUpFiles = homeFiles();
    ASSERT_TRUE(revert({{"cursor", "codex"}, {}, {}}).ok());
    const QMap<QString, QByteArray> after = homeFiles();
    EXPECT_EQ(after.value(".cursor/mcp.json"), before.value(".cursor/mcp.json"));
    EXPECT_EQ(after.value(".codex/config.toml"), before.value(".codex/config.toml"));
    EXPECT_EQ(after.value(".claude.json"), setUpFiles.value(".claude.json"));
    EXPECT_EQ(after.value(".config/Claude/claude_desktop_config.json"),
              setUpFiles.value(".config/Claude/claude_desktop_config.json"));
    ASSERT_TRUE(revert().ok());
    EXPECT_EQ(homeFiles(), before);
}

TEST_F(GoldenSetup, ProjectServersArePerProject)
{
    const QString project = env.home + "/proj";
    copyTree(kFixtures + "/project", project);
    const QMap<QString, QByteArray> before = homeFiles();
    const SetupPlan p = plan({{}, {project}, {}});
    const FilePlan *mcp = filePlan(p, project + "/.mcp.json");
    ASSERT_NE(mcp, nullptr);
    EXPECT_TRUE(mcp->error.isEmpty()) << mcp->error.toStdString();
    int fromProjects = 0;
    for (const ServerConfig &server : p.newServers) {
        const auto imported = std::find_if(p.files.begin(), p.files.end(), [&](const FilePlan &file) {
            return std::any_of(file.entries.begin(), file.entries.end(), [&](const EntryPlan &entry) {
                return (entry.action == EntryPlan::Action::Import ||
                        entry.action == EntryPlan::Action::ImportRemote) &&
                       entry.server == server.name;
            });
        });
        ASSERT_NE(imported, p.files.end());
        if (server.isRemote())
            continue; // a URL: no process to run per project
        if (imported->loaded.file.projectDir.isEmpty())
            continue;
        ++fromProjects;
        // Runs in the project its client works in: no cwd of its own, one server for every project.
        EXPECT_EQ(server.sharing, ServerConfig::Sharing::PerProject) << server.name.toStdString();
        EXPECT_EQ(server.cwd, "") << server.name.toStdString();
        EXPECT_EQ(p.perProjectReasons.value(server.name), "from project file " + imported->loaded.file.path);
    }
    EXPECT_GT(fromProjects, 0);
    ASSERT_TRUE(apply(p).ok());
    // The project is remembered: a plain revert finds its files too.
    EXPECT_EQ(setup->rememberedProjects(), QStringList{project});
    ASSERT_TRUE(revert().ok());
    EXPECT_EQ(homeFiles(), before);
}

TEST_F(GoldenSetup, VariantsKeepTheirBytes)
{
    struct Variant
    {
        const char *file;
        const char *target;
    };
    const Variant variants[] = {
        {"claude_desktop_config.crlf.json", ".config/Claude/claude_desktop_config.json"},
        {"claude_desktop_config.bom.json", ".config/Claude/claude_desktop_config.json"},
        {"vscode_mcp.crlf.json", ".config/Code/User/mcp.json"},
        {"cursor_mcp.no-final-newline.json", ".cursor/mcp.json"},
    };
    for (const Variant &variant : variants) {
        SCOPED_TRACE(variant.file);
        const QByteArray original = read(kFixtures + "/variants/" + variant.file);
        const QString path = home(QString::fromLatin1(variant.target));
        write(path, original);
        const QString id = QString::fromLatin1(variant.target).contains("Claude") ? "claude-desktop"
                           : QString::fromLatin1(variant.target).contains("Code")  ? "vscode"
                                                                                    : "cursor";
        ASSERT_TRUE(setUp({{id}, {}, {}}).ok());
        const QByteArray written = read(path);
        EXPECT_TRUE(written.contains(kShim.toUtf8()));
        EXPECT_EQ(written.count("\r\n") == written.count('\n'), original.count("\r\n") == original.count('\n'));
        EXPECT_EQ(written.startsWith("\xEF\xBB\xBF"), original.startsWith("\xEF\xBB\xBF"));
        EXPECT_EQ(written.endsWith('\n'), original.endsWith('\n'));
        expectGolden(QStringLiteral("variants/") + variant.file, written);
        ASSERT_TRUE(revert({{id}, {}, {}}).ok());
        EXPECT_EQ(read(path), original);
    }
}

TEST_F(GoldenSetup, BrokenFilesAreNeverTouched)
{
    const struct
    {
        const char *file;
        const char *target;
    } broken[] = {
        {"broken.missing-comma.json", ".config/Claude/claude_desktop_config.json"},
        {"broken.unterminated-comment.jsonc", ".config/Code/User/mcp.json"},
        {"broken.bad-table-header.toml", ".codex/config.toml"},
    };
    for (const auto &variant : broken)
        write(home(QString::fromLatin1(variant.target)), read(kFixtures + "/variants/" + variant.file));
    const SetupPlan p = plan();
    for (const auto &variant : broken) {
        const FilePlan *file = filePlan(p, home(QString::fromLatin1(variant.target)));
        ASSERT_NE(file, nullptr);
        EXPECT_TRUE(file->error.contains("does not parse")) << variant.file;
        EXPECT_TRUE(file->error.contains("line ")) << file->error.toStdString();
    }
    ASSERT_TRUE(apply(p).ok());
    for (const auto &variant : broken)
        EXPECT_EQ(read(home(QString::fromLatin1(variant.target))), read(kFixtures + "/variants/" + variant.file));
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
