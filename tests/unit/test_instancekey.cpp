// Which instance a session belongs to: its project (declared roots, else the shim's working
// directory up to its repository) and its instance key in every sharing mode, with and without
// roots, for servers known or not known to ask for roots. Also the persisted usesRoots.
#include "broker/instancekey.h"
#include "broker/project.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace manifold;
using Sharing = ServerConfig::Sharing;

namespace {

QByteArray root(const QString &uri, const QString &name = {})
{
    QByteArray object = "{\"uri\":\"" + uri.toUtf8() + '"';
    if (!name.isEmpty())
        object += ",\"name\":\"" + name.toUtf8() + '"';
    return object + '}';
}

class ProjectTree : public ::testing::Test
{
protected:
    void SetUp() override { ASSERT_TRUE(m_dir.isValid()); }
    QString make(const QString &relative)
    {
        const QString path = QDir(m_dir.path()).filePath(relative);
        EXPECT_TRUE(QDir().mkpath(path));
        return QDir::cleanPath(path);
    }
    void touch(const QString &file)
    {
        QFile f(file);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    }
    QTemporaryDir m_dir;
};

} // namespace

TEST_F(ProjectTree, WorkingDirectoryClimbsToTheRepositoryRoot)
{
    const QString repo = make(QStringLiteral("app"));
    make(QStringLiteral("app/.git"));
    const QString deep = make(QStringLiteral("app/src/ui"));
    EXPECT_EQ(project::fromWorkingDirectory(deep), repo);
    EXPECT_EQ(project::fromWorkingDirectory(repo), repo);
}

TEST_F(ProjectTree, GitFileOfAWorktreeAndOtherVcsMarkersCount)
{
    const QString worktree = make(QStringLiteral("wt"));
    touch(worktree + QStringLiteral("/.git"));   // worktrees and submodules have a .git file
    EXPECT_EQ(project::fromWorkingDirectory(make(QStringLiteral("wt/lib"))), worktree);
    const QString hg = make(QStringLiteral("hgrepo"));
    make(QStringLiteral("hgrepo/.hg"));
    EXPECT_EQ(project::fromWorkingDirectory(make(QStringLiteral("hgrepo/a/b"))), hg);
    const QString jj = make(QStringLiteral("jjrepo"));
    make(QStringLiteral("jjrepo/.jj"));
    EXPECT_EQ(project::fromWorkingDirectory(make(QStringLiteral("jjrepo/x"))), jj);
}

TEST_F(ProjectTree, TheNearestRepositoryWinsOverAnEnclosingOne)
{
    make(QStringLiteral("outer/.git"));
    const QString inner = make(QStringLiteral("outer/vendor/inner"));
    make(QStringLiteral("outer/vendor/inner/.git"));
    EXPECT_EQ(project::fromWorkingDirectory(inner + QStringLiteral("/src")), inner);
}

TEST_F(ProjectTree, NoRepositoryMeansTheDirectoryItself)
{
    // QTemporaryDir lives under /tmp, which is in no repository.
    const QString plain = make(QStringLiteral("plain/sub"));
    EXPECT_EQ(project::fromWorkingDirectory(plain), plain);
    EXPECT_EQ(project::fromWorkingDirectory(plain + QStringLiteral("/")), plain);
    EXPECT_TRUE(project::fromWorkingDirectory(QString()).isEmpty());
}

TEST(Project, FirstFileRootNamesTheProject)
{
    EXPECT_EQ(project::fromRoots({root(QStringLiteral("https://example.com/x")), root(QStringLiteral("file:///home/u/app/")),
                                  root(QStringLiteral("file:///home/u/other"))}),
              QStringLiteral("/home/u/app"));
    EXPECT_TRUE(project::fromRoots({root(QStringLiteral("https://example.com/x"))}).isEmpty());
    EXPECT_TRUE(project::fromRoots({}).isEmpty());
    EXPECT_EQ(project::pathOfRoot(root(QStringLiteral("file:///home/u/my%20app"))), QStringLiteral("/home/u/my app"));
}

