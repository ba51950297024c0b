// Router features beyond plain id routing: the in-flight limit and its fair queue, the list
// cache, resource subscriptions, logging levels, roots, URL elicitation, tasks, batches,
// protocol version answers and the stateless 2026-07-28 child.
#include "routertest.h"

#include <QStringList>

namespace {

using manifold::jsonrpc::makeError;

QJsonArray parseArray(const QByteArray &line)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
    EXPECT_EQ(error.error, QJsonParseError::NoError) << "not JSON: " << line.toStdString();
    EXPECT_TRUE(doc.isArray()) << "not a JSON array: " << line.toStdString();
    return doc.array();
}

// A suite of its own: the fixture class is per translation unit.
class RouterFeatureTest : public RouterTest
{
protected:
    RouterActions answer(qint64 brokerId, QByteArrayView rawResult)
    {
        return router.fromChild(result(QByteArray::number(brokerId), rawResult));
    }

    RouterActions refuse(qint64 brokerId, int code, QByteArrayView message)
    {
        return router.fromChild(makeError(QByteArray::number(brokerId), code, message));
    }

    // The child exits and a new one is started and initialized.
    RouterActions restart(const QByteArray &initResult = ChildInitResult)
    {
        router.childExited(QStringLiteral("server 'demo' exited with code 1"));
        EXPECT_EQ(router.childState(), State::Down);
        const qint64 initId = startChild();
        RouterActions actions = answerInit(initId, initResult);
        EXPECT_EQ(router.childState(), State::Ready);
        return actions;
    }

    // A session declaring roots connects; the broker asks it for its roots after its
    // notifications/initialized. Returns the actions caused by its answer (rootsJson: an array).
    RouterActions connectWithRoots(SessionId session, QByteArrayView rootsJson)
    {
        router.addSession(session);
        const RouterActions init = router.fromSession(session, initializeLine("0", "{\"roots\":{\"listChanged\":true}}"));
        EXPECT_EQ(init.size(), 1) << dump(init);   // only the initialize result: no roots/list yet
        const RouterActions ready = router.fromSession(session, notification("notifications/initialized"));
        if (ready.size() != 1 || ready[0].kind != Kind::ToSession || ready[0].session != session) {
            ADD_FAILURE() << "expected one roots/list to session " << session << ":\n" << dump(ready);
            return {};
        }
        EXPECT_EQ(parse(ready[0].data).value("method").toString(), "roots/list");
        return answerRoots(session, idOf(ready[0].data), rootsJson);
    }

    // The session's answer; the broker hears of it (RootsReported, checked and left out).
    RouterActions answerRoots(SessionId session, qint64 facingId, QByteArrayView rootsJson)
    {
        RouterActions actions = router.fromSession(
            session, result(QByteArray::number(facingId), "{\"roots\":" + rootsJson.toByteArray() + '}'));
        const RouterActions reported = ofKind(actions, Kind::RootsReported);
        EXPECT_EQ(reported.size(), 1) << dump(actions);
        if (!reported.isEmpty()) {
            EXPECT_EQ(reported[0].session, session);
            EXPECT_EQ(parseArray(reported[0].data), parseArray(rootsJson.toByteArray()));
        }
        actions.removeIf([](const RouterAction &a) { return a.kind == Kind::RootsReported; });
        return actions;
    }

    RouterActions answerRootsRaw(SessionId session, qint64 facingId)
    {
        return router.fromSession(session, result(QByteArray::number(facingId), "{\"roots\":[]}"));
    }

    // The child asks for roots; the broker answers it alone. Returns the roots it was given.
    QJsonArray childAsksForRoots()
    {
        const RouterActions actions = router.fromChild(request("\"r1\"", "roots/list"));
        if (actions.size() != 1 || actions[0].kind != Kind::ToChild) {
            ADD_FAILURE() << "expected one answer to the child:\n" << dump(actions);
            return {};
        }
        const QJsonObject answer = parse(actions[0].data);
        EXPECT_EQ(answer.value("id"), QJsonValue("r1"));
        return answer.value("result").toObject().value("roots").toArray();
    }
};


QString methodOf(const QByteArray &line)
{
    return parse(line).value("method").toString();
}

// Lines of the given method among the actions of one kind.
RouterActions withMethod(const RouterActions &actions, Kind kind, const QString &method)
{
    RouterActions out;
    for (const RouterAction &action : ofKind(actions, kind)) {
        if (methodOf(action.data) == method)
            out.append(action);
    }
    return out;
}

QSet<SessionId> recipients(const RouterActions &actions)
{
    QSet<SessionId> sessions;
    for (const RouterAction &action : ofKind(actions, Kind::ToSession))
        sessions.insert(action.session);
    return sessions;
}

// =============================================================================================
// 1. In-flight limit and the fair queue

TEST_F(RouterFeatureTest, InFlightLimitQueuesAndServesSessionsRoundRobin)
{
    bringUp();
    for (SessionId session : {1, 2, 3, 4})
        connectSession(session);
    router.setMaxInFlight(1);
    EXPECT_EQ(router.maxInFlight(), 1);

    // Session 4 holds the only slot; A (1) queues three, then B (2) and C (3) one each.
    qint64 current = forward(4, toolCall("1", "blocker"));
    for (const char *id : {"1", "2", "3"}) {
        const RouterActions actions = router.fromSession(1, toolCall(id, QByteArray("a") + id));
        EXPECT_TRUE(actions.isEmpty()) << dump(actions);
    }
    EXPECT_TRUE(router.fromSession(2, toolCall("1", "b1")).isEmpty());
    EXPECT_TRUE(router.fromSession(3, toolCall("1", "c1")).isEmpty());
    EXPECT_EQ(router.inFlightCount(), 1);
    EXPECT_EQ(router.waitingCount(), 5);

    // requests(): in flight first, then the queue in the order it will be served.
    const QList<Router::RequestInfo> listed = router.requests();
    ASSERT_EQ(listed.size(), 6);
    const QList<QPair<SessionId, QByteArray>> expectedListing{{4, "1"}, {1, "1"}, {2, "1"}, {3, "1"}, {1, "2"}, {1, "3"}};
    for (int i = 0; i < 6; ++i) {
        EXPECT_EQ(listed[i].session, expectedListing[i].first) << i;
        EXPECT_EQ(listed[i].originalId, expectedListing[i].second) << i;
        EXPECT_EQ(listed[i].method, "tools/call");
        EXPECT_EQ(listed[i].forwarded, i == 0) << i;
        EXPECT_EQ(listed[i].receivedMs, 1000);
    }

    // Each response frees the slot for exactly one more request, round-robin across sessions.
    QStringList order;
    for (int i = 0; i < 5; ++i) {
        const RouterActions actions = answer(current, "{}");
        const RouterActions toChild = ofKind(actions, Kind::ToChild);
        ASSERT_EQ(toChild.size(), 1) << dump(actions);
        EXPECT_EQ(ofKind(actions, Kind::ToSession).size(), 1) << dump(actions);
        order << toolName(toChild[0].data);
        current = idOf(toChild[0].data);
        EXPECT_EQ(router.inFlightCount(), 1);
    }
    EXPECT_EQ(order, (QStringList{"a1", "b1", "c1", "a2", "a3"}));
    const RouterActions last = answer(current, "{}");
    EXPECT_TRUE(ofKind(last, Kind::ToChild).isEmpty()) << dump(last);
    ASSERT_EQ(toSession(last, 1).size(), 1) << dump(last);
    EXPECT_EQ(parse(toSession(last, 1)[0].data).value("id"), QJsonValue(3));
    EXPECT_EQ(router.inFlightCount(), 0);
    EXPECT_EQ(router.waitingCount(), 0);
}

TEST_F(RouterFeatureTest, InFlightLimitOfTwoSendsTwoAtOnce)
{
    bringUp();
    connectSession(1);
    router.setMaxInFlight(2);
    const qint64 first = forward(1, toolCall("1", "x"));
    forward(1, toolCall("2", "y"));
    EXPECT_TRUE(router.fromSession(1, toolCall("3", "z")).isEmpty());
    EXPECT_EQ(router.inFlightCount(), 2);
    EXPECT_EQ(router.waitingCount(), 1);
    const RouterActions actions = answer(first, "{}");
    ASSERT_EQ(ofKind(actions, Kind::ToChild).size(), 1) << dump(actions);
    EXPECT_EQ(toolName(ofKind(actions, Kind::ToChild)[0].data), "z");
}

TEST_F(RouterFeatureTest, CancelOfAQueuedRequestRemovesItWithoutFreeingTheSlot)
{
    bringUp();
    for (SessionId session : {1, 2, 4})
        connectSession(session);
    router.setMaxInFlight(1);
    const qint64 blocker = forward(4, toolCall("1", "blocker"));
    EXPECT_TRUE(router.fromSession(1, toolCall("\"a\"", "a1")).isEmpty());
    EXPECT_TRUE(router.fromSession(2, toolCall("\"b\"", "b1")).isEmpty());

    // B cancels its queued request: nothing reaches the child and the slot stays taken.
    const RouterActions cancelled =
        router.fromSession(2, notification("notifications/cancelled", "{\"requestId\":\"b\",\"reason\":\"no\"}"));
    EXPECT_TRUE(ofKind(cancelled, Kind::ToChild).isEmpty()) << dump(cancelled);
    EXPECT_EQ(router.inFlightCount(), 1);
    EXPECT_EQ(router.waitingCount(), 1);
    const QList<Router::RequestInfo> listed = router.requests();
    ASSERT_EQ(listed.size(), 2);
    EXPECT_EQ(listed[0].session, 4u);
    EXPECT_EQ(listed[1].session, 1u);

    const RouterActions next = answer(blocker, "{}");
    ASSERT_EQ(ofKind(next, Kind::ToChild).size(), 1) << dump(next);
    const QByteArray a1 = ofKind(next, Kind::ToChild)[0].data;
    EXPECT_EQ(toolName(a1), "a1");
    const RouterActions after = answer(idOf(a1), "{}");
    EXPECT_TRUE(ofKind(after, Kind::ToChild).isEmpty()) << "b1 was cancelled:\n" << dump(after);
    EXPECT_TRUE(toSession(after, 2).isEmpty());
    EXPECT_EQ(router.waitingCount(), 0);
}

