// The router's edge: what a session sends that MCP or JSON-RPC forbids is refused before any
// routing (null ids, absurd method names, JSON nested too deep, garbage), answered with a clear
// error, and logged once per session and kind, naming the session.
#include "routertest.h"

#include "jsonrpc/jsonscan.h"

namespace {

class RouterEdgeTest : public RouterTest
{
protected:
    // The one error a refused line got: its session, no line to the child, nothing kept.
    QJsonObject refusedWith(const RouterActions &actions, SessionId session, int code)
    {
        EXPECT_TRUE(ofKind(actions, Kind::ToChild).isEmpty()) << dump(actions);
        const RouterActions answers = ofKind(actions, Kind::ToSession);
        EXPECT_EQ(answers.size(), 1) << dump(actions);
        if (answers.size() != 1)
            return {};
        EXPECT_EQ(answers[0].session, session);
        const QJsonObject error = parse(answers[0].data);
        EXPECT_EQ(error.value("error").toObject().value("code").toInteger(), code) << answers[0].data.toStdString();
        return error;
    }

    static QString messageOf(const QJsonObject &error)
    {
        return error.value("error").toObject().value("message").toString();
    }

    static QList<QByteArray> logs(const RouterActions &actions)
    {
        QList<QByteArray> lines;
        for (const RouterAction &action : ofKind(actions, Kind::Log))
            lines.append(action.data);
        return lines;
    }

