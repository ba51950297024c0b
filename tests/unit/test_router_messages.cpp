// Router rules 1-10 of DESIGN.md "Multiplexing rules": initialize, ids, progress, cancel,
// disconnect, ping, list_changed, unknown ids and bad input.
#include "routertest.h"

namespace {
// ---------------------------------------------------------------------------------------------
// 1. initialize: once, by the broker, single-flight, answered from the cache with each session's id

TEST_F(RouterTest, ChildStartedSendsExactlyOneInitializeWithBrokerIdentity)
{
    EXPECT_EQ(router.childState(), State::Down);
    const RouterActions actions = router.childStarted();
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    ASSERT_EQ(actions[0].kind, Kind::ToChild);
    EXPECT_EQ(router.childState(), State::Initializing);

    const QJsonObject message = parse(actions[0].data);
    EXPECT_EQ(message.value("jsonrpc").toString(), "2.0");
    EXPECT_EQ(message.value("method").toString(), "initialize");
    EXPECT_TRUE(message.value("id").isDouble());
    const QJsonObject params = message.value("params").toObject();
    EXPECT_EQ(params.value("protocolVersion").toString(), "2025-11-25");
    const QJsonObject clientInfo = params.value("clientInfo").toObject();
    EXPECT_EQ(clientInfo.value("name").toString(), "manifold");
    EXPECT_EQ(clientInfo.value("version").toString(), QString::fromUtf8(manifold::versionString()));
    const QJsonObject capabilities = params.value("capabilities").toObject();
    EXPECT_TRUE(capabilities.value("roots").isObject());
    EXPECT_TRUE(capabilities.value("sampling").isObject());
    EXPECT_TRUE(capabilities.value("elicitation").isObject());
    EXPECT_EQ(capabilities.value("roots").toObject().value("listChanged"), QJsonValue(true));
}

TEST_F(RouterTest, SessionInitializeWhileChildDownEmitsNeedChildAndWaits)
{
    router.addSession(1);
    const RouterActions actions = router.fromSession(1, initializeLine("\"a\""));
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].kind, Kind::NeedChild);
    EXPECT_EQ(router.waitingCount(), 1);
    EXPECT_FALSE(router.sessionInfo(1).initialized);
    EXPECT_EQ(router.sessionInfo(1).clientName, "test-client");
    EXPECT_EQ(router.sessionInfo(1).clientVersion, "9.9");
    EXPECT_EQ(router.sessionInfo(1).protocolVersion, "2025-06-18");
    EXPECT_EQ(router.sessionInfo(1).capabilities, "{}");
}