TEST_F(RouterFeatureTest, DisconnectDropsQueuedRequestsAndFreesTheSlotItHeld)
{
    bringUp();
    for (SessionId session : {1, 3, 4})
        connectSession(session);
    router.setMaxInFlight(1);
    const qint64 blocker = forward(4, toolCall("1", "blocker"));
    EXPECT_TRUE(router.fromSession(3, toolCall("1", "c1")).isEmpty());
    EXPECT_TRUE(router.fromSession(3, toolCall("2", "c2")).isEmpty());
    EXPECT_TRUE(router.fromSession(1, toolCall("1", "a1")).isEmpty());

    // C leaves: its queued requests vanish without a trace upstream.
    const RouterActions goneC = router.removeSession(3);
    EXPECT_TRUE(ofKind(goneC, Kind::ToChild).isEmpty()) << dump(goneC);
    EXPECT_EQ(router.waitingCount(), 1);
    EXPECT_EQ(router.inFlightCount(), 1);

    // The slot holder leaves: its request is cancelled upstream and the next one goes.
    const RouterActions goneBlocker = router.removeSession(4);
    const RouterActions toChild = ofKind(goneBlocker, Kind::ToChild);
    ASSERT_EQ(toChild.size(), 2) << dump(goneBlocker);
    const QJsonObject cancel = parse(toChild[0].data);
    EXPECT_EQ(cancel.value("method").toString(), "notifications/cancelled");
    EXPECT_EQ(cancel.value("params").toObject().value("requestId").toInteger(), blocker);
    EXPECT_EQ(toolName(toChild[1].data), "a1");
    EXPECT_EQ(router.requests().size(), 1);
    EXPECT_EQ(router.waitingCount(), 0);

    const RouterActions done = answer(idOf(toChild[1].data), "{}");
    EXPECT_TRUE(ofKind(done, Kind::ToChild).isEmpty()) << dump(done);
}

TEST_F(RouterFeatureTest, LimitZeroForwardsEverythingAtOnce)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    router.setMaxInFlight(-3);   // clamped to 0: unlimited
    EXPECT_EQ(router.maxInFlight(), 0);
    learnPlain(1, "tools/call", "{\"name\":\"x\"}");
    learnPlain(2, "tools/call", "{\"name\":\"y\"}");
    for (const char *id : {"1", "2", "3"})
        forward(1, toolCall(id, "x"));
    forward(2, toolCall("1", "y"));
    forward(2, toolCall("2", "y"));
    EXPECT_EQ(router.inFlightCount(), 5);
    EXPECT_EQ(router.waitingCount(), 0);
}

// =============================================================================================
// 2. List cache

const QByteArray ToolsResult = "{\"tools\":[{\"name\":\"echo\",\"inputSchema\":{\"type\":\"object\"}}]}";
const QByteArray PromptsResult = "{\"prompts\":[{\"name\":\"greet\"}]}";

TEST_F(RouterFeatureTest, ToolsListIsCachedAndTheNextSessionIsAnsweredFromTheCache)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    const qint64 id = forward(1, request("1", "tools/list"));
    const RouterActions filled = answer(id, ToolsResult);
    ASSERT_EQ(toSession(filled, 1).size(), 1) << dump(filled);
    EXPECT_EQ(toSession(filled, 1)[0].data, result("1", ToolsResult));
    EXPECT_EQ(router.listCache().size(), 1);

    const qint64 servedBefore = router.sessionInfo(2).requestsServed;
    const RouterActions cached = router.fromSession(2, request("\"mine\"", "tools/list", "{}"));
    ASSERT_EQ(cached.size(), 1) << dump(cached);
    EXPECT_EQ(cached[0].kind, Kind::ToSession);
    EXPECT_EQ(cached[0].session, 2u);
    EXPECT_EQ(cached[0].data, result("\"mine\"", ToolsResult));
    EXPECT_EQ(router.sessionInfo(2).requestsServed, servedBefore + 1);
    EXPECT_EQ(router.inFlightCount(), 0);

    // The first session asking again is served from the cache as well.
    const RouterActions again = router.fromSession(1, request("2", "tools/list"));
    ASSERT_EQ(again.size(), 1) << dump(again);
    EXPECT_EQ(again[0].data, result("2", ToolsResult));
}

TEST_F(RouterFeatureTest, ListCacheIsPerCursor)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    answer(forward(1, request("1", "tools/list")), ToolsResult);
    const QByteArray page2 = "{\"tools\":[{\"name\":\"second\"}]}";
    const qint64 id = forward(2, request("1", "tools/list", "{\"cursor\":\"p2\"}"));
    answer(id, page2);
    EXPECT_EQ(router.listCache().size(), 2);
    const RouterActions cached = router.fromSession(1, request("9", "tools/list", "{\"cursor\":\"p2\"}"));
    ASSERT_EQ(cached.size(), 1) << dump(cached);
    EXPECT_EQ(cached[0].data, result("9", page2));
    forward(1, request("10", "tools/list", "{\"cursor\":\"p3\"}"));
}

TEST_F(RouterFeatureTest, ListChangedInvalidatesTheCacheAndIsStillBroadcast)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    answer(forward(1, request("1", "tools/list")), ToolsResult);
    answer(forward(1, request("2", "prompts/list")), PromptsResult);
    EXPECT_EQ(router.listCache().size(), 2);

    const QByteArray changed = notification("notifications/tools/list_changed");
    const RouterActions actions = router.fromChild(changed);
    EXPECT_EQ(actions.size(), 2) << dump(actions);
    EXPECT_EQ(recipients(actions), (QSet<SessionId>{1, 2}));
    for (const RouterAction &action : actions)
        EXPECT_EQ(action.data, changed);

    forward(2, request("1", "tools/list"));   // asked of the child again
    const RouterActions prompts = router.fromSession(2, request("2", "prompts/list"));
    ASSERT_EQ(prompts.size(), 1) << dump(prompts);   // other lists stay cached
    EXPECT_EQ(prompts[0].kind, Kind::ToSession);
}

TEST_F(RouterFeatureTest, ListResultStartedBeforeAListChangedIsNotCached)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    const qint64 id = forward(1, request("1", "tools/list"));
    router.fromChild(notification("notifications/tools/list_changed"));
    const RouterActions stale = answer(id, ToolsResult);
    ASSERT_EQ(toSession(stale, 1).size(), 1) << dump(stale);   // still delivered
    EXPECT_EQ(router.listCache().size(), 0);
    forward(2, request("1", "tools/list"));
}

TEST_F(RouterFeatureTest, ResourcesListChangedInvalidatesResourcesAndTemplates)
{
    bringUp();
    connectSession(1);
    answer(forward(1, request("1", "resources/list")), "{\"resources\":[]}");
    answer(forward(1, request("2", "resources/templates/list")), "{\"resourceTemplates\":[]}");
    answer(forward(1, request("3", "tools/list")), ToolsResult);
    EXPECT_EQ(router.listCache().size(), 3);
    const RouterActions changed = router.fromChild(notification("notifications/resources/list_changed"));
    EXPECT_EQ(toSession(changed, 1).size(), 1) << dump(changed);
    EXPECT_EQ(router.listCache().size(), 1);
    forward(1, request("4", "resources/list"));
    forward(1, request("5", "resources/templates/list"));
    EXPECT_EQ(ofKind(router.fromSession(1, request("6", "tools/list")), Kind::ToSession).size(), 1);
}

TEST_F(RouterFeatureTest, ErrorResponsesToListsAreNotCached)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    const qint64 id = forward(1, request("1", "tools/list"));
    const RouterActions failed = refuse(id, -32603, "boom");
    ASSERT_EQ(toSession(failed, 1).size(), 1) << dump(failed);
    EXPECT_EQ(parse(toSession(failed, 1)[0].data).value("error").toObject().value("code").toInteger(), -32603);
    EXPECT_EQ(router.listCache().size(), 0);
    forward(2, request("1", "tools/list"));
}

TEST_F(RouterFeatureTest, ChildRestartClearsTheListCache)
{
    bringUp();
    connectSession(1);
    answer(forward(1, request("1", "tools/list")), ToolsResult);
    EXPECT_EQ(router.listCache().size(), 1);
    restart();
    EXPECT_EQ(router.listCache().size(), 0);
    forward(1, request("2", "tools/list"));
}

// =============================================================================================
// 3. Resource subscriptions

QByteArray subscribeLine(QByteArrayView rawId, QByteArrayView uri, QByteArrayView method = "resources/subscribe")
{
    return request(rawId, method, "{\"uri\":\"" + uri.toByteArray() + "\"}");
}

QByteArray updatedLine(QByteArrayView uri)
{
    return notification("notifications/resources/updated", "{\"uri\":\"" + uri.toByteArray() + "\"}");
}

TEST_F(RouterFeatureTest, OnlyTheFirstSubscribeReachesTheChild)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    const qint64 id = forward(1, subscribeLine("1", "file:///dir"));
    const RouterActions first = answer(id, "{}");
    ASSERT_EQ(toSession(first, 1).size(), 1) << dump(first);
    EXPECT_EQ(toSession(first, 1)[0].data, result("1", "{}"));

    const RouterActions second = router.fromSession(2, subscribeLine("\"s\"", "file:///dir"));
    ASSERT_EQ(second.size(), 1) << dump(second);
    EXPECT_EQ(second[0].kind, Kind::ToSession);
    EXPECT_EQ(second[0].session, 2u);
    EXPECT_EQ(second[0].data, result("\"s\"", "{}"));

    // The same session subscribing twice is answered locally too.
    const RouterActions twice = router.fromSession(1, subscribeLine("2", "file:///dir"));
    ASSERT_EQ(twice.size(), 1) << dump(twice);
    EXPECT_EQ(twice[0].kind, Kind::ToSession);
    EXPECT_EQ(router.subscribedUris(), (QList<QByteArray>{"file:///dir"}));
}

