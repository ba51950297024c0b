// Router, roots per instance: the child is told its instance's own roots (never a union of
// other sessions'), an instance without roots is initialized without the roots capability,
// a learning instance keeps the child's question until the broker knows whose roots it
// serves, sessions are held until their roots are known, and a session moves between two
// routers with its state.
#include "routertest.h"

namespace {

const QByteArray RootA = "{\"uri\":\"file:///work/a\",\"name\":\"a\"}";
const QByteArray RootB = "{\"uri\":\"file:///work/b\",\"name\":\"b\"}";
const QByteArray RootsCapability = "{\"roots\":{\"listChanged\":true}}";

QString methodIn(const QByteArray &line)
{
    return parse(line).value(QStringLiteral("method")).toString();
}

RouterActions linesWithMethod(const RouterActions &actions, Kind kind, const QString &method)
{
    RouterActions out;
    for (const RouterAction &action : ofKind(actions, kind)) {
        if (methodIn(action.data) == method)
            out.append(action);
    }
    return out;
}

class RouterRootsTest : public RouterTest
{
protected:
    // Session connects with the roots capability; returns the id of the broker's roots/list to it.
    qint64 initializeWithRoots(Router &r, SessionId session)
    {
        const RouterActions init = r.fromSession(session, initializeLine("0", RootsCapability));
        EXPECT_EQ(toSession(init, session).size(), 1) << dump(init);
        const RouterActions ready = r.fromSession(session, notification("notifications/initialized"));
        const RouterActions asks = linesWithMethod(ready, Kind::ToSession, "roots/list");
        if (asks.size() != 1) {
            ADD_FAILURE() << "expected one roots/list to the session:\n" << dump(ready);
            return -1;
        }
        return idOf(asks[0].data);
    }

    RouterActions reportRoots(Router &r, SessionId session, qint64 askId, const QByteArray &rootsJson)
    {
        return r.fromSession(session, result(QByteArray::number(askId), "{\"roots\":" + rootsJson + '}'));
    }

    QJsonArray rootsAnswered(const RouterActions &actions, QByteArrayView childId)
    {
        for (const RouterAction &action : ofKind(actions, Kind::ToChild)) {
            const QJsonObject answer = parse(action.data);
            if (answer.value("id").toVariant().toString() == QString::fromUtf8(childId) && answer.contains("result"))
                return answer.value("result").toObject().value("roots").toArray();
        }
        ADD_FAILURE() << "no roots answer to the child:\n" << dump(actions);
        return {};
    }
};

} // namespace

TEST_F(RouterRootsTest, InstanceWithoutRootsIsInitializedWithoutTheRootsCapability)
{
    router.setDeclaresRoots(false);
    const RouterActions actions = router.childStarted();
    ASSERT_EQ(actions.size(), 1) << dump(actions);
    const QJsonObject capabilities = parse(actions[0].data).value("params").toObject().value("capabilities").toObject();
    EXPECT_FALSE(capabilities.contains("roots"));
    EXPECT_TRUE(capabilities.contains("sampling"));
    EXPECT_TRUE(capabilities.contains("elicitation"));

    Router withRoots{QStringLiteral("demo"), [this] { return now; }};
    const QJsonObject declared = parse(withRoots.childStarted()[0].data).value("params").toObject().value("capabilities").toObject();
    EXPECT_TRUE(declared.value("roots").toObject().value("listChanged").toBool());
}

TEST_F(RouterRootsTest, ChildIsAnsweredWithItsInstanceRootsNeverWithOtherSessions)
{
    router.setInstanceRoots({RootA});
    bringUp();
    router.addSession(1);
    const qint64 ask = initializeWithRoots(router, 1);
    // Another session's roots (it should not be here; the broker moves it) do not reach the child.
    router.addSession(2);
    const qint64 ask2 = initializeWithRoots(router, 2);
    const RouterActions reported = reportRoots(router, 2, ask2, "[" + RootB + "]");
    EXPECT_TRUE(ofKind(reported, Kind::ToChild).isEmpty()) << dump(reported);
    ASSERT_EQ(ofKind(reported, Kind::RootsReported).size(), 1);
    EXPECT_EQ(ofKind(reported, Kind::RootsReported)[0].session, 2u);
    reportRoots(router, 1, ask, "[" + RootA + "]");

    const QJsonArray roots = rootsAnswered(router.fromChild(request("\"q\"", "roots/list")), "q");
    ASSERT_EQ(roots.size(), 1);
    EXPECT_EQ(roots[0].toObject().value("uri").toString(), "file:///work/a");
    EXPECT_TRUE(router.rootsReported(1));
    EXPECT_TRUE(router.rootsReported(2));

    // An instance that has no roots answers an (unexpected) question with none.
    Router bare{QStringLiteral("demo"), [this] { return now; }};
    bare.setInstanceRoots({});
    EXPECT_EQ(rootsAnswered(bare.fromChild(request("3", "roots/list")), "3"), QJsonArray());
}

