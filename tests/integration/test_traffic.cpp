// The traffic view's broker side (issue 16) with a real broker and fake_mcp_server children:
// every message of every client noted, answers paired with their requests, bodies only when
// captured and then with the server's secret values masked, readers following by cursor, the
// memory cap, the health charts' minute buckets, and the control methods' errors.
#include "brokerfixture.h"
#include "testclient.h"

#include "control/localbrokerview.h"
#include "secrets/secretstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <optional>

using namespace manifold;

namespace {

const QString Secret = QStringLiteral("tok-9d2e-traffic-secret");

struct Answer
{
    bool ok = false;
    QJsonObject result;
    QString error;
};

class TrafficTest : public BrokerFixture
{
protected:
    void SetUp() override
    {
        BrokerFixture::SetUp();
        m_options.secretStore = &m_store;
    }

    Answer control(const QString &method, const QJsonObject &params)
    {
        LocalBrokerView view(m_broker.get());
        std::optional<Answer> answer;
        view.call(method, params, [&](bool ok, const QJsonObject &result, const QString &error) {
            answer = Answer{ok, result, error};
        });
        EXPECT_TRUE(QTest::qWaitFor([&] { return answer.has_value(); }, 10000)) << method.toStdString();
        return answer.value_or(Answer{});
    }

    QJsonArray records(const QJsonObject &params)
    {
        const Answer answer = control(QStringLiteral("traffic"), params);
        EXPECT_TRUE(answer.ok) << answer.error.toStdString();
        return answer.result.value(QStringLiteral("records")).toArray();
    }

    QJsonObject call(TestClient &client, int id, const QString &tool, const QJsonObject &arguments = {})
    {
        client.sendJson(client.request(id, QStringLiteral("tools/call"), callTool(tool, arguments)));
        const auto response = client.waitForResponse(id);
        EXPECT_TRUE(response.has_value()) << tool.toStdString();
        return response.value_or(QJsonObject{});
    }

    void storeSecret(const QString &server, const QString &variable, const QString &value)
    {
        bool done = false;
        m_store.write(serverSecretKey(server, variable), value, [&](const SecretStore::Result &r) {
            EXPECT_EQ(r.status, SecretStore::Status::Ok);
            done = true;
        });
        ASSERT_TRUE(QTest::qWaitFor([&] { return done; }, 5000));
    }

    static QJsonObject find(const QJsonArray &records, const std::function<bool(const QJsonObject &)> &match)
    {
        for (const QJsonValue &value : records) {
            if (match(value.toObject()))
                return value.toObject();
        }
        return {};
    }

    static auto is(const QString &client, const QString &kind, const QJsonValue &id)
    {
        return [=](const QJsonObject &r) {
            return r.value(QStringLiteral("client")).toString() == client &&
                   r.value(QStringLiteral("kind")).toString() == kind && r.value(QStringLiteral("id")) == id;
        };
    }

    MemorySecretStore m_store;
};

QByteArray compact(const QJsonValue &value)
{
    return value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                           : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
}

} // namespace

