// Strict JSON-RPC at the edge, through a real broker: what a client sends that MCP forbids is
// answered with an error, never reaches the server, and shows in the server's log (the GUI's Log
// tab and `manifoldctl logs`) once per session and kind, naming the session.
#include "brokerfixture.h"
#include "processhelpers.h"
#include "testclient.h"

#include "jsonrpc/jsonscan.h"

#include <algorithm>

#include <QJsonArray>
#include <QTest>

using namespace manifold;

namespace {

int errorCode(const QJsonObject &response)
{
    return response.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toInt();
}

qint64 sessionIdOf(const QJsonObject &status, const QString &clientName)
{
    for (const QJsonValue &session : status.value(QStringLiteral("sessions")).toArray()) {
        if (session.toObject().value(QStringLiteral("clientName")).toString() == clientName)
            return session.toObject().value(QStringLiteral("id")).toInteger();
    }
    return -1;
}

} // namespace

TEST_F(BrokerFixture, RefusedLinesAreAnsweredKeptFromTheServerAndLoggedOncePerSession)
{
    const QString requestLog = path(QStringLiteral("requests.log"));
    registerServer(fakeServer(QStringLiteral("fake"), {QStringLiteral("--request-log"), requestLog}));
    startBroker();
    TestClient flooder(m_socketPath), bystander(m_socketPath);
    ASSERT_TRUE(flooder.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("flooder")));
    ASSERT_TRUE(bystander.connectAndInitialize(QStringLiteral("fake"), QStringLiteral("bystander")));

    const QByteArray longMethod(Router::MaxMethodLength + 1, 'm');
    const int levels = json::MaxNestingDepth + 1;
    const QByteArray deep = QByteArray(levels, '[') + QByteArray(levels, ']');
    constexpr int Rounds = 25;
    for (int round = 0; round < Rounds; ++round) {
        flooder.send(R"({"jsonrpc":"2.0","id":null,"method":"tools/call","params":{"name":"pid"}})");
        flooder.send(R"({"jsonrpc":"2.0","id":"long","method":")" + longMethod + "\"}");
        flooder.send(R"({"jsonrpc":"2.0","method":")" + longMethod + "\"}");
        flooder.send(deep);
    }
    // Lines of one session are handled in order: once this is answered, so are all of the above.
    flooder.sendJson(flooder.request(QStringLiteral("last"), QStringLiteral("ping")));
    ASSERT_TRUE(flooder.waitForResponse(QStringLiteral("last")));

    int nullIdErrors = 0, longMethodErrors = 0, deepErrors = 0;
    for (const QJsonObject &line : flooder.received()) {
        const QString message = line.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
        if (errorCode(line) == -32600 && line.value(QStringLiteral("id")).isNull() && message.contains(QStringLiteral("null id")))
            ++nullIdErrors;
        else if (errorCode(line) == -32600 && line.value(QStringLiteral("id")) == QJsonValue(QStringLiteral("long")))
            ++longMethodErrors;
        else if (errorCode(line) == -32700 && message.contains(QStringLiteral("nesting deeper than 512")))
            ++deepErrors;
    }
    EXPECT_EQ(nullIdErrors, Rounds);
    EXPECT_EQ(longMethodErrors, Rounds);
    EXPECT_EQ(deepErrors, Rounds);

    // The other session is served as usual, and the server never saw a refused line.
    bystander.sendJson(bystander.request(1, QStringLiteral("tools/call"),
                                         callTool(QStringLiteral("echo"), {{QStringLiteral("message"), QStringLiteral("ok")}})));
    const auto echoed = bystander.waitForResponse(1);
    ASSERT_TRUE(echoed);
    EXPECT_TRUE(echoed->contains(QStringLiteral("result")));
    const QList<QJsonObject> seenByServer = readRequestLog(requestLog);
    EXPECT_EQ(std::count_if(seenByServer.cbegin(), seenByServer.cend(),
                            [](const QJsonObject &o) { return o.value(QStringLiteral("method")) == QStringLiteral("tools/call"); }),
              1);   // the bystander's echo only
    for (const QJsonObject &seen : seenByServer) {
        EXPECT_LE(seen.value(QStringLiteral("method")).toString().size(), Router::MaxMethodLength);
        EXPECT_NE(seen.value(QStringLiteral("params")).toObject().value(QStringLiteral("name")), QJsonValue(QStringLiteral("pid")));
    }

    // The server's log (what the GUI's Log tab and manifoldctl show) names the session once per kind.
    const qint64 session = sessionIdOf(m_broker->status(), QStringLiteral("flooder"));
    ASSERT_GT(session, 0);
    const QString who = QStringLiteral("session %1 (flooder): ").arg(session);
    const processhelpers::CtlResult logs =
        processhelpers::runCtl(m_socketPath, {QStringLiteral("logs"), QStringLiteral("fake")});
    ASSERT_EQ(logs.exitCode, 0) << logs.err.constData();
    const QString text = QString::fromUtf8(logs.out);
    for (const QString &what : {QStringLiteral("refused a request with a null id"),
                                QStringLiteral("refused a request with a method name longer than 256 bytes"),
                                QStringLiteral("dropped a notification with a method name longer than 256 bytes"),
                                QStringLiteral("sent JSON nesting deeper than 512 levels")}) {
        EXPECT_EQ(text.count(who + what), 1) << (who + what).toStdString() << "\n" << logs.out.constData();
    }
    EXPECT_EQ(text.count(QStringLiteral("(flooder)")), 4) << logs.out.constData();
    EXPECT_FALSE(text.contains(QStringLiteral("(bystander)"))) << logs.out.constData();
}