TEST_F(RouterFeatureTest, UpdatesGoOnlyToSubscribersIncludingOfContainingResources)
{
    bringUp();
    for (SessionId session : {1, 2, 3, 4})
        connectSession(session);
    answer(forward(1, subscribeLine("1", "file:///dir")), "{}");
    answer(forward(2, subscribeLine("1", "file:///di")), "{}");
    answer(forward(4, subscribeLine("1", "file:///dir/a.txt")), "{}");

    const QByteArray sub = updatedLine("file:///dir/a.txt");
    const RouterActions actions = router.fromChild(sub);
    EXPECT_EQ(recipients(actions), (QSet<SessionId>{1, 4})) << dump(actions);
    for (const RouterAction &action : ofKind(actions, Kind::ToSession))
        EXPECT_EQ(action.data, sub);

    EXPECT_EQ(recipients(router.fromChild(updatedLine("file:///di"))), (QSet<SessionId>{2}));
    EXPECT_EQ(recipients(router.fromChild(updatedLine("file:///dir"))), (QSet<SessionId>{1}));

    const RouterActions nobody = router.fromChild(updatedLine("file:///elsewhere"));
    EXPECT_TRUE(ofKind(nobody, Kind::ToSession).isEmpty()) << dump(nobody);
    EXPECT_EQ(ofKind(nobody, Kind::Log).size(), 1) << dump(nobody);
}

TEST_F(RouterFeatureTest, OnlyTheLastUnsubscribeReachesTheChild)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    answer(forward(1, subscribeLine("1", "file:///x")), "{}");
    router.fromSession(2, subscribeLine("1", "file:///x"));

    const RouterActions local = router.fromSession(1, subscribeLine("2", "file:///x", "resources/unsubscribe"));
    ASSERT_EQ(local.size(), 1) << dump(local);
    EXPECT_EQ(local[0].kind, Kind::ToSession);
    EXPECT_EQ(local[0].data, result("2", "{}"));
    EXPECT_EQ(recipients(router.fromChild(updatedLine("file:///x"))), (QSet<SessionId>{2}));

    const RouterActions lastActions = router.fromSession(2, subscribeLine("\"u\"", "file:///x", "resources/unsubscribe"));
    const RouterActions toChild = ofKind(lastActions, Kind::ToChild);
    ASSERT_EQ(toChild.size(), 1) << dump(lastActions);
    const QJsonObject forwarded = parse(toChild[0].data);
    EXPECT_EQ(forwarded.value("method").toString(), "resources/unsubscribe");
    EXPECT_EQ(forwarded.value("params").toObject().value("uri").toString(), "file:///x");
    const RouterActions answered = answer(idOf(toChild[0].data), "{}");
    ASSERT_EQ(toSession(answered, 2).size(), 1) << dump(answered);
    EXPECT_EQ(toSession(answered, 2)[0].data, result("\"u\"", "{}"));
    EXPECT_TRUE(router.subscribedUris().isEmpty());
    EXPECT_TRUE(ofKind(router.fromChild(updatedLine("file:///x")), Kind::ToSession).isEmpty());
}

TEST_F(RouterFeatureTest, RemovingTheLastSubscriberMakesTheBrokerUnsubscribeItself)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    answer(forward(1, subscribeLine("1", "file:///shared")), "{}");
    router.fromSession(2, subscribeLine("1", "file:///shared"));
    answer(forward(2, subscribeLine("2", "file:///only2")), "{}");

    // Session 1 leaves: file:///shared still has a subscriber.
    const RouterActions gone1 = router.removeSession(1);
    EXPECT_TRUE(ofKind(gone1, Kind::ToChild).isEmpty()) << dump(gone1);

    const RouterActions gone2 = router.removeSession(2);
    const RouterActions toChild = ofKind(gone2, Kind::ToChild);
    ASSERT_EQ(toChild.size(), 2) << dump(gone2);
    QSet<QString> uris;
    for (const RouterAction &action : toChild) {
        const QJsonObject unsubscribe = parse(action.data);
        EXPECT_EQ(unsubscribe.value("method").toString(), "resources/unsubscribe");
        EXPECT_TRUE(unsubscribe.value("id").isDouble());
        uris.insert(unsubscribe.value("params").toObject().value("uri").toString());
        // The child's answer to the broker's own request goes nowhere.
        const RouterActions swallowed = answer(idOf(action.data), "{}");
        EXPECT_TRUE(ofKind(swallowed, Kind::ToSession).isEmpty()) << dump(swallowed);
        EXPECT_TRUE(ofKind(swallowed, Kind::ToChild).isEmpty()) << dump(swallowed);
    }
    EXPECT_EQ(uris, (QSet<QString>{"file:///shared", "file:///only2"}));
    EXPECT_TRUE(router.subscribedUris().isEmpty());
}

TEST_F(RouterFeatureTest, FailedSubscribeRemovesTheSubscription)
{
    bringUp();
    connectSession(1);
    const qint64 id = forward(1, subscribeLine("1", "file:///missing"));
    const RouterActions failed = refuse(id, -32002, "Resource not found");
    ASSERT_EQ(toSession(failed, 1).size(), 1) << dump(failed);
    EXPECT_EQ(parse(toSession(failed, 1)[0].data).value("error").toObject().value("code").toInteger(), -32002);
    EXPECT_TRUE(router.subscribedUris().isEmpty());
    EXPECT_TRUE(ofKind(router.fromChild(updatedLine("file:///missing")), Kind::ToSession).isEmpty());
    // Subscribing again is a first subscription again.
    forward(1, subscribeLine("2", "file:///missing"));
}

TEST_F(RouterFeatureTest, RestartReplaysEverySubscriptionAndSwallowsTheAnswers)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    answer(forward(1, subscribeLine("1", "file:///a")), "{}");
    router.fromSession(2, subscribeLine("1", "file:///a"));
    answer(forward(2, subscribeLine("2", "file:///b")), "{}");

    const RouterActions actions = restart();
    const RouterActions replays = withMethod(actions, Kind::ToChild, "resources/subscribe");
    ASSERT_EQ(replays.size(), 2) << dump(actions);
    QSet<QString> uris;
    for (const RouterAction &action : replays) {
        uris.insert(parse(action.data).value("params").toObject().value("uri").toString());
        const RouterActions swallowed = answer(idOf(action.data), "{}");
        EXPECT_TRUE(swallowed.isEmpty()) << dump(swallowed);
    }
    EXPECT_EQ(uris, (QSet<QString>{"file:///a", "file:///b"}));
    // Subscribers still get their updates from the new child.
    EXPECT_EQ(recipients(router.fromChild(updatedLine("file:///a"))), (QSet<SessionId>{1, 2}));
}

TEST_F(RouterFeatureTest, RefusedReplayedSubscribeIsOnlyLogged)
{
    bringUp();
    connectSession(1);
    answer(forward(1, subscribeLine("1", "file:///a")), "{}");
    const RouterActions replays = withMethod(restart(), Kind::ToChild, "resources/subscribe");
    ASSERT_EQ(replays.size(), 1);
    const RouterActions refused = refuse(idOf(replays[0].data), -32002, "gone");
    EXPECT_TRUE(ofKind(refused, Kind::ToSession).isEmpty()) << dump(refused);
    EXPECT_EQ(ofKind(refused, Kind::Log).size(), 1) << dump(refused);
}

// =============================================================================================
// 4. Logging levels

QByteArray setLevel(QByteArrayView rawId, QByteArrayView level)
{
    return request(rawId, "logging/setLevel", "{\"level\":\"" + level.toByteArray() + "\"}");
}

QByteArray logMessage(QByteArrayView level)
{
    return notification("notifications/message",
                        "{\"level\":\"" + level.toByteArray() + "\",\"logger\":\"db\",\"data\":\"hello\"}");
}

QString levelSentBy(const QByteArray &line)
{
    return parse(line).value("params").toObject().value("level").toString();
}

TEST_F(RouterFeatureTest, ChildRunsAtTheMostVerboseLevelAndIsToldOnlyWhenItChanges)
{
    bringUp();
    for (SessionId session : {1, 2, 3})
        connectSession(session);

    // A: error. The first level reaches the child as is.
    const RouterActions a = router.fromSession(1, setLevel("\"la\"", "error"));
    ASSERT_EQ(ofKind(a, Kind::ToChild).size(), 1) << dump(a);
    const QByteArray aLine = ofKind(a, Kind::ToChild)[0].data;
    EXPECT_EQ(methodOf(aLine), "logging/setLevel");
    EXPECT_EQ(levelSentBy(aLine), "error");
    const RouterActions aDone = answer(idOf(aLine), "{}");
    ASSERT_EQ(toSession(aDone, 1).size(), 1) << dump(aDone);
    EXPECT_EQ(toSession(aDone, 1)[0].data, result("\"la\"", "{}"));

    // B: debug, more verbose: the child must hear it.
    const RouterActions b = router.fromSession(2, setLevel("1", "debug"));
    ASSERT_EQ(ofKind(b, Kind::ToChild).size(), 1) << dump(b);
    EXPECT_EQ(levelSentBy(ofKind(b, Kind::ToChild)[0].data), "debug");
    answer(idOf(ofKind(b, Kind::ToChild)[0].data), "{}");

    // C: warning changes nothing for the child: answered locally.
    const RouterActions c = router.fromSession(3, setLevel("\"lc\"", "warning"));
    ASSERT_EQ(c.size(), 1) << dump(c);
    EXPECT_EQ(c[0].kind, Kind::ToSession);
    EXPECT_EQ(c[0].session, 3u);
    EXPECT_EQ(c[0].data, result("\"lc\"", "{}"));

    // A repeating its level changes nothing either.
    EXPECT_TRUE(ofKind(router.fromSession(1, setLevel("2", "error")), Kind::ToChild).isEmpty());

    // B backs off to error: the child now needs warning (C), and B's request carries that.
    const RouterActions bBack = router.fromSession(2, setLevel("2", "error"));
    ASSERT_EQ(ofKind(bBack, Kind::ToChild).size(), 1) << dump(bBack);
    const QByteArray rewritten = ofKind(bBack, Kind::ToChild)[0].data;
    EXPECT_EQ(levelSentBy(rewritten), "warning");
    const RouterActions bDone = answer(idOf(rewritten), "{}");
    ASSERT_EQ(toSession(bDone, 2).size(), 1) << dump(bDone);
    EXPECT_EQ(parse(toSession(bDone, 2)[0].data).value("id"), QJsonValue(2));
}