TEST(Project, RootUrisAreNormalizedDeduplicatedAndSorted)
{
    EXPECT_EQ(project::normalizedRootUris({root(QStringLiteral("file:///b/"), QStringLiteral("b")),
                                           root(QStringLiteral("file:///a")), root(QStringLiteral("file:///b/./")),
                                           root(QStringLiteral("https://x.test/r"))}),
              (QStringList{QStringLiteral("file:///a"), QStringLiteral("file:///b"), QStringLiteral("https://x.test/r")}));
    EXPECT_EQ(project::rootObjectFor(QStringLiteral("/home/u/app/")),
              QByteArray("{\"uri\":\"file:///home/u/app\",\"name\":\"app\"}"));
}

// ---------------------------------------------------------------------------------------------
// Instance keys

namespace {
SessionFacts facts(quint64 session, const QString &cwd, bool rootsCapable,
                   std::optional<QList<QByteArray>> roots = std::nullopt, const QString &client = QStringLiteral("client:cursor"))
{
    return {session, client, cwd, rootsCapable, std::move(roots)};
}
const QByteArray RootA = root(QStringLiteral("file:///work/a"), QStringLiteral("a"));
const QByteArray RootB = root(QStringLiteral("file:///work/b"), QStringLiteral("b"));
} // namespace

TEST(InstanceKey, ModePartsWithoutRoots)
{
    const SessionFacts f = facts(7, QStringLiteral("/nonexistent/proj"), false);
    EXPECT_EQ(instanceKeyFor(Sharing::Shared, f, false).text(), QStringLiteral("shared"));
    EXPECT_EQ(instanceKeyFor(Sharing::PerClient, f, false).text(), QStringLiteral("client:cursor"));
    EXPECT_EQ(instanceKeyFor(Sharing::Isolated, f, false).text(), QStringLiteral("session:7"));
    EXPECT_EQ(instanceKeyFor(Sharing::PerProject, f, false).text(), QStringLiteral("project:/nonexistent/proj"));
    // Not known to use roots: roots are no part of the key, whatever the session has.
    const SessionFacts withRoots = facts(7, QStringLiteral("/nonexistent/proj"), true, QList<QByteArray>{RootA});
    EXPECT_EQ(instanceKeyFor(Sharing::Shared, withRoots, false), InstanceKey{});
    EXPECT_TRUE(instanceKeyFor(Sharing::Shared, withRoots, false).declaresRoots());
}

TEST(InstanceKey, PerProjectTakesTheProjectFromDeclaredRootsFirst)
{
    const SessionFacts declared = facts(1, QStringLiteral("/nonexistent/elsewhere"), true, QList<QByteArray>{RootB, RootA});
    EXPECT_EQ(instanceKeyFor(Sharing::PerProject, declared, false).project, QStringLiteral("/work/b"));
    // Roots capability but no file root reported: the working directory decides.
    const SessionFacts none = facts(1, QStringLiteral("/nonexistent/elsewhere"), true, QList<QByteArray>{});
    EXPECT_EQ(instanceKeyFor(Sharing::PerProject, none, false).project, QStringLiteral("/nonexistent/elsewhere"));
    // Roots not known yet: the working directory is the guess, and the key waits for them.
    const SessionFacts pending = facts(1, QStringLiteral("/nonexistent/elsewhere"), true);
    EXPECT_EQ(instanceKeyFor(Sharing::PerProject, pending, false).project, QStringLiteral("/nonexistent/elsewhere"));
    EXPECT_TRUE(keyAwaitsRoots(Sharing::PerProject, pending, false));
    EXPECT_FALSE(keyAwaitsRoots(Sharing::PerProject, declared, false));
    // A client without the capability never has roots to wait for.
    EXPECT_FALSE(keyAwaitsRoots(Sharing::PerProject, facts(1, QStringLiteral("/x"), false), true));
    EXPECT_FALSE(keyAwaitsRoots(Sharing::Shared, pending, false));
    EXPECT_TRUE(keyAwaitsRoots(Sharing::Shared, pending, true));
}

