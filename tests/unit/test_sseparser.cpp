#include "remote/sseparser.h"

#include <gtest/gtest.h>

using manifold::remote::SseParser;

namespace {

constexpr qsizetype Max = 1024;

// Every event of input, read in one piece.
QList<SseParser::Event> parseAll(QByteArrayView input, qsizetype maxBytes = Max)
{
    SseParser parser(maxBytes);
    return parser.feed(input);
}

// The same, read readSize bytes at a time.
QList<SseParser::Event> parseInReads(QByteArrayView input, qsizetype readSize)
{
    SseParser parser(Max);
    QList<SseParser::Event> events;
    for (qsizetype at = 0; at < input.size(); at += readSize)
        events += parser.feed(input.sliced(at, qMin(readSize, input.size() - at)));
    return events;
}

QList<QByteArray> dataOf(const QList<SseParser::Event> &events)
{
    QList<QByteArray> data;
    for (const SseParser::Event &event : events)
        data.append(event.data);
    return data;
}

} // namespace

TEST(SseParser, AMessageEventWithDefaultsAndItsFields)
{
    const auto events = parseAll("data: {\"jsonrpc\":\"2.0\"}\n\nevent: endpoint\ndata: /message?sessionId=1\n\n");
    ASSERT_EQ(events.size(), 2);
    EXPECT_EQ(events[0].type, "message");
    EXPECT_EQ(events[0].data, "{\"jsonrpc\":\"2.0\"}");
    EXPECT_TRUE(events[0].isMessage());
    EXPECT_FALSE(events[0].id.has_value());
    EXPECT_FALSE(events[0].idChanged);
    EXPECT_FALSE(events[0].retryMs.has_value());
    EXPECT_EQ(events[1].type, "endpoint");
    EXPECT_EQ(events[1].data, "/message?sessionId=1");
}

TEST(SseParser, DataLinesJoinWithLineFeeds)
{
    EXPECT_EQ(dataOf(parseAll("data: a\ndata: b\ndata:\ndata: c\n\n")), QList<QByteArray>{"a\nb\n\nc"});
    // A trailing empty data line leaves one '\n' (only the last one is removed).
    EXPECT_EQ(dataOf(parseAll("data: a\ndata:\n\n")), QList<QByteArray>{"a\n"});
}

TEST(SseParser, OnlyOneSpaceAfterTheColonIsStripped)
{
    EXPECT_EQ(dataOf(parseAll("data:x\n\ndata: x\n\ndata:  x\n\ndata:\tx\n\n")),
              (QList<QByteArray>{"x", "x", " x", "\tx"}));
    // Colons after the first belong to the value.
    EXPECT_EQ(dataOf(parseAll("data: a: b:c\n\n")), QList<QByteArray>{"a: b:c"});
}

TEST(SseParser, AllThreeLineEndsAndMixtures)
{
    const QList<QByteArray> expected{"a\nb", "c"};
    EXPECT_EQ(dataOf(parseAll("data: a\ndata: b\n\ndata: c\n\n")), expected);
    EXPECT_EQ(dataOf(parseAll("data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n")), expected);
    EXPECT_EQ(dataOf(parseAll("data: a\rdata: b\r\rdata: c\r\r")), expected);
    EXPECT_EQ(dataOf(parseAll("data: a\r\ndata: b\n\rdata: c\r\n\n")), expected);
}

TEST(SseParser, ACarriageReturnEndingOneReadAndALineFeedStartingTheNext)
{
    SseParser parser(Max);
    EXPECT_TRUE(parser.feed("data: a\r").isEmpty());
    // The LF belongs to the CR before it: it must not end an empty line and dispatch.
    EXPECT_TRUE(parser.feed("\ndata: b\r").isEmpty());
    EXPECT_TRUE(parser.feed("\n").isEmpty());
    const auto events = parser.feed("\r\n");
    ASSERT_EQ(events.size(), 1);
    EXPECT_EQ(events[0].data, "a\nb");
}

TEST(SseParser, ACarriageReturnAloneDispatchesWithoutWaitingForTheNextRead)
{
    SseParser parser(Max);
    EXPECT_TRUE(parser.feed("data: a\r").isEmpty());
    const auto events = parser.feed("\r");
    ASSERT_EQ(events.size(), 1);   // an event must not wait for bytes that may never come
    EXPECT_EQ(events[0].data, "a");
    EXPECT_TRUE(parser.feed("\n").isEmpty());   // the LF ends the second CR's line, nothing more
    EXPECT_EQ(dataOf(parser.feed("data: b\n\n")), QList<QByteArray>{"b"});
}