TEST_F(RouterFeatureTest, LogMessagesAreFilteredPerSession)
{
    bringUp();
    for (SessionId session : {1, 2, 3})
        connectSession(session);
    router.fromSession(1, setLevel("1", "error"));
    router.fromSession(2, setLevel("1", "debug"));
    // Session 3 never sets a level: it gets everything, as from a server of its own.

    const QByteArray debug = logMessage("debug");
    const RouterActions debugActions = router.fromChild(debug);
    EXPECT_EQ(recipients(debugActions), (QSet<SessionId>{2, 3})) << dump(debugActions);
    for (const RouterAction &action : debugActions)
        EXPECT_EQ(action.data, debug);

    EXPECT_EQ(recipients(router.fromChild(logMessage("warning"))), (QSet<SessionId>{2, 3}));
    EXPECT_EQ(recipients(router.fromChild(logMessage("error"))), (QSet<SessionId>{1, 2, 3}));
    EXPECT_EQ(recipients(router.fromChild(logMessage("emergency"))), (QSet<SessionId>{1, 2, 3}));
}

TEST_F(RouterFeatureTest, DisconnectOfTheMostVerboseSessionLowersTheChildLevel)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    answer(idOf(ofKind(router.fromSession(1, setLevel("1", "error")), Kind::ToChild)[0].data), "{}");
    answer(idOf(ofKind(router.fromSession(2, setLevel("1", "debug")), Kind::ToChild)[0].data), "{}");

    const RouterActions gone = router.removeSession(2);
    const RouterActions own = withMethod(gone, Kind::ToChild, "logging/setLevel");
    ASSERT_EQ(own.size(), 1) << dump(gone);
    EXPECT_EQ(levelSentBy(own[0].data), "error");
    const RouterActions swallowed = answer(idOf(own[0].data), "{}");
    EXPECT_TRUE(ofKind(swallowed, Kind::ToSession).isEmpty()) << dump(swallowed);

    // Now debug messages reach nobody who asked for less.
    EXPECT_TRUE(ofKind(router.fromChild(logMessage("debug")), Kind::ToSession).isEmpty());

    // The last session with a level leaving: nothing to tell the child.
    const RouterActions last = router.removeSession(1);
    EXPECT_TRUE(withMethod(last, Kind::ToChild, "logging/setLevel").isEmpty()) << dump(last);
}

TEST_F(RouterFeatureTest, RestartResendsTheEffectiveLevel)
{
    bringUp();
    connectSession(1);
    connectSession(2);
    connectSession(3);
    router.fromSession(1, setLevel("1", "error"));
    router.fromSession(2, setLevel("1", "info"));

    const RouterActions actions = restart();
    const RouterActions own = withMethod(actions, Kind::ToChild, "logging/setLevel");
    ASSERT_EQ(own.size(), 1) << dump(actions);
    EXPECT_EQ(levelSentBy(own[0].data), "info");
    EXPECT_TRUE(ofKind(answer(idOf(own[0].data), "{}"), Kind::ToSession).isEmpty());

    // The new child already runs at info: another session asking for info is answered locally.
    const RouterActions same = router.fromSession(3, setLevel("1", "info"));
    ASSERT_EQ(same.size(), 1) << dump(same);
    EXPECT_EQ(same[0].kind, Kind::ToSession);
}

TEST_F(RouterFeatureTest, RestartWithoutAnyLevelSendsNone)
{
    bringUp();
    connectSession(1);
    EXPECT_TRUE(withMethod(restart(), Kind::ToChild, "logging/setLevel").isEmpty());
}

// =============================================================================================
// 5. Roots

const QByteArray RootP1 = "{\"uri\":\"file:///p1\",\"name\":\"p1\"}";
const QByteArray RootP2 = "{\"uri\":\"file:///p2\",\"name\":\"p2\"}";
const QByteArray RootP2Renamed = "{\"uri\":\"file:///p2\",\"name\":\"other name\"}";
const QByteArray RootP3 = "{\"uri\":\"file:///p3\"}";

QStringList uris(const QJsonArray &roots)
{
    QStringList list;
    for (const QJsonValue &root : roots)
        list << root.toObject().value("uri").toString();
    return list;
}

TEST_F(RouterFeatureTest, SessionRootsAreKeptAndReportedToTheBrokerNotToTheChild)
{
    bringUp();
    const RouterActions actions = connectWithRoots(1, "[" + RootP1 + "]");
    EXPECT_TRUE(actions.isEmpty()) << "the instance's roots are the broker's to change:\n" << dump(actions);
    EXPECT_EQ(router.sessionInfo(1).roots, (QList<QByteArray>{RootP1}));
    EXPECT_TRUE(router.rootsReported(1));
}

TEST_F(RouterFeatureTest, ChildRootsListIsNeverAnsweredWithOtherSessionsRoots)
{
    // A router the broker has not given roots answers with none: never a union of its
    // sessions' roots, which would show the server other clients' directories.
    bringUp();
    connectSession(3);   // no roots capability: never asked
    connectWithRoots(1, "[" + RootP1 + "," + RootP2 + "]");
    connectWithRoots(2, "[" + RootP2Renamed + "," + RootP3 + "]");
    EXPECT_TRUE(childAsksForRoots().isEmpty());

    router.setInstanceRoots({RootP2});
    const QJsonArray roots = childAsksForRoots();
    EXPECT_EQ(uris(roots), QStringList{"file:///p2"});
    ASSERT_EQ(roots.size(), 1);
    EXPECT_EQ(roots[0].toObject().value("name").toString(), "p2");   // the objects as given, names too
}

TEST_F(RouterFeatureTest, SessionRootsListChangedMakesTheBrokerAskThatSessionAgain)
{
    router.setInstanceRoots({RootP1});
    bringUp();
    connectSession(2);
    connectWithRoots(1, "[" + RootP1 + "]");
    const RouterActions changed = router.fromSession(1, notification("notifications/roots/list_changed"));
    ASSERT_EQ(changed.size(), 1) << "not forwarded to the child, only a question to the session:\n" << dump(changed);
    EXPECT_EQ(changed[0].kind, Kind::ToSession);
    EXPECT_EQ(changed[0].session, 1u);
    EXPECT_EQ(methodOf(changed[0].data), "roots/list");

    // Its new roots are reported to the broker (which moves it); the child hears nothing.
    const RouterActions answered = answerRoots(1, idOf(changed[0].data), "[" + RootP1 + "," + RootP3 + "]");
    EXPECT_TRUE(answered.isEmpty()) << dump(answered);
    EXPECT_EQ(router.sessionInfo(1).roots, (QList<QByteArray>{RootP1, RootP3}));
    EXPECT_EQ(uris(childAsksForRoots()), QStringList{"file:///p1"});
}

TEST_F(RouterFeatureTest, DisconnectForgetsTheSessionsRootsAndItsOpenQuestion)
{
    bringUp();
    connectWithRoots(1, "[" + RootP1 + "]");
    const RouterActions changed = router.fromSession(1, notification("notifications/roots/list_changed"));
    ASSERT_EQ(changed.size(), 1) << dump(changed);
    EXPECT_FALSE(router.canMoveSession(1)) << "its roots question is open";
    EXPECT_TRUE(ofKind(router.removeSession(1), Kind::ToChild).isEmpty());
    EXPECT_FALSE(router.rootsReported(1));
    // A late answer from it is nobody's.
    router.addSession(1);
    EXPECT_TRUE(ofKind(answerRootsRaw(1, idOf(changed[0].data)), Kind::RootsReported).isEmpty());
}

// =============================================================================================
// 6. URL elicitation

const QByteArray UrlElicitation =
    "{\"mode\":\"url\",\"elicitationId\":\"e1\",\"url\":\"https://example.com/auth\",\"message\":\"Sign in\"}";