    static QByteArray nested(int levels)
    {
        return QByteArray(levels, '[') + QByteArray(levels, ']');
    }
};

const QByteArray NullIdCall = R"({"jsonrpc":"2.0","id":null,"method":"tools/call","params":{"name":"a"}})";
const QByteArray LongMethod = QByteArray(Router::MaxMethodLength + 1, 'm');

TEST_F(RouterEdgeTest, RequestWithANullIdIsRefusedAndNeverReachesTheServer)
{
    bringUp();
    connectSession(1);
    for (const QByteArray &line : {NullIdCall, request("null", "ping"), request("null", "tools/list"),
                                   initializeLine("null")}) {
        const RouterActions actions = router.fromSession(1, line);
        const QJsonObject error = refusedWith(actions, 1, -32600);
        EXPECT_TRUE(error.contains("id") && error.value("id").isNull()) << line.toStdString();
        EXPECT_TRUE(messageOf(error).contains("null id")) << messageOf(error).toStdString();
    }
    EXPECT_TRUE(router.requests().isEmpty());
    EXPECT_EQ(router.sessionInfo(1).requestsServed, 0);
}

TEST_F(RouterEdgeTest, NullIdInsideABatchGetsItsOwnErrorInTheBatchAnswer)
{
    bringUp();
    connectSession(1);
    learnPlain(1, "tools/call", "{\"name\":\"a\"}");
    const QByteArray batch =
        "[" + NullIdCall + "," + request("7", "tools/call", "{\"name\":\"a\"}") + "," + request("8", "ping") + "]";
    const RouterActions sent = router.fromSession(1, batch);
    const RouterActions toChild = ofKind(sent, Kind::ToChild);
    ASSERT_EQ(toChild.size(), 1) << dump(sent);   // only id 7; the null one never goes
    EXPECT_EQ(parse(toChild[0].data).value("params").toObject().value("name"), QJsonValue("a"));
    EXPECT_TRUE(toSession(sent, 1).isEmpty()) << dump(sent);   // the batch waits for 7
    ASSERT_EQ(logs(sent).size(), 1) << dump(sent);
    EXPECT_TRUE(logs(sent)[0].contains("refused a request with a null id"));

    const RouterActions answered = router.fromChild(result(QByteArray::number(idOf(toChild[0].data)), "{}"));
    const RouterActions lines = toSession(answered, 1);
    ASSERT_EQ(lines.size(), 1) << dump(answered);
    const QJsonArray responses = QJsonDocument::fromJson(lines[0].data).array();
    ASSERT_EQ(responses.size(), 3) << lines[0].data.toStdString();
    int nullErrors = 0;
    QSet<qint64> answeredIds;
    for (const QJsonValue &value : responses) {
        const QJsonObject response = value.toObject();
        if (response.value("id").isNull()) {
            ++nullErrors;
            EXPECT_EQ(response.value("error").toObject().value("code").toInteger(), -32600);
        } else {
            answeredIds.insert(response.value("id").toInteger());
        }
    }
    EXPECT_EQ(nullErrors, 1);
    EXPECT_EQ(answeredIds, (QSet<qint64>{7, 8}));
}

TEST_F(RouterEdgeTest, ABatchOfOnlyRefusedElementsIsAnsweredAtOnce)
{
    bringUp();
    connectSession(1);
    const QByteArray batch = "[" + NullIdCall + "," + notification(LongMethod) + "]";
    const RouterActions actions = router.fromSession(1, batch);
    EXPECT_TRUE(ofKind(actions, Kind::ToChild).isEmpty()) << dump(actions);
    const RouterActions lines = toSession(actions, 1);
    ASSERT_EQ(lines.size(), 1) << dump(actions);
    const QJsonArray responses = QJsonDocument::fromJson(lines[0].data).array();
    ASSERT_EQ(responses.size(), 1) << lines[0].data.toStdString();   // the notification is dropped
    EXPECT_TRUE(responses[0].toObject().value("id").isNull());
    EXPECT_EQ(logs(actions).size(), 2) << dump(actions);   // two kinds, one line each
    EXPECT_TRUE(router.requests().isEmpty());
}

TEST_F(RouterEdgeTest, TooDeepNestingSaysSoInsteadOfNotValidJson)
{
    bringUp();
    connectSession(1);
    const QByteArray limit = QByteArray::number(manifold::json::MaxNestingDepth);
    const QByteArray deepParams = request("1", "tools/call", "{\"arguments\":" + nested(600) + "}");
    for (const QByteArray &line : {deepParams, nested(manifold::json::MaxNestingDepth + 1)}) {
        const QJsonObject error = refusedWith(router.fromSession(1, line), 1, -32700);
        EXPECT_TRUE(error.value("id").isNull());
        EXPECT_TRUE(messageOf(error).contains("nesting deeper than " + limit)) << messageOf(error).toStdString();
        EXPECT_FALSE(messageOf(error).contains("not valid JSON"));
    }
    // Nesting up to the limit is fine JSON: a batch of one that deep is just not a message.
    const QByteArray deepest = "[" + nested(manifold::json::MaxNestingDepth - 1) + "]";
    const QJsonObject answer = parse(toSession(router.fromSession(1, deepest), 1).value(0).data.mid(1).chopped(1));
    EXPECT_EQ(answer.value("error").toObject().value("code").toInteger(), -32600);
    // Plain garbage still says what it is.
    EXPECT_TRUE(messageOf(refusedWith(router.fromSession(1, "{\"a\":"), 1, -32700)).contains("not valid JSON"));
}

TEST_F(RouterEdgeTest, TooDeepNestingIsLoggedAsItsOwnKind)
{
    bringUp();
    connectSession(1);
    const RouterActions first = router.fromSession(1, nested(1000));
    ASSERT_EQ(logs(first).size(), 1) << dump(first);
    EXPECT_EQ(logs(first)[0], "session 1 (test-client): sent JSON nesting deeper than " +
                                  QByteArray::number(manifold::json::MaxNestingDepth) +
                                  " levels (only the first such is logged)");
    EXPECT_TRUE(logs(router.fromSession(1, nested(1000))).isEmpty());
    EXPECT_EQ(logs(router.fromSession(1, "garbage")).size(), 1);   // another kind
}

TEST_F(RouterEdgeTest, RequestWithAnOverlongMethodNameIsRefusedWithItsId)
{
    bringUp();
    connectSession(1);
    const QJsonObject error = refusedWith(router.fromSession(1, request("\"x\"", LongMethod)), 1, -32600);
    EXPECT_EQ(error.value("id"), QJsonValue("x"));
    EXPECT_TRUE(messageOf(error).contains(QString::number(Router::MaxMethodLength))) << messageOf(error).toStdString();
    EXPECT_TRUE(router.requests().isEmpty());

    // Exactly at the limit it is an ordinary (unknown) method, for the server to judge.
    const QByteArray atLimit(Router::MaxMethodLength, 'm');
    const qint64 id = forward(1, request("\"y\"", atLimit));
    EXPECT_GT(id, 0);
    // Escapes count as what they decode to.
    const QByteArray escaped = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"" +
                               QByteArray("\\u006d").repeated(Router::MaxMethodLength + 1) + "\"}";
    refusedWith(router.fromSession(1, escaped), 1, -32600);
}

TEST_F(RouterEdgeTest, NotificationWithAnOverlongMethodNameIsDroppedAndLoggedOnce)
{
    bringUp();
    connectSession(1);
    const RouterActions first = router.fromSession(1, notification(LongMethod));
    ASSERT_EQ(first.size(), 1) << dump(first);
    EXPECT_EQ(first[0].kind, Kind::Log);
    EXPECT_EQ(first[0].data, "session 1 (test-client): dropped a notification with a method name longer than 256 "
                             "bytes (only the first such is logged)");
    EXPECT_TRUE(router.fromSession(1, notification(LongMethod)).isEmpty());
    EXPECT_TRUE(router.fromSession(1, notification(LongMethod + "other")).isEmpty());
}

TEST_F(RouterEdgeTest, EachKindIsLoggedOncePerSessionNamingIt)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    const QList<QByteArray> bad{NullIdCall, request("1", LongMethod), notification(LongMethod), "not json",
                                "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"x\"}", nested(900), "[]"};
    QList<QByteArray> logged;
    for (int round = 0; round < 50; ++round) {   // a client flooding bad lines
        for (const QByteArray &line : bad)
            logged += logs(router.fromSession(1, line));
    }
    ASSERT_EQ(logged.size(), bad.size()) << logged.join('\n').toStdString();
    for (const QByteArray &line : logged)
        EXPECT_TRUE(line.startsWith("session 1 (test-client): ")) << line.toStdString();
    EXPECT_TRUE(logged.contains("session 1 (test-client): refused a request with a null id (only the first such is "
                                "logged)"));