TEST_F(RouterTest, InitializeIsSingleFlightAndEachSessionGetsItsOwnId)
{
    router.addSession(1);
    router.addSession(2);
    router.addSession(3);
    // Both sessions initialize before there is a child.
    EXPECT_TRUE(ofKind(router.fromSession(1, initializeLine("\"a\"")), Kind::ToChild).isEmpty());
    EXPECT_TRUE(ofKind(router.fromSession(2, initializeLine("7")), Kind::ToChild).isEmpty());

    const qint64 initId = startChild();   // exactly one initialize to the child

    // A third session initializing while the child is starting waits too: nothing at all happens.
    EXPECT_TRUE(router.fromSession(3, initializeLine("\"third\"")).isEmpty());
    EXPECT_EQ(router.waitingCount(), 3);

    const RouterActions actions = answerInit(initId);
    EXPECT_EQ(router.childState(), State::Ready);
    EXPECT_EQ(router.cachedInitializeResult(), ChildInitResult);

    // To the child: only the broker's own notifications/initialized, once.
    const RouterActions toChild = ofKind(actions, Kind::ToChild);
    ASSERT_EQ(toChild.size(), 1) << dump(actions);
    EXPECT_EQ(toChild[0].data, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    EXPECT_EQ(ofKind(actions, Kind::ChildReady).size(), 1);

    // Each waiting session gets the child's result, byte for byte, under its own id and id type.
    const RouterActions s1 = toSession(actions, 1);
    const RouterActions s2 = toSession(actions, 2);
    const RouterActions s3 = toSession(actions, 3);
    ASSERT_EQ(s1.size(), 1) << dump(actions);
    ASSERT_EQ(s2.size(), 1) << dump(actions);
    ASSERT_EQ(s3.size(), 1) << dump(actions);
    EXPECT_EQ(s1[0].data, "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":" + ChildInitResult + "}");
    EXPECT_EQ(s2[0].data, "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":" + ChildInitResult + "}");
    EXPECT_EQ(s3[0].data, "{\"jsonrpc\":\"2.0\",\"id\":\"third\",\"result\":" + ChildInitResult + "}");
    const QJsonValue id1 = parse(s1[0].data).value("id");
    const QJsonValue id2 = parse(s2[0].data).value("id");
    EXPECT_TRUE(id1.isString());
    EXPECT_EQ(id1.toString(), "a");
    EXPECT_TRUE(id2.isDouble());
    EXPECT_EQ(id2.toInteger(), 7);
    EXPECT_EQ(parse(s1[0].data).value("result").toObject().value("serverInfo").toObject().value("name"),
              QJsonValue("demo-server"));
    EXPECT_TRUE(router.sessionInfo(1).initialized);
    EXPECT_TRUE(router.sessionInfo(2).initialized);
    EXPECT_EQ(router.waitingCount(), 0);
}

TEST_F(RouterTest, InitializeWhileChildStartingDoesNotAskForAnotherChild)
{
    startChild();
    router.addSession(1);
    EXPECT_TRUE(router.fromSession(1, initializeLine("1")).isEmpty());
}

TEST_F(RouterTest, LaterInitializeIsAnsweredFromCacheWithoutTouchingTheChild)
{
    bringUp();
    router.addSession(4);
    const RouterActions actions = router.fromSession(4, initializeLine("\"late\"", "{\"sampling\":{}}", "late-client"));
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].kind, Kind::ToSession);
    EXPECT_EQ(actions[0].session, 4u);
    EXPECT_EQ(actions[0].data, "{\"jsonrpc\":\"2.0\",\"id\":\"late\",\"result\":" + ChildInitResult + "}");
    EXPECT_TRUE(router.sessionInfo(4).initialized);
    EXPECT_EQ(router.sessionInfo(4).clientName, "late-client");
    EXPECT_EQ(router.sessionInfo(4).capabilities, "{\"sampling\":{}}");
}

// ---------------------------------------------------------------------------------------------
// 2. notifications/initialized: the broker sends its own once, swallows the sessions'

TEST_F(RouterTest, BrokerSendsInitializedOnceAndSwallowsSessionsInitialized)
{
    router.addSession(1);
    router.addSession(2);
    router.fromSession(1, initializeLine("1"));
    router.fromSession(2, initializeLine("1"));
    const qint64 initId = startChild();
    RouterActions all = answerInit(initId);
    all += router.fromSession(1, notification("notifications/initialized"));
    all += router.fromSession(2, notification("notifications/initialized"));
    EXPECT_TRUE(router.fromSession(1, notification("notifications/initialized")).isEmpty());

    int initialized = 0;
    for (const RouterAction &action : ofKind(all, Kind::ToChild)) {
        if (parse(action.data).value("method").toString() == "notifications/initialized")
            ++initialized;
    }
    EXPECT_EQ(initialized, 1) << dump(all);
    EXPECT_EQ(ofKind(all, Kind::ToChild).size(), 1) << dump(all);
}

TEST_F(RouterTest, OtherSessionNotificationsGoToTheChildWhenReadyAndAreDroppedOtherwise)
{
    router.addSession(1);
    const QByteArray line = notification("notifications/custom/thing");
    const RouterActions early = router.fromSession(1, line);
    ASSERT_EQ(early.size(), 1) << dump(early);
    EXPECT_EQ(early[0].kind, Kind::Log);

    bringUp();
    const RouterActions actions = router.fromSession(1, line);
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].kind, Kind::ToChild);
    EXPECT_EQ(actions[0].data, line);
}

// ---------------------------------------------------------------------------------------------
// 3. request ids: broker-unique upstream, restored (with JSON type) downstream, byte-exact payloads