TEST(SseParser, EverySplitOfAStreamGivesTheSameEvents)
{
    const QByteArray stream = "\xEF\xBB\xBF: hello\r\nretry: 1500\r\nid: p1\r\ndata:\r\n\r\n"
                              "event: message\rdata: {\"a\":1}\r\rid\ndata: x\ndata: y\n\n"
                              "id: 7\r\ndata: last\r\n\r\n";
    const auto whole = parseAll(stream);
    ASSERT_EQ(whole.size(), 4);
    for (qsizetype readSize = 1; readSize <= stream.size(); ++readSize)
        EXPECT_EQ(parseInReads(stream, readSize), whole) << "reads of " << readSize;
}

TEST(SseParser, CommentsAreIgnored)
{
    EXPECT_EQ(dataOf(parseAll(": keep-alive\n\n:\ndata: a\n: between\ndata: b\n\n")), QList<QByteArray>{"a\nb"});
}

TEST(SseParser, ALeadingByteOrderMarkIsSkippedOnceEvenWhenSplit)
{
    EXPECT_EQ(dataOf(parseAll("\xEF\xBB\xBF" "data: a\n\n")), QList<QByteArray>{"a"});
    EXPECT_EQ(dataOf(parseInReads("\xEF\xBB\xBF" "data: a\n\n", 1)), QList<QByteArray>{"a"});
    // Only at the start of the stream: a second one is part of a field name, which is unknown.
    EXPECT_EQ(dataOf(parseAll("\xEF\xBB\xBF\xEF\xBB\xBF" "data: a\n\ndata: b\n\n")), QList<QByteArray>{"b"});
    // Bytes that only begin like a mark are kept.
    EXPECT_EQ(parseAll("\xEF\xBB" "data: a\n\n").size(), 0);   // field "\xEF\xBBdata"
}

TEST(SseParser, AFieldWithoutAColonHasAnEmptyValue)
{
    // "data" alone appends an empty line; "event" alone resets the type to "message".
    EXPECT_EQ(dataOf(parseAll("data\ndata\n\n")), QList<QByteArray>{"\n"});
    const auto events = parseAll("event: x\nevent\ndata: a\n\n");
    ASSERT_EQ(events.size(), 1);
    EXPECT_EQ(events[0].type, "message");
}

TEST(SseParser, UnknownFieldsAreIgnored)
{
    const auto events = parseAll("foo: bar\nData: no\nDATA: no\ndata: yes\n\n");
    EXPECT_EQ(dataOf(events), QList<QByteArray>{"yes"});
}

TEST(SseParser, AnEventWithoutDataIsNotDispatched)
{
    EXPECT_TRUE(parseAll("event: x\n\n\n\n").isEmpty());
    EXPECT_TRUE(parseAll("data:\n\n").isEmpty());   // empty data and nothing new: nothing to say
    // The type does not leak into the next event.
    const auto events = parseAll("event: x\n\ndata: a\n\n");
    ASSERT_EQ(events.size(), 1);
    EXPECT_EQ(events[0].type, "message");
}

TEST(SseParser, TheLastEventIdCarriesOverToEventsWithoutOne)
{
    const auto events = parseAll("id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\nid\ndata: d\n\n");
    ASSERT_EQ(events.size(), 4);
    EXPECT_EQ(events[0].id, QByteArray("1"));
    EXPECT_TRUE(events[0].idChanged);
    EXPECT_EQ(events[1].id, QByteArray("1"));
    EXPECT_FALSE(events[1].idChanged);
    EXPECT_EQ(events[2].id, QByteArray("2"));
    EXPECT_TRUE(events[2].idChanged);
    EXPECT_FALSE(events[3].id.has_value());   // an empty id clears it: nothing to resume from
    EXPECT_TRUE(events[3].idChanged);
}

TEST(SseParser, AnIdTakesEffectOnlyWhenItsEventEnds)
{
    SseParser parser(Max);
    EXPECT_TRUE(parser.feed("id: 5\ndata: a\n").isEmpty());
    EXPECT_FALSE(parser.lastEventId().has_value());   // the event may never end
    parser.feed("\n");
    EXPECT_EQ(parser.lastEventId(), QByteArray("5"));
}

TEST(SseParser, AnIdWithANulIsIgnored)
{
    const auto events = parseAll(QByteArrayView("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n", 32));
    ASSERT_EQ(events.size(), 2);
    EXPECT_EQ(events[1].id, QByteArray("1"));
}