TEST_F(RouterFeatureTest, UrlElicitationCompletionGoesOnlyToTheSessionThatGotTheRequest)
{
    bringUp();
    connectSession(1);                                      // no elicitation
    connectSession(2, "{\"elicitation\":{\"url\":{}}}");
    connectSession(3, "{\"elicitation\":{\"url\":{}}}");
    forward(2, toolCall("7", "sign-in"));                  // session 2's call makes the server ask

    const RouterActions asked = router.fromChild(request("\"e-req\"", "elicitation/create", UrlElicitation));
    const RouterActions delivered = ofKind(asked, Kind::ToSession);
    ASSERT_EQ(delivered.size(), 1) << dump(asked);
    EXPECT_EQ(delivered[0].session, 2u);
    const qint64 facingId = idOf(delivered[0].data);
    EXPECT_EQ(parse(delivered[0].data).value("params").toObject().value("elicitationId").toString(), "e1");

    // The user consents; the answer goes back under the child's id.
    const RouterActions accepted = router.fromSession(2, result(QByteArray::number(facingId), "{\"action\":\"accept\"}"));
    ASSERT_EQ(ofKind(accepted, Kind::ToChild).size(), 1) << dump(accepted);
    EXPECT_EQ(parse(ofKind(accepted, Kind::ToChild)[0].data).value("id"), QJsonValue("e-req"));

    // Later the flow completes: only session 2 hears about it, byte for byte.
    now += 10;
    router.fromSession(3, request("\"p\"", "ping"));       // activity elsewhere does not matter
    const QByteArray complete = notification("notifications/elicitation/complete", "{\"elicitationId\":\"e1\"}");
    const RouterActions completed = router.fromChild(complete);
    ASSERT_EQ(ofKind(completed, Kind::ToSession).size(), 1) << dump(completed);
    EXPECT_EQ(ofKind(completed, Kind::ToSession)[0].session, 2u);
    EXPECT_EQ(ofKind(completed, Kind::ToSession)[0].data, complete);

    // Completing it twice: nobody is waiting any more.
    const RouterActions twice = router.fromChild(complete);
    EXPECT_TRUE(ofKind(twice, Kind::ToSession).isEmpty()) << dump(twice);
    EXPECT_EQ(ofKind(twice, Kind::Log).size(), 1) << dump(twice);
}

TEST_F(RouterFeatureTest, UnknownElicitationCompletionIsDroppedWithALog)
{
    bringUp();
    connectSession(1, "{\"elicitation\":{\"url\":{}}}");
    const RouterActions actions =
        router.fromChild(notification("notifications/elicitation/complete", "{\"elicitationId\":\"nope\"}"));
    EXPECT_TRUE(ofKind(actions, Kind::ToSession).isEmpty()) << dump(actions);
    EXPECT_EQ(ofKind(actions, Kind::Log).size(), 1) << dump(actions);
}

TEST_F(RouterFeatureTest, UrlElicitationGoesToASessionThatDeclaredUrlMode)
{
    // BUG: routerchild.cpp Router::childRequest -> pickSessionFor (l.~381-401) only checks that a
    // session declared the "elicitation" capability, not the URL mode. MCP 2025-11-25: an empty
    // `elicitation:{}` means form mode only, and servers MUST NOT use modes the client did not
    // declare. Expected: the url-mode request goes to session 2 ({"elicitation":{"url":{}}});
    // actual: it goes to session 1 (form only), because session 1 was more recently active.
    bringUp();
    connectSession(2, "{\"elicitation\":{\"url\":{}}}");
    connectSession(1, "{\"elicitation\":{}}");
    now += 10;
    router.fromSession(1, request("\"p\"", "ping"));
    const RouterActions asked = router.fromChild(request("\"e-req\"", "elicitation/create", UrlElicitation));
    const RouterActions delivered = ofKind(asked, Kind::ToSession);
    ASSERT_EQ(delivered.size(), 1) << dump(asked);
    EXPECT_EQ(delivered[0].session, 2u) << dump(asked);
}

TEST_F(RouterFeatureTest, UrlElicitationRequiredErrorRoutesTheLaterCompletion)
{
    // BUG: routerchild.cpp Router::childResponse / childNotification. A URL elicitation can also be
    // announced in a -32042 (URL_ELICITATION_REQUIRED) error's data.elicitations[].elicitationId
    // (MCP 2025-11-25; /tmp/mcp-facts.md section 5: "Fill the map from outgoing elicitation/create
    // (mode url) requests and from -32042 error data"). The router only fills m_elicitations from
    // elicitation/create, so the later notifications/elicitation/complete for "e42" is dropped
    // with a Log. Expected: it reaches session 1, whose request got the -32042 error.
    bringUp();
    connectSession(1, "{\"elicitation\":{\"url\":{}}}");
    connectSession(2, "{\"elicitation\":{\"url\":{}}}");
    const qint64 id = forward(1, toolCall("1", "needs-auth"));
    const QByteArray error =
        "{\"jsonrpc\":\"2.0\",\"id\":" + QByteArray::number(id) +
        ",\"error\":{\"code\":-32042,\"message\":\"authorization required\",\"data\":{\"elicitations\":[{\"mode\":"
        "\"url\",\"elicitationId\":\"e42\",\"url\":\"https://example.com\",\"message\":\"Sign in\"}]}}}";
    const RouterActions failed = router.fromChild(error);
    ASSERT_EQ(toSession(failed, 1).size(), 1) << dump(failed);
    EXPECT_EQ(parse(toSession(failed, 1)[0].data).value("error").toObject().value("code").toInteger(), -32042);

    const RouterActions completed =
        router.fromChild(notification("notifications/elicitation/complete", "{\"elicitationId\":\"e42\"}"));
    EXPECT_EQ(recipients(completed), (QSet<SessionId>{1})) << dump(completed);
}

// =============================================================================================
// 7. Tasks (2025-11-25)

const QByteArray CreatedTask =
    "{\"task\":{\"taskId\":\"t1\",\"status\":\"working\",\"createdAt\":\"2025-11-25T10:30:00Z\","
    "\"lastUpdatedAt\":\"2025-11-25T10:30:00Z\",\"ttl\":1000,\"pollInterval\":500}}";

QByteArray taskStatus(QByteArrayView status)
{
    return notification("notifications/tasks/status", "{\"taskId\":\"t1\",\"status\":\"" + status.toByteArray() +
                                                           "\",\"createdAt\":\"2025-11-25T10:30:00Z\","
                                                           "\"lastUpdatedAt\":\"2025-11-25T10:31:00Z\",\"ttl\":1000}");
}

QByteArray progressFor(qint64 brokerToken, int progress)
{
    return notification("notifications/progress", "{\"progressToken\":" + QByteArray::number(brokerToken) +
                                                      ",\"progress\":" + QByteArray::number(progress) + ",\"total\":4}");
}

const QByteArray RelatedT1 = "\"_meta\":{\"io.modelcontextprotocol/related-task\":{\"taskId\":\"t1\"}}";

class RouterTaskTest : public RouterFeatureTest
{
protected:
    qint64 brokerToken = 0;

    // Session 1 starts a task-augmented tools/call with progress; the child creates task t1.
    void createTask()
    {
        bringUp();
        connectSession(1, "{\"elicitation\":{}}");
        connectSession(2, "{\"elicitation\":{}}");
        const RouterActions sent = router.fromSession(
            1, request("5", "tools/call",
                       "{\"name\":\"slow\",\"arguments\":{},\"task\":{\"ttl\":1000},\"_meta\":{\"progressToken\":\"tok\"}}"));
        ASSERT_EQ(sent.size(), 1) << dump(sent);
        ASSERT_EQ(sent[0].kind, Kind::ToChild);
        const QJsonObject forwarded = parse(sent[0].data);
        EXPECT_EQ(forwarded.value("params").toObject().value("task").toObject().value("ttl").toInteger(), 1000);
        const QJsonValue token = forwarded.value("params").toObject().value("_meta").toObject().value("progressToken");
        ASSERT_TRUE(token.isDouble()) << sent[0].data.toStdString();
        brokerToken = token.toInteger();
        EXPECT_EQ(router.requests().value(0).purpose, Router::Purpose::CreatesTask);

        const RouterActions created = answer(idOf(sent[0].data), CreatedTask);
        ASSERT_EQ(created.size(), 1) << dump(created);
        EXPECT_EQ(created[0].session, 1u);
        EXPECT_EQ(created[0].data, result("5", CreatedTask));
    }
};

TEST_F(RouterTaskTest, StatusAndProgressOfATaskGoOnlyToItsOwnerUntilItEnds)
{
    createTask();
    const QByteArray working = taskStatus("working");
    const RouterActions status = router.fromChild(working);
    ASSERT_EQ(status.size(), 1) << dump(status);
    EXPECT_EQ(status[0].session, 1u);
    EXPECT_EQ(status[0].data, working);

    // Progress keeps flowing after the CreateTaskResult, with the session's own token.
    const RouterActions progress = router.fromChild(progressFor(brokerToken, 1));
    ASSERT_EQ(progress.size(), 1) << dump(progress);
    EXPECT_EQ(progress[0].session, 1u);
    EXPECT_EQ(parse(progress[0].data).value("params").toObject().value("progressToken"), QJsonValue("tok"));

    const RouterActions done = router.fromChild(taskStatus("completed"));
    EXPECT_EQ(recipients(done), (QSet<SessionId>{1})) << dump(done);

    // The task is over: late progress goes nowhere.
    const RouterActions late = router.fromChild(progressFor(brokerToken, 4));
    EXPECT_TRUE(ofKind(late, Kind::ToSession).isEmpty()) << dump(late);
    EXPECT_EQ(ofKind(late, Kind::Log).size(), 1) << dump(late);
}

TEST_F(RouterTaskTest, FailedAndCancelledAreTerminalToo)
{
    createTask();
    EXPECT_EQ(recipients(router.fromChild(taskStatus("input_required"))), (QSet<SessionId>{1}));
    EXPECT_EQ(recipients(router.fromChild(progressFor(brokerToken, 2))), (QSet<SessionId>{1}));
    EXPECT_EQ(recipients(router.fromChild(taskStatus("failed"))), (QSet<SessionId>{1}));
    EXPECT_TRUE(ofKind(router.fromChild(progressFor(brokerToken, 3)), Kind::ToSession).isEmpty());
}