TEST_F(RouterTest, CollidingRequestIdsFromTwoSessionsGetDistinctBrokerIds)
{
    bringUp();
    connectSession(1);
    connectSession(2);

    const QByteArray params = "{\"name\":\"echo\",\"arguments\":{\"text\":\"" + NonAscii + "\",\"n\":1.50}}";
    learnPlain(1, "tools/call", params);
    struct Sent { SessionId session; QByteArray rawId; qint64 brokerId; };
    QList<Sent> sent;
    for (SessionId session : {SessionId(1), SessionId(2)}) {
        for (QByteArray rawId : {QByteArray("0"), QByteArray("\"1\"")}) {
            const QByteArray line = request(rawId, "tools/call", params);
            const RouterActions actions = router.fromSession(session, line);
            ASSERT_EQ(actions.size(), 1) << dump(actions);
            ASSERT_EQ(actions[0].kind, Kind::ToChild);
            const qint64 brokerId = idOf(actions[0].data);
            // Only the id changed: every other byte is what the session sent.
            EXPECT_EQ(actions[0].data, request(QByteArray::number(brokerId), "tools/call", params));
            sent.append({session, rawId, brokerId});
        }
    }
    QSet<qint64> distinct;
    for (const Sent &s : sent)
        distinct.insert(s.brokerId);
    EXPECT_EQ(distinct.size(), 4);
    EXPECT_EQ(router.inFlightCount(), 4);

    // Answer in reverse order; each answer goes only to its session with its original id.
    for (auto it = sent.crbegin(); it != sent.crend(); ++it) {
        const QByteArray payload = "{\"content\":[{\"type\":\"text\",\"text\":\"" + NonAscii +
                                   "\"}],\"n\":1.50,\"for\":" + QByteArray::number(it->brokerId) + "}";
        const RouterActions actions = router.fromChild(result(QByteArray::number(it->brokerId), payload));
        ASSERT_EQ(actions.size(), 1) << dump(actions);
        EXPECT_EQ(actions[0].kind, Kind::ToSession);
        EXPECT_EQ(actions[0].session, it->session);
        EXPECT_EQ(actions[0].data, result(it->rawId, payload));   // raw bytes: ü✓ and 1.50 unchanged
        const QJsonValue id = parse(actions[0].data).value("id");
        if (it->rawId == "0") {
            EXPECT_TRUE(id.isDouble());
            EXPECT_EQ(id.toInteger(), 0);
        } else {
            EXPECT_TRUE(id.isString());
            EXPECT_EQ(id.toString(), "1");
        }
    }
    EXPECT_EQ(router.inFlightCount(), 0);
    EXPECT_EQ(router.sessionInfo(1).requestsServed, 3);   // with the warm-up call
    EXPECT_EQ(router.sessionInfo(2).requestsServed, 2);
}

TEST_F(RouterTest, ResponsePayloadIsByteIdenticalToWhatTheChildSent)
{
    bringUp();
    connectSession(1);
    const qint64 brokerId = forward(1, request("\"req-1\"", "tools/call", "{\"name\":\"x\"}"));

    // Odd but valid spacing, key order, escapes, number spellings and non-ASCII must survive.
    const QByteArray tail = ",  \"result\" : {\"z\":1.50,\"a\":\"" + NonAscii +
                            "\",\"esc\":\"\\u00fc\\n\",\"big\":12345678901234567890,\"e\":1E+2} }";
    const QByteArray fromChild = "{ \"jsonrpc\":\"2.0\", \"id\" : " + QByteArray::number(brokerId) + tail;
    const RouterActions actions = router.fromChild(fromChild);
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].kind, Kind::ToSession);
    EXPECT_EQ(actions[0].session, 1u);
    EXPECT_EQ(actions[0].data, "{ \"jsonrpc\":\"2.0\", \"id\" : \"req-1\"" + tail);
}

TEST_F(RouterTest, ErrorResponsesAreRoutedAndRestoredToo)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    const qint64 brokerId = forward(2, request("42", "tools/call", "{}"));
    const QByteArray error = "{\"code\":-32602,\"message\":\"bad " + NonAscii + "\"}";
    const RouterActions actions =
        router.fromChild("{\"jsonrpc\":\"2.0\",\"id\":" + QByteArray::number(brokerId) + ",\"error\":" + error + "}");
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].kind, Kind::ToSession);
    EXPECT_EQ(actions[0].session, 2u);
    EXPECT_EQ(actions[0].data, "{\"jsonrpc\":\"2.0\",\"id\":42,\"error\":" + error + "}");
}

// ---------------------------------------------------------------------------------------------
// 4. progress tokens

