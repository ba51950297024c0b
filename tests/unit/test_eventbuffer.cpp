#include "http/eventbuffer.h"

#include <gtest/gtest.h>

using manifold::http::EventBuffer;

TEST(EventBuffer, AResumeReplaysWhatFollowedOnThatStreamOnly)
{
    EventBuffer buffer(1024);
    const QByteArray priming = buffer.add(1, {}).id();
    buffer.add(2, "{\"a\":1}");
    const QByteArray progress = buffer.add(1, "{\"p\":1}").id();
    buffer.add(1, "{\"r\":1}");
    EXPECT_EQ(priming, "1-1");

    const EventBuffer::Replay fromPriming = buffer.after(priming);
    ASSERT_TRUE(fromPriming.known);
    EXPECT_EQ(fromPriming.stream, 1);
    ASSERT_EQ(fromPriming.events.size(), 2);
    EXPECT_EQ(fromPriming.events[0].data, "{\"p\":1}");
    EXPECT_EQ(fromPriming.events[1].data, "{\"r\":1}");
    EXPECT_EQ(buffer.after(progress).events.size(), 1);
    EXPECT_TRUE(buffer.after("2-2").known);
    EXPECT_TRUE(buffer.after("2-2").events.isEmpty());
}

TEST(EventBuffer, IdsNotOursOrPastTheBoundAreNotResumable)
{
    EventBuffer buffer(10);
    const QByteArray first = buffer.add(1, "0123456789").id();
    const QByteArray second = buffer.add(1, "abcdefghij").id();   // pushes the first out
    EXPECT_EQ(buffer.bytes(), 10);
    EXPECT_TRUE(buffer.after(first).known);                      // its follower is still kept
    buffer.add(1, "ABCDEFGHIJ");
    EXPECT_FALSE(buffer.after(first).known);                     // its follower is gone
    EXPECT_TRUE(buffer.after(second).known);
    for (const char *id : {"", "x", "1-", "-1", "1-0", "1-99", "a-1"})
        EXPECT_FALSE(buffer.after(id).known) << id;
}

TEST(EventBuffer, AFinishedStreamGivesItsBytesBack)
{
    EventBuffer buffer(1024);
    buffer.add(1, {});
    buffer.add(1, "12345");
    buffer.add(2, "678");
    buffer.dropStream(1);
    EXPECT_EQ(buffer.bytes(), 3);
    EXPECT_TRUE(buffer.after("1-1").events.isEmpty());
    EXPECT_EQ(buffer.after("1-1").stream, 1);
}

TEST(EventBuffer, FormatsMessagesPrimingEventsAndRetry)
{
    EXPECT_EQ(EventBuffer::format({3, 7, "{\"jsonrpc\":\"2.0\"}"}), "id: 3-7\nevent: message\ndata: {\"jsonrpc\":\"2.0\"}\n\n");
    EXPECT_EQ(EventBuffer::format({3, 1, {}}, 2000), "id: 3-1\nretry: 2000\ndata: \n\n");
}
