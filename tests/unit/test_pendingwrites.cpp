// PendingWrites: what a session's socket or a child's stdin would not take yet, written later from
// where the last write stopped, through a real non-blocking pipe whose reader takes it all.
#include "broker/pendingwrites.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>
#endif

using manifold::PendingWrites;

TEST(PendingWrites, CountsWhatIsLeftTerminatorsIncluded)
{
    PendingWrites lines(PendingWrites::Terminator::Newline);
    lines.append("abc");
    lines.append("de");
    EXPECT_EQ(lines.bytes(), 7); // "abc\nde\n"
    lines.consume(2);             // "ab"
    EXPECT_EQ(lines.headWritten(), 2);
    EXPECT_EQ(lines.bytes(), 5);
    lines.consume(2);             // "c\n": the first line is gone
    EXPECT_EQ(lines.head(), "de");
    EXPECT_EQ(lines.headWritten(), 0);
    lines.consume(2);             // "de", not its newline
    EXPECT_EQ(lines.headWritten(), 2);
    EXPECT_EQ(lines.bytes(), 1);
    qsizetype written = -1;
    EXPECT_EQ(lines.takeHead(&written), "de");
    EXPECT_EQ(written, 2);
    EXPECT_TRUE(lines.isEmpty());
    EXPECT_EQ(lines.bytes(), 0);

    PendingWrites bytes(PendingWrites::Terminator::None);
    bytes.append("0123456789", 4); // the first write took "0123"
    bytes.append("ab");
    EXPECT_EQ(bytes.bytes(), 8);
    EXPECT_EQ(bytes.headWritten(), 4);
    bytes.consume(6);
    EXPECT_EQ(bytes.head(), "ab");
    bytes.clear();
    EXPECT_TRUE(bytes.isEmpty());
    EXPECT_EQ(bytes.bytes(), 0);
    EXPECT_EQ(bytes.headWritten(), 0);
}

#ifdef Q_OS_UNIX
namespace {

std::string drain(int fd)
{
    std::string out;
    char buffer[65536];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0)
        out.append(buffer, size_t(n));
    return out;
}

// Writes what is pending to a non-blocking pipe until it is all out, reading the other end
// whenever the pipe is full; returns what came out.
std::string writeAll(PendingWrites &pending, int parts, qint64 maxBytes)
{
    int ends[2];
    EXPECT_EQ(::pipe(ends), 0);
    ::fcntl(ends[0], F_SETFL, O_NONBLOCK);
    ::fcntl(ends[1], F_SETFL, O_NONBLOCK);
    std::string out;
    while (!pending.isEmpty()) {
        std::vector<iovec> iov(static_cast<size_t>(parts));
        qint64 offered = 0;
        const int count = pending.gather(iov.data(), parts, maxBytes, &offered);
        EXPECT_GT(count, 0);
        const ssize_t written = ::writev(ends[1], iov.data(), count);
        if (written > 0)
            pending.consume(written);
        EXPECT_LE(written, offered);
        out += drain(ends[0]);
    }
    ::close(ends[1]);
    out += drain(ends[0]);
    ::close(ends[0]);
    return out;
}

} // namespace

TEST(PendingWrites, GatheredWritesResumeMidChunkAndLoseNothing)
{
    // Lines larger than a pipe (64 KiB), small ones, an empty one, and a first line partly
    // written: every byte arrives once, in order, each line with its newline.
    PendingWrites lines(PendingWrites::Terminator::Newline);
    std::string expected;
    const std::string big(200 * 1024, 'x');
    lines.append(QByteArray::fromStdString("head-line"), 5);
    expected += "line\n";
    for (int i = 0; i < 50; ++i) {
        const std::string line = i % 10 == 3 ? big + std::to_string(i) : "msg " + std::to_string(i);
        lines.append(QByteArray::fromStdString(line));
        expected += line + "\n";
    }
    lines.append(QByteArray());
    expected += "\n";
    EXPECT_EQ(lines.bytes(), qint64(expected.size()));
    EXPECT_EQ(writeAll(lines, 5, 64 * 1024), expected); // 5 parts: two lines per write at most
    EXPECT_EQ(lines.bytes(), 0);

    PendingWrites bytes(PendingWrites::Terminator::None);
    bytes.append(QByteArray::fromStdString(big), 1000);
    bytes.append("tail");
    EXPECT_EQ(writeAll(bytes, 16, std::numeric_limits<qint64>::max()), big.substr(1000) + "tail");
}

TEST(PendingWrites, GatherStopsAtItsPartsAndByteBudget)
{
    PendingWrites lines(PendingWrites::Terminator::Newline);
    for (int i = 0; i < 10; ++i)
        lines.append(QByteArray(100, 'a'));
    struct iovec iov[64];
    qint64 offered = 0;
    EXPECT_EQ(lines.gather(iov, 7, 1 << 20, &offered), 6); // three whole lines fit seven parts
    EXPECT_EQ(offered, 303);
    EXPECT_EQ(lines.gather(iov, 64, 150, &offered), 4); // the budget is passed by the second line
    EXPECT_EQ(offered, 202);
    lines.consume(100); // the first line but its newline: only the newline is left of it
    EXPECT_EQ(lines.gather(iov, 3, 1 << 20, &offered), 3);
    EXPECT_EQ(iov[0].iov_len, 1u);
    EXPECT_EQ(offered, 102);
}
#endif