TEST_F(RouterTest, ProgressTokensAreRewrittenAndRoutedBackWithTheirOriginalType)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    connectSession(3);

    learnPlain(1, "tools/call", "{\"name\":\"slow\"}");
    // TypeScript SDK style: token == request id, so sessions 1 and 2 collide on token 5.
    struct Sent { SessionId session; QByteArray rawToken; qint64 brokerToken; };
    QList<Sent> sent;
    const QList<QPair<SessionId, QByteArray>> plan{{1, "5"}, {2, "5"}, {3, "\"tok-" + NonAscii + "\""}};
    for (const auto &[session, rawToken] : plan) {
        const QByteArray params = "{\"name\":\"slow\",\"_meta\":{\"progressToken\":" + rawToken + "}}";
        const RouterActions actions = router.fromSession(session, request("5", "tools/call", params));
        ASSERT_EQ(actions.size(), 1) << dump(actions);
        ASSERT_EQ(actions[0].kind, Kind::ToChild);
        const QJsonObject upstream = parse(actions[0].data);
        const QJsonValue token =
            upstream.value("params").toObject().value("_meta").toObject().value("progressToken");
        ASSERT_TRUE(token.isDouble()) << actions[0].data.toStdString();
        const qint64 brokerToken = token.toInteger();
        const qint64 brokerId = upstream.value("id").toInteger();
        EXPECT_EQ(actions[0].data,
                  request(QByteArray::number(brokerId), "tools/call",
                          "{\"name\":\"slow\",\"_meta\":{\"progressToken\":" + QByteArray::number(brokerToken) + "}}"));
        sent.append({session, rawToken, brokerToken});
    }
    EXPECT_NE(sent[0].brokerToken, sent[1].brokerToken);
    EXPECT_NE(sent[0].brokerToken, sent[2].brokerToken);
    EXPECT_NE(sent[1].brokerToken, sent[2].brokerToken);

    for (const Sent &s : sent) {
        const QByteArray before = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":";
        const QByteArray after = ",\"progress\":1.50,\"total\":3,\"message\":\"" + NonAscii + "\"}}";
        const RouterActions actions = router.fromChild(before + QByteArray::number(s.brokerToken) + after);
        ASSERT_EQ(actions.size(), 1) << dump(actions);
        EXPECT_EQ(actions[0].kind, Kind::ToSession);
        EXPECT_EQ(actions[0].session, s.session);
        EXPECT_EQ(actions[0].data, before + s.rawToken + after);
        const QJsonValue token = parse(actions[0].data).value("params").toObject().value("progressToken");
        if (s.rawToken.startsWith('"'))
            EXPECT_TRUE(token.isString());
        else
            EXPECT_TRUE(token.isDouble());
    }
}

TEST_F(RouterTest, ProgressForAnUnknownTokenIsDroppedWithALog)
{
    bringUp();
    connectSession(1);
    forward(1, request("1", "tools/call", "{\"_meta\":{\"progressToken\":1}}"));
    for (QByteArray token : {QByteArray("987654"), QByteArray("\"1\""), QByteArray("\"abc\"")}) {
        const RouterActions actions = router.fromChild(
            notification("notifications/progress", "{\"progressToken\":" + token + ",\"progress\":1}"));
        ASSERT_EQ(actions.size(), 1) << dump(actions);
        EXPECT_EQ(actions[0].kind, Kind::Log);
    }
    const RouterActions missing = router.fromChild(notification("notifications/progress", "{\"progress\":1}"));
    ASSERT_EQ(missing.size(), 1) << dump(missing);
    EXPECT_EQ(missing[0].kind, Kind::Log);
}

TEST_F(RouterTest, ProgressAfterTheResponseIsDropped)
{
    bringUp();
    connectSession(1);
    const RouterActions sent = router.fromSession(1, request("1", "tools/call", "{\"_meta\":{\"progressToken\":\"t\"}}"));
    ASSERT_EQ(sent.size(), 1) << dump(sent);
    const QJsonObject upstream = parse(sent[0].data);
    const qint64 brokerId = upstream.value("id").toInteger();
    const qint64 brokerToken =
        upstream.value("params").toObject().value("_meta").toObject().value("progressToken").toInteger();
    const QByteArray progress = notification(
        "notifications/progress", "{\"progressToken\":" + QByteArray::number(brokerToken) + ",\"progress\":1}");

    EXPECT_EQ(toSession(router.fromChild(progress), 1).size(), 1);
    EXPECT_EQ(toSession(router.fromChild(result(QByteArray::number(brokerId), "{}")), 1).size(), 1);

    const RouterActions late = router.fromChild(progress);
    ASSERT_EQ(late.size(), 1) << dump(late);
    EXPECT_EQ(late[0].kind, Kind::Log);
}

// ---------------------------------------------------------------------------------------------
// 5. notifications/cancelled from a session

