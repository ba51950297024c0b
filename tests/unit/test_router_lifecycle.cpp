// Router rules 11-15: child exit and restart, failure, server->client requests, heartbeat and
// duplicate ids.
#include "routertest.h"

namespace {

// A suite of its own: the fixture class is per translation unit.
class RouterLifecycleTest : public RouterTest
{
};
// ---------------------------------------------------------------------------------------------
// 11. child exit and restart

TEST_F(RouterLifecycleTest, ChildExitFailsForwardedRequestsAndKeepsUnsentOnes)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    learnPlain(1, "tools/call", "{}");
    const qint64 a = forward(1, request("\"a\"", "tools/call", "{}"));
    forward(2, request("7", "tools/call", "{}"));

    const QString description = QStringLiteral("server 'demo' exited with code 3 while handling this request");
    const RouterActions exited = router.childExited(description);
    EXPECT_EQ(router.childState(), State::Down);
    ASSERT_EQ(exited.size(), 2) << dump(exited);
    for (SessionId session : {SessionId(1), SessionId(2)}) {
        const RouterActions mine = toSession(exited, session);
        ASSERT_EQ(mine.size(), 1) << dump(exited);
        const QJsonObject error = parse(mine[0].data);
        EXPECT_EQ(error.value("id"), session == 1 ? QJsonValue("a") : QJsonValue(7));
        const QJsonObject body = error.value("error").toObject();
        EXPECT_EQ(body.value("code").toInteger(), -32000);
        const QString message = body.value("message").toString();
        EXPECT_TRUE(message.contains("demo")) << message.toStdString();
        EXPECT_TRUE(message.contains("exited with code 3")) << message.toStdString();
    }
    EXPECT_EQ(router.inFlightCount(), 0);

    // The dead child's late answer is an unknown id now.
    EXPECT_TRUE(toSession(router.fromChild(result(QByteArray::number(a), "{}")), 1).isEmpty());

    // While the child is down, requests queue and ask for a child.
    const RouterActions queued = router.fromSession(1, request("\"b\"", "tools/list"));
    ASSERT_EQ(queued.size(), 1) << dump(queued);
    EXPECT_EQ(queued[0].kind, Kind::NeedChild);
    const qint64 initId = startChild();
    EXPECT_TRUE(router.fromSession(2, request("8", "prompts/list")).isEmpty());   // queued while starting

    // A second exit while starting keeps the unsent requests.
    EXPECT_TRUE(router.childExited(QStringLiteral("server 'demo' exited with code 1")).isEmpty());
    EXPECT_EQ(router.waitingCount(), 2);
    const RouterActions stale = router.fromChild(result(QByteArray::number(initId), ChildInitResult));
    ASSERT_EQ(stale.size(), 1) << dump(stale);   // the dead child's initialize answer is unknown now
    EXPECT_EQ(stale[0].kind, Kind::Log);
    EXPECT_EQ(router.childState(), State::Down);

    const qint64 initId2 = startChild();
    const RouterActions ready = answerInit(initId2);
    const RouterActions toChild = ofKind(ready, Kind::ToChild);
    ASSERT_EQ(toChild.size(), 3) << dump(ready);
    EXPECT_EQ(parse(toChild[0].data).value("method").toString(), "notifications/initialized");
    const QJsonObject b = parse(toChild[1].data);
    const QJsonObject c = parse(toChild[2].data);
    EXPECT_EQ(b.value("method").toString(), "tools/list");
    EXPECT_EQ(c.value("method").toString(), "prompts/list");
    EXPECT_EQ(router.inFlightCount(), 2);

    const RouterActions answerB = router.fromChild(result(QByteArray::number(b.value("id").toInteger()), "{\"tools\":[]}"));
    ASSERT_EQ(answerB.size(), 1) << dump(answerB);
    EXPECT_EQ(answerB[0].session, 1u);
    EXPECT_EQ(answerB[0].data, result("\"b\"", "{\"tools\":[]}"));
    const RouterActions answerC = router.fromChild(result(QByteArray::number(c.value("id").toInteger()), "{}"));
    ASSERT_EQ(answerC.size(), 1) << dump(answerC);
    EXPECT_EQ(answerC[0].session, 2u);
    EXPECT_EQ(answerC[0].data, result("8", "{}"));
}

