// A child of the stateless MCP era (2026-07-28): no initialize, per-request _meta,
// subscriptions/listen streams keyed by the listen request's id.
#include "brokerfixture.h"
#include "testclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

#include <algorithm>

using namespace manifold;

namespace {
const QString Version = QStringLiteral("2026-07-28");
const QString VersionKey = QStringLiteral("io.modelcontextprotocol/protocolVersion");
const QString SubscriptionKey = QStringLiteral("io.modelcontextprotocol/subscriptionId");

QJsonObject requestMeta(const QString &clientName)
{
    return {{VersionKey, Version},
            {QStringLiteral("io.modelcontextprotocol/clientCapabilities"), QJsonObject{}},
            {QStringLiteral("io.modelcontextprotocol/clientInfo"),
             QJsonObject{{QStringLiteral("name"), clientName}, {QStringLiteral("version"), QStringLiteral("1.0")}}}};
}

QJsonObject statelessCall(const QString &tool, const QJsonObject &arguments, const QString &clientName)
{
    QJsonObject params = callTool(tool, arguments);
    params.insert(QStringLiteral("_meta"), requestMeta(clientName));
    return params;
}

QJsonObject listenParams(const QStringList &uris, const QString &clientName)
{
    return {{QStringLiteral("_meta"), requestMeta(clientName)},
            {QStringLiteral("notifications"),
             QJsonObject{{QStringLiteral("resourceSubscriptions"), QJsonArray::fromStringList(uris)}}}};
}

QJsonObject resultOf(const std::optional<QJsonObject> &response)
{
    return response ? response->value(QStringLiteral("result")).toObject() : QJsonObject{};
}

QString text(const QJsonObject &response)
{
    return response.value(QStringLiteral("result")).toObject().value(QStringLiteral("content")).toArray().at(0)
        .toObject().value(QStringLiteral("text")).toString();
}

QJsonValue subscriptionIdOf(const QJsonObject &message)
{
    const QString part = message.contains(QStringLiteral("method")) ? QStringLiteral("params") : QStringLiteral("result");
    return message.value(part).toObject().value(QStringLiteral("_meta")).toObject().value(SubscriptionKey);
}

std::function<bool(const QJsonObject &)> isNotification(const QString &method)
{
    return [method](const QJsonObject &o) { return o.value(QStringLiteral("method")).toString() == method; };
}

int countMethod(const QList<QJsonObject> &messages, const QString &method)
{
    return int(std::count_if(messages.cbegin(), messages.cend(), isNotification(method)));
}

bool logMatches(const ServerHost *host, const QRegularExpression &pattern)
{
    const auto &entries = host->log().entries();
    return std::any_of(entries.cbegin(), entries.cend(), [&](const RingLog::Entry &entry) {
        return entry.source == RingLog::Source::Stderr && pattern.match(entry.text).hasMatch();
    });
}
} // namespace