TEST_F(TrafficTest, EveryClientsCallsArePairedWithTheirAnswersAndTimed)
{
    constexpr int SlowCallMs = 250;
    registerServer(fakeServer(QStringLiteral("memory")));
    startBroker();
    TestClient claude(m_socketPath), cursor(m_socketPath);
    ASSERT_TRUE(claude.connectAndInitialize(QStringLiteral("memory"), QStringLiteral("claude-ai")));
    ASSERT_TRUE(cursor.connectAndInitialize(QStringLiteral("memory"), QStringLiteral("cursor")));
    // The server's delay sets the two calls apart by their durations: far above what a plain
    // echo takes on a loaded CI machine under ASan.
    call(claude, 7, QStringLiteral("slow_echo"), {{QStringLiteral("delayMs"), SlowCallMs}, {QStringLiteral("text"), "a"}});
    call(cursor, 7, QStringLiteral("echo"), {{QStringLiteral("text"), "b"}});   // the same id: told apart
    call(cursor, 8, QStringLiteral("no_such_tool"));
    cursor.sendJson(cursor.request(9, QStringLiteral("ping")));
    ASSERT_TRUE(cursor.waitForResponse(9));

    const QJsonArray all = records({{QStringLiteral("name"), QStringLiteral("memory")}});
    const QJsonObject request = find(all, is(QStringLiteral("claude-ai"), QStringLiteral("request"), 7));
    const QJsonObject answer = find(all, is(QStringLiteral("claude-ai"), QStringLiteral("result"), 7));
    ASSERT_FALSE(request.isEmpty()) << compact(all).constData();
    ASSERT_FALSE(answer.isEmpty()) << compact(all).constData();
    EXPECT_EQ(request.value(QStringLiteral("server")).toString(), QStringLiteral("memory"));
    EXPECT_EQ(request.value(QStringLiteral("direction")).toString(), QStringLiteral("to-server"));
    EXPECT_EQ(request.value(QStringLiteral("method")).toString(), QStringLiteral("tools/call"));
    EXPECT_GT(request.value(QStringLiteral("size")).toInt(), 40);
    EXPECT_EQ(answer.value(QStringLiteral("direction")).toString(), QStringLiteral("from-server"));
    EXPECT_EQ(answer.value(QStringLiteral("method")).toString(), QStringLiteral("tools/call"));
    EXPECT_EQ(answer.value(QStringLiteral("requestSeq")), request.value(QStringLiteral("seq")));
    EXPECT_EQ(answer.value(QStringLiteral("session")), request.value(QStringLiteral("session")));
    // The server's delay (its coarse timer may fire up to 5 % early).
    EXPECT_GE(answer.value(QStringLiteral("durationMs")).toDouble(), SlowCallMs * 0.9);
    EXPECT_FALSE(answer.contains(QStringLiteral("byBroker")));
    EXPECT_FALSE(answer.contains(QStringLiteral("hasBody")));   // capture is off by default

    const QJsonObject cursorRequest = find(all, is(QStringLiteral("cursor"), QStringLiteral("request"), 7));
    const QJsonObject cursorAnswer = find(all, is(QStringLiteral("cursor"), QStringLiteral("result"), 7));
    EXPECT_EQ(cursorAnswer.value(QStringLiteral("requestSeq")), cursorRequest.value(QStringLiteral("seq")));
    EXPECT_NE(cursorRequest.value(QStringLiteral("session")), request.value(QStringLiteral("session")));
    EXPECT_LT(cursorAnswer.value(QStringLiteral("durationMs")).toDouble(), SlowCallMs * 0.5);

    const QJsonObject error = find(all, is(QStringLiteral("cursor"), QStringLiteral("error"), 8));
    EXPECT_EQ(error.value(QStringLiteral("errorCode")).toInt(), -32602);
    EXPECT_TRUE(error.value(QStringLiteral("errorMessage")).toString().contains(QStringLiteral("no_such_tool")));
    const QJsonObject ping = find(all, is(QStringLiteral("cursor"), QStringLiteral("result"), 9));
    EXPECT_EQ(ping.value(QStringLiteral("method")).toString(), QStringLiteral("ping"));
    EXPECT_TRUE(ping.value(QStringLiteral("byBroker")).toBool());   // answered by Manifold itself
    // The clients' initialize and notifications/initialized are there too, in order.
    EXPECT_FALSE(find(all, [](const QJsonObject &r) {
                     return r.value(QStringLiteral("client")).toString() == QLatin1String("claude-ai") &&
                            r.value(QStringLiteral("method")).toString() == QLatin1String("initialize");
                 }).isEmpty());
    qint64 previous = 0;
    for (const QJsonValue &value : all) {
        EXPECT_GT(value.toObject().value(QStringLiteral("timeUs")).toInteger(), previous);
        previous = value.toObject().value(QStringLiteral("timeUs")).toInteger();
    }

    const QJsonObject health =
        control(QStringLiteral("health"), {{QStringLiteral("name"), QStringLiteral("memory")}})
            .result.value(QStringLiteral("servers")).toArray().at(0).toObject();
    EXPECT_EQ(health.value(QStringLiteral("name")).toString(), QStringLiteral("memory"));
    const QJsonArray buckets = health.value(QStringLiteral("buckets")).toArray();
    ASSERT_EQ(buckets.size(), 60);
    const QJsonObject now = health.value(QStringLiteral("now")).toObject();
    EXPECT_GE(now.value(QStringLiteral("callsPerMin")).toInt(), 5);   // 2 initialize, 2 echo, 1 error, ping
    EXPECT_GE(now.value(QStringLiteral("errorsPerMin")).toInt(), 1);
    EXPECT_GT(now.value(QStringLiteral("p95Ms")).toDouble(), SlowCallMs * 0.6);   // the slow call
    EXPECT_GT(now.value(QStringLiteral("memoryKb")).toInteger(), 0);   // the child's RSS
    EXPECT_GE(buckets.last().toObject().value(QStringLiteral("calls")).toInt() +
                  buckets.at(58).toObject().value(QStringLiteral("calls")).toInt(),
              5);
}