TEST_F(RouterLifecycleTest, InitializeWaitingAcrossAChildExitIsAnsweredAfterTheRestart)
{
    router.addSession(1);
    router.fromSession(1, initializeLine("\"i\""));
    startChild();
    EXPECT_TRUE(router.childExited(QStringLiteral("server 'demo' exited with code 1")).isEmpty());
    const RouterActions ready = answerInit(startChild());
    const RouterActions mine = toSession(ready, 1);
    ASSERT_EQ(mine.size(), 1) << dump(ready);
    EXPECT_EQ(mine[0].data, result("\"i\"", ChildInitResult));
}

TEST_F(RouterLifecycleTest, RestartTellsSessionsListChangedForDeclaredCapabilities)
{
    const RouterActions first = bringUp();
    // The first initialize is not a change.
    EXPECT_TRUE(ofKind(first, Kind::ToSession).isEmpty()) << dump(first);
    connectSession(1);
    connectSession(2);
    router.addSession(3);   // not initialized: gets nothing

    router.childExited(QStringLiteral("server 'demo' exited with code 1"));
    const qint64 initId = startChild();
    const RouterActions ready = answerInit(initId);   // declares tools and resources, not prompts
    for (SessionId session : {SessionId(1), SessionId(2)}) {
        QStringList methods;
        for (const RouterAction &action : toSession(ready, session))
            methods.append(parse(action.data).value("method").toString());
        methods.sort();
        EXPECT_EQ(methods, (QStringList{"notifications/resources/list_changed", "notifications/tools/list_changed"}))
            << dump(ready);
    }
    EXPECT_TRUE(toSession(ready, 3).isEmpty()) << dump(ready);
    EXPECT_EQ(ofKind(ready, Kind::ChildReady).size(), 1);
}

TEST_F(RouterLifecycleTest, ChildExitCancelsServerToClientRequestsAtTheSession)
{
    bringUp();
    connectSession(1, "{\"sampling\":{}}");
    const RouterActions asked = router.fromChild(request("\"s1\"", "sampling/createMessage", "{}"));
    const RouterActions mine = toSession(asked, 1);
    ASSERT_EQ(mine.size(), 1) << dump(asked);
    const qint64 facing = idOf(mine[0].data);

    const RouterActions exited = router.childExited(QStringLiteral("server 'demo' exited with code 1"));
    ASSERT_EQ(exited.size(), 1) << dump(exited);
    EXPECT_EQ(exited[0].session, 1u);
    const QJsonObject cancel = parse(exited[0].data);
    EXPECT_EQ(cancel.value("method").toString(), "notifications/cancelled");
    EXPECT_EQ(cancel.value("params").toObject().value("requestId").toInteger(), facing);

    // The session's answer after that goes nowhere.
    EXPECT_TRUE(ofKind(router.fromSession(1, result(QByteArray::number(facing), "{}")), Kind::ToChild).isEmpty());
}

// ---------------------------------------------------------------------------------------------
// 12. childFailed

