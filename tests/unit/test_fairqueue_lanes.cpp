// FairQueue's lanes: an ordered lane is judged by its first request only (the attribution gate's
// flood costs O(1) per pop, not O(waiting)), requests of one session still leave in the order they
// came across lanes, a request whose lane changed is moved, and the ordered lane's earliest due
// time is found without a scan.
#include "broker/fairqueue.h"

#include <gtest/gtest.h>

using manifold::FairQueue;
using Lane = FairQueue::Lane;

namespace {
const auto everyone = [](quint64) { return true; };
}

TEST(FairQueueLanes, OneSessionsRequestsLeaveInArrivalOrderAcrossLanes)
{
    FairQueue queue;
    queue.push(1, 10, Lane::Free);
    queue.push(1, 11, Lane::Ordered);
    queue.push(1, 12, Lane::Held);
    queue.push(1, 13, Lane::Free);
    EXPECT_EQ(queue.size(), 4);
    EXPECT_EQ(queue.serviceOrder(), (QList<qint64>{10, 11, 12, 13}));
    const auto all = [](qint64) { return true; };
    EXPECT_EQ(queue.popEligible(all), 10);
    EXPECT_EQ(queue.popEligible(all), 11);
    EXPECT_EQ(queue.popEligible(all), 12);
    EXPECT_EQ(queue.popEligible(all), 13);
    EXPECT_TRUE(queue.isEmpty());
}

TEST(FairQueueLanes, AnOrderedLaneThatMayNotGoDoesNotHoldUpLaterFreeRequests)
{
    FairQueue queue;
    queue.push(1, 10, Lane::Ordered);
    queue.push(1, 11, Lane::Ordered);
    queue.push(1, 12, Lane::Free);
    queue.push(2, 20, Lane::Held);
    const auto onlyFree = [](qint64 id) { return id == 12; };
    EXPECT_EQ(queue.popEligible(onlyFree), 12);
    EXPECT_EQ(queue.popEligible(onlyFree), 0);
    EXPECT_EQ(queue.size(), 3);
    EXPECT_EQ(queue.pop(), 20);   // session 1 was just served: session 2's turn
    EXPECT_EQ(queue.pop(), 10);
}

TEST(FairQueueLanes, AnOrderedLaneIsJudgedByItsFirstRequestOnly)
{
    FairQueue queue;
    constexpr int Waiting = 5000;
    for (int i = 1; i <= Waiting; ++i)
        queue.push(1, i, Lane::Ordered);
    int judged = 0;
    const auto none = [&judged](qint64) {
        ++judged;
        return false;
    };
    for (int pass = 0; pass < Waiting; ++pass)
        ASSERT_EQ(queue.popEligible(everyone, none), 0);
    // One look per pass, however many wait (the Free lane would have looked at all of them).
    EXPECT_EQ(judged, Waiting);
    EXPECT_LE(queue.examined(), quint64(2 * Waiting));
}

TEST(FairQueueLanes, ARequestWhoseLaneChangedIsMovedBeforeItIsJudged)
{
    FairQueue queue;
    queue.push(1, 10, Lane::Ordered);
    queue.push(1, 11, Lane::Ordered);
    // 10's kind was learned to ask since it was queued: it belongs in Held, which may not go.
    const auto laneOf = [](qint64 id) { return id == 10 ? Lane::Held : Lane::Ordered; };
    const auto notHeld = [](qint64 id) { return id != 10; };
    EXPECT_EQ(queue.popEligible(everyone, notHeld), 0);   // without laneOf, 10 blocks its lane
    EXPECT_EQ(queue.popEligible(everyone, notHeld, laneOf), 11);
    EXPECT_EQ(queue.size(), 1);
    EXPECT_EQ(queue.pop(), 10);
}

TEST(FairQueueLanes, SessionsAreStillServedRoundRobinWhateverTheirLanes)
{
    FairQueue queue;
    queue.push(1, 10, Lane::Ordered);
    queue.push(1, 11, Lane::Free);
    queue.push(2, 20, Lane::Held);
    queue.push(2, 21, Lane::Ordered);
    queue.push(3, 30, Lane::Free);
    EXPECT_EQ(queue.serviceOrder(), (QList<qint64>{10, 20, 30, 11, 21}));
    const auto all = [](qint64) { return true; };
    EXPECT_EQ(queue.popEligible(everyone, all), 10);
    EXPECT_EQ(queue.popEligible(everyone, all), 20);
    EXPECT_EQ(queue.popEligible(everyone, all), 30);
    EXPECT_EQ(queue.popEligible(everyone, all), 11);
    EXPECT_EQ(queue.popEligible(everyone, all), 21);
}

TEST(FairQueueLanes, EarliestDueIsTheFirstNotYetPastInEachSessionsLane)
{
    FairQueue queue;
    queue.push(1, 10, Lane::Ordered, 100);
    queue.push(1, 11, Lane::Ordered, 200);
    queue.push(2, 20, Lane::Ordered, 150);
    queue.push(2, 21, Lane::Free, 50);   // another lane: not counted
    EXPECT_EQ(queue.earliestDueAfter(Lane::Ordered, 0), std::optional<qint64>(100));
    EXPECT_EQ(queue.earliestDueAfter(Lane::Ordered, 100), std::optional<qint64>(150));
    EXPECT_EQ(queue.earliestDueAfter(Lane::Ordered, 160), std::optional<qint64>(200));
    EXPECT_TRUE(queue.remove(11));
    EXPECT_FALSE(queue.earliestDueAfter(Lane::Ordered, 160).has_value());
    queue.push(1, 12, Lane::Ordered, 300);
    EXPECT_EQ(queue.earliestDueAfter(Lane::Ordered, 160), std::optional<qint64>(300));
    EXPECT_EQ(queue.pop(), 10);   // a past one leaves: the rest are still found
    EXPECT_EQ(queue.earliestDueAfter(Lane::Ordered, 160), std::optional<qint64>(300));
    EXPECT_FALSE(queue.earliestDueAfter(Lane::Held, 0).has_value());
}

TEST(FairQueueLanes, RemoveAndRemoveSessionKeepTheCountAndTheOrder)
{
    FairQueue queue;
    queue.push(1, 10, Lane::Ordered);
    queue.push(1, 11, Lane::Held);
    queue.push(2, 20, Lane::Free);
    EXPECT_TRUE(queue.remove(11));
    EXPECT_FALSE(queue.remove(11));
    EXPECT_EQ(queue.size(), 2);
    queue.removeSession(1);
    EXPECT_EQ(queue.size(), 1);
    EXPECT_FALSE(queue.hasWaiting(1));
    EXPECT_FALSE(queue.remove(10));
    EXPECT_EQ(queue.pop(), 20);
    EXPECT_TRUE(queue.isEmpty());
}