TEST_F(BrokerFixture, StatelessClientsShareOneChildWithTheirOwnIds)
{
    const QString log = path(QStringLiteral("requests.log"));
    registerServer(fakeServer(QStringLiteral("modern"), {QStringLiteral("--stateless"), QStringLiteral("--request-log"), log}));
    startBroker();

    TestClient a(m_socketPath), b(m_socketPath);
    ASSERT_TRUE(a.hello(QStringLiteral("modern")).contains("welcome"));
    ASSERT_TRUE(b.hello(QStringLiteral("modern")).contains("welcome"));
    a.sendJson(a.request(1, QStringLiteral("tools/call"),
                         statelessCall(QStringLiteral("echo"), {{QStringLiteral("message"), QStringLiteral("from a ü")}},
                                       QStringLiteral("alpha"))));
    b.sendJson(b.request(1, QStringLiteral("tools/call"),
                         statelessCall(QStringLiteral("echo"), {{QStringLiteral("message"), QStringLiteral("from b ✓")}},
                                       QStringLiteral("beta"))));
    const auto ra = a.waitForResponse(1);
    const auto rb = b.waitForResponse(1);
    ASSERT_TRUE(ra && rb);
    EXPECT_EQ(text(*ra), QStringLiteral("from a ü"));
    EXPECT_EQ(text(*rb), QStringLiteral("from b ✓"));
    EXPECT_TRUE(ra->value(QStringLiteral("id")).isDouble());
    EXPECT_TRUE(rb->value(QStringLiteral("id")).isDouble());
    EXPECT_EQ(resultOf(ra).value(QStringLiteral("resultType")).toString(), QStringLiteral("complete"));
    EXPECT_FALSE(a.waitForResponse(1, 100));
    EXPECT_FALSE(b.waitForResponse(1, 100));

    ASSERT_TRUE(host(QStringLiteral("modern")));
    EXPECT_TRUE(host(QStringLiteral("modern"))->router().childIsStateless());
    EXPECT_EQ(host(QStringLiteral("modern"))->state(), ServerHost::State::Running);

    // One child for both: its own pid, as each session sees it, is the one the status shows.
    a.sendJson(a.request(2, QStringLiteral("tools/call"), statelessCall(QStringLiteral("pid"), {}, QStringLiteral("alpha"))));
    b.sendJson(b.request(2, QStringLiteral("tools/call"), statelessCall(QStringLiteral("pid"), {}, QStringLiteral("beta"))));
    const auto pa = a.waitForResponse(2);
    const auto pb = b.waitForResponse(2);
    ASSERT_TRUE(pa && pb);
    const qint64 pid = text(*pa).toLongLong();
    EXPECT_GT(pid, 0);
    EXPECT_EQ(text(*pb).toLongLong(), pid);

    const QJsonObject server = serverStatus(QStringLiteral("modern"));
    EXPECT_EQ(server.value(QStringLiteral("state")).toString(), QStringLiteral("running"));
    EXPECT_EQ(server.value(QStringLiteral("pid")).toInteger(), pid);
    if (server.contains(QStringLiteral("instances"))) {
        const QJsonArray instances = server.value(QStringLiteral("instances")).toArray();
        ASSERT_EQ(instances.size(), 1);
        EXPECT_EQ(instances.at(0).toObject().value(QStringLiteral("pid")).toInteger(), pid);
    }

    const QJsonArray sessions = m_broker->status().value(QStringLiteral("sessions")).toArray();
    ASSERT_EQ(sessions.size(), 2);
    QStringList names;
    for (const QJsonValue &s : sessions) {
        names << s.toObject().value(QStringLiteral("clientName")).toString();
        EXPECT_EQ(s.toObject().value(QStringLiteral("protocolVersion")).toString(), Version);
    }
    names.sort();
    EXPECT_EQ(names, (QStringList{QStringLiteral("alpha"), QStringLiteral("beta")}));

    // The broker tried initialize once, fell back to server/discover once, and gave each
    // session's id 1 its own id upstream.
    const auto requests = readRequestLog(log);
    EXPECT_EQ(countMethod(requests, QStringLiteral("initialize")), 1);
    EXPECT_EQ(countMethod(requests, QStringLiteral("server/discover")), 1);
    EXPECT_EQ(countMethod(requests, QStringLiteral("notifications/initialized")), 0);
    EXPECT_TRUE(logMatches(host(QStringLiteral("modern")), QRegularExpression(QStringLiteral("^refusing initialize"))));
    QList<QJsonValue> echoIds;
    for (const QJsonObject &request : requests) {
        const QJsonObject params = request.value(QStringLiteral("params")).toObject();
        if (request.value(QStringLiteral("method")) == QStringLiteral("tools/call") &&
            params.value(QStringLiteral("name")) == QStringLiteral("echo")) {
            echoIds.append(request.value(QStringLiteral("id")));
            // The per-request _meta reaches the child untouched.
            EXPECT_EQ(params.value(QStringLiteral("_meta")).toObject().value(VersionKey).toString(), Version);
        }
    }
    ASSERT_EQ(echoIds.size(), 2);
    EXPECT_NE(echoIds.at(0), echoIds.at(1));
}