TEST_F(RouterLifecycleTest, ChildFailedFailsWaitingInitializesAndQueuedRequests)
{
    router.addSession(1);
    router.addSession(2);
    router.fromSession(1, initializeLine("\"i1\""));
    router.fromSession(2, initializeLine("5"));
    startChild();
    router.fromSession(1, request("\"q\"", "tools/list"));

    const QString description = QStringLiteral("server 'demo' exited with code 1; it keeps crashing");
    const RouterActions failed = router.childFailed(description);
    EXPECT_EQ(router.childState(), State::Failed);
    ASSERT_EQ(failed.size(), 3) << dump(failed);
    QList<QJsonValue> ids1;
    for (const RouterAction &action : toSession(failed, 1)) {
        const QJsonObject error = parse(action.data);
        ids1.append(error.value("id"));
        EXPECT_EQ(error.value("error").toObject().value("code").toInteger(), -32000);
        EXPECT_EQ(error.value("error").toObject().value("message").toString(), description);
    }
    EXPECT_EQ(ids1.size(), 2);
    EXPECT_TRUE(ids1.contains(QJsonValue("i1")));
    EXPECT_TRUE(ids1.contains(QJsonValue("q")));
    const RouterActions s2 = toSession(failed, 2);
    ASSERT_EQ(s2.size(), 1);
    EXPECT_EQ(parse(s2[0].data).value("id"), QJsonValue(5));
    EXPECT_EQ(router.waitingCount(), 0);

    // While failed: immediate errors, and no call for a child.
    const RouterActions later = router.fromSession(1, request("9", "tools/list"));
    ASSERT_EQ(later.size(), 1) << dump(later);
    EXPECT_EQ(later[0].kind, Kind::ToSession);
    const QJsonObject error = parse(later[0].data);
    EXPECT_EQ(error.value("id"), QJsonValue(9));
    EXPECT_EQ(error.value("error").toObject().value("code").toInteger(), -32000);
    EXPECT_TRUE(error.value("error").toObject().value("message").toString().contains("demo"));

    router.addSession(3);
    const RouterActions init = router.fromSession(3, initializeLine("\"x\""));
    ASSERT_EQ(init.size(), 1) << dump(init);
    EXPECT_EQ(init[0].kind, Kind::ToSession);
    EXPECT_EQ(parse(init[0].data).value("id"), QJsonValue("x"));
    EXPECT_EQ(parse(init[0].data).value("error").toObject().value("code").toInteger(), -32000);
    EXPECT_TRUE(router.heartbeat().isEmpty());
}

TEST_F(RouterLifecycleTest, ChildFailedFailsForwardedRequestsToo)
{
    bringUp();
    connectSession(1);
    forward(1, request("1", "tools/call", "{}"));
    const RouterActions failed = router.childFailed(QStringLiteral("server 'demo' could not start"));
    ASSERT_EQ(failed.size(), 1) << dump(failed);
    EXPECT_EQ(parse(failed[0].data).value("id"), QJsonValue(1));
    EXPECT_EQ(router.childState(), State::Failed);
}

TEST_F(RouterLifecycleTest, RequestsAfterAFailureAreToldWhyItFailed)
{
    router.childFailed(QStringLiteral("server 'demo' cannot start: its secret API_KEY is not in the keychain"));
    router.addSession(1);
    for (const QByteArray &line : {initializeLine("0", "{}"), request("7", "tools/list", "{}")}) {
        const RouterActions answered = router.fromSession(1, line);
        ASSERT_EQ(answered.size(), 1) << dump(answered);
        EXPECT_TRUE(answered[0].data.contains("API_KEY is not in the keychain")) << answered[0].data.constData();
    }
}

// ---------------------------------------------------------------------------------------------
// 13. server->client requests

TEST_F(RouterLifecycleTest, SamplingGoesToTheCapableSessionWithTheIdRemappedBothWays)
{
    bringUp();
    connectSession(1, "{\"roots\":{}}");
    connectSession(2, "{\"sampling\":{}}");
    connectSession(3, "{}");

    const QByteArray params = "{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":\"" +
                              NonAscii + "\"}}],\"maxTokens\":150,\"temperature\":1.50}";
    const RouterActions actions = router.fromChild(request("\"c1\"", "sampling/createMessage", params));
    const RouterActions sent = ofKind(actions, Kind::ToSession);
    ASSERT_EQ(sent.size(), 1) << dump(actions);
    EXPECT_EQ(sent[0].session, 2u);
    EXPECT_TRUE(ofKind(actions, Kind::ToChild).isEmpty());
    const qint64 facing = idOf(sent[0].data);
    EXPECT_EQ(sent[0].data, request(QByteArray::number(facing), "sampling/createMessage", params));

    // The answer goes back under the child's own id, payload untouched.
    const QByteArray answer = "{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"" + NonAscii +
                              "\"},\"model\":\"m\",\"stopReason\":\"endTurn\"}";
    const RouterActions back = router.fromSession(2, result(QByteArray::number(facing), answer));
    ASSERT_EQ(back.size(), 1) << dump(back);
    EXPECT_EQ(back[0].kind, Kind::ToChild);
    EXPECT_EQ(back[0].data, result("\"c1\"", answer));

    // A second answer with the same id is unknown.
    const RouterActions again = router.fromSession(2, result(QByteArray::number(facing), answer));
    ASSERT_EQ(again.size(), 1) << dump(again);
    EXPECT_EQ(again[0].kind, Kind::Log);
}