TEST_F(RouterTest, SessionCancelIsRewrittenToTheBrokerIdAndTheLateResponseIsDropped)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    const qint64 brokerId = forward(1, request("\"r1\"", "tools/call", "{}"));

    const RouterActions actions = router.fromSession(
        1, notification("notifications/cancelled", "{\"requestId\":\"r1\",\"reason\":\"user " + NonAscii + "\"}"));
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].kind, Kind::ToChild);
    EXPECT_EQ(actions[0].data,
              notification("notifications/cancelled",
                           "{\"requestId\":" + QByteArray::number(brokerId) + ",\"reason\":\"user " + NonAscii + "\"}"));
    EXPECT_EQ(router.inFlightCount(), 0);

    // The child may still answer: nothing reaches any session, and it is not an "unknown id".
    EXPECT_TRUE(router.fromChild(result(QByteArray::number(brokerId), "{}")).isEmpty());
    // The id is free again for the session.
    forward(1, request("\"r1\"", "tools/call", "{}"));
}

TEST_F(RouterTest, CancelOfAnotherSessionsRequestIdIsNotForwarded)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    const qint64 brokerId = forward(1, request("3", "tools/call", "{}"));
    const RouterActions actions =
        router.fromSession(2, notification("notifications/cancelled", "{\"requestId\":3}"));
    EXPECT_TRUE(ofKind(actions, Kind::ToChild).isEmpty()) << dump(actions);
    EXPECT_EQ(ofKind(actions, Kind::Log).size(), 1) << dump(actions);
    // Session 1's request is unaffected.
    const RouterActions answer = router.fromChild(result(QByteArray::number(brokerId), "{}"));
    ASSERT_EQ(answer.size(), 1) << dump(answer);
    EXPECT_EQ(answer[0].session, 1u);
}

TEST_F(RouterTest, CancelOfAQueuedRequestRemovesItAndNothingIsForwarded)
{
    router.addSession(1);
    router.fromSession(1, initializeLine("0"));
    const qint64 initId = startChild();
    EXPECT_TRUE(router.fromSession(1, request("\"q\"", "tools/list")).isEmpty());   // queued
    EXPECT_EQ(router.waitingCount(), 2);   // the initialize and the request

    const RouterActions cancel =
        router.fromSession(1, notification("notifications/cancelled", "{\"requestId\":\"q\"}"));
    EXPECT_TRUE(cancel.isEmpty()) << dump(cancel);
    EXPECT_EQ(router.waitingCount(), 1);
    EXPECT_TRUE(router.requests().isEmpty());

    const RouterActions ready = answerInit(initId);
    const RouterActions toChild = ofKind(ready, Kind::ToChild);
    ASSERT_EQ(toChild.size(), 1) << dump(ready);   // only notifications/initialized
    EXPECT_EQ(parse(toChild[0].data).value("method").toString(), "notifications/initialized");
}

TEST_F(RouterTest, CancelOfARequestQueuedWhileTheChildIsDownIsNotSentAfterRestart)
{
    bringUp();
    connectSession(1);
    router.childExited(QStringLiteral("server 'demo' exited with code 1"));
    const RouterActions queued = router.fromSession(1, request("11", "tools/call", "{\"_meta\":{\"progressToken\":11}}"));
    ASSERT_EQ(queued.size(), 1) << dump(queued);
    EXPECT_EQ(queued[0].kind, Kind::NeedChild);
    EXPECT_TRUE(router.fromSession(1, notification("notifications/cancelled", "{\"requestId\":11}")).isEmpty());
    EXPECT_EQ(router.waitingCount(), 0);

    const RouterActions ready = answerInit(startChild());
    const RouterActions toChild = ofKind(ready, Kind::ToChild);
    ASSERT_EQ(toChild.size(), 1) << dump(ready);
    EXPECT_EQ(parse(toChild[0].data).value("method").toString(), "notifications/initialized");
}

// ---------------------------------------------------------------------------------------------
// 6. session disconnect

