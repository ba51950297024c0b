// The Router's pure helper classes: FairQueue, SubscriptionBook, LogLevels and ListCache.
#include "broker/fairqueue.h"
#include "broker/listcache.h"
#include "broker/loglevels.h"
#include "broker/subscriptionbook.h"

#include <QByteArray>
#include <QList>
#include <QSet>

#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>

inline void PrintTo(const QByteArray &bytes, std::ostream *os)
{
    *os << '"' << bytes.toStdString() << '"';
}

namespace {

using manifold::FairQueue;
using manifold::ListCache;
using manifold::LogLevels;
using manifold::SubscriptionBook;

std::string str(const QList<qint64> &ids)
{
    std::string out;
    for (qint64 id : ids)
        out += std::to_string(id) + ' ';
    return out;
}

// ---------------------------------------------------------------------------------------------
// FairQueue

TEST(FairQueue, EmptyQueuePopsZero)
{
    FairQueue queue;
    EXPECT_TRUE(queue.isEmpty());
    EXPECT_EQ(queue.size(), 0);
    EXPECT_EQ(queue.pop(), 0);
    EXPECT_TRUE(queue.serviceOrder().isEmpty());
}

TEST(FairQueue, IsFifoWithinOneSession)
{
    FairQueue queue;
    queue.push(1, 10);
    queue.push(1, 11);
    queue.push(1, 12);
    EXPECT_EQ(queue.size(), 3);
    EXPECT_EQ(queue.pop(), 10);
    EXPECT_EQ(queue.pop(), 11);
    EXPECT_EQ(queue.pop(), 12);
    EXPECT_TRUE(queue.isEmpty());
    EXPECT_EQ(queue.pop(), 0);
}

TEST(FairQueue, ServesSessionsRoundRobin)
{
    FairQueue queue;
    // Session 1 queues a burst before sessions 2 and 3 queue one each.
    queue.push(1, 101);
    queue.push(1, 102);
    queue.push(1, 103);
    queue.push(2, 201);
    queue.push(3, 301);
    queue.push(2, 202);
    const QList<qint64> expected{101, 201, 301, 102, 202, 103};
    EXPECT_EQ(queue.serviceOrder(), expected) << str(queue.serviceOrder());
    QList<qint64> popped;
    while (!queue.isEmpty())
        popped.append(queue.pop());
    EXPECT_EQ(popped, expected) << str(popped);
}

TEST(FairQueue, SessionThatRunsDryAndComesBackJoinsTheEndOfTheRing)
{
    FairQueue queue;
    queue.push(1, 1);
    queue.push(2, 2);
    EXPECT_EQ(queue.pop(), 1);   // session 1 now has nothing waiting
    queue.push(3, 3);
    queue.push(1, 4);            // comes back behind 2 and 3
    EXPECT_EQ(queue.serviceOrder(), (QList<qint64>{2, 3, 4}));
}

TEST(FairQueue, ServiceOrderDoesNotMutate)
{
    FairQueue queue;
    queue.push(1, 1);
    queue.push(1, 2);
    queue.push(2, 3);
    const QList<qint64> first = queue.serviceOrder();
    EXPECT_EQ(first, queue.serviceOrder());
    EXPECT_EQ(queue.size(), 3);
    EXPECT_FALSE(queue.isEmpty());
    EXPECT_EQ(queue.pop(), first.at(0));
    EXPECT_EQ(queue.serviceOrder(), first.mid(1));
}

TEST(FairQueue, RemoveTakesOutOneIdAndKeepsTheRest)
{
    FairQueue queue;
    queue.push(1, 1);
    queue.push(1, 2);
    queue.push(2, 3);
    queue.push(3, 4);
    EXPECT_TRUE(queue.remove(2));
    EXPECT_FALSE(queue.remove(2));     // already gone
    EXPECT_FALSE(queue.remove(999));   // never there
    EXPECT_EQ(queue.size(), 3);
    EXPECT_EQ(queue.serviceOrder(), (QList<qint64>{1, 3, 4}));

    // Removing a session's only id takes the session out of the ring.
    EXPECT_TRUE(queue.remove(3));
    EXPECT_EQ(queue.serviceOrder(), (QList<qint64>{1, 4}));
    EXPECT_TRUE(queue.remove(1));
    EXPECT_TRUE(queue.remove(4));
    EXPECT_TRUE(queue.isEmpty());
    EXPECT_EQ(queue.pop(), 0);
}

TEST(FairQueue, RemoveSessionDropsAllItsIds)
{
    FairQueue queue;
    queue.push(1, 1);
    queue.push(2, 2);
    queue.push(1, 3);
    queue.push(3, 4);
    queue.push(1, 5);
    queue.removeSession(1);
    EXPECT_EQ(queue.size(), 2);
    EXPECT_EQ(queue.serviceOrder(), (QList<qint64>{2, 4}));
    queue.removeSession(42);   // unknown: harmless
    EXPECT_EQ(queue.size(), 2);
    queue.removeSession(2);
    queue.removeSession(3);
    EXPECT_TRUE(queue.isEmpty());
    EXPECT_EQ(queue.pop(), 0);
}

// ---------------------------------------------------------------------------------------------
// SubscriptionBook

TEST(SubscriptionBook, CoversItselfAndSubResourcesAtABoundary)
{
    EXPECT_TRUE(SubscriptionBook::covers("file:///a", "file:///a"));
    EXPECT_TRUE(SubscriptionBook::covers("file:///a", "file:///a/b"));
    EXPECT_TRUE(SubscriptionBook::covers("file:///a", "file:///a/b/c.txt"));
    EXPECT_TRUE(SubscriptionBook::covers("file:///a", "file:///a?x"));
    EXPECT_TRUE(SubscriptionBook::covers("file:///a", "file:///a#f"));
    EXPECT_TRUE(SubscriptionBook::covers("file:///a/", "file:///a/b"));
    EXPECT_TRUE(SubscriptionBook::covers("file:///a/", "file:///a/"));
}

TEST(SubscriptionBook, DoesNotCoverSiblingsParentsOrOtherUris)
{
    EXPECT_FALSE(SubscriptionBook::covers("file:///a", "file:///ab"));
    EXPECT_FALSE(SubscriptionBook::covers("file:///a", "file:///a.txt"));
    EXPECT_FALSE(SubscriptionBook::covers("file:///a/b", "file:///a"));   // parent of the subscription
    EXPECT_FALSE(SubscriptionBook::covers("file:///a/", "file:///a"));
    EXPECT_FALSE(SubscriptionBook::covers("file:///a", "file:///b"));
    EXPECT_FALSE(SubscriptionBook::covers("file:///a", ""));
    EXPECT_FALSE(SubscriptionBook::covers("", "file:///a"));
}

TEST(SubscriptionBook, FirstSubscriberAndLastUnsubscriberTellTheChild)
{
    SubscriptionBook book;
    EXPECT_TRUE(book.subscribe(1, "file:///x"));
    EXPECT_FALSE(book.subscribe(2, "file:///x"));
    EXPECT_TRUE(book.isSubscribed(1, "file:///x"));
    EXPECT_TRUE(book.isSubscribed(2, "file:///x"));
    EXPECT_FALSE(book.isSubscribed(3, "file:///x"));
    EXPECT_EQ(book.uris(), (QList<QByteArray>{"file:///x"}));

    EXPECT_FALSE(book.unsubscribe(3, "file:///x"));   // never subscribed
    EXPECT_FALSE(book.unsubscribe(1, "file:///y"));   // unknown uri
    EXPECT_FALSE(book.unsubscribe(1, "file:///x"));   // 2 remains
    EXPECT_FALSE(book.isSubscribed(1, "file:///x"));
    EXPECT_FALSE(book.unsubscribe(1, "file:///x"));   // twice
    EXPECT_TRUE(book.unsubscribe(2, "file:///x"));    // the last one
    EXPECT_TRUE(book.uris().isEmpty());

    // Subscribing again after everyone left is a first subscription again.
    EXPECT_TRUE(book.subscribe(2, "file:///x"));
}

TEST(SubscriptionBook, SubscribersOfIncludesCoveringSubscriptions)
{
    SubscriptionBook book;
    book.subscribe(1, "file:///dir");
    book.subscribe(2, "file:///di");
    book.subscribe(3, "file:///dir/a.txt");
    book.subscribe(4, "file:///other");
    EXPECT_EQ(book.subscribersOf("file:///dir/a.txt"), (QSet<quint64>{1, 3}));
    EXPECT_EQ(book.subscribersOf("file:///dir"), (QSet<quint64>{1}));
    EXPECT_EQ(book.subscribersOf("file:///di"), (QSet<quint64>{2}));
    EXPECT_TRUE(book.subscribersOf("file:///nothing").isEmpty());
}

TEST(SubscriptionBook, RemoveSessionReturnsTheUrisLeftWithoutSubscribers)
{
    SubscriptionBook book;
    book.subscribe(1, "file:///shared");
    book.subscribe(2, "file:///shared");
    book.subscribe(1, "file:///mine");
    book.subscribe(1, "file:///also-mine");
    QList<QByteArray> orphaned = book.removeSession(1);
    std::sort(orphaned.begin(), orphaned.end());
    EXPECT_EQ(orphaned, (QList<QByteArray>{"file:///also-mine", "file:///mine"}));
    EXPECT_EQ(book.uris(), (QList<QByteArray>{"file:///shared"}));
    EXPECT_TRUE(book.isSubscribed(2, "file:///shared"));
    EXPECT_TRUE(book.removeSession(1).isEmpty());
    EXPECT_EQ(book.removeSession(2), (QList<QByteArray>{"file:///shared"}));
    EXPECT_TRUE(book.uris().isEmpty());
}

// ---------------------------------------------------------------------------------------------
// LogLevels

TEST(LogLevels, SeverityNamesInRfc5424Order)
{
    const QList<QByteArray> names{"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};
    for (int i = 0; i < int(names.size()); ++i) {
        EXPECT_EQ(LogLevels::severity(names[i]), i) << names[i].toStdString();
        EXPECT_EQ(LogLevels::name(i), names[i]);
    }
    EXPECT_EQ(LogLevels::severity("verbose"), std::nullopt);
    EXPECT_EQ(LogLevels::severity("DEBUG"), std::nullopt);
    EXPECT_EQ(LogLevels::severity(""), std::nullopt);
    EXPECT_EQ(LogLevels::severity("warn"), std::nullopt);
    // Out of range severities are clamped to a valid name.
    EXPECT_EQ(LogLevels::name(-3), "debug");
    EXPECT_EQ(LogLevels::name(99), "emergency");
}

TEST(LogLevels, EffectiveIsTheMostVerboseLevelAnySessionAskedFor)
{
    LogLevels levels;
    EXPECT_EQ(levels.effective(), std::nullopt);
    levels.set(1, 4);   // error
    EXPECT_EQ(levels.effective(), 4);
    levels.set(2, 0);   // debug
    EXPECT_EQ(levels.effective(), 0);
    levels.set(3, 3);   // warning
    EXPECT_EQ(levels.effective(), 0);
    levels.remove(2);
    EXPECT_EQ(levels.effective(), 3);
    levels.set(3, 6);   // a session changes its mind
    EXPECT_EQ(levels.effective(), 4);
    levels.remove(1);
    levels.remove(3);
    EXPECT_EQ(levels.effective(), std::nullopt);
}

TEST(LogLevels, WantsFiltersPerSessionAndUnsetSessionsGetEverything)
{
    LogLevels levels;
    levels.set(1, 4);   // error
    levels.set(2, 0);   // debug
    EXPECT_FALSE(levels.wants(1, 0));
    EXPECT_FALSE(levels.wants(1, 3));
    EXPECT_TRUE(levels.wants(1, 4));    // at its level
    EXPECT_TRUE(levels.wants(1, 7));    // above it
    EXPECT_TRUE(levels.wants(2, 0));
    EXPECT_TRUE(levels.wants(2, 7));
    for (int severity = 0; severity < 8; ++severity)
        EXPECT_TRUE(levels.wants(3, severity)) << severity;
    levels.remove(1);
    EXPECT_TRUE(levels.wants(1, 0));    // back to unset
}

// ---------------------------------------------------------------------------------------------
// ListCache

TEST(ListCache, CacheableMethodsAndWhatInvalidatesThem)
{
    for (const char *method : {"tools/list", "prompts/list", "resources/list", "resources/templates/list"})
        EXPECT_TRUE(ListCache::isCacheable(method)) << method;
    for (const char *method : {"tools/call", "resources/read", "prompts/get", "tasks/list", "roots/list", "tools/list/x"})
        EXPECT_FALSE(ListCache::isCacheable(method)) << method;

    EXPECT_EQ(ListCache::invalidatedBy("notifications/tools/list_changed"), "tools/list");
    EXPECT_EQ(ListCache::invalidatedBy("notifications/prompts/list_changed"), "prompts/list");
    EXPECT_EQ(ListCache::invalidatedBy("notifications/resources/list_changed"), "resources/");
    EXPECT_TRUE(ListCache::invalidatedBy("notifications/roots/list_changed").isEmpty());
    EXPECT_TRUE(ListCache::invalidatedBy("notifications/resources/updated").isEmpty());
    EXPECT_TRUE(ListCache::invalidatedBy("notifications/message").isEmpty());
}

TEST(ListCache, KeysArePerMethodAndCursor)
{
    ListCache cache;
    EXPECT_TRUE(cache.find("tools/list", "").isEmpty());
    cache.store("tools/list", "", "{\"tools\":[1]}");
    cache.store("tools/list", "page2", "{\"tools\":[2]}");
    cache.store("prompts/list", "", "{\"prompts\":[]}");
    EXPECT_EQ(cache.size(), 3);
    EXPECT_EQ(cache.find("tools/list", ""), "{\"tools\":[1]}");
    EXPECT_EQ(cache.find("tools/list", "page2"), "{\"tools\":[2]}");
    EXPECT_TRUE(cache.find("tools/list", "page3").isEmpty());
    EXPECT_EQ(cache.find("prompts/list", ""), "{\"prompts\":[]}");
    EXPECT_TRUE(cache.find("prompts/list", "page2").isEmpty());
    EXPECT_TRUE(cache.find("resources/list", "").isEmpty());

    cache.store("tools/list", "", "{\"tools\":[3]}");   // replaces
    EXPECT_EQ(cache.find("tools/list", ""), "{\"tools\":[3]}");
    EXPECT_EQ(cache.size(), 3);
}

TEST(ListCache, InvalidateDropsEveryCursorOfTheMethodOnly)
{
    ListCache cache;
    cache.store("tools/list", "", "{}");
    cache.store("tools/list", "c2", "{}");
    cache.store("prompts/list", "", "{\"prompts\":[]}");
    cache.invalidate("tools/list");
    EXPECT_TRUE(cache.find("tools/list", "").isEmpty());
    EXPECT_TRUE(cache.find("tools/list", "c2").isEmpty());
    EXPECT_EQ(cache.find("prompts/list", ""), "{\"prompts\":[]}");
    EXPECT_EQ(cache.size(), 1);
}

TEST(ListCache, ResourcesPrefixInvalidatesResourcesAndTemplates)
{
    ListCache cache;
    cache.store("resources/list", "", "{\"resources\":[]}");
    cache.store("resources/list", "c", "{\"resources\":[]}");
    cache.store("resources/templates/list", "", "{\"resourceTemplates\":[]}");
    cache.store("tools/list", "", "{\"tools\":[]}");
    cache.store("prompts/list", "", "{\"prompts\":[]}");
    cache.invalidate(ListCache::invalidatedBy("notifications/resources/list_changed"));
    EXPECT_TRUE(cache.find("resources/list", "").isEmpty());
    EXPECT_TRUE(cache.find("resources/list", "c").isEmpty());
    EXPECT_TRUE(cache.find("resources/templates/list", "").isEmpty());
    EXPECT_EQ(cache.find("tools/list", ""), "{\"tools\":[]}");
    EXPECT_EQ(cache.find("prompts/list", ""), "{\"prompts\":[]}");
    EXPECT_EQ(cache.size(), 2);

    cache.clear();
    EXPECT_EQ(cache.size(), 0);
    EXPECT_TRUE(cache.find("tools/list", "").isEmpty());
}

} // namespace