TEST_F(RouterLifecycleTest, ElicitationRequiresTheElicitationCapability)
{
    bringUp();
    connectSession(1, "{\"sampling\":{}}");
    connectSession(2, "{\"elicitation\":{}}");
    const RouterActions actions = router.fromChild(request("4", "elicitation/create", "{\"message\":\"?\"}"));
    const RouterActions sent = ofKind(actions, Kind::ToSession);
    ASSERT_EQ(sent.size(), 1) << dump(actions);
    EXPECT_EQ(sent[0].session, 2u);
    const qint64 facing = idOf(sent[0].data);
    const RouterActions back =
        router.fromSession(2, "{\"jsonrpc\":\"2.0\",\"id\":" + QByteArray::number(facing) +
                                  ",\"error\":{\"code\":-1,\"message\":\"declined\"}}");
    ASSERT_EQ(back.size(), 1) << dump(back);
    EXPECT_EQ(back[0].data, "{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":{\"code\":-1,\"message\":\"declined\"}}");
}

TEST_F(RouterLifecycleTest, RootsListOfARouterWithoutInstanceRootsIsAnsweredWithNone)
{
    bringUp();
    connectSession(1, "{\"sampling\":{}}");
    const RouterActions actions = router.fromChild(request("7", "roots/list", "{}"));
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    ASSERT_EQ(actions[0].kind, Kind::ToChild);
    const QJsonObject answer = parse(actions[0].data);
    EXPECT_EQ(answer.value("id"), QJsonValue(7));
    EXPECT_EQ(answer.value("result").toObject().value("roots").toArray().size(), 0);
    EXPECT_TRUE(answer.value("result").toObject().value("roots").isArray());
}

TEST_F(RouterLifecycleTest, NoCapableSessionMeansAnErrorResponseToTheChild)
{
    bringUp();
    connectSession(1, "{\"roots\":{}}");
    connectSession(2, "{}");
    router.addSession(3);   // connected, never initialized, no capabilities
    const RouterActions actions = router.fromChild(request("\"c9\"", "sampling/createMessage", "{}"));
    const RouterActions toChild = ofKind(actions, Kind::ToChild);
    ASSERT_EQ(toChild.size(), 1) << dump(actions);
    EXPECT_TRUE(ofKind(actions, Kind::ToSession).isEmpty()) << dump(actions);
    const QJsonObject error = parse(toChild[0].data);
    EXPECT_EQ(error.value("id"), QJsonValue("c9"));
    EXPECT_TRUE(error.value("error").isObject());
    EXPECT_EQ(error.value("error").toObject().value("code").toInteger(), -32601);
    EXPECT_FALSE(error.contains("result"));
}

TEST_F(RouterLifecycleTest, UninitializedSessionIsNotChosenEvenIfItDeclaredTheCapability)
{
    router.addSession(1);
    router.fromSession(1, initializeLine("0", "{\"sampling\":{}}"));   // waits: child is down
    startChild();
    // The child asks before answering initialize (odd, but possible): no initialized session.
    const RouterActions actions = router.fromChild(request("1", "sampling/createMessage", "{}"));
    EXPECT_TRUE(ofKind(actions, Kind::ToSession).isEmpty()) << dump(actions);
    ASSERT_EQ(ofKind(actions, Kind::ToChild).size(), 1) << dump(actions);
    EXPECT_TRUE(parse(ofKind(actions, Kind::ToChild)[0].data).value("error").isObject());
}

TEST_F(RouterLifecycleTest, ServerRequestGoesToTheSessionWithARequestInFlightNeverToTheMostRecentlyActive)
{
    bringUp();
    connectSession(1, "{\"sampling\":{}}");
    now = 2000;
    connectSession(2, "{\"sampling\":{}}");
    now = 3000;
    connectSession(3, "{\"sampling\":{}}");

    // Session 1 has a tool call in flight: the child samples on its behalf.
    now = 4000;
    const qint64 call = forward(1, request("1", "tools/call", "{}"));
    now = 5000;
    router.fromSession(2, request("\"p\"", "ping"));   // session 2 is now the most recently active
    RouterActions actions = router.fromChild(request("10", "sampling/createMessage", "{}"));
    RouterActions sent = ofKind(actions, Kind::ToSession);
    ASSERT_EQ(sent.size(), 1) << dump(actions);
    EXPECT_EQ(sent[0].session, 1u);

    // With nothing in flight and three clients able to answer, the broker does not guess.
    router.fromChild(result(QByteArray::number(call), "{}"));
    actions = router.fromChild(request("11", "sampling/createMessage", "{}"));
    EXPECT_TRUE(ofKind(actions, Kind::ToSession).isEmpty()) << dump(actions);
    ASSERT_EQ(ofKind(actions, Kind::ToChild).size(), 1) << dump(actions);
    const QJsonObject error = parse(ofKind(actions, Kind::ToChild)[0].data);
    EXPECT_EQ(error.value("id"), QJsonValue(11));
    EXPECT_TRUE(error.value("error").toObject().value("message").toString().contains("cannot tell which client"))
        << dump(actions);
}

TEST_F(RouterLifecycleTest, ResponseFromTheWrongSessionIsNotForwarded)
{
    bringUp();
    connectSession(1, "{\"sampling\":{}}");
    connectSession(2, "{}");
    const RouterActions asked = router.fromChild(request("\"c\"", "sampling/createMessage", "{}"));
    ASSERT_EQ(toSession(asked, 1).size(), 1) << dump(asked);
    const qint64 facing = idOf(toSession(asked, 1)[0].data);
    const RouterActions wrong = router.fromSession(2, result(QByteArray::number(facing), "{}"));
    ASSERT_EQ(wrong.size(), 1) << dump(wrong);
    EXPECT_EQ(wrong[0].kind, Kind::Log);
    const RouterActions right = router.fromSession(1, result(QByteArray::number(facing), "{}"));
    ASSERT_EQ(right.size(), 1) << dump(right);
    EXPECT_EQ(right[0].data, result("\"c\"", "{}"));
}

TEST_F(RouterLifecycleTest, DisconnectOfTheChosenSessionAnswersTheChildWithAnError)
{
    bringUp();
    connectSession(1, "{\"sampling\":{}}");
    connectSession(2, "{}");
    const RouterActions asked = router.fromChild(request("\"c2\"", "sampling/createMessage", "{}"));
    ASSERT_EQ(toSession(asked, 1).size(), 1) << dump(asked);

    const RouterActions gone = router.removeSession(1);
    ASSERT_EQ(gone.size(), 1) << dump(gone);
    EXPECT_EQ(gone[0].kind, Kind::ToChild);
    const QJsonObject error = parse(gone[0].data);
    EXPECT_EQ(error.value("id"), QJsonValue("c2"));
    EXPECT_TRUE(error.value("error").isObject());
    EXPECT_FALSE(error.contains("result"));
    EXPECT_TRUE(router.removeSession(2).isEmpty());   // session 2 had nothing pending
}

TEST_F(RouterLifecycleTest, ChildCancelOfAServerRequestIsForwardedWithTheRemappedId)
{
    bringUp();
    connectSession(1, "{\"sampling\":{}}");
    const RouterActions asked = router.fromChild(request("\"c3\"", "sampling/createMessage", "{}"));
    ASSERT_EQ(toSession(asked, 1).size(), 1) << dump(asked);
    const qint64 facing = idOf(toSession(asked, 1)[0].data);

    const RouterActions cancelled = router.fromChild(
        notification("notifications/cancelled", "{\"requestId\":\"c3\",\"reason\":\"timeout\"}"));
    ASSERT_EQ(cancelled.size(), 1) << dump(cancelled);
    EXPECT_EQ(cancelled[0].kind, Kind::ToSession);
    EXPECT_EQ(cancelled[0].session, 1u);
    EXPECT_EQ(cancelled[0].data, notification("notifications/cancelled",
                                              "{\"requestId\":" + QByteArray::number(facing) +
                                                  ",\"reason\":\"timeout\"}"));

    // The session's late answer is not sent to the child.
    const RouterActions late = router.fromSession(1, result(QByteArray::number(facing), "{}"));
    EXPECT_TRUE(ofKind(late, Kind::ToChild).isEmpty()) << dump(late);
    // A cancel for a request nobody knows goes nowhere.
    EXPECT_TRUE(router.fromChild(notification("notifications/cancelled", "{\"requestId\":\"zz\"}")).isEmpty());
}

// ---------------------------------------------------------------------------------------------
// 14. heartbeat

TEST_F(RouterLifecycleTest, HeartbeatPingsOnlyWhenReadyAndNoneOutstanding)
{
    EXPECT_TRUE(router.heartbeat().isEmpty());   // Down
    const qint64 initId = startChild();
    EXPECT_TRUE(router.heartbeat().isEmpty());   // Initializing
    answerInit(initId);
    connectSession(1);

    const RouterActions ping = router.heartbeat();
    ASSERT_EQ(ping.size(), 1) << dump(ping);
    EXPECT_EQ(ping[0].kind, Kind::ToChild);
    const QJsonObject message = parse(ping[0].data);
    EXPECT_EQ(message.value("method").toString(), "ping");
    ASSERT_TRUE(message.value("id").isDouble());
    const qint64 pingId = message.value("id").toInteger();
    EXPECT_TRUE(router.heartbeatOutstanding());
    EXPECT_TRUE(router.heartbeat().isEmpty());   // one outstanding: no second ping

    const RouterActions answered = router.fromChild(result(QByteArray::number(pingId), "{}"));
    ASSERT_EQ(answered.size(), 1) << dump(answered);
    EXPECT_EQ(answered[0].kind, Kind::HeartbeatAnswered);
    EXPECT_FALSE(router.heartbeatOutstanding());

    // Servers may answer ping with an error (method not found): still an answer.
    const RouterActions ping2 = router.heartbeat();
    ASSERT_EQ(ping2.size(), 1) << dump(ping2);
    const qint64 pingId2 = idOf(ping2[0].data);
    EXPECT_NE(pingId2, pingId);
    const RouterActions answered2 = router.fromChild(
        "{\"jsonrpc\":\"2.0\",\"id\":" + QByteArray::number(pingId2) + ",\"error\":{\"code\":-32601,\"message\":\"no\"}}");
    ASSERT_EQ(answered2.size(), 1) << dump(answered2);
    EXPECT_EQ(answered2[0].kind, Kind::HeartbeatAnswered);
}

TEST_F(RouterLifecycleTest, ChildExitClearsTheOutstandingHeartbeat)
{
    bringUp();
    ASSERT_EQ(router.heartbeat().size(), 1);
    router.childExited(QStringLiteral("server 'demo' exited"));
    EXPECT_FALSE(router.heartbeatOutstanding());
    answerInit(startChild());
    EXPECT_EQ(router.heartbeat().size(), 1);
}

// ---------------------------------------------------------------------------------------------
// 15. duplicate in-flight ids

TEST_F(RouterLifecycleTest, DuplicateInFlightIdFromTheSameSessionIsRefused)
{
    bringUp();
    connectSession(1);
    const qint64 first = forward(1, request("5", "tools/call", "{\"name\":\"a\"}"));

    const RouterActions duplicate = router.fromSession(1, request("5", "tools/call", "{\"name\":\"b\"}"));
    ASSERT_EQ(duplicate.size(), 2) << dump(duplicate);
    ASSERT_EQ(toSession(duplicate, 1).size(), 1) << dump(duplicate);
    ASSERT_EQ(ofKind(duplicate, Kind::Log).size(), 1) << dump(duplicate);
    EXPECT_TRUE(ofKind(duplicate, Kind::Log)[0].data.startsWith("session 1 (test-client): refused a request whose id"));
    const QJsonObject error = parse(toSession(duplicate, 1)[0].data);
    EXPECT_EQ(error.value("id"), QJsonValue(5));
    EXPECT_EQ(error.value("error").toObject().value("code").toInteger(), -32600);
    EXPECT_EQ(router.inFlightCount(), 1);

    // "5" (a string) is a different id from 5.
    const qint64 stringId = forward(1, request("\"5\"", "tools/call", "{}"));
    EXPECT_NE(stringId, first);

    const RouterActions answer = router.fromChild(result(QByteArray::number(first), "{\"first\":true}"));
    ASSERT_EQ(answer.size(), 1) << dump(answer);
    EXPECT_EQ(answer[0].session, 1u);
    EXPECT_EQ(answer[0].data, result("5", "{\"first\":true}"));

    // Once answered, the id may be used again.
    forward(1, request("5", "tools/call", "{}"));
}

TEST_F(RouterLifecycleTest, DuplicateIdWhileQueuedIsRefusedToo)
{
    router.addSession(1);
    router.fromSession(1, request("1", "tools/list"));
    const RouterActions duplicate = router.fromSession(1, request("1", "tools/list"));
    ASSERT_EQ(toSession(duplicate, 1).size(), 1) << dump(duplicate);
    EXPECT_EQ(parse(toSession(duplicate, 1)[0].data).value("error").toObject().value("code").toInteger(), -32600);
    // Logged once: the second duplicate is only answered.
    EXPECT_EQ(ofKind(duplicate, Kind::Log).size(), 1) << dump(duplicate);
    const RouterActions again = router.fromSession(1, request("1", "tools/list"));
    ASSERT_EQ(again.size(), 1) << dump(again);
    EXPECT_EQ(again[0].kind, Kind::ToSession);
    EXPECT_EQ(router.waitingCount(), 1);
}

TEST_F(RouterLifecycleTest, OversizedResponseFromTheChildFailsItsRequestOnly)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    learnPlain(1, "tools/call", "{}");
    const qint64 first = forward(1, request("\"a\"", "tools/call", "{}"));
    const qint64 second = forward(2, request("\"b\"", "tools/call", "{}"));
    // TypeScript SDK order: the id comes last.
    const RouterActions actions = router.oversizedFromChild(
        "{\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"xxxx",
        "xxxx\"}]},\"jsonrpc\":\"2.0\",\"id\":" + QByteArray::number(first) + "}", 4096);
    const RouterActions toOne = toSession(actions, 1);
    ASSERT_EQ(toOne.size(), 1) << dump(actions);
    const QJsonObject error = parse(toOne[0].data);
    EXPECT_EQ(error.value("id").toString(), QStringLiteral("a"));
    EXPECT_TRUE(error.value("error").toObject().value("message").toString().contains(QStringLiteral("4096")));
    EXPECT_TRUE(toSession(actions, 2).isEmpty());
    // An "id" nested in a result is not taken for the response's id.
    const RouterActions nested = router.oversizedFromChild(
        "{\"result\":{\"items\":[{\"jsonrpc\":\"2.0\",\"id\":" + QByteArray::number(second) + ",\"result\":1",
        "xxxx]}}", 4096);
    EXPECT_TRUE(ofKind(nested, Kind::ToSession).isEmpty()) << dump(nested);
    EXPECT_EQ(router.inFlightCount(), 1);
}

} // namespace
