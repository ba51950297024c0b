// Per-project sharing and roots per instance through a real broker: one child per project,
// started in it; a server that asks for roots never shares a child between different roots
// (or between roots and none), and a client without roots gets a child initialized without
// the roots capability.
#include "brokerfixture.h"
#include "testclient.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QUrl>

using namespace manifold;

namespace {

class RootsFixture : public BrokerFixture
{
protected:
    void SetUp() override
    {
        BrokerFixture::SetUp();
        m_options.timing.rootsWaitMs = 3000;
        m_projectA = makeDir(QStringLiteral("projects/app-a"));
        makeDir(QStringLiteral("projects/app-a/.git"));
        makeDir(QStringLiteral("projects/app-a/src"));
        m_projectB = makeDir(QStringLiteral("projects/app-b"));
    }

    QString makeDir(const QString &relative)
    {
        const QString dir = QDir::cleanPath(path(relative));
        EXPECT_TRUE(QDir().mkpath(dir));
        return dir;
    }

    // What an earlier broker learned: the server asks for roots (learned.json).
    bool rememberUsesRoots(const QString &server) const
    {
        QDir().mkpath(m_configDir);
        QFile knowledge(QDir(m_configDir).filePath(QStringLiteral("learned.json")));
        if (!knowledge.open(QIODevice::WriteOnly))
            return false;
        const QJsonObject servers{{server, QJsonObject{{QStringLiteral("usesRoots"), true}}}};
        return knowledge.write(QJsonDocument(QJsonObject{{QStringLiteral("version"), 1},
                                                         {QStringLiteral("servers"), servers}})
                                   .toJson()) > 0;
    }

    static QJsonArray rootsOf(const QString &dir)
    {
        return {QJsonObject{{QStringLiteral("uri"), QUrl::fromLocalFile(dir).toString()},
                            {QStringLiteral("name"), QDir(dir).dirName()}}};
    }

    // What the fake server's child saw of this client: {declared, roots, asked, cwd}.
    static QJsonObject childView(TestClient &client, const QJsonValue &id)
    {
        client.sendJson(client.request(id, QStringLiteral("tools/call"), callTool(QStringLiteral("roots"), {})));
        const auto response = client.waitForResponse(id, 15000);
        return response ? response->value(QStringLiteral("result")).toObject().value(QStringLiteral("structuredContent")).toObject()
                        : QJsonObject();
    }

    static QStringList rootUris(const QJsonObject &view)
    {
        QStringList uris;
        for (const QJsonValue &root : view.value(QStringLiteral("roots")).toArray())
            uris << root.toObject().value(QStringLiteral("uri")).toString();
        return uris;
    }

    QJsonArray instances(const QString &server) const
    {
        return serverStatus(server).value(QStringLiteral("instances")).toArray();
    }

    QStringList instanceKeys(const QString &server) const
    {
        QStringList keys;
        for (const QJsonValue &instance : instances(server))
            keys << instance.toObject().value(QStringLiteral("key")).toString();
        keys.sort();
        return keys;
    }

    QString uri(const QString &dir) const { return QUrl::fromLocalFile(dir).toString(); }

    QString m_projectA;
    QString m_projectB;
};

} // namespace

TEST_F(RootsFixture, PerProjectGivesOneChildPerProjectStartedInIt)
{
    ServerConfig config = fakeServer(QStringLiteral("proj"));
    config.sharing = ServerConfig::Sharing::PerProject;
    registerServer(config);
    startBroker();

    TestClient inSub(m_socketPath), atTop(m_socketPath), other(m_socketPath);
    inSub.setCwd(m_projectA + QStringLiteral("/src"));   // climbs to the repository root
    atTop.setCwd(m_projectA);
    other.setCwd(m_projectB);                             // no repository: the directory itself
    ASSERT_TRUE(inSub.connectAndInitialize(QStringLiteral("proj"), QStringLiteral("gemini-cli")));
    ASSERT_TRUE(atTop.connectAndInitialize(QStringLiteral("proj"), QStringLiteral("codex")));
    ASSERT_TRUE(other.connectAndInitialize(QStringLiteral("proj"), QStringLiteral("codex")));

    const QJsonObject a1 = childView(inSub, 1), a2 = childView(atTop, 1), b = childView(other, 1);
    EXPECT_EQ(a1.value(QStringLiteral("cwd")).toString(), m_projectA);
    EXPECT_EQ(a2.value(QStringLiteral("cwd")).toString(), m_projectA);
    EXPECT_EQ(b.value(QStringLiteral("cwd")).toString(), m_projectB);
    EXPECT_EQ(instanceKeys(QStringLiteral("proj")),
              (QStringList{QStringLiteral("project:") + m_projectA, QStringLiteral("project:") + m_projectB}));

    for (const QJsonValue &value : instances(QStringLiteral("proj"))) {
        const QJsonObject instance = value.toObject();
        const QJsonObject parts = instance.value(QStringLiteral("keyParts")).toObject();
        EXPECT_TRUE(parts.value(QStringLiteral("roots")).isNull());   // this server never asked for roots
        EXPECT_GT(instance.value(QStringLiteral("pid")).toInteger(), 0);
        const bool isA = parts.value(QStringLiteral("project")).toString() == m_projectA;
        EXPECT_EQ(instance.value(QStringLiteral("sessions")).toArray().size(), isA ? 2 : 1);
    }
}