TEST(SseParser, MCPsPrimingEventReportsItsIdWithoutAMessage)
{
    SseParser parser(Max);
    const auto priming = parser.feed("id: 9f1c-uuid\ndata: \n\n");
    ASSERT_EQ(priming.size(), 1);
    EXPECT_FALSE(priming[0].isMessage());
    EXPECT_TRUE(priming[0].idChanged);
    EXPECT_EQ(priming[0].id, QByteArray("9f1c-uuid"));
    EXPECT_EQ(parser.lastEventId(), QByteArray("9f1c-uuid"));
    // Also without a data field at all.
    const auto bare = parser.feed("id: next\n\n");
    ASSERT_EQ(bare.size(), 1);
    EXPECT_FALSE(bare[0].isMessage());
    EXPECT_EQ(bare[0].id, QByteArray("next"));
    // The same id again is no news.
    EXPECT_TRUE(parser.feed("id: next\n\n").isEmpty());
}

TEST(SseParser, RetryTakesDigitsOnly)
{
    SseParser parser(Max);
    EXPECT_TRUE(parser.feed("retry: 12x\nretry: -5\nretry: \nretry: 1 2\n").isEmpty());
    EXPECT_FALSE(parser.retryMs().has_value());
    parser.feed("retry: 3000\n");
    EXPECT_EQ(parser.retryMs(), 3000);   // at once, before the event ends
    const auto events = parser.feed("data: a\n\n");
    ASSERT_EQ(events.size(), 1);
    EXPECT_EQ(events[0].retryMs, 3000);
    parser.feed("retry: 99999999999999999999999\n");   // past qint64: ignored
    EXPECT_EQ(parser.retryMs(), 3000);
}

TEST(SseParser, ARetryAloneIsReportedOnce)
{
    SseParser parser(Max);
    const auto events = parser.feed("retry: 2000\n\n");
    ASSERT_EQ(events.size(), 1);
    EXPECT_FALSE(events[0].isMessage());
    EXPECT_FALSE(events[0].idChanged);
    EXPECT_EQ(events[0].retryMs, 2000);
    EXPECT_TRUE(parser.feed("retry: 2000\n\n").isEmpty());
}

TEST(SseParser, TheFrontDoorsOwnEventsReadBack)
{
    // What core/http/eventbuffer formats: a priming event with retry, then a message.
    const auto events = parseAll("id: 3-1\nretry: 2000\ndata: \n\nid: 3-2\nevent: message\ndata: {\"id\":1}\n\n");
    ASSERT_EQ(events.size(), 2);
    EXPECT_FALSE(events[0].isMessage());
    EXPECT_EQ(events[0].retryMs, 2000);
    EXPECT_EQ(events[1].data, "{\"id\":1}");
    EXPECT_EQ(events[1].id, QByteArray("3-2"));
}

TEST(SseParser, AnUnfinishedEventIsNeverDispatched)
{
    SseParser parser(Max);
    EXPECT_TRUE(parser.feed("data: a\ndata: b\n").isEmpty());
    EXPECT_TRUE(parser.feed("data: c").isEmpty());
}

TEST(SseParser, ALineLongerThanTheCapIsAnError)
{
    SseParser parser(16);
    // The events before the long line still come out.
    const auto events = parser.feed("data: short\n\ndata: 0123456789abcdef\n\ndata: after\n\n");
    EXPECT_EQ(dataOf(events), QList<QByteArray>{"short"});
    EXPECT_TRUE(parser.failed());
    EXPECT_NE(parser.error().indexOf(QLatin1String("16 bytes")), -1) << parser.error().toStdString();
    EXPECT_TRUE(parser.feed("data: x\n\n").isEmpty());   // nothing more is read
}

TEST(SseParser, ALineThatNeverEndsIsAnErrorOncePastTheCap)
{
    SseParser parser(16);
    EXPECT_TRUE(parser.feed("data: 0123456789").isEmpty());   // exactly 16: still fine
    EXPECT_FALSE(parser.failed());
    parser.feed("a");
    EXPECT_TRUE(parser.failed());
}

TEST(SseParser, ALineOfExactlyTheCapIsFine)
{
    EXPECT_EQ(dataOf(parseAll("data: 0123456789\n\n", 16)), QList<QByteArray>{"0123456789"});
}

TEST(SseParser, AnEventsDataIsCappedToo)
{
    SseParser parser(16);
    EXPECT_TRUE(parser.feed("data: 12345\ndata: 12345\ndata: 12345\n").isEmpty());
    EXPECT_TRUE(parser.failed());
    EXPECT_NE(parser.error().indexOf(QLatin1String("event")), -1);
}

TEST(SseParser, PayloadBytesStayAsSent)
{
    const QByteArray utf8 = "data: {\"t\":\"caf\xC3\xA9 \xF0\x9F\x98\x80\"}\n\n";
    EXPECT_EQ(dataOf(parseAll(utf8)), QList<QByteArray>{"{\"t\":\"caf\xC3\xA9 \xF0\x9F\x98\x80\"}"});
}
