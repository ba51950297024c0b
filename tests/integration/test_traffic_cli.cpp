// `manifoldctl traffic` against a real in-process broker: JSON Lines with two clients' requests
// and their results paired (durationMs, requestSeq), the table, --follow printing a record made
// after it started (and ending cleanly on Ctrl-C, with a message when the broker goes away), an
// unknown server, and a keychain-held secret masked in --bodies after captureBodies is turned on.
#include "brokerfixture.h"
#include "processhelpers.h"
#include "testclient.h"

#include "secrets/secretstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>

#include <csignal>

using namespace manifold;
using processhelpers::runCtl;

namespace {

const QString Secret = QStringLiteral("tok-7d2a41-kept-in-the-store");

// Every line of `out` as a JSON object; a line that is not one fails the test.
QList<QJsonObject> jsonLines(const QByteArray &out)
{
    QList<QJsonObject> records;
    for (const QByteArray &line : out.split('\n')) {
        if (line.isEmpty())
            continue;
        QJsonParseError error{};
        const QJsonDocument document = QJsonDocument::fromJson(line, &error);
        EXPECT_EQ(error.error, QJsonParseError::NoError) << line.constData();
        EXPECT_TRUE(document.isObject()) << line.constData();
        records.append(document.object());
    }
    return records;
}

QString str(const QJsonObject &record, const char *key)
{
    return record.value(QLatin1String(key)).toString();
}

class TrafficCliTest : public BrokerFixture
{
protected:
    void SetUp() override
    {
        BrokerFixture::SetUp();
        m_options.secretStore = &m_store;
    }

    void echo(TestClient &client, const QJsonValue &id, const QString &message)
    {
        client.sendJson(client.request(
            id, QStringLiteral("tools/call"),
            callTool(QStringLiteral("echo"), {{QStringLiteral("message"), message}})));
        ASSERT_TRUE(client.waitForResponse(id)) << message.toStdString();
    }

    // The record of `client`'s `kind` with JSON id `id` among `records`, if there is one.
    static std::optional<QJsonObject> find(const QList<QJsonObject> &records, const QString &client,
                                           const QString &kind, const QJsonValue &id)
    {
        for (const QJsonObject &record : records) {
            if (str(record, "client") == client && str(record, "kind") == kind &&
                record.value(QLatin1String("id")) == id)
                return record;
        }
        return std::nullopt;
    }

    MemorySecretStore m_store;
};

} // namespace