TEST_F(RouterRootsTest, LearningInstanceKeepsTheChildsQuestionUntilItsRootsAreSet)
{
    router.setLearnsRoots(true);
    bringUp();
    const RouterActions asked = router.fromChild(request("9", "roots/list"));
    ASSERT_EQ(asked.size(), 1) << dump(asked);
    EXPECT_EQ(asked[0].kind, Kind::ChildAskedRoots);
    EXPECT_FALSE(router.hasInstanceRoots());

    const RouterActions answered = router.setInstanceRoots({RootB});
    const QJsonArray roots = rootsAnswered(answered, "9");
    ASSERT_EQ(roots.size(), 1);
    EXPECT_EQ(roots[0].toObject().value("uri").toString(), "file:///work/b");
    // From now on it answers at once.
    EXPECT_EQ(rootsAnswered(router.fromChild(request("10", "roots/list")), "10").size(), 1);
}

TEST_F(RouterRootsTest, HeldSessionsRequestsWaitForItsRootsThenGoInOrder)
{
    router.setInstanceRoots({RootA});
    bringUp();
    router.addSession(1);
    router.holdUntilRoots(1);
    const qint64 ask = initializeWithRoots(router, 1);   // initialize and initialized pass
    EXPECT_TRUE(router.fromSession(1, request("1", "tools/list")).isEmpty());
    EXPECT_TRUE(router.fromSession(1, request("2", "tools/call", "{\"name\":\"echo\"}")).isEmpty());
    const RouterActions ping = router.fromSession(1, request("3", "ping"));
    ASSERT_EQ(toSession(ping, 1).size(), 1) << "ping is answered while held:\n" << dump(ping);
    EXPECT_EQ(router.waitingCount(), 0);
    EXPECT_TRUE(router.isHeld(1));

    const RouterActions reported = reportRoots(router, 1, ask, "[" + RootA + "]");
    ASSERT_EQ(ofKind(reported, Kind::RootsReported).size(), 1) << dump(reported);
    EXPECT_EQ(parse("{\"r\":" + ofKind(reported, Kind::RootsReported)[0].data + '}').value("r").toArray().size(), 1);
    EXPECT_TRUE(ofKind(reported, Kind::ToChild).isEmpty()) << "nothing forwarded before the broker decides";

    const RouterActions released = router.releaseHeld(1);
    const RouterActions toChild = ofKind(released, Kind::ToChild);
    ASSERT_EQ(toChild.size(), 2) << dump(released);
    EXPECT_EQ(methodIn(toChild[0].data), "tools/list");
    EXPECT_EQ(methodIn(toChild[1].data), "tools/call");
    EXPECT_FALSE(router.isHeld(1));
}

TEST_F(RouterRootsTest, ASessionThatFailsToReportRootsIsReportedWithoutThem)
{
    bringUp();
    router.addSession(1);
    router.holdUntilRoots(1);
    const qint64 ask = initializeWithRoots(router, 1);
    const RouterActions failed = router.fromSession(
        1, "{\"jsonrpc\":\"2.0\",\"id\":" + QByteArray::number(ask) + ",\"error\":{\"code\":-32601,\"message\":\"no\"}}");
    const RouterActions reported = ofKind(failed, Kind::RootsReported);
    ASSERT_EQ(reported.size(), 1) << dump(failed);
    EXPECT_TRUE(reported[0].data.isEmpty());
    EXPECT_TRUE(router.rootsReported(1));
}