TEST_F(RouterTaskTest, OnlyTheOwnerMayTouchItsTask)
{
    createTask();
    for (const char *method : {"tasks/get", "tasks/result", "tasks/cancel"}) {
        const RouterActions refused = router.fromSession(2, request("\"g\"", method, "{\"taskId\":\"t1\"}"));
        ASSERT_EQ(refused.size(), 1) << method << '\n' << dump(refused);
        EXPECT_EQ(refused[0].kind, Kind::ToSession);
        EXPECT_EQ(refused[0].session, 2u);
        const QJsonObject error = parse(refused[0].data);
        EXPECT_EQ(error.value("id"), QJsonValue("g"));
        EXPECT_EQ(error.value("error").toObject().value("code").toInteger(), -32602);
    }
    // An id nobody owns is refused too.
    EXPECT_EQ(ofKind(router.fromSession(1, request("6", "tasks/get", "{\"taskId\":\"t-unknown\"}")), Kind::ToSession).size(), 1);

    const qint64 id = forward(1, request("7", "tasks/get", "{\"taskId\":\"t1\"}"));
    const QByteArray task = "{\"taskId\":\"t1\",\"status\":\"working\",\"createdAt\":\"2025-11-25T10:30:00Z\","
                            "\"lastUpdatedAt\":\"2025-11-25T10:30:00Z\",\"ttl\":1000}";
    const RouterActions got = answer(id, task);
    ASSERT_EQ(toSession(got, 1).size(), 1) << dump(got);
    EXPECT_EQ(toSession(got, 1)[0].data, result("7", task));
}

TEST_F(RouterTaskTest, TasksListShowsEachSessionOnlyItsOwnTasks)
{
    createTask();
    const QByteArray listed =
        "{\"tasks\":[{\"taskId\":\"t1\",\"status\":\"working\",\"ttl\":1000},"
        "{\"taskId\":\"t9\",\"status\":\"working\",\"ttl\":null}],\"nextCursor\":\"n2\"}";

    const RouterActions mine = answer(forward(1, request("8", "tasks/list")), listed);
    ASSERT_EQ(toSession(mine, 1).size(), 1) << dump(mine);
    const QJsonObject ownerView = parse(toSession(mine, 1)[0].data);
    EXPECT_EQ(ownerView.value("id"), QJsonValue(8));
    const QJsonObject ownerResult = ownerView.value("result").toObject();
    ASSERT_EQ(ownerResult.value("tasks").toArray().size(), 1) << toSession(mine, 1)[0].data.toStdString();
    EXPECT_EQ(ownerResult.value("tasks").toArray()[0].toObject().value("taskId").toString(), "t1");
    EXPECT_EQ(ownerResult.value("nextCursor").toString(), "n2");

    const RouterActions theirs = answer(forward(2, request("8", "tasks/list")), listed);
    ASSERT_EQ(toSession(theirs, 2).size(), 1) << dump(theirs);
    EXPECT_TRUE(parse(toSession(theirs, 2)[0].data).value("result").toObject().value("tasks").toArray().isEmpty());
}

TEST_F(RouterTaskTest, RelatedTaskNotificationGoesOnlyToTheOwner)
{
    createTask();
    const QByteArray related =
        notification("notifications/message", "{\"level\":\"info\",\"data\":\"step 2\"," + RelatedT1 + '}');
    const RouterActions actions = router.fromChild(related);
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].session, 1u);
    EXPECT_EQ(actions[0].data, related);

    // Without the related-task key the same message goes to everyone.
    EXPECT_EQ(recipients(router.fromChild(logMessage("info"))), (QSet<SessionId>{1, 2}));
}

TEST_F(RouterTaskTest, RelatedTaskLogMessageStillHonoursTheOwnersLevel)
{
    // BUG: routerchild.cpp Router::childNotification calls deliverTaskNotification before
    // deliverLogMessage, and routerfeatures.cpp Router::deliverTaskNotification (l.~214-240) hands
    // any notification with related-task _meta to the owner unfiltered. A notifications/message at
    // level "debug" for t1 therefore reaches session 1 although it asked for "error" only.
    // Expected: no ToSession (below the owner's level); actual: delivered to session 1.
    createTask();
    router.fromSession(1, setLevel("\"l\"", "error"));
    const RouterActions actions = router.fromChild(
        notification("notifications/message", "{\"level\":\"debug\",\"data\":\"noise\"," + RelatedT1 + '}'));
    EXPECT_TRUE(ofKind(actions, Kind::ToSession).isEmpty()) << dump(actions);
}

TEST_F(RouterTaskTest, RelatedTaskRequestFromTheChildGoesToTheOwner)
{
    createTask();
    // Session 2 is both the most recently active and the one with a request in flight.
    now += 100;
    forward(2, toolCall("1", "busy"));

    const QByteArray form = "{\"message\":\"Pick one\",\"requestedSchema\":{\"type\":\"object\",\"properties\":{}}";
    const RouterActions related = router.fromChild(request("\"c1\"", "elicitation/create", form + ',' + RelatedT1 + '}'));
    EXPECT_EQ(recipients(related), (QSet<SessionId>{1})) << dump(related);

    // Control: the same request without the key goes to session 2.
    const RouterActions plain = router.fromChild(request("\"c2\"", "elicitation/create", form + '}'));
    EXPECT_EQ(recipients(plain), (QSet<SessionId>{2})) << dump(plain);
}

TEST_F(RouterTaskTest, OwnerCanStillFetchTheResultAfterTheTaskCompleted)
{
    // BUG: routerfeatures.cpp Router::deliverTaskNotification (l.~234-238) erases m_taskOwners[t1]
    // as soon as a terminal notifications/tasks/status arrives, and handleTaskRequest (l.~186-198)
    // then refuses the owner's own tasks/result / tasks/get for t1 with -32602 "unknown task".
    // tasks/result is exactly what a requestor calls once the task is terminal (MCP 2025-11-25
    // tasks.mdx; server-everything sends a status notification on every update), so the owner can
    // never fetch its result. Expected: the owner's tasks/result is forwarded to the child (one
    // ToChild); actual: a local -32602 error to session 1. Only the progress routes should end.
    createTask();
    router.fromChild(taskStatus("completed"));
    const RouterActions fetched = router.fromSession(1, request("9", "tasks/result", "{\"taskId\":\"t1\"}"));
    EXPECT_EQ(ofKind(fetched, Kind::ToChild).size(), 1) << dump(fetched);
    EXPECT_TRUE(toSession(fetched, 1).isEmpty()) << dump(fetched);
    // And the other session still may not.
    const RouterActions other = router.fromSession(2, request("9", "tasks/result", "{\"taskId\":\"t1\"}"));
    EXPECT_TRUE(ofKind(other, Kind::ToChild).isEmpty()) << dump(other);
}

// =============================================================================================
// 8. Batches

TEST_F(RouterFeatureTest, BatchIsSplitRoutedAndAnsweredAsOneArray)
{
    bringUp();
    connectSession(1);
    const QByteArray call = "{\"jsonrpc\":\"2.0\",\"id\":\"c\",\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}";
    const QByteArray custom = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/custom\",\"params\":{}}";
    const QByteArray batch = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}," + call + ',' + custom + ']';

    const RouterActions sent = router.fromSession(1, batch);
    EXPECT_TRUE(ofKind(sent, Kind::ToSession).isEmpty()) << "nothing until the child answered:\n" << dump(sent);
    const RouterActions toChild = ofKind(sent, Kind::ToChild);
    ASSERT_EQ(toChild.size(), 2) << dump(sent);
    qint64 callId = -1;
    for (const RouterAction &action : toChild) {
        EXPECT_FALSE(action.data.startsWith('[')) << "an array reached the child: " << action.data.toStdString();
        const QJsonObject message = parse(action.data);
        if (message.value("method").toString() == "tools/call") {
            callId = idOf(action.data);
            EXPECT_EQ(message.value("params").toObject().value("name").toString(), "x");
        } else {
            EXPECT_EQ(action.data, custom);
        }
    }
    ASSERT_GT(callId, 0) << dump(sent);

    const RouterActions answered = answer(callId, "{\"content\":[]}");
    const RouterActions lines = toSession(answered, 1);
    ASSERT_EQ(lines.size(), 1) << dump(answered);
    const QJsonArray responses = parseArray(lines[0].data);
    ASSERT_EQ(responses.size(), 2) << lines[0].data.toStdString();
    QJsonObject pong, callResult;
    for (const QJsonValue &value : responses) {
        const QJsonObject response = value.toObject();
        (response.value("id").isString() ? callResult : pong) = response;
    }
    EXPECT_EQ(pong.value("id"), QJsonValue(1));
    EXPECT_TRUE(pong.value("result").isObject());
    EXPECT_EQ(callResult.value("id"), QJsonValue("c"));
    EXPECT_TRUE(callResult.value("result").toObject().value("content").isArray());
    EXPECT_EQ(router.inFlightCount(), 0);
}

TEST_F(RouterFeatureTest, BatchOfNotificationsOnlyGetsNoResponse)
{
    bringUp();
    connectSession(1);
    const RouterActions actions = router.fromSession(
        1, "[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/a\"},{\"jsonrpc\":\"2.0\",\"method\":\"notifications/b\"}]");
    EXPECT_TRUE(ofKind(actions, Kind::ToSession).isEmpty()) << dump(actions);
    EXPECT_EQ(ofKind(actions, Kind::ToChild).size(), 2) << dump(actions);
}

void expectPongAndInvalidRequest(const RouterActions &actions)
{
    const RouterActions lines = toSession(actions, 1);
    ASSERT_EQ(lines.size(), 1) << dump(actions);
    const QJsonArray responses = parseArray(lines[0].data);
    ASSERT_EQ(responses.size(), 2) << lines[0].data.toStdString();
    int errors = 0;
    for (const QJsonValue &value : responses) {
        const QJsonObject response = value.toObject();
        if (response.contains("error")) {
            ++errors;
            EXPECT_EQ(response.value("error").toObject().value("code").toInteger(), -32600);
            EXPECT_TRUE(response.value("id").isNull());
        } else {
            EXPECT_EQ(response.value("id"), QJsonValue(1));
        }
    }
    EXPECT_EQ(errors, 1);
    EXPECT_TRUE(ofKind(actions, Kind::ToChild).isEmpty()) << dump(actions);
}

TEST_F(RouterFeatureTest, InvalidBatchElementGetsAnErrorEntry)
{
    bringUp();
    connectSession(1);
    expectPongAndInvalidRequest(
        router.fromSession(1, "[{\"foo\":1},{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]"));
}