TEST_F(TrafficCliTest, JsonLinesPairEachClientsRequestsWithTheirResults)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    startBroker();
    TestClient alpha(m_socketPath);
    TestClient beta(m_socketPath);
    ASSERT_TRUE(alpha.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("alpha")));
    ASSERT_TRUE(beta.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("beta")));
    // The same ids from both clients: only the broker's bookkeeping tells them apart.
    echo(alpha, 1, QStringLiteral("a1"));
    echo(beta, 1, QStringLiteral("b1"));
    echo(alpha, 2, QStringLiteral("a2"));

    const auto result = runCtl(m_socketPath, {QStringLiteral("traffic"), QStringLiteral("fake"),
                                              QStringLiteral("--json")});
    ASSERT_EQ(result.exitCode, 0) << result.err.constData();
    const QList<QJsonObject> records = jsonLines(result.out);
    ASSERT_FALSE(records.isEmpty());
    for (const QString &client : {QStringLiteral("alpha"), QStringLiteral("beta")}) {
        for (int id : client == QLatin1String("alpha") ? QList<int>{1, 2} : QList<int>{1}) {
            SCOPED_TRACE(QStringLiteral("%1 id %2").arg(client).arg(id).toStdString());
            const auto request = find(records, client, QStringLiteral("request"), id);
            const auto answer = find(records, client, QStringLiteral("result"), id);
            ASSERT_TRUE(request && answer) << result.out.constData();
            EXPECT_EQ(str(*request, "server"), QStringLiteral("fake"));
            EXPECT_EQ(str(*request, "direction"), QStringLiteral("to-server"));
            EXPECT_EQ(str(*answer, "direction"), QStringLiteral("from-server"));
            EXPECT_EQ(str(*request, "method"), QStringLiteral("tools/call"));
            EXPECT_EQ(str(*answer, "method"), QStringLiteral("tools/call"));
            EXPECT_EQ(request->value(QLatin1String("session")),
                      answer->value(QLatin1String("session")));
            EXPECT_GT(request->value(QLatin1String("session")).toInteger(), 0);
            EXPECT_EQ(answer->value(QLatin1String("requestSeq")).toInteger(),
                      request->value(QLatin1String("seq")).toInteger());
            EXPECT_TRUE(answer->value(QLatin1String("durationMs")).isDouble());
            EXPECT_GE(answer->value(QLatin1String("durationMs")).toDouble(), 0.0);
            EXPECT_GT(request->value(QLatin1String("size")).toInteger(), 0);
            EXPECT_FALSE(
                answer->contains(QLatin1String("body"))); // not without --bodies (and capture)
        }
    }
    EXPECT_NE(find(records, QStringLiteral("alpha"), QStringLiteral("request"), 1)
                  ->value(QLatin1String("session")),
              find(records, QStringLiteral("beta"), QStringLiteral("request"), 1)
                  ->value(QLatin1String("session")));

    // The table: a header and one row per record, named by client#session, the newest --limit.
    const auto table = runCtl(m_socketPath, {QStringLiteral("traffic"), QStringLiteral("fake"),
                                             QStringLiteral("--limit"), QStringLiteral("2")});
    ASSERT_EQ(table.exitCode, 0) << table.err.constData();
    const QList<QByteArray> rows = table.out.trimmed().split('\n');
    ASSERT_EQ(rows.size(), 3) << table.out.constData();
    EXPECT_TRUE(rows.at(0).startsWith("TIME")) << table.out.constData();
    EXPECT_TRUE(rows.at(2).contains("alpha#")) << table.out.constData();
    EXPECT_TRUE(rows.at(2).contains("tools/call")) << table.out.constData();
    EXPECT_TRUE(rows.at(2).contains(" ok")) << table.out.constData();

    // All servers: the same records, with a server column.
    const auto all = runCtl(m_socketPath, {QStringLiteral("traffic"), QStringLiteral("--json")});
    ASSERT_EQ(all.exitCode, 0) << all.err.constData();
    EXPECT_TRUE(find(jsonLines(all.out), QStringLiteral("beta"), QStringLiteral("result"), 1));
}

TEST_F(TrafficCliTest, FollowPrintsRecordsMadeAfterItStartedUntilInterruptedOrTheBrokerGoes)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    startBroker();
    TestClient client(m_socketPath);
    ASSERT_TRUE(client.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("follower")));

    const auto follow = [&](QProcess &process) {
        process.start(QStringLiteral(MANIFOLDCTL_PATH),
                      {QStringLiteral("--socket"), m_socketPath, QStringLiteral("traffic"),
                       QStringLiteral("fake"), QStringLiteral("--follow"),
                       QStringLiteral("--json")});
        // The initialize it was started after shows first: from then on it is following.
        return QTest::qWaitFor(
            [&] {
                return process.bytesAvailable() > 0 && process.peek(1 << 20).contains("initialize");
            },
            15000);
    };
    QProcess interrupted;
    ASSERT_TRUE(follow(interrupted)) << interrupted.readAllStandardError().constData();
    echo(client, QStringLiteral("made-after-follow"), QStringLiteral("later"));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return interrupted.peek(1 << 20).contains("made-after-follow"); }, 15000));
    const QList<QJsonObject> records =
        jsonLines(interrupted.peek(1 << 20).left(interrupted.peek(1 << 20).lastIndexOf('\n') + 1));
    EXPECT_TRUE(find(records, QStringLiteral("follower"), QStringLiteral("request"),
                     QStringLiteral("made-after-follow")));
    ::kill(pid_t(interrupted.processId()), SIGINT); // Ctrl-C
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return interrupted.state() == QProcess::NotRunning; }, 10000));
    EXPECT_EQ(interrupted.exitStatus(), QProcess::NormalExit);
    EXPECT_EQ(interrupted.exitCode(), 0) << interrupted.readAllStandardError().constData();

    QProcess orphaned;
    ASSERT_TRUE(follow(orphaned)) << orphaned.readAllStandardError().constData();
    bool down = false;
    m_broker->shutdown([&] { down = true; });
    ASSERT_TRUE(QTest::qWaitFor([&] { return down; }, 10000));
    m_broker.reset();
    ASSERT_TRUE(QTest::qWaitFor([&] { return orphaned.state() == QProcess::NotRunning; }, 10000));
    EXPECT_EQ(orphaned.exitCode(), 1);
    EXPECT_TRUE(orphaned.readAllStandardError().contains("stopped following"));
}