    // Another session's first refusal of the same kind is logged for it.
    const RouterActions other = router.fromSession(2, NullIdCall);
    ASSERT_EQ(logs(other).size(), 1);
    EXPECT_TRUE(logs(other)[0].startsWith("session 2 (test-client): refused a request with a null id"));
}

TEST_F(RouterEdgeTest, ASessionNotYetInitializedIsNamedByNumber)
{
    bringUp();
    router.addSession(9);
    const RouterActions actions = router.fromSession(9, NullIdCall);
    refusedWith(actions, 9, -32600);
    ASSERT_EQ(logs(actions).size(), 1);
    EXPECT_TRUE(logs(actions)[0].startsWith("session 9: refused a request with a null id"));
}

TEST_F(RouterEdgeTest, OversizedLinesAreLoggedOncePerSession)
{
    bringUp();
    connectSession(1);
    const RouterActions first = router.oversizedFromSession(1, 4096);
    refusedWith(first, 1, -32001);
    ASSERT_EQ(logs(first).size(), 1);
    EXPECT_EQ(logs(first)[0], "session 1 (test-client): refused a line longer than 4096 bytes (only the first such is "
                              "logged)");
    const RouterActions second = router.oversizedFromSession(1, 4096);
    refusedWith(second, 1, -32001);
    EXPECT_TRUE(logs(second).isEmpty());
}

TEST_F(RouterEdgeTest, OtherSessionsAreUnaffected)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    learnPlain(2, "tools/call", "{\"name\":\"a\"}");
    const qint64 inFlight = forward(2, request("1", "tools/call", "{\"name\":\"a\"}"));
    for (const QByteArray &line : {NullIdCall, request("2", LongMethod), notification(LongMethod), nested(700)}) {
        for (const RouterAction &action : router.fromSession(1, line))
            EXPECT_TRUE(action.kind == Kind::Log || (action.kind == Kind::ToSession && action.session == 1))
                << dump({action});
    }
    const RouterActions answer = router.fromChild(result(QByteArray::number(inFlight), "{\"ok\":true}"));
    ASSERT_EQ(toSession(answer, 2).size(), 1) << dump(answer);
    EXPECT_EQ(toSession(answer, 2)[0].data, result("1", "{\"ok\":true}"));
    EXPECT_GT(forward(2, request("3", "tools/call", "{\"name\":\"a\"}")), 0);
}

TEST_F(RouterEdgeTest, AHeldSessionIsRefusedAtOnceNotHeld)
{
    bringUp();
    connectSession(1);
    router.holdUntilRoots(1);
    refusedWith(router.fromSession(1, NullIdCall), 1, -32600);
    EXPECT_TRUE(router.releaseHeld(1).isEmpty());   // nothing was kept to replay
}

TEST_F(RouterEdgeTest, ARefusalLogStaysLoggedWhenTheSessionMoves)
{
    bringUp();
    connectSession(1);
    EXPECT_EQ(logs(router.fromSession(1, NullIdCall)).size(), 1);
    RouterActions out;
    const Router::SessionTransfer transfer = router.detachForMove(1, out);
    Router other(QStringLiteral("demo"), [this] { return now; });
    other.adoptSession(transfer, false);
    const RouterActions again = other.fromSession(1, NullIdCall);
    EXPECT_EQ(ofKind(again, Kind::ToSession).size(), 1) << dump(again);
    EXPECT_TRUE(logs(again).isEmpty()) << dump(again);
}

} // namespace