TEST_F(RootsFixture, PerProjectTakesTheProjectFromDeclaredRootsOverTheWorkingDirectory)
{
    ServerConfig config = fakeServer(QStringLiteral("proj"));
    config.sharing = ServerConfig::Sharing::PerProject;
    config.lingerMs = 0;   // the provisional instance goes as soon as it is left
    registerServer(config);
    startBroker();

    TestClient plain(m_socketPath), withRoots(m_socketPath);
    plain.setCwd(m_projectA);
    ASSERT_TRUE(plain.connectAndInitialize(QStringLiteral("proj")));
    const qint64 pidA = childView(plain, 1).isEmpty() ? -1 : host(QStringLiteral("proj"))->pid();

    // Started in B, but its roots say A: it is held until they arrive, then moved to A's child.
    withRoots.setCwd(m_projectB);
    withRoots.answerRootsWith(rootsOf(m_projectA));
    ASSERT_TRUE(withRoots.connectAndInitialize(QStringLiteral("proj"), QStringLiteral("claude-code")));
    const QJsonObject seen = childView(withRoots, 1);
    EXPECT_EQ(seen.value(QStringLiteral("cwd")).toString(), m_projectA);
    ASSERT_TRUE(QTest::qWaitFor([&] { return instances(QStringLiteral("proj")).size() == 1; }, 10000))
        << QJsonDocument(instances(QStringLiteral("proj"))).toJson().toStdString();
    const QJsonObject only = instances(QStringLiteral("proj")).at(0).toObject();
    EXPECT_EQ(only.value(QStringLiteral("key")).toString(), QStringLiteral("project:") + m_projectA);
    EXPECT_EQ(only.value(QStringLiteral("pid")).toInteger(), pidA);
    EXPECT_EQ(only.value(QStringLiteral("sessions")).toArray().size(), 2);
}

TEST_F(RootsFixture, RootsUsingServerKeepsRootsApartAndInitializesNoRootsClientsWithoutThem)
{
    registerServer(fakeServer(QStringLiteral("fs"), {QStringLiteral("--ask-roots")}));
    startBroker();

    // A client with roots first: the child asks, the broker learns, the instance is A's roots.
    TestClient rootsA(m_socketPath);
    rootsA.setCwd(m_projectA);
    rootsA.answerRootsWith(rootsOf(m_projectA));
    ASSERT_TRUE(rootsA.connectAndInitialize(QStringLiteral("fs"), QStringLiteral("claude-code")));
    ASSERT_TRUE(QTest::qWaitFor([&] { return childView(rootsA, QStringLiteral("poll")).contains(QStringLiteral("declared")) &&
                                             serverStatus(QStringLiteral("fs")).value(QStringLiteral("usesRoots")).toBool(); },
                                10000));
    ASSERT_TRUE(QTest::qWaitFor([&] { return !rootUris(childView(rootsA, QStringLiteral("wait"))).isEmpty(); }, 10000));
    const QJsonObject viewA = childView(rootsA, 1);
    EXPECT_TRUE(viewA.value(QStringLiteral("declared")).toBool());
    EXPECT_EQ(rootUris(viewA), QStringList{uri(m_projectA)});

    // A client without roots gets a child of its own, initialized without the capability: the
    // server uses its own arguments, as if the client had started it.
    TestClient bare(m_socketPath);
    bare.setCwd(m_projectA);
    ASSERT_TRUE(bare.connectAndInitialize(QStringLiteral("fs"), QStringLiteral("gemini-cli")));
    const QJsonObject viewBare = childView(bare, 1);
    EXPECT_FALSE(viewBare.value(QStringLiteral("declared")).toBool());
    EXPECT_TRUE(viewBare.value(QStringLiteral("roots")).isNull());
    EXPECT_EQ(viewBare.value(QStringLiteral("asked")).toInt(), 0);

    // A client restricted to B never sees A's roots.
    TestClient rootsB(m_socketPath);
    rootsB.setCwd(m_projectB);
    rootsB.answerRootsWith(rootsOf(m_projectB));
    ASSERT_TRUE(rootsB.connectAndInitialize(QStringLiteral("fs"), QStringLiteral("opencode")));
    const QJsonObject viewB = childView(rootsB, 1);
    EXPECT_EQ(rootUris(viewB), QStringList{uri(m_projectB)});
    EXPECT_EQ(rootUris(childView(rootsA, 2)), QStringList{uri(m_projectA)});

    EXPECT_EQ(instanceKeys(QStringLiteral("fs")),
              (QStringList{QStringLiteral("no roots"), QStringLiteral("roots:") + uri(m_projectA),
                           QStringLiteral("roots:") + uri(m_projectB)}));
    for (const QJsonValue &value : instances(QStringLiteral("fs"))) {
        const QJsonObject instance = value.toObject();
        EXPECT_EQ(instance.value(QStringLiteral("sessions")).toArray().size(), 1);
        EXPECT_TRUE(instance.value(QStringLiteral("keyParts")).toObject().value(QStringLiteral("roots")).isArray());
        EXPECT_EQ(instance.value(QStringLiteral("restarts")).toInt(), 0);
    }

    // Remembered for the next broker.
    QFile knowledge(QDir(m_configDir).filePath(QStringLiteral("learned.json")));
    ASSERT_TRUE(knowledge.open(QIODevice::ReadOnly));
    EXPECT_TRUE(QJsonDocument::fromJson(knowledge.readAll()).object().value(QStringLiteral("servers")).toObject()
                    .value(QStringLiteral("fs")).toObject().value(QStringLiteral("usesRoots")).toBool());
}

