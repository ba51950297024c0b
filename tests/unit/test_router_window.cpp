// The session window: with no in-flight limit, a session still has at most sessionWindow()
// requests at the child; its others wait in the fair queue, so a quiet session's call goes in
// ahead of a flood instead of behind it. Cancels, disconnects and the listing of the queue.
#include "routertest.h"

#include "broker/fairqueue.h"

namespace {

class RouterWindowTest : public RouterTest
{
protected:
    RouterActions answer(qint64 brokerId) { return router.fromChild(result(QByteArray::number(brokerId), "{}")); }

    // Session 1 sends calls 1..count of tool f; returns the broker ids of those forwarded now.
    QList<qint64> flood(int count)
    {
        QList<qint64> forwarded;
        for (int i = 1; i <= count; ++i) {
            for (const RouterAction &action : ofKind(router.fromSession(1, floodCall(i)), Kind::ToChild))
                forwarded.append(idOf(action.data));
        }
        return forwarded;
    }

    // The child up, session 1 (and the quiet session 2) connected, tool f known never to ask
    // (the gate stays out of it), the window set; then session 1 sends `count` calls of f.
    QList<qint64> floodWithWindow(int window, int count, bool quietSession = false)
    {
        bringUp();
        connectSession(1);
        if (quietSession)
            connectSession(2);
        learnPlain(1, "tools/call", "{\"name\":\"f\"}");
        router.setSessionWindow(window);
        return flood(count);
    }

    static QByteArray floodCall(int i)
    {
        const QByteArray n = QByteArray::number(i);
        return request(n, "tools/call", "{\"name\":\"f\",\"arguments\":{\"i\":" + n + "}}");
    }
    static int floodIndex(const QByteArray &line)
    {
        return parse(line).value("params").toObject().value("arguments").toObject().value("i").toInt();
    }
};

} // namespace