TEST_F(RouterFeatureTest, InvalidBatchElementAfterTheLastAnsweredRequestIsInTheSameArray)
{
    // BUG: router.cpp Router::handleBatch (l.~293-337). The batch is flushed by respond() as soon
    // as `pending` reaches 0, i.e. when the ping (answered locally) is processed, before the
    // elements after it were looked at. The invalid element that follows then re-creates the
    // erased batch through `m_batches[batchId]` (l.~324) and is flushed as a second array.
    // Expected: ONE ToSession line [pong, invalid-request error]; actual: two lines,
    // [{"id":1,"result":{}}] and [{"id":null,"error":{"code":-32600,...}}].
    bringUp();
    connectSession(1);
    const RouterActions actions =
        router.fromSession(1, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},{\"foo\":1}]");
    expectPongAndInvalidRequest(actions);
}

TEST_F(RouterFeatureTest, EmptyBatchIsAnInvalidRequest)
{
    bringUp();
    connectSession(1);
    const RouterActions actions = router.fromSession(1, "[]");
    ASSERT_EQ(toSession(actions, 1).size(), 1) << dump(actions);
    EXPECT_EQ(parse(toSession(actions, 1)[0].data).value("error").toObject().value("code").toInteger(), -32600);
    ASSERT_EQ(ofKind(actions, Kind::Log).size(), 1) << dump(actions);
    EXPECT_EQ(ofKind(actions, Kind::Log)[0].data,
              "session 1 (test-client): sent an empty batch (only the first such is logged)");
}

TEST_F(RouterFeatureTest, CancellingOneRequestOfABatchStillAnswersTheOthers)
{
    // BUG: router.cpp Router::sessionCancel (l.~366-388) removes the cancelled request from
    // m_batchOf (l.~381) but never decrements its batch's `pending` count, so the batch waits
    // forever: the ping's response (already computed) is never sent and the Batch entry leaks
    // until the session leaves. The cancelled request itself gets no response (MCP cancellation),
    // but the rest of the batch must still be answered. Expected: one ToSession array holding the
    // ping's response (at the latest once the cancel was handled); actual: no ToSession at all.
    bringUp();
    connectSession(1);
    const RouterActions sent = router.fromSession(
        1, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
           "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}]");
    ASSERT_EQ(ofKind(sent, Kind::ToChild).size(), 1) << dump(sent);
    const qint64 callId = idOf(ofKind(sent, Kind::ToChild)[0].data);
    RouterActions later = router.fromSession(1, notification("notifications/cancelled", "{\"requestId\":2}"));
    EXPECT_EQ(ofKind(later, Kind::ToChild).size(), 1) << dump(later);
    later += answer(callId, "{}");   // the child answered anyway: dropped
    const RouterActions lines = toSession(later, 1);
    ASSERT_EQ(lines.size(), 1) << dump(later);
    const QJsonArray responses = parseArray(lines[0].data);
    ASSERT_EQ(responses.size(), 1) << lines[0].data.toStdString();
    EXPECT_EQ(responses[0].toObject().value("id"), QJsonValue(1));
}

// =============================================================================================
// 9. Protocol versions answered to sessions

QByteArray initializeAsking(QByteArrayView rawId, QByteArrayView version)
{
    return request(rawId, "initialize",
                   "{\"protocolVersion\":\"" + version.toByteArray() +
                       "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"c\",\"version\":\"1\"}}");
}

QByteArray withVersion(QByteArray initResult, QByteArrayView version)
{
    return initResult.replace("\"protocolVersion\":\"2025-06-18\"",
                              "\"protocolVersion\":\"" + version.toByteArray() + '"');
}

TEST_F(RouterFeatureTest, SessionsAreAnsweredWithTheVersionTheyAskedForWhenTheBrokerKnowsIt)
{
    const QByteArray childInit = withVersion(ChildInitResult, "2025-11-25");
    bringUp(childInit);
    EXPECT_EQ(router.negotiatedVersion(), "2025-11-25");

    struct Case
    {
        const char *asked;
        const char *answered;
    };
    SessionId session = 1;
    for (const Case &c : {Case{"2025-06-18", "2025-06-18"}, Case{"2026-01-01", "2025-11-25"},
                          Case{"2024-11-05", "2024-11-05"}, Case{"2025-03-26", "2025-03-26"},
                          Case{"2025-11-25", "2025-11-25"}, Case{"1.0.0", "2025-11-25"}}) {
        router.addSession(session);
        const RouterActions actions = router.fromSession(session, initializeAsking("\"i\"", c.asked));
        ASSERT_EQ(actions.size(), 1) << c.asked << '\n' << dump(actions);
        // Everything but the version is the child's result, byte for byte.
        EXPECT_EQ(actions[0].data, result("\"i\"", withVersion(ChildInitResult, c.answered))) << c.asked;
        EXPECT_EQ(router.sessionInfo(session).protocolVersion, c.asked);
        EXPECT_EQ(router.sessionInfo(session).answeredVersion, c.answered) << c.asked;
        ++session;
    }
    EXPECT_EQ(router.cachedInitializeResult(), childInit);
}

TEST_F(RouterFeatureTest, WaitingInitializeIsAnsweredWithItsOwnVersionToo)
{
    router.addSession(1);
    router.addSession(2);
    router.fromSession(1, initializeAsking("1", "2024-11-05"));
    router.fromSession(2, initializeAsking("1", "2026-01-01"));
    const RouterActions actions = answerInit(startChild(), withVersion(ChildInitResult, "2025-11-25"));
    ASSERT_EQ(toSession(actions, 1).size(), 1) << dump(actions);
    ASSERT_EQ(toSession(actions, 2).size(), 1) << dump(actions);
    EXPECT_EQ(toSession(actions, 1)[0].data, result("1", withVersion(ChildInitResult, "2024-11-05")));
    EXPECT_EQ(toSession(actions, 2)[0].data, result("1", withVersion(ChildInitResult, "2025-11-25")));
    EXPECT_EQ(router.sessionInfo(1).answeredVersion, "2024-11-05");
}

TEST_F(RouterFeatureTest, NewerSessionThanTheChildGetsTheChildsVersion)
{
    bringUp();   // the child negotiated 2025-06-18
    router.addSession(1);
    const RouterActions actions = router.fromSession(1, initializeAsking("1", "2025-11-25"));
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].data, result("1", ChildInitResult));
    EXPECT_EQ(router.sessionInfo(1).answeredVersion, "2025-06-18");
}

// =============================================================================================
// 10. A stateless (2026-07-28) child

const QByteArray DiscoverResult =
    "{\"resultType\":\"complete\",\"supportedVersions\":[\"2026-07-28\"],\"capabilities\":{\"tools\":{},"
    "\"resources\":{\"subscribe\":true}},\"_meta\":{\"io.modelcontextprotocol/serverInfo\":{\"name\":\"modern-server\","
    "\"version\":\"1.0.0\"}}}";
const QByteArray ModernMeta =
    "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{},"
    "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"modern\",\"version\":\"9\"}}";
const QByteArray SubscriptionIdKey = "io.modelcontextprotocol/subscriptionId";

class RouterStatelessTest : public RouterFeatureTest
{
protected:
    void bringUpStateless()
    {
        const qint64 initId = startChild();
        const RouterActions refused = router.fromChild(makeError(QByteArray::number(initId), -32601, "Method not found"));
        ASSERT_EQ(refused.size(), 1) << dump(refused);
        ASSERT_EQ(refused[0].kind, Kind::ToChild);
        const QJsonObject discover = parse(refused[0].data);
        EXPECT_EQ(discover.value("method").toString(), "server/discover");
        const QJsonObject meta = discover.value("params").toObject().value("_meta").toObject();
        EXPECT_EQ(meta.value("io.modelcontextprotocol/protocolVersion").toString(), "2026-07-28");
        EXPECT_EQ(meta.value("io.modelcontextprotocol/clientInfo").toObject().value("name").toString(), "manifold");
        EXPECT_EQ(router.childState(), State::Initializing);

        const RouterActions ready = answer(idOf(refused[0].data), DiscoverResult);
        EXPECT_EQ(ofKind(ready, Kind::ChildReady).size(), 1) << dump(ready);
        EXPECT_TRUE(ofKind(ready, Kind::ToChild).isEmpty()) << "no notifications/initialized:\n" << dump(ready);
        EXPECT_EQ(router.childState(), State::Ready);
        EXPECT_TRUE(router.childIsStateless());
        EXPECT_EQ(router.negotiatedVersion(), "2026-07-28");
    }

    QByteArray modernRequest(QByteArrayView rawId, QByteArrayView method, QByteArrayView moreParams = {})
    {
        QByteArray params = "{";
        if (!moreParams.isEmpty())
            params += moreParams.toByteArray() + ',';
        params += "\"_meta\":" + ModernMeta + '}';
        return request(rawId, method, params);
    }

    // Session opens a listen stream with the given id; returns the broker id it got.
    qint64 listen(SessionId session, QByteArrayView rawId)
    {
        return forward(session, modernRequest(rawId, "subscriptions/listen",
                                              "\"notifications\":{\"toolsListChanged\":true,"
                                              "\"resourceSubscriptions\":[\"file:///x\"]}"));
    }

    static QByteArray onStream(QByteArrayView method, qint64 brokerId, QByteArrayView more)
    {
        return notification(method, "{\"_meta\":{\"" + SubscriptionIdKey + "\":" + QByteArray::number(brokerId) + "}," +
                                        more.toByteArray() + '}');
    }
};

TEST_F(RouterStatelessTest, ChildThatRefusesInitializeIsDiscovered)
{
    bringUpStateless();
    EXPECT_EQ(router.cachedInitializeResult(), DiscoverResult);
}