TEST_F(RouterTest, RemoveSessionCancelsItsInFlightRequestsUpstream)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    learnPlain(2, "tools/call", "{}");
    const RouterActions sentA = router.fromSession(1, request("1", "tools/call", "{\"_meta\":{\"progressToken\":1}}"));
    ASSERT_EQ(sentA.size(), 1) << dump(sentA);
    const QJsonObject upstreamA = parse(sentA[0].data);
    const qint64 a = upstreamA.value("id").toInteger();
    const qint64 tokenA =
        upstreamA.value("params").toObject().value("_meta").toObject().value("progressToken").toInteger();
    const qint64 b = forward(1, request("\"2\"", "resources/read", "{}"));
    const qint64 other = forward(2, request("1", "tools/call", "{}"));

    const RouterActions actions = router.removeSession(1);
    ASSERT_EQ(actions.size(), 2) << dump(actions);
    QSet<qint64> cancelled;
    for (const RouterAction &action : actions) {
        EXPECT_EQ(action.kind, Kind::ToChild);
        const QJsonObject message = parse(action.data);
        EXPECT_EQ(message.value("method").toString(), "notifications/cancelled");
        EXPECT_FALSE(message.contains("id"));
        const QJsonValue requestId = message.value("params").toObject().value("requestId");
        EXPECT_TRUE(requestId.isDouble());
        cancelled.insert(requestId.toInteger());
    }
    EXPECT_EQ(cancelled, (QSet<qint64>{a, b}));
    EXPECT_EQ(router.sessionCount(), 1);
    EXPECT_EQ(router.inFlightCount(), 1);

    // Late responses for the gone session vanish silently: no ToSession, no "unknown id" log.
    EXPECT_TRUE(router.fromChild(result(QByteArray::number(a), "{}")).isEmpty());
    EXPECT_TRUE(router.fromChild(result(QByteArray::number(b), "{}")).isEmpty());

    // The other session is unaffected.
    const RouterActions answer = router.fromChild(result(QByteArray::number(other), "{\"ok\":true}"));
    ASSERT_EQ(answer.size(), 1) << dump(answer);
    EXPECT_EQ(answer[0].kind, Kind::ToSession);
    EXPECT_EQ(answer[0].session, 2u);
    EXPECT_EQ(answer[0].data, result("1", "{\"ok\":true}"));

    // Its progress routes are gone as well.
    const RouterActions progress =
        router.fromChild(notification("notifications/progress", "{\"progressToken\":" + QByteArray::number(tokenA) +
                                                                  ",\"progress\":1}"));
    ASSERT_EQ(progress.size(), 1) << dump(progress);
    EXPECT_EQ(progress[0].kind, Kind::Log);

    // Removing an unknown session is harmless.
    EXPECT_TRUE(router.removeSession(1).isEmpty());
}

TEST_F(RouterTest, RemoveSessionDropsItsQueuedRequestsAndWaitingInitialize)
{
    router.addSession(1);
    router.addSession(2);
    router.fromSession(1, initializeLine("0"));
    router.fromSession(2, initializeLine("0"));
    const qint64 initId = startChild();
    router.fromSession(1, request("1", "tools/list"));
    router.fromSession(2, request("1", "tools/list"));
    EXPECT_EQ(router.waitingCount(), 4);

    EXPECT_TRUE(router.removeSession(1).isEmpty());   // nothing was sent: nothing to cancel
    EXPECT_EQ(router.waitingCount(), 2);

    const RouterActions ready = answerInit(initId);
    EXPECT_TRUE(toSession(ready, 1).isEmpty()) << dump(ready);
    EXPECT_EQ(toSession(ready, 2).size(), 1) << dump(ready);
    const RouterActions toChild = ofKind(ready, Kind::ToChild);
    ASSERT_EQ(toChild.size(), 2) << dump(ready);   // notifications/initialized + session 2's request
    EXPECT_EQ(parse(toChild[1].data).value("method").toString(), "tools/list");
}

// ---------------------------------------------------------------------------------------------
// 7. ping

TEST_F(RouterTest, PingFromASessionIsAnsweredByTheBroker)
{
    router.addSession(1);
    const RouterActions whileDown = router.fromSession(1, request("\"p0\"", "ping"));
    ASSERT_EQ(whileDown.size(), 1) << dump(whileDown);
    EXPECT_EQ(whileDown[0].kind, Kind::ToSession);
    EXPECT_EQ(whileDown[0].data, result("\"p0\"", "{}"));

    bringUp();
    router.fromSession(1, initializeLine("0"));
    const RouterActions actions = router.fromSession(1, request("17", "ping"));
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].kind, Kind::ToSession);
    EXPECT_EQ(actions[0].session, 1u);
    EXPECT_EQ(actions[0].data, "{\"jsonrpc\":\"2.0\",\"id\":17,\"result\":{}}");
}