TEST_F(TrafficTest, BodiesAreKeptOnlyWhenCapturedAndSecretsNeverLeave)
{
    ServerConfig config = fakeServer(QStringLiteral("gh"));
    config.secretEnv = {QStringLiteral("API_TOKEN")};
    registerServer(config);
    storeSecret(QStringLiteral("gh"), QStringLiteral("API_TOKEN"), Secret);
    startBroker();
    TestClient client(m_socketPath);
    ASSERT_TRUE(client.connectAndInitialize(QStringLiteral("gh"), QStringLiteral("code")));
    call(client, 2, QStringLiteral("env"), {{QStringLiteral("name"), QStringLiteral("API_TOKEN")}});
    EXPECT_FALSE(compact(records({{QStringLiteral("bodies"), true}})).contains("hasBody"));
    const Answer notKept = control(QStringLiteral("trafficBody"), {{QStringLiteral("name"), QStringLiteral("gh")},
                                                                   {QStringLiteral("seq"), 1}});
    EXPECT_FALSE(notKept.ok);
    EXPECT_TRUE(notKept.error.contains(QStringLiteral("captureBodies true"))) << notKept.error.toStdString();

    ASSERT_TRUE(control(QStringLiteral("set"), {{QStringLiteral("name"), QStringLiteral("gh")},
                                                {QStringLiteral("key"), QStringLiteral("captureBodies")},
                                                {QStringLiteral("value"), QStringLiteral("true")}})
                    .ok);
    EXPECT_TRUE(serverStatus(QStringLiteral("gh"))
                    .value(QStringLiteral("traffic")).toObject().value(QStringLiteral("captureBodies")).toBool());
    const QJsonObject answer = call(client, 3, QStringLiteral("env"), {{QStringLiteral("name"), QStringLiteral("API_TOKEN")}});
    ASSERT_TRUE(compact(answer).contains(Secret.toUtf8()));   // the client itself gets it, untouched

    const Answer traffic = control(QStringLiteral("traffic"), {{QStringLiteral("name"), QStringLiteral("gh")},
                                                               {QStringLiteral("bodies"), true}});
    const QJsonObject result = find(traffic.result.value(QStringLiteral("records")).toArray(),
                                    is(QStringLiteral("code"), QStringLiteral("result"), 3));
    ASSERT_TRUE(result.value(QStringLiteral("hasBody")).toBool()) << compact(traffic.result).constData();
    const QString body = result.value(QStringLiteral("body")).toString();
    EXPECT_TRUE(body.contains(QStringLiteral("********"))) << body.toStdString();
    EXPECT_TRUE(body.startsWith(QStringLiteral("{"))) << body.toStdString();
    EXPECT_TRUE(body.contains(QStringLiteral("\"id\":3"))) << body.toStdString();   // the client's id
    EXPECT_FALSE(compact(traffic.result).contains(Secret.toUtf8()));
    const Answer single = control(QStringLiteral("trafficBody"), {{QStringLiteral("name"), QStringLiteral("gh")},
                                                                  {QStringLiteral("seq"), result.value(QStringLiteral("seq"))}});
    ASSERT_TRUE(single.ok) << single.error.toStdString();
    EXPECT_EQ(single.result.value(QStringLiteral("body")).toString(), body);
    EXPECT_FALSE(single.result.value(QStringLiteral("truncated")).toBool());
    const QJsonObject request = find(traffic.result.value(QStringLiteral("records")).toArray(),
                                     is(QStringLiteral("code"), QStringLiteral("request"), 3));
    EXPECT_TRUE(request.value(QStringLiteral("body")).toString().contains(QStringLiteral("API_TOKEN")));

    // A large answer is kept only up to the body limit, and said to be cut.
    call(client, 4, QStringLiteral("blob"), {{QStringLiteral("bytes"), 200000}});
    const QJsonObject blob = find(records({{QStringLiteral("name"), QStringLiteral("gh")}}),
                                  is(QStringLiteral("code"), QStringLiteral("result"), 4));
    EXPECT_TRUE(blob.value(QStringLiteral("bodyTruncated")).toBool());
    EXPECT_GT(blob.value(QStringLiteral("size")).toInt(), 200000);
    const Answer cut = control(QStringLiteral("trafficBody"), {{QStringLiteral("name"), QStringLiteral("gh")},
                                                               {QStringLiteral("seq"), blob.value(QStringLiteral("seq"))}});
    EXPECT_TRUE(cut.result.value(QStringLiteral("truncated")).toBool());
    EXPECT_EQ(cut.result.value(QStringLiteral("body")).toString().size(), 64 * 1024);
}