TEST_F(RouterRootsTest, SessionMovesToAnotherRouterWithItsStateAndHeldLines)
{
    router.setInstanceRoots({RootA});
    bringUp();
    router.addSession(1);
    router.holdUntilRoots(1);
    const qint64 ask = initializeWithRoots(router, 1);
    router.releaseHeld(1);
    // Subscriptions and a log level, then a request that keeps it here while in flight.
    const qint64 sub = forward(1, request("\"s\"", "resources/subscribe", "{\"uri\":\"file:///work/a/x\"}"));
    router.fromChild(result(QByteArray::number(sub), "{}"));
    const qint64 level = forward(1, request("\"l\"", "logging/setLevel", "{\"level\":\"debug\"}"));
    router.fromChild(result(QByteArray::number(level), "{}"));
    const qint64 call = forward(1, request("\"c\"", "tools/call", "{\"name\":\"echo\"}"));
    reportRoots(router, 1, ask, "[" + RootB + "]");
    router.holdUntilRoots(1);   // its roots changed: what it sends now waits for the move
    EXPECT_TRUE(router.fromSession(1, request("\"later\"", "tools/list")).isEmpty());
    EXPECT_FALSE(router.canMoveSession(1)) << "a request is in flight";
    router.fromChild(result(QByteArray::number(call), "{\"content\":[]}"));
    ASSERT_TRUE(router.canMoveSession(1));

    RouterActions leaving;
    const Router::SessionTransfer transfer = router.detachForMove(1, leaving);
    EXPECT_FALSE(router.hasSessions());
    EXPECT_EQ(linesWithMethod(leaving, Kind::ToChild, "resources/unsubscribe").size(), 1) << dump(leaving);
    EXPECT_EQ(transfer.subscriptions, (QList<QByteArray>{"file:///work/a/x"}));
    ASSERT_TRUE(transfer.logLevel.has_value());
    EXPECT_EQ(transfer.held.size(), 1);
    EXPECT_TRUE(transfer.rootsReported);

    // The other instance's child is still starting: the state waits for it.
    Router other{QStringLiteral("demo"), [this] { return now; }};
    const RouterActions adopted = other.adoptSession(transfer, false);
    EXPECT_EQ(ofKind(adopted, Kind::NeedChild).size() >= 1, true) << dump(adopted);
    EXPECT_TRUE(ofKind(adopted, Kind::ToChild).isEmpty());
    EXPECT_EQ(other.waitingCount(), 1);   // the held tools/list, queued for the child
    const Router::SessionInfo info = other.sessionInfo(1);
    EXPECT_TRUE(info.initialized);
    EXPECT_TRUE(info.ready);
    EXPECT_EQ(info.clientName, "test-client");
    EXPECT_EQ(info.roots, (QList<QByteArray>{RootB}));
    EXPECT_TRUE(other.rootsReported(1));

    const RouterActions up = other.childStarted();
    const RouterActions ready = other.fromChild(result(QByteArray::number(idOf(up[0].data)), ChildInitResult));
    const RouterActions toChild = ofKind(ready, Kind::ToChild);
    EXPECT_EQ(linesWithMethod(ready, Kind::ToChild, "resources/subscribe").size(), 1) << dump(ready);
    const RouterActions setLevel = linesWithMethod(ready, Kind::ToChild, "logging/setLevel");
    ASSERT_EQ(setLevel.size(), 1) << dump(ready);
    EXPECT_EQ(parse(setLevel[0].data).value("params").toObject().value("level").toString(), "debug");
    EXPECT_EQ(linesWithMethod(ready, Kind::ToChild, "tools/list").size(), 1) << dump(ready);
    EXPECT_TRUE(linesWithMethod(ready, Kind::ToSession, "notifications/tools/list_changed").isEmpty());

    // Updates for its subscription reach it from the new child.
    const RouterActions update =
        other.fromChild(notification("notifications/resources/updated", "{\"uri\":\"file:///work/a/x\"}"));
    EXPECT_EQ(toSession(update, 1).size(), 1) << dump(update);
}

TEST_F(RouterRootsTest, AdoptingIntoARunningChildTellsItAtOnceAndCanKeepHolding)
{
    bringUp();
    Router::SessionTransfer transfer;
    transfer.session = 5;
    transfer.info.initialized = true;
    transfer.info.ready = true;
    transfer.subscriptions = {"res://one"};
    transfer.logLevel = 1;   // info
    transfer.held = {request("\"h\"", "tools/list")};
    const RouterActions adopted = router.adoptSession(transfer, true);
    EXPECT_EQ(linesWithMethod(adopted, Kind::ToChild, "resources/subscribe").size(), 1) << dump(adopted);
    EXPECT_EQ(linesWithMethod(adopted, Kind::ToChild, "logging/setLevel").size(), 1) << dump(adopted);
    EXPECT_TRUE(linesWithMethod(adopted, Kind::ToChild, "tools/list").isEmpty());
    EXPECT_TRUE(router.isHeld(5));
    EXPECT_EQ(linesWithMethod(router.releaseHeld(5), Kind::ToChild, "tools/list").size(), 1);
}