TEST_F(RouterTest, PingFromTheChildIsAnsweredByTheBroker)
{
    bringUp();
    connectSession(1);
    const RouterActions actions = router.fromChild("{\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"method\":\"ping\"}");
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].kind, Kind::ToChild);
    EXPECT_EQ(actions[0].data, "{\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"result\":{}}");
    const QJsonObject answer = parse(actions[0].data);
    EXPECT_EQ(answer.value("id"), QJsonValue("srv-1"));
    EXPECT_EQ(answer.value("result").toObject(), QJsonObject());

    const RouterActions numeric = router.fromChild(request("3", "ping"));
    ASSERT_EQ(numeric.size(), 1) << dump(numeric);
    EXPECT_EQ(numeric[0].data, result("3", "{}"));
}

// ---------------------------------------------------------------------------------------------
// 8. list_changed broadcast

TEST_F(RouterTest, ListChangedGoesToEveryInitializedSessionOnly)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    router.addSession(3);   // connected, but has not completed initialize
    for (const char *kind : {"tools", "prompts", "resources"}) {
        const QByteArray line = notification("notifications/" + QByteArray(kind) + "/list_changed");
        const RouterActions actions = router.fromChild(line);
        ASSERT_EQ(actions.size(), 2) << kind << "\n" << dump(actions);
        ASSERT_EQ(toSession(actions, 1).size(), 1);
        ASSERT_EQ(toSession(actions, 2).size(), 1);
        EXPECT_TRUE(toSession(actions, 3).isEmpty());
        EXPECT_EQ(toSession(actions, 1)[0].data, line);
        EXPECT_EQ(toSession(actions, 2)[0].data, line);
    }
}

// ---------------------------------------------------------------------------------------------
// 9. unknown response ids

TEST_F(RouterTest, UnknownResponseIdFromTheChildIsLoggedAndDropped)
{
    bringUp();
    connectSession(1);
    const qint64 brokerId = forward(1, request("1", "tools/list"));
    for (QByteArray rawId : {QByteArray("999"), QByteArray("\"") + QByteArray::number(brokerId) + "\"",
                             QByteArray("null"), QByteArray("-1")}) {
        const RouterActions actions = router.fromChild(result(rawId, "{}"));
        ASSERT_EQ(actions.size(), 1) << rawId.toStdString() << "\n" << dump(actions);
        EXPECT_EQ(actions[0].kind, Kind::Log);
    }
    // The real request is still in flight and is answered normally.
    EXPECT_EQ(toSession(router.fromChild(result(QByteArray::number(brokerId), "{}")), 1).size(), 1);
}

TEST_F(RouterTest, ResponseWithIdZeroIsNotMistakenForAHeartbeatAnswer)
{
    bringUp();
    connectSession(1);
    ASSERT_FALSE(router.heartbeatOutstanding());
    // Regression: with no heartbeat outstanding, a response with id 0 (never used by the broker)
    // once counted as a heartbeat answer; it must be logged and dropped like any unknown id.
    const RouterActions actions = router.fromChild(result("0", "{}"));
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].kind, Kind::Log) << dump(actions);
}

// ---------------------------------------------------------------------------------------------
// 10. garbage and invalid messages

TEST_F(RouterTest, NotJsonFromASessionGetsAParseErrorWithNullId)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    int logged = 0;
    for (QByteArray line : {QByteArray("hello"), QByteArray("{\"jsonrpc\":\"2.0\",\"id\":1,"), QByteArray("")}) {
        const RouterActions actions = router.fromSession(1, line);
        logged += int(ofKind(actions, Kind::Log).size());
        const RouterActions answers = ofKind(actions, Kind::ToSession);
        ASSERT_EQ(answers.size(), 1) << dump(actions);
        EXPECT_EQ(answers[0].session, 1u);
        const QJsonObject error = parse(answers[0].data);
        EXPECT_TRUE(error.contains("id"));
        EXPECT_TRUE(error.value("id").isNull());
        EXPECT_EQ(error.value("error").toObject().value("code").toInteger(), -32700);
        EXPECT_FALSE(error.value("error").toObject().value("message").toString().isEmpty());
    }
    EXPECT_EQ(logged, 1);   // once per session, not per line
}