TEST_F(RouterStatelessTest, ChildThatRefusesInitializeAndDiscoverFailsWaitingSessions)
{
    router.addSession(1);
    router.fromSession(1, initializeLine("1"));
    const qint64 initId = startChild();
    const RouterActions refused = router.fromChild(makeError(QByteArray::number(initId), -32601, "nope"));
    ASSERT_EQ(ofKind(refused, Kind::ToChild).size(), 1) << dump(refused);
    const RouterActions failed =
        router.fromChild(makeError(QByteArray::number(idOf(ofKind(refused, Kind::ToChild)[0].data)), -32601, "nope"));
    ASSERT_EQ(toSession(failed, 1).size(), 1) << dump(failed);
    EXPECT_EQ(parse(toSession(failed, 1)[0].data).value("error").toObject().value("code").toInteger(), -32000);
    EXPECT_NE(router.childState(), State::Ready);
    EXPECT_FALSE(router.childIsStateless());
}

TEST_F(RouterStatelessTest, RequestsPassThroughWithTheirIdRemappedAndMetaIntact)
{
    bringUpStateless();
    router.addSession(1);   // never initializes
    const QByteArray params = "{\"name\":\"echo\",\"arguments\":{\"message\":\"hi\"},\"_meta\":" + ModernMeta + '}';
    const RouterActions sent = router.fromSession(1, request("\"q1\"", "tools/call", params));
    ASSERT_EQ(sent.size(), 1) << dump(sent);
    ASSERT_EQ(sent[0].kind, Kind::ToChild);
    const qint64 brokerId = idOf(sent[0].data);
    EXPECT_EQ(sent[0].data, request(QByteArray::number(brokerId), "tools/call", params));

    const QByteArray answerBody = "{\"resultType\":\"complete\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}";
    const RouterActions answered = answer(brokerId, answerBody);
    ASSERT_EQ(answered.size(), 1) << dump(answered);
    EXPECT_EQ(answered[0].session, 1u);
    EXPECT_EQ(answered[0].data, result("\"q1\"", answerBody));

    const Router::SessionInfo info = router.sessionInfo(1);
    EXPECT_EQ(info.clientName, "modern");
    EXPECT_EQ(info.clientVersion, "9");
    EXPECT_EQ(info.protocolVersion, "2026-07-28");
}

TEST_F(RouterStatelessTest, ListsAreNotCachedForAStatelessChild)
{
    bringUpStateless();
    router.addSession(1);
    router.addSession(2);
    answer(forward(1, modernRequest("1", "tools/list")), "{\"tools\":[]}");
    forward(2, modernRequest("1", "tools/list"));
}

TEST_F(RouterStatelessTest, ListenStreamNotificationsGoToTheListenerWithItsSubscriptionId)
{
    // BUG: routerchild.cpp Router::routeSubscriptionNotification (l.~320-335) is defined but never
    // called: Router::childNotification does not consult params._meta subscriptionId, so
    // notifications/subscriptions/acknowledged (and list_changed on the stream) are broadcast to
    // initialized sessions, which stateless sessions never are, and notifications/resources/updated
    // goes through the legacy subscription book (no subscribers) and is dropped. Expected: each
    // reaches session 1 only, with _meta subscriptionId restored to "L1"; actual: no ToSession.
    bringUpStateless();
    router.addSession(1);
    router.addSession(2);
    forward(2, modernRequest("\"L1\"", "tools/call", "\"name\":\"other\""));   // same raw id, other session
    const qint64 brokerId = listen(1, "\"L1\"");

    const RouterActions ack = router.fromChild(
        onStream("notifications/subscriptions/acknowledged", brokerId, "\"notifications\":{\"toolsListChanged\":true}"));
    ASSERT_EQ(recipients(ack), (QSet<SessionId>{1})) << dump(ack);
    const QJsonObject ackParams = parse(toSession(ack, 1)[0].data).value("params").toObject();
    EXPECT_EQ(ackParams.value("_meta").toObject().value(QString::fromUtf8(SubscriptionIdKey)), QJsonValue("L1"));
    EXPECT_TRUE(ackParams.value("notifications").toObject().value("toolsListChanged").toBool());

    const RouterActions updated =
        router.fromChild(onStream("notifications/resources/updated", brokerId, "\"uri\":\"file:///x\""));
    ASSERT_EQ(recipients(updated), (QSet<SessionId>{1})) << dump(updated);
    const QJsonObject updatedParams = parse(toSession(updated, 1)[0].data).value("params").toObject();
    EXPECT_EQ(updatedParams.value("_meta").toObject().value(QString::fromUtf8(SubscriptionIdKey)), QJsonValue("L1"));
    EXPECT_EQ(updatedParams.value("uri").toString(), "file:///x");

    const RouterActions changed = router.fromChild(onStream("notifications/tools/list_changed", brokerId, "\"x\":1"));
    EXPECT_EQ(recipients(changed), (QSet<SessionId>{1})) << dump(changed);
}

TEST_F(RouterStatelessTest, OpenListenStreamsDoNotHoldInFlightSlots)
{
    router.setMaxInFlight(1);
    bringUpStateless();
    router.addSession(1);
    listen(1, "\"L1\"");
    EXPECT_EQ(router.inFlightCount(), 0);
    // The one slot is still free for an ordinary request.
    forward(1, modernRequest("2", "tools/list"));
    EXPECT_EQ(router.inFlightCount(), 1);
}

TEST_F(RouterStatelessTest, SessionCancellingItsListenIsForwardedWithTheBrokerId)
{
    bringUpStateless();
    router.addSession(1);
    const qint64 brokerId = listen(1, "\"L1\"");
    const RouterActions cancelled =
        router.fromSession(1, notification("notifications/cancelled", "{\"requestId\":\"L1\"}"));
    ASSERT_EQ(cancelled.size(), 1) << dump(cancelled);
    ASSERT_EQ(cancelled[0].kind, Kind::ToChild);
    EXPECT_EQ(parse(cancelled[0].data).value("params").toObject().value("requestId").toInteger(), brokerId);
}

TEST_F(RouterStatelessTest, ClosingResultOfAListenRestoresIdAndSubscriptionId)
{
    bringUpStateless();
    router.addSession(1);
    const qint64 brokerId = listen(1, "\"L1\"");
    const RouterActions closed = answer(
        brokerId, "{\"resultType\":\"complete\",\"_meta\":{\"" + SubscriptionIdKey + "\":" + QByteArray::number(brokerId) + "}}");
    ASSERT_EQ(closed.size(), 1) << dump(closed);
    EXPECT_EQ(closed[0].session, 1u);
    EXPECT_EQ(closed[0].data,
              result("\"L1\"", "{\"resultType\":\"complete\",\"_meta\":{\"" + SubscriptionIdKey + "\":\"L1\"}}"));
}

TEST_F(RouterStatelessTest, NumericListenIdKeepsItsType)
{
    bringUpStateless();
    router.addSession(1);
    const qint64 brokerId = listen(1, "3");
    const RouterActions closed = answer(
        brokerId, "{\"resultType\":\"complete\",\"_meta\":{\"" + SubscriptionIdKey + "\":" + QByteArray::number(brokerId) + "}}");
    ASSERT_EQ(closed.size(), 1) << dump(closed);
    EXPECT_EQ(closed[0].data, result("3", "{\"resultType\":\"complete\",\"_meta\":{\"" + SubscriptionIdKey + "\":3}}"));
}

TEST_F(RouterStatelessTest, ChildTearingDownAListenTellsTheSessionWithItsOwnId)
{
    // BUG: routerchild.cpp Router::childNotification, "notifications/cancelled" branch (l.~211-224)
    // only looks the requestId up among server->client requests (m_childRequests). In 2026-07-28 the
    // server MUST send notifications/cancelled referencing the listen request id when it tears a
    // stream down (the only server-sent use of it). Expected: session 1 gets it with requestId
    // restored to "L1"; actual: silently dropped (no actions at all).
    bringUpStateless();
    router.addSession(1);
    const qint64 brokerId = listen(1, "\"L1\"");
    const RouterActions cancelled = router.fromChild(notification(
        "notifications/cancelled", "{\"requestId\":" + QByteArray::number(brokerId) + ",\"reason\":\"shutting down\"}"));
    ASSERT_EQ(toSession(cancelled, 1).size(), 1) << dump(cancelled);
    const QJsonObject params = parse(toSession(cancelled, 1)[0].data).value("params").toObject();
    EXPECT_EQ(params.value("requestId"), QJsonValue("L1"));
    EXPECT_EQ(params.value("reason").toString(), "shutting down");
}

TEST_F(RouterStatelessTest, LegacyInitializeGetsAClearError)
{
    bringUpStateless();
    router.addSession(1);
    const RouterActions actions = router.fromSession(1, initializeLine("\"i\""));
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    EXPECT_EQ(actions[0].kind, Kind::ToSession);
    const QJsonObject error = parse(actions[0].data);
    EXPECT_EQ(error.value("id"), QJsonValue("i"));
    const QString message = error.value("error").toObject().value("message").toString();
    EXPECT_TRUE(message.contains("2026-07-28")) << message.toStdString();
    EXPECT_FALSE(router.sessionInfo(1).initialized);
}

TEST_F(RouterStatelessTest, HeartbeatUsesDiscoverInsteadOfPing)
{
    bringUpStateless();
    const RouterActions beat = router.heartbeat();
    ASSERT_EQ(beat.size(), 1) << dump(beat);
    ASSERT_EQ(beat[0].kind, Kind::ToChild);
    EXPECT_EQ(methodOf(beat[0].data), "server/discover");
    EXPECT_TRUE(router.heartbeatOutstanding());
    const RouterActions answered = answer(idOf(beat[0].data), DiscoverResult);
    ASSERT_EQ(answered.size(), 1) << dump(answered);
    EXPECT_EQ(answered[0].kind, Kind::HeartbeatAnswered);
    EXPECT_FALSE(router.heartbeatOutstanding());
}

} // namespace