TEST_F(RootsFixture, LearningFromAClientWithoutRootsAnswersNoneAndDropsTheCapabilityFromTheNextStart)
{
    registerServer(fakeServer(QStringLiteral("fs"), {QStringLiteral("--ask-roots")}));
    startBroker();
    // Not known to use roots yet: the first child is initialized with the capability, so the
    // fake asks; its only client has no roots, so the answer is none and nothing restarts.
    TestClient bare(m_socketPath);
    bare.setCwd(m_projectA);
    ASSERT_TRUE(bare.connectAndInitialize(QStringLiteral("fs")));
    ASSERT_TRUE(QTest::qWaitFor([&] { return instanceKeys(QStringLiteral("fs")) == QStringList{QStringLiteral("no roots")}; }, 10000))
        << instanceKeys(QStringLiteral("fs")).join(QLatin1Char(' ')).toStdString();
    EXPECT_TRUE(serverStatus(QStringLiteral("fs")).value(QStringLiteral("usesRoots")).toBool());
    ASSERT_TRUE(QTest::qWaitFor([&] { return childView(bare, QStringLiteral("poll")).value(QStringLiteral("roots")).isArray(); }, 10000));
    const QJsonObject first = childView(bare, 1);
    EXPECT_TRUE(first.value(QStringLiteral("declared")).toBool());
    EXPECT_EQ(first.value(QStringLiteral("roots")).toArray(), QJsonArray());
    EXPECT_EQ(instances(QStringLiteral("fs")).at(0).toObject().value(QStringLiteral("restarts")).toInt(), 0);

    // Its next start is initialized as the client would have: without roots.
    host(QStringLiteral("fs"))->restart();
    ASSERT_TRUE(QTest::qWaitFor([&] { return instances(QStringLiteral("fs")).at(0).toObject().value(QStringLiteral("restarts")).toInt() == 1; }, 10000));
    const QJsonObject after = childView(bare, 2);
    EXPECT_FALSE(after.value(QStringLiteral("declared")).toBool());
    EXPECT_EQ(after.value(QStringLiteral("asked")).toInt(), 0);
}