TEST_F(TrafficTest, ReadersFollowByCursorAndLearnWhatTheCapDropped)
{
    registerServer(fakeServer(QStringLiteral("a")));
    registerServer(fakeServer(QStringLiteral("b")));
    startBroker();
    TestClient ca(m_socketPath), cb(m_socketPath);
    ASSERT_TRUE(ca.connectAndInitialize(QStringLiteral("a"), QStringLiteral("one")));
    ASSERT_TRUE(cb.connectAndInitialize(QStringLiteral("b"), QStringLiteral("two")));
    for (int i = 10; i < 20; ++i) {
        call(ca, i, QStringLiteral("echo"));
        call(cb, i, QStringLiteral("echo"));
    }
    // All servers: one time line, a cursor per server.
    Answer page = control(QStringLiteral("traffic"), {{QStringLiteral("limit"), 10}});
    ASSERT_TRUE(page.ok);
    EXPECT_EQ(page.result.value(QStringLiteral("records")).toArray().size(), 10);
    EXPECT_TRUE(page.result.value(QStringLiteral("more")).toBool());
    QJsonObject cursor = page.result.value(QStringLiteral("cursor")).toObject();
    EXPECT_TRUE(cursor.contains(QStringLiteral("a")) && cursor.contains(QStringLiteral("b")));
    int seen = 10;
    QSet<QString> servers;
    while (page.result.value(QStringLiteral("more")).toBool()) {
        page = control(QStringLiteral("traffic"), {{QStringLiteral("limit"), 10}, {QStringLiteral("after"), cursor}});
        for (const QJsonValue &r : page.result.value(QStringLiteral("records")).toArray())
            servers.insert(r.toObject().value(QStringLiteral("server")).toString());
        seen += int(page.result.value(QStringLiteral("records")).toArray().size());
        cursor = page.result.value(QStringLiteral("cursor")).toObject();
    }
    const qint64 total = serverStatus(QStringLiteral("a")).value(QStringLiteral("traffic")).toObject()
                             .value(QStringLiteral("records")).toInteger() +
                         serverStatus(QStringLiteral("b")).value(QStringLiteral("traffic")).toObject()
                             .value(QStringLiteral("records")).toInteger();
    EXPECT_EQ(seen, total);
    EXPECT_EQ(servers, (QSet<QString>{QStringLiteral("a"), QStringLiteral("b")}));
    EXPECT_TRUE(records({{QStringLiteral("after"), cursor}}).isEmpty());   // nothing new

    // A reader that asks for the newest only skips the older ones, and says how many.
    call(ca, 30, QStringLiteral("echo"));
    call(ca, 31, QStringLiteral("echo"));
    page = control(QStringLiteral("traffic"),
                   {{QStringLiteral("name"), QStringLiteral("a")}, {QStringLiteral("after"), cursor},
                    {QStringLiteral("limit"), 1}, {QStringLiteral("skipOld"), true}});
    ASSERT_EQ(page.result.value(QStringLiteral("records")).toArray().size(), 1);
    EXPECT_EQ(page.result.value(QStringLiteral("skipped")).toInt(), 3);
    EXPECT_EQ(page.result.value(QStringLiteral("records")).toArray().at(0).toObject().value(QStringLiteral("id")).toInt(), 31);

    // The cap drops the oldest; a reader behind them is told how many it missed.
    const QJsonObject before = cursor;
    const qint64 kept = serverStatus(QStringLiteral("a")).value(QStringLiteral("traffic")).toObject()
                            .value(QStringLiteral("records")).toInteger();
    m_broker->group(QStringLiteral("a"))->traffic().setCapBytes(1);   // keeps only the newest
    page = control(QStringLiteral("traffic"), {{QStringLiteral("name"), QStringLiteral("a")}, {QStringLiteral("after"), before}});
    EXPECT_EQ(page.result.value(QStringLiteral("records")).toArray().size(), 1);
    EXPECT_EQ(page.result.value(QStringLiteral("missed")).toInt(), 3);
    EXPECT_EQ(serverStatus(QStringLiteral("a")).value(QStringLiteral("traffic")).toObject()
                  .value(QStringLiteral("dropped")).toInteger(), kept - 1);
    ASSERT_TRUE(control(QStringLiteral("trafficClear"), {{QStringLiteral("name"), QStringLiteral("a")}}).ok);
    EXPECT_EQ(serverStatus(QStringLiteral("a")).value(QStringLiteral("traffic")).toObject()
                  .value(QStringLiteral("records")).toInt(), 0);
}

