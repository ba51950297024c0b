#include "jsonrpc/linebuffer.h"

#include <QList>

#include <gtest/gtest.h>

using manifold::LineBuffer;
using Kind = LineBuffer::Item::Kind;

TEST(LineBuffer, SplitsLinesAcrossArbitraryChunks)
{
    LineBuffer buffer;
    const QByteArray stream = "{\"a\":1}\n{\"b\":\"\xc3\xbc\"}\n\n{\"c\":3}\n";
    for (char c : stream)
        buffer.append(QByteArrayView(&c, 1));
    QList<QByteArray> lines;
    for (auto item = buffer.next(); item.kind != Kind::None; item = buffer.next())
        lines.append(item.line);
    ASSERT_EQ(lines.size(), 4);
    EXPECT_EQ(lines[0], "{\"a\":1}");
    EXPECT_EQ(lines[1], "{\"b\":\"\xc3\xbc\"}");
    EXPECT_EQ(lines[2], "");
    EXPECT_EQ(lines[3], "{\"c\":3}");
}

TEST(LineBuffer, ManyLinesInOneChunk)
{
    LineBuffer buffer;
    QByteArray chunk;
    for (int i = 0; i < 1000; ++i)
        chunk += QByteArray::number(i) + '\n';
    buffer.append(chunk + "tail");
    for (int i = 0; i < 1000; ++i) {
        auto item = buffer.next();
        ASSERT_EQ(item.kind, Kind::Line);
        EXPECT_EQ(item.line, QByteArray::number(i));
    }
    EXPECT_EQ(buffer.next().kind, Kind::None);
    EXPECT_EQ(buffer.takeRemainder(), "tail");
}

TEST(LineBuffer, KeepsTenMegabyteLinesIntact)
{
    LineBuffer buffer(64 * 1024 * 1024);
    QByteArray big(10 * 1024 * 1024, 'x');
    big[5] = '\xc3';
    big[6] = '\xbc';
    for (qsizetype offset = 0; offset < big.size(); offset += 65536)
        buffer.append(QByteArrayView(big).sliced(offset, qMin<qsizetype>(65536, big.size() - offset)));
    EXPECT_EQ(buffer.next().kind, Kind::None);
    buffer.append("\n");
    auto item = buffer.next();
    ASSERT_EQ(item.kind, Kind::Line);
    EXPECT_EQ(item.line, big);
}

TEST(LineBuffer, RefusesOversizedLineAndRecovers)
{
    LineBuffer buffer(16);
    buffer.append("short\n");
    buffer.append(QByteArray(40, 'y'));
    EXPECT_EQ(buffer.next().kind, Kind::Line);
    EXPECT_EQ(buffer.next().kind, Kind::Oversized);
    EXPECT_LE(buffer.bufferedBytes(), 16);
    buffer.append(QByteArray(40, 'y'));   // rest of the oversized line is discarded
    buffer.append("yyy\nnext\n");
    EXPECT_EQ(buffer.next().kind, Kind::OversizedEnd);   // the refused line is over
    auto item = buffer.next();
    ASSERT_EQ(item.kind, Kind::Line);
    EXPECT_EQ(item.line, "next");
    EXPECT_EQ(buffer.next().kind, Kind::None);
}

TEST(LineBuffer, OversizedCompleteLineIsReportedOnce)
{
    LineBuffer buffer(4);
    buffer.append("toolong\nok\n");
    EXPECT_EQ(buffer.next().kind, Kind::Oversized);
    auto item = buffer.next();
    ASSERT_EQ(item.kind, Kind::Line);
    EXPECT_EQ(item.line, "ok");
}

TEST(LineBuffer, OversizedCompleteLineKeepsItsEdges)
{
    LineBuffer buffer(3000);
    const QByteArray line = "HEAD" + QByteArray(5000, 'm') + "TAIL";
    buffer.append(line + "\nnext\n");
    const auto item = buffer.next();
    ASSERT_EQ(item.kind, Kind::Oversized);
    EXPECT_TRUE(item.complete);
    EXPECT_EQ(item.head, line.first(LineBuffer::EdgeBytes));
    EXPECT_EQ(item.tail, line.last(LineBuffer::EdgeBytes));
    EXPECT_EQ(buffer.next().line, "next");
}

TEST(LineBuffer, OversizedStreamedLineReportsItsEndWithTheTail)
{
    LineBuffer buffer(3000);
    buffer.append("HEAD" + QByteArray(4000, 'm'));
    const auto first = buffer.next();
    ASSERT_EQ(first.kind, Kind::Oversized);
    EXPECT_FALSE(first.complete);
    EXPECT_TRUE(first.head.startsWith("HEAD"));
    EXPECT_EQ(buffer.next().kind, Kind::None);
    buffer.append(QByteArray(3000, 'm'));
    buffer.append(QByteArray(10, 'm') + "TAIL\nok\n");
    const auto end = buffer.next();
    ASSERT_EQ(end.kind, Kind::OversizedEnd);
    EXPECT_TRUE(end.complete);
    EXPECT_TRUE(end.head.startsWith("HEAD"));
    EXPECT_TRUE(end.tail.endsWith("mmmmTAIL"));
    EXPECT_EQ(end.tail.size(), LineBuffer::EdgeBytes);
    EXPECT_EQ(buffer.next().line, "ok");
}

TEST(LineBuffer, HandsOverALargeLineWithTheNextOneBehindIt)
{
    LineBuffer buffer(64 * 1024 * 1024);
    buffer.append("{\"small\":1}\n");
    const QByteArray big(1024 * 1024, 'x');
    buffer.append(big);
    buffer.append("\n{\"next\":");   // the start of the next line arrives with the end of this one
    auto first = buffer.next();
    ASSERT_EQ(first.kind, Kind::Line);
    EXPECT_EQ(first.line, "{\"small\":1}");
    auto large = buffer.next();
    ASSERT_EQ(large.kind, Kind::Line);
    EXPECT_EQ(large.line, big);
    EXPECT_EQ(buffer.next().kind, Kind::None);
    buffer.append("2}\n");
    auto next = buffer.next();
    ASSERT_EQ(next.kind, Kind::Line);
    EXPECT_EQ(next.line, "{\"next\":2}");
    EXPECT_EQ(buffer.bufferedBytes(), 0);
}

TEST(LineBuffer, AppendInPlaceGrowsWithoutChangingTheBytes)
{
    QByteArray buffer;
    QByteArray expected;
    for (int i = 0; i < 2000; ++i) {
        const QByteArray piece = QByteArray::number(i) + QByteArray(i % 700, char('a' + i % 26));
        LineBuffer::appendInPlace(buffer, piece);
        expected += piece;
    }
    LineBuffer::appendInPlace(buffer, {});
    EXPECT_EQ(buffer, expected);
}