TEST_F(RootsFixture, KnownRootsUserHoldsARootsClientUntilItsRootsThenMovesIt)
{
    ServerConfig config = fakeServer(QStringLiteral("fs"), {QStringLiteral("--ask-roots")});
    config.lingerMs = 0;   // the provisional instance goes as soon as it is left
    registerServer(config);
    ASSERT_TRUE(rememberUsesRoots(QStringLiteral("fs")));
    startBroker();
    // Its cwd suggests A, its roots say B: what it sends waits until they arrive, then goes to
    // B's instance only.
    TestClient client(m_socketPath);
    client.setCwd(m_projectA);
    client.answerRootsWith(rootsOf(m_projectB));
    ASSERT_TRUE(client.connectAndInitialize(QStringLiteral("fs"), QStringLiteral("claude-code")));
    // Its first call reaches B's child right after that child's initialize, maybe before the
    // child has its answer to roots/list (as with a direct client): ask until it has one.
    QJsonObject view;
    int id = 0;
    ASSERT_TRUE(QTest::qWaitFor([&] { view = childView(client, ++id); return view.value(QStringLiteral("roots")).isArray(); }, 10000));
    EXPECT_EQ(rootUris(view), QStringList{uri(m_projectB)});
    EXPECT_TRUE(view.value(QStringLiteral("declared")).toBool());
    ASSERT_TRUE(QTest::qWaitFor([&] { return instanceKeys(QStringLiteral("fs")) == QStringList{QStringLiteral("roots:") + uri(m_projectB)}; },
                                10000))
        << instanceKeys(QStringLiteral("fs")).join(QLatin1Char(' ')).toStdString();
    const QJsonArray sessions = m_broker->status().value(QStringLiteral("sessions")).toArray();
    ASSERT_EQ(sessions.size(), 1);
    EXPECT_EQ(sessions.at(0).toObject().value(QStringLiteral("instance")).toString(), QStringLiteral("roots:") + uri(m_projectB));
}

TEST_F(RootsFixture, RootsThatNeverComeLeaveTheWorkingDirectoryToDecide)
{
    m_options.timing.rootsWaitMs = 1500;
    ServerConfig config = fakeServer(QStringLiteral("proj"));
    config.sharing = ServerConfig::Sharing::PerProject;
    registerServer(config);
    startBroker();
    TestClient silent(m_socketPath);
    silent.setCwd(m_projectB);
    silent.declareRootsWithoutAnswering();
    ASSERT_TRUE(silent.connectAndInitialize(QStringLiteral("proj")));
    silent.sendJson(silent.request(1, QStringLiteral("tools/call"), callTool(QStringLiteral("roots"), {})));
    // Held while its roots may still come ...
    EXPECT_FALSE(silent.waitForResponse(1, 300)) << "answered before its roots were given up on";
    // ... then its working directory decides, and what it sent goes through.
    const auto response = silent.waitForResponse(1, 10000);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->value(QStringLiteral("result")).toObject().value(QStringLiteral("structuredContent")).toObject()
                  .value(QStringLiteral("cwd")).toString(), m_projectB);
    EXPECT_EQ(instanceKeys(QStringLiteral("proj")), QStringList{QStringLiteral("project:") + m_projectB});
}

TEST_F(RootsFixture, ChangedRootsMoveASessionOnceNothingOfItsIsInFlight)
{
    ServerConfig config = fakeServer(QStringLiteral("fs"), {QStringLiteral("--ask-roots")});
    config.lingerMs = 0;
    registerServer(config);
    ASSERT_TRUE(rememberUsesRoots(QStringLiteral("fs")));
    startBroker();
    TestClient client(m_socketPath);
    client.setCwd(m_projectA);
    client.answerRootsWith(rootsOf(m_projectA));
    ASSERT_TRUE(client.connectAndInitialize(QStringLiteral("fs")));
    ASSERT_TRUE(QTest::qWaitFor([&] { return !rootUris(childView(client, QStringLiteral("wait"))).isEmpty(); }, 10000));
    const QString keyA = QStringLiteral("roots:") + uri(m_projectA);
    EXPECT_EQ(instanceKeys(QStringLiteral("fs")), QStringList{keyA});

    // A slow call is in flight when the client's roots change: it finishes where it started.
    client.sendJson(client.request(QStringLiteral("slow"), QStringLiteral("tools/call"),
                                   callTool(QStringLiteral("slow_echo"), {{QStringLiteral("message"), QStringLiteral("m")},
                                                                          {QStringLiteral("delayMs"), 500}})));
    client.answerRootsWith(rootsOf(m_projectB));
    client.sendJson({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                     {QStringLiteral("method"), QStringLiteral("notifications/roots/list_changed")}});
    const auto slow = client.waitForResponse(QStringLiteral("slow"), 10000);
    ASSERT_TRUE(slow);
    EXPECT_TRUE(slow->contains(QStringLiteral("result"))) << "the move did not cut the call short";

    // Then it moves: B's child serves it, and A's, left empty, goes.
    QJsonObject view;
    int id = 0;
    ASSERT_TRUE(QTest::qWaitFor([&] { view = childView(client, ++id); return rootUris(view) == QStringList{uri(m_projectB)}; }, 10000))
        << QJsonDocument(view).toJson().toStdString();
    ASSERT_TRUE(QTest::qWaitFor([&] { return instanceKeys(QStringLiteral("fs")) == QStringList{QStringLiteral("roots:") + uri(m_projectB)}; }, 10000))
        << instanceKeys(QStringLiteral("fs")).join(QLatin1Char(' ')).toStdString();
}