TEST_F(TrafficTest, SettingsAndBadRequestsGetClearAnswers)
{
    registerServer(fakeServer(QStringLiteral("a")));
    startBroker();
    Answer answer = control(QStringLiteral("traffic"), {{QStringLiteral("name"), QStringLiteral("nope")}});
    EXPECT_FALSE(answer.ok);
    EXPECT_TRUE(answer.error.contains(QStringLiteral("no server named 'nope'"))) << answer.error.toStdString();
    answer = control(QStringLiteral("trafficBody"), {});
    EXPECT_FALSE(answer.ok);
    EXPECT_TRUE(answer.error.contains(QStringLiteral("needs a server name")));
    answer = control(QStringLiteral("set"), {{QStringLiteral("name"), QStringLiteral("a")},
                                             {QStringLiteral("key"), QStringLiteral("captureBodies")},
                                             {QStringLiteral("value"), QStringLiteral("maybe")}});
    EXPECT_FALSE(answer.ok);
    EXPECT_TRUE(answer.error.contains(QStringLiteral("captureBodies"))) << answer.error.toStdString();

    answer = control(QStringLiteral("setDefault"), {{QStringLiteral("key"), QStringLiteral("trafficMemoryBytes")},
                                                    {QStringLiteral("value"), QStringLiteral("1000")}});
    EXPECT_FALSE(answer.ok);
    EXPECT_TRUE(answer.error.contains(QStringLiteral("1 MiB"))) << answer.error.toStdString();
    ASSERT_TRUE(control(QStringLiteral("setDefault"), {{QStringLiteral("key"), QStringLiteral("trafficMemoryBytes")},
                                                       {QStringLiteral("value"), QStringLiteral("2097152")}})
                    .ok);
    EXPECT_EQ(m_broker->status().value(QStringLiteral("broker")).toObject().value(QStringLiteral("defaults"))
                  .toObject().value(QStringLiteral("trafficMemoryBytes")).toInteger(),
              2097152);
    EXPECT_EQ(serverStatus(QStringLiteral("a")).value(QStringLiteral("traffic")).toObject()
                  .value(QStringLiteral("capBytes")).toInteger(),
              2097152);
    QFile file(m_configDir + QStringLiteral("/servers.json"));
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    EXPECT_TRUE(file.readAll().contains("\"trafficMemoryBytes\": 2097152"));
}