TEST_F(RouterTest, InvalidJsonRpcFromASessionGetsInvalidRequest)
{
    bringUp();
    connectSession(1);
    struct Case { QByteArray line; QJsonValue expectedId; };
    const QList<Case> cases{
        {"{\"id\":3,\"method\":\"tools/list\"}", QJsonValue(3)},                       // no jsonrpc
        {"{\"jsonrpc\":\"1.0\",\"id\":\"x\",\"method\":\"tools/list\"}", QJsonValue("x")},
        {"{\"jsonrpc\":\"2.0\"}", QJsonValue(QJsonValue::Null)},                        // nothing
        {"42", QJsonValue(QJsonValue::Null)},                                          // not an object
    };
    int logged = 0;
    for (const Case &c : cases) {
        const RouterActions actions = router.fromSession(1, c.line);
        logged += int(ofKind(actions, Kind::Log).size());
        const RouterActions answers = ofKind(actions, Kind::ToSession);
        ASSERT_EQ(answers.size(), 1) << c.line.toStdString() << "\n" << dump(actions);
        EXPECT_EQ(answers[0].session, 1u);
        const QJsonObject error = parse(answers[0].data);
        EXPECT_EQ(error.value("id"), c.expectedId) << c.line.toStdString();
        EXPECT_EQ(error.value("error").toObject().value("code").toInteger(), -32600) << c.line.toStdString();
    }
    EXPECT_EQ(logged, 1);
}

TEST_F(RouterTest, GarbageFromTheChildIsOnlyLogged)
{
    bringUp();
    connectSession(1);
    for (QByteArray line : {QByteArray("npm WARN deprecated something"), QByteArray("{\"id\":1,\"result\":{}}"),
                            QByteArray("[1,2]")}) {
        const RouterActions actions = router.fromChild(line);
        ASSERT_EQ(actions.size(), 1) << dump(actions);
        EXPECT_EQ(actions[0].kind, Kind::Log);
    }
}

TEST_F(RouterTest, OversizedLineFromASessionIsRefusedToThatSessionOnly)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    const RouterActions actions = router.oversizedFromSession(2, 1048576);
    const RouterActions toSessions = ofKind(actions, Kind::ToSession);
    ASSERT_EQ(toSessions.size(), 1) << dump(actions);
    EXPECT_EQ(toSessions[0].session, 2u);
    EXPECT_TRUE(ofKind(actions, Kind::ToChild).isEmpty());
    const QJsonObject error = parse(toSessions[0].data);
    EXPECT_TRUE(error.value("id").isNull());
    EXPECT_EQ(error.value("error").toObject().value("code").toInteger(), -32001);
    EXPECT_TRUE(error.value("error").toObject().value("message").toString().contains("1048576"));
    for (const RouterAction &action : actions)
        EXPECT_TRUE(action.kind == Kind::ToSession || action.kind == Kind::Log) << dump(actions);
}

} // namespace

TEST_F(RouterTest, AConsumedAnswerIsTheChildsLineWithTheSessionsIdSplicedIn)
{
    bringUp();
    connectSession(1);
    const QByteArray payload = "{\"content\":[{\"type\":\"text\",\"text\":\"" + QByteArray(100000, 'x') + "\"}]}";
    // The session's id shorter than, as long as and longer than the broker's.
    for (const QByteArray &rawId : {QByteArray("0"), QByteArray("12345678"), QByteArray("\"a-much-longer-string-id\"")}) {
        const qint64 brokerId = forward(1, request(rawId, "tools/call", "{\"name\":\"x\"}"));
        QByteArray line = result(QByteArray::number(brokerId), payload);
        const char *bytes = line.constData();
        const bool fits = rawId.size() <= QByteArray::number(brokerId).size();
        const RouterActions actions = router.consumeFromChild(std::move(line));
        ASSERT_EQ(actions.size(), 1) << dump(actions);
        EXPECT_EQ(actions[0].kind, Kind::ToSession);
        EXPECT_EQ(actions[0].data, result(rawId, payload));
        if (fits) {
            EXPECT_EQ(actions[0].data.constData(), bytes);   // the same buffer: not copied
        }
    }
}

TEST_F(RouterTest, AConsumedLineSharedWithTheCallerIsNotChanged)
{
    bringUp();
    connectSession(1);
    const qint64 brokerId = forward(1, request("\"session-id\"", "tools/call", "{\"name\":\"x\"}"));
    const QByteArray kept = result(QByteArray::number(brokerId), "{\"ok\":true}");
    const RouterActions actions = router.consumeFromChild(QByteArray(kept));
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].data, result("\"session-id\"", "{\"ok\":true}"));
    EXPECT_EQ(kept, result(QByteArray::number(brokerId), "{\"ok\":true}"));
}