TEST(InstanceKey, RootsUsingServerKeysEveryModeByTheSessionsRoots)
{
    const SessionFacts ab = facts(3, QStringLiteral("/p"), true, QList<QByteArray>{RootB, RootA});
    const SessionFacts ba = facts(4, QStringLiteral("/q"), true, QList<QByteArray>{RootA, RootB, RootA});
    const SessionFacts noRoots = facts(5, QStringLiteral("/p"), false);
    const QStringList both{QStringLiteral("file:///work/a"), QStringLiteral("file:///work/b")};

    const InstanceKey shared = instanceKeyFor(Sharing::Shared, ab, true);
    EXPECT_TRUE(shared.byRoots);
    EXPECT_EQ(shared.roots, both);
    EXPECT_EQ(shared.text(), QStringLiteral("roots:file:///work/a,file:///work/b"));
    EXPECT_EQ(shared, instanceKeyFor(Sharing::Shared, ba, true));   // same set, other order: one instance
    EXPECT_TRUE(shared.declaresRoots());

    const InstanceKey bare = instanceKeyFor(Sharing::Shared, noRoots, true);
    EXPECT_EQ(bare.text(), QStringLiteral("no roots"));
    EXPECT_FALSE(bare.declaresRoots());   // initialized without the roots capability
    EXPECT_FALSE(shared == bare);

    EXPECT_EQ(instanceKeyFor(Sharing::PerClient, noRoots, true).text(), QStringLiteral("client:cursor no roots"));
    EXPECT_EQ(instanceKeyFor(Sharing::Isolated, ab, true).text(),
              QStringLiteral("session:3 roots:file:///work/a,file:///work/b"));
    EXPECT_EQ(instanceKeyFor(Sharing::PerProject, ab, true).text(),
              QStringLiteral("project:/work/b roots:file:///work/a,file:///work/b"));
    EXPECT_EQ(instanceKeyFor(Sharing::PerProject, noRoots, true).text(), QStringLiteral("project:/p no roots"));

    // While its roots are coming, a roots-capable session is guessed to have its cwd as root.
    const InstanceKey guessed = instanceKeyFor(Sharing::Shared, facts(6, QStringLiteral("/work/a"), true), true);
    EXPECT_EQ(guessed.roots, QStringList{QStringLiteral("file:///work/a")});
    EXPECT_EQ(effectiveRoots(facts(6, QStringLiteral("/work/a"), true)), (QList<QByteArray>{RootA}));
    EXPECT_TRUE(effectiveRoots(noRoots).isEmpty());
}

TEST(InstanceKey, PartsForStatus)
{
    const QJsonObject parts =
        instanceKeyFor(Sharing::PerProject, facts(1, QStringLiteral("/p"), true, QList<QByteArray>{RootA}), true).partsJson();
    EXPECT_EQ(parts.value(QStringLiteral("project")).toString(), QStringLiteral("/work/a"));
    EXPECT_EQ(parts.value(QStringLiteral("roots")).toArray(), QJsonArray{QStringLiteral("file:///work/a")});
    EXPECT_EQ(parts.value(QStringLiteral("client")).toString(), QString());
    EXPECT_EQ(parts.value(QStringLiteral("session")).toString(), QString());
    EXPECT_TRUE(instanceKeyFor(Sharing::Shared, facts(1, {}, false), false).partsJson().value(QStringLiteral("roots")).isNull());
    EXPECT_EQ(instanceKeyFor(Sharing::Shared, facts(1, {}, false), true).partsJson().value(QStringLiteral("roots")).toArray(),
              QJsonArray{});
}