TEST_F(TrafficCliTest, UnknownServerExitsOneWithTheBrokersMessage)
{
    registerServer(fakeServer(QStringLiteral("fake")));
    startBroker();
    const auto result = runCtl(m_socketPath, {QStringLiteral("traffic"), QStringLiteral("nosuch")});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_TRUE(result.err.contains("nosuch")) << result.err.constData();
    EXPECT_TRUE(result.out.isEmpty()) << result.out.constData();

    const auto usage = runCtl(m_socketPath, {QStringLiteral("traffic"), QStringLiteral("fake"),
                                             QStringLiteral("--limit"), QStringLiteral("0")});
    EXPECT_EQ(usage.exitCode, 2);
}

TEST_F(TrafficCliTest, KeychainSecretIsMaskedInBodiesOnceCaptureIsOn)
{
    ServerConfig config = fakeServer(QStringLiteral("fake"));
    config.secretEnv = {QStringLiteral("API_TOKEN")};
    registerServer(config);
    bool stored = false;
    m_store.write(
        serverSecretKey(QStringLiteral("fake"), QStringLiteral("API_TOKEN")), Secret,
        [&](const SecretStore::Result &r) { stored = r.status == SecretStore::Status::Ok; });
    ASSERT_TRUE(QTest::qWaitFor([&] { return stored; }, 5000));
    startBroker();

    const auto set =
        runCtl(m_socketPath, {QStringLiteral("set"), QStringLiteral("fake"),
                              QStringLiteral("captureBodies"), QStringLiteral("true")});
    ASSERT_EQ(set.exitCode, 0) << set.err.constData();
    TestClient client(m_socketPath);
    ASSERT_TRUE(client.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("asker")));
    // The env tool answers with the variable's value: the secret, as the child sees it.
    client.sendJson(client.request(
        7, QStringLiteral("tools/call"),
        callTool(QStringLiteral("env"), {{QStringLiteral("name"), QStringLiteral("API_TOKEN")}})));
    const auto response = client.waitForResponse(7);
    ASSERT_TRUE(response);
    ASSERT_TRUE(
        QJsonDocument(*response).toJson().contains(Secret.toUtf8())); // the client itself gets it

    const auto result =
        runCtl(m_socketPath, {QStringLiteral("traffic"), QStringLiteral("fake"),
                              QStringLiteral("--json"), QStringLiteral("--bodies")});
    ASSERT_EQ(result.exitCode, 0) << result.err.constData();
    EXPECT_FALSE(result.out.contains(Secret.toUtf8())) << result.out.constData();
    const auto answer =
        find(jsonLines(result.out), QStringLiteral("asker"), QStringLiteral("result"), 7);
    ASSERT_TRUE(answer) << result.out.constData();
    EXPECT_TRUE(answer->value(QLatin1String("hasBody")).toBool());
    EXPECT_TRUE(str(*answer, "body").contains(QStringLiteral("********")))
        << str(*answer, "body").toStdString();
    EXPECT_TRUE(str(*answer, "body").contains(QStringLiteral("\"id\":7")))
        << str(*answer, "body").toStdString();

    // The table with --bodies shows the same masked body under its row.
    const auto table = runCtl(m_socketPath, {QStringLiteral("traffic"), QStringLiteral("fake"),
                                             QStringLiteral("--bodies")});
    ASSERT_EQ(table.exitCode, 0) << table.err.constData();
    EXPECT_TRUE(table.out.contains("********")) << table.out.constData();
    EXPECT_FALSE(table.out.contains(Secret.toUtf8()));
}