TEST_F(BrokerFixture, StatelessListenStreamsReachOnlyTheirSession)
{
    registerServer(fakeServer(QStringLiteral("modern"), {QStringLiteral("--stateless")}));
    startBroker();

    const QString uriA = QStringLiteral("file:///project/a.json");
    const QString uriB = QStringLiteral("file:///project/b.json");
    const QJsonValue sub(QStringLiteral("sub"));
    TestClient a(m_socketPath), b(m_socketPath);
    ASSERT_TRUE(a.hello(QStringLiteral("modern")).contains("welcome"));
    ASSERT_TRUE(b.hello(QStringLiteral("modern")).contains("welcome"));
    a.sendJson(a.request(sub, QStringLiteral("subscriptions/listen"), listenParams({uriA}, QStringLiteral("alpha"))));
    b.sendJson(b.request(sub, QStringLiteral("subscriptions/listen"), listenParams({uriB}, QStringLiteral("beta"))));

    const QString acknowledged = QStringLiteral("notifications/subscriptions/acknowledged");
    const auto ackA = a.waitFor(isNotification(acknowledged));
    const auto ackB = b.waitFor(isNotification(acknowledged));
    ASSERT_TRUE(ackA) << "session A got no acknowledgement for its listen";
    ASSERT_TRUE(ackB) << "session B got no acknowledgement for its listen";
    EXPECT_EQ(subscriptionIdOf(*ackA), sub);
    EXPECT_EQ(subscriptionIdOf(*ackB), sub);
    EXPECT_EQ(ackA->value(QStringLiteral("params")).toObject().value(QStringLiteral("notifications")).toObject()
                  .value(QStringLiteral("resourceSubscriptions")).toArray(),
              QJsonArray{uriA});
    EXPECT_EQ(ackB->value(QStringLiteral("params")).toObject().value(QStringLiteral("notifications")).toObject()
                  .value(QStringLiteral("resourceSubscriptions")).toArray(),
              QJsonArray{uriB});

    // A change to A's resource goes to A's stream alone, under A's own subscription id.
    const QString updated = QStringLiteral("notifications/resources/updated");
    a.sendJson(a.request(1, QStringLiteral("tools/call"),
                         statelessCall(QStringLiteral("touch"), {{QStringLiteral("uri"), uriA}}, QStringLiteral("alpha"))));
    const auto touched = a.waitForResponse(1);
    ASSERT_TRUE(touched);
    EXPECT_EQ(resultOf(touched).value(QStringLiteral("structuredContent")).toObject().value(QStringLiteral("delivered")).toInt(), 1);
    const auto update = a.waitFor(isNotification(updated));
    ASSERT_TRUE(update);
    EXPECT_EQ(subscriptionIdOf(*update), sub);
    EXPECT_EQ(update->value(QStringLiteral("params")).toObject().value(QStringLiteral("uri")).toString(), uriA);

    // A cancels its stream: the child hears of it (under the broker's id) and A hears nothing more.
    a.sendJson({{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                {QStringLiteral("method"), QStringLiteral("notifications/cancelled")},
                {QStringLiteral("params"), QJsonObject{{QStringLiteral("requestId"), sub}}}});
    EXPECT_TRUE(QTest::qWaitFor(
        [&] { return logMatches(host(QStringLiteral("modern")), QRegularExpression(QStringLiteral("^listen \\d+ cancelled$"))); },
        5000));
    a.sendJson(a.request(2, QStringLiteral("tools/call"),
                         statelessCall(QStringLiteral("touch"), {{QStringLiteral("uri"), uriA}}, QStringLiteral("alpha"))));
    const auto touchedAgain = a.waitForResponse(2);
    ASSERT_TRUE(touchedAgain);
    EXPECT_EQ(resultOf(touchedAgain).value(QStringLiteral("structuredContent")).toObject().value(QStringLiteral("delivered")).toInt(), 0);
    EXPECT_EQ(countMethod(a.received(), updated), 1);

    // The child ends the streams still open: only B's, answered with B's id in both places.
    a.sendJson(a.request(3, QStringLiteral("tools/call"), statelessCall(QStringLiteral("end_listens"), {}, QStringLiteral("alpha"))));
    const auto ended = a.waitForResponse(3);
    ASSERT_TRUE(ended);
    EXPECT_EQ(resultOf(ended).value(QStringLiteral("structuredContent")).toObject().value(QStringLiteral("ended")).toInt(), 1);
    const auto closing = b.waitForResponse(sub);
    ASSERT_TRUE(closing) << "session B's listen was never closed";
    EXPECT_EQ(resultOf(closing).value(QStringLiteral("resultType")).toString(), QStringLiteral("complete"));
    EXPECT_EQ(subscriptionIdOf(*closing), sub);

    // B, whose stream covered another resource, never saw A's updates.
    EXPECT_EQ(countMethod(b.received(), updated), 0);
    // A's cancelled listen is never answered.
    EXPECT_FALSE(a.waitForResponse(sub, 100));
}

TEST_F(BrokerFixture, StatelessServerRefusesLegacyInitialize)
{
    registerServer(fakeServer(QStringLiteral("modern"), {QStringLiteral("--stateless")}));
    startBroker();

    // A client of the new era brings the child up first.
    TestClient modern(m_socketPath);
    ASSERT_TRUE(modern.hello(QStringLiteral("modern")).contains("welcome"));
    modern.sendJson(modern.request(1, QStringLiteral("tools/call"),
                                   statelessCall(QStringLiteral("echo"), {{QStringLiteral("message"), QStringLiteral("hi")}},
                                                 QStringLiteral("modern"))));
    ASSERT_TRUE(modern.waitForResponse(1));
    ASSERT_TRUE(host(QStringLiteral("modern"))->router().childIsStateless());

    TestClient legacy(m_socketPath);
    EXPECT_FALSE(legacy.connectAndInitialize(QStringLiteral("modern"), QStringLiteral("old")));
    const QList<QJsonObject> received = legacy.received();
    const auto response = std::find_if(received.cbegin(), received.cend(), [](const QJsonObject &o) {
        return o.value(QStringLiteral("id")) == QStringLiteral("init");
    });
    ASSERT_NE(response, received.cend());
    EXPECT_FALSE(response->contains(QStringLiteral("result")));
    const QJsonObject error = response->value(QStringLiteral("error")).toObject();
    EXPECT_TRUE(error.value(QStringLiteral("message")).toString().contains(Version))
        << error.value(QStringLiteral("message")).toString().toStdString();
}

TEST_F(BrokerFixture, StatelessServerRefusesLegacyInitializeBeforeItStarted)
{
    registerServer(fakeServer(QStringLiteral("modern"), {QStringLiteral("--stateless")}));
    startBroker();

    // The legacy client is the first: its initialize waits for the child, which then turns
    // out to be stateless. It must get an error, not the server/discover result.
    TestClient legacy(m_socketPath);
    EXPECT_FALSE(legacy.connectAndInitialize(QStringLiteral("modern"), QStringLiteral("old")));
    const QList<QJsonObject> received = legacy.received();
    const auto response = std::find_if(received.cbegin(), received.cend(), [](const QJsonObject &o) {
        return o.value(QStringLiteral("id")) == QStringLiteral("init");
    });
    ASSERT_NE(response, received.cend());
    EXPECT_FALSE(response->contains(QStringLiteral("result")))
        << "initialize answered with " << QJsonDocument(*response).toJson(QJsonDocument::Compact).toStdString();
    EXPECT_TRUE(response->value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(Version));
}

TEST_F(BrokerFixture, StatelessServerErrorsPassThroughWithTheClientsId)
{
    registerServer(fakeServer(QStringLiteral("modern"), {QStringLiteral("--stateless")}));
    startBroker();

    TestClient a(m_socketPath);
    ASSERT_TRUE(a.hello(QStringLiteral("modern")).contains("welcome"));
    // No _meta at all.
    a.sendJson(a.request(QStringLiteral("x"), QStringLiteral("tools/call"),
                         callTool(QStringLiteral("echo"), {{QStringLiteral("message"), QStringLiteral("hi")}})));
    const auto missing = a.waitForResponse(QStringLiteral("x"));
    ASSERT_TRUE(missing);
    EXPECT_TRUE(missing->value(QStringLiteral("id")).isString());
    const QJsonObject missingError = missing->value(QStringLiteral("error")).toObject();
    EXPECT_EQ(missingError.value(QStringLiteral("code")).toInt(), -32602);
    EXPECT_TRUE(missingError.value(QStringLiteral("message")).toString().contains(VersionKey));

    // tools/list too: list results are not cached for a stateless child, so the error comes from it.
    a.sendJson(a.request(5, QStringLiteral("tools/list")));
    const auto list = a.waitForResponse(5);
    ASSERT_TRUE(list);
    EXPECT_TRUE(list->value(QStringLiteral("id")).isDouble());
    EXPECT_EQ(list->value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toInt(), -32602);

    // A version the child does not speak: -32022 with the child's data, untouched.
    a.sendJson(a.request(6, QStringLiteral("tools/list"),
                         {{QStringLiteral("_meta"), QJsonObject{{VersionKey, QStringLiteral("2025-06-18")}}}}));
    const auto wrong = a.waitForResponse(6);
    ASSERT_TRUE(wrong);
    const QJsonObject wrongError = wrong->value(QStringLiteral("error")).toObject();
    EXPECT_EQ(wrongError.value(QStringLiteral("code")).toInt(), -32022);
    EXPECT_EQ(wrongError.value(QStringLiteral("data")).toObject().value(QStringLiteral("requested")).toString(),
              QStringLiteral("2025-06-18"));
    EXPECT_EQ(wrongError.value(QStringLiteral("data")).toObject().value(QStringLiteral("supported")).toArray(),
              QJsonArray{Version});

    // The same session, with the _meta, is served.
    a.sendJson(a.request(QStringLiteral("y"), QStringLiteral("tools/call"),
                         statelessCall(QStringLiteral("echo"), {{QStringLiteral("message"), QStringLiteral("now")}},
                                       QStringLiteral("alpha"))));
    const auto served = a.waitForResponse(QStringLiteral("y"));
    ASSERT_TRUE(served);
    EXPECT_EQ(text(*served), QStringLiteral("now"));
}