TEST_F(RouterWindowTest, NoLimitStillKeepsAFloodToItsWindowAndLetsAQuietCallStraightIn)
{
    const QList<qint64> atChild = floodWithWindow(3, 10, true);
    EXPECT_EQ(router.maxInFlight(), 0);
    ASSERT_EQ(atChild.size(), 3);
    EXPECT_EQ(router.inFlightCount(), 3);
    EXPECT_EQ(router.waitingCount(), 7);

    // The quiet session's call is not behind the seven: it goes at once.
    const qint64 quiet = forward(2, toolCall("\"q\"", "q"));
    EXPECT_EQ(router.inFlightCount(), 4);

    // In flight first, then the queue in the order it will go.
    const QList<Router::RequestInfo> listed = router.requests();
    ASSERT_EQ(listed.size(), 11);
    EXPECT_EQ(std::count_if(listed.cbegin(), listed.cend(), [](const auto &r) { return r.forwarded; }), 4);
    EXPECT_EQ(listed[4].originalId, "4");
    EXPECT_FALSE(listed[4].forwarded);

    // Each answer to the flood lets exactly its next call in, in order.
    const RouterActions next = answer(atChild[0]);
    ASSERT_EQ(ofKind(next, Kind::ToChild).size(), 1) << dump(next);
    EXPECT_EQ(floodIndex(ofKind(next, Kind::ToChild)[0].data), 4);
    EXPECT_EQ(toSession(next, 1).size(), 1);

    // The quiet call's answer frees nothing of the flood's window.
    const RouterActions quietDone = answer(quiet);
    EXPECT_TRUE(ofKind(quietDone, Kind::ToChild).isEmpty()) << dump(quietDone);
    ASSERT_EQ(toSession(quietDone, 2).size(), 1);
    EXPECT_EQ(parse(toSession(quietDone, 2)[0].data).value("id"), QJsonValue("q"));

    // Everything still arrives, each answer to its own id.
    QList<qint64> open{atChild[1], atChild[2], idOf(ofKind(next, Kind::ToChild)[0].data)};
    QList<int> answeredIds{1};
    while (!open.isEmpty()) {
        const RouterActions actions = answer(open.takeFirst());
        for (const RouterAction &action : ofKind(actions, Kind::ToChild))
            open.append(idOf(action.data));
        for (const RouterAction &action : toSession(actions, 1))
            answeredIds.append(parse(action.data).value("id").toInt());
        EXPECT_LE(router.inFlightCount(), 3);
    }
    EXPECT_EQ(answeredIds, (QList<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
    EXPECT_EQ(router.inFlightCount(), 0);
    EXPECT_EQ(router.waitingCount(), 0);
}

TEST_F(RouterWindowTest, ACancelOfACallHeldByTheWindowNeverReachesTheChild)
{
    const QList<qint64> atChild = floodWithWindow(1, 3);
    ASSERT_EQ(atChild.size(), 1);

    const RouterActions cancelled =
        router.fromSession(1, notification("notifications/cancelled", "{\"requestId\":2,\"reason\":\"no\"}"));
    EXPECT_TRUE(ofKind(cancelled, Kind::ToChild).isEmpty()) << dump(cancelled);
    EXPECT_TRUE(toSession(cancelled, 1).isEmpty()) << dump(cancelled);
    EXPECT_EQ(router.waitingCount(), 1);

    const RouterActions next = answer(atChild[0]);
    ASSERT_EQ(ofKind(next, Kind::ToChild).size(), 1) << dump(next);
    EXPECT_EQ(floodIndex(ofKind(next, Kind::ToChild)[0].data), 3);

    // A cancel of one at the child goes to the child and frees its place in the window.
    const qint64 third = idOf(ofKind(next, Kind::ToChild)[0].data);
    const RouterActions cancelSent =
        router.fromSession(1, notification("notifications/cancelled", "{\"requestId\":3,\"reason\":\"no\"}"));
    ASSERT_EQ(ofKind(cancelSent, Kind::ToChild).size(), 1) << dump(cancelSent);
    EXPECT_EQ(parse(ofKind(cancelSent, Kind::ToChild)[0].data).value("params").toObject().value("requestId").toInteger(),
              third);
    EXPECT_EQ(router.inFlightCount(), 0);
    forward(1, floodCall(4));
}

TEST_F(RouterWindowTest, ADisconnectDropsWhatTheWindowHeldAndCancelsOnlyWhatWasSent)
{
    ASSERT_EQ(floodWithWindow(2, 50).size(), 2);
    const RouterActions gone = router.removeSession(1);
    const RouterActions toChild = ofKind(gone, Kind::ToChild);
    ASSERT_EQ(toChild.size(), 2) << dump(gone);
    for (const RouterAction &action : toChild)
        EXPECT_EQ(parse(action.data).value("method").toString(), "notifications/cancelled");
    EXPECT_EQ(router.inFlightCount(), 0);
    EXPECT_EQ(router.waitingCount(), 0);
    EXPECT_TRUE(router.requests().isEmpty());
}

TEST_F(RouterWindowTest, WithALimitTheWindowDoesNotApply)
{
    EXPECT_EQ(router.sessionWindow(), Router::DefaultSessionWindow);
    router.setMaxInFlight(5);   // the limit is the bound: a session may take all of it
    EXPECT_EQ(floodWithWindow(2, 6).size(), 5);
}

TEST_F(RouterWindowTest, WindowZeroIsNoWindow)
{
    EXPECT_EQ(floodWithWindow(-1, 40).size(), 40);   // clamped to 0
    EXPECT_EQ(router.sessionWindow(), 0);
    EXPECT_EQ(router.inFlightCount(), 40);
}

TEST_F(RouterWindowTest, TheDefaultWindowHoldsAFloodOfTenThousand)
{
    EXPECT_EQ(floodWithWindow(Router::DefaultSessionWindow, 10000, true).size(), Router::DefaultSessionWindow);
    EXPECT_EQ(router.waitingCount(), 10000 - Router::DefaultSessionWindow);
    forward(2, toolCall("1", "quiet"));
}

TEST(FairQueue, PopEligibleSkipsSessionsThatMayNotGo)
{
    manifold::FairQueue queue;
    queue.push(1, 10);
    queue.push(1, 11);
    queue.push(2, 20);
    const auto notOne = [](quint64 session) { return session != 1; };
    const auto any = [](qint64) { return true; };
    EXPECT_EQ(queue.popEligible(notOne, any), 20);
    EXPECT_EQ(queue.popEligible(notOne, any), 0);
    EXPECT_EQ(queue.size(), 2);
    EXPECT_TRUE(queue.remove(11));
    EXPECT_FALSE(queue.remove(11));
    EXPECT_EQ(queue.pop(), 10);
    EXPECT_TRUE(queue.isEmpty());
    queue.push(3, 30);
    queue.push(3, 31);
    queue.removeSession(3);
    EXPECT_FALSE(queue.remove(30));
    EXPECT_EQ(queue.size(), 0);
}

// A client whose open calls all wait for its next one must not wait forever: once its window has
// not moved for WindowStallMs, one more call goes, then one more after each further stall.
TEST_F(RouterWindowTest, AStalledWindowLetsOneMoreCallGoPerStall)
{
    const QList<qint64> atChild = floodWithWindow(3, 6);
    ASSERT_EQ(atChild.size(), 3);
    const qint64 start = now;
    ASSERT_TRUE(router.nextDeadlineMs().has_value());
    EXPECT_EQ(*router.nextDeadlineMs(), start + Router::WindowStallMs);

    now = start + Router::WindowStallMs - 1;
    EXPECT_TRUE(ofKind(router.expireHeld(), Kind::ToChild).isEmpty());
    now = start + Router::WindowStallMs;
    QList<RouterAction> sent = ofKind(router.expireHeld(), Kind::ToChild);
    ASSERT_EQ(sent.size(), 1);
    EXPECT_EQ(floodIndex(sent.first().data), 4);
    EXPECT_EQ(router.inFlightCount(), 4);
    EXPECT_EQ(*router.nextDeadlineMs(), now + Router::WindowStallMs);   // the next one waits again

    // An answer moves the window: the stall is counted from it (4 open is still past the window).
    now += 1000;
    EXPECT_TRUE(ofKind(answer(atChild.first()), Kind::ToChild).isEmpty());
    EXPECT_EQ(*router.nextDeadlineMs(), now + Router::WindowStallMs);
    now += Router::WindowStallMs;
    sent = ofKind(router.expireHeld(), Kind::ToChild);
    ASSERT_EQ(sent.size(), 1);
    EXPECT_EQ(floodIndex(sent.first().data), 5);
}
