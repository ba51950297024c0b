// LineBuffer against a model: the whole stream split at '\n'. Input (binary): one byte picks the
// line limit, then operations: 0 = append the next (length byte) bytes, 1 = append one byte
// repeated (up to 5000) times, 2 = append "\n", 3 = append the next 1-4 bytes. After every append
// the buffer is drained, as Session and ServerHost do.
#include "fuzzcheck.h"

#include "jsonrpc/linebuffer.h"

#include <QList>

using manifold::LineBuffer;
using Item = LineBuffer::Item;
using Kind = Item::Kind;

namespace {

constexpr qsizetype Edge = LineBuffer::EdgeBytes;

QByteArray describe(const Item &item)
{
    static const char *const names[] = {"None", "Line", "Oversized", "OversizedEnd"};
    return QByteArray(names[int(item.kind)]) + " line=" + QByteArray::number(item.line.size()) +
           " head=" + QByteArray::number(item.head.size()) +
           " tail=" + QByteArray::number(item.tail.size()) + (item.complete ? " complete" : "");
}

class Checker
{
public:
    explicit Checker(qsizetype maxLine) : m_max(maxLine), m_buffer(maxLine) {}

    void append(QByteArrayView data)
    {
        m_buffer.append(data);
        m_stream.append(data);
        for (Item item = m_buffer.next(); item.kind != Kind::None; item = m_buffer.next())
            m_items.append(item);
        // However the bytes arrive, no more than one line's worth is ever held.
        FUZZ_CHECK(m_buffer.bufferedBytes() <= m_max,
                   "buffered " + QByteArray::number(m_buffer.bufferedBytes()));
    }

    void finish()
    {
        const QByteArray remainder = m_buffer.takeRemainder();
        FUZZ_CHECK(m_buffer.bufferedBytes() == 0, "takeRemainder left bytes behind");
        QList<QByteArray> lines = m_stream.split('\n');
        const QByteArray trailing = lines.takeLast();
        qsizetype at = 0;
        for (const QByteArray &line : std::as_const(lines))
            at = expectLine(at, line, true);
        if (trailing.size() > m_max) {
            // Still being discarded at the end: announced, its bytes are gone.
            at = expectLine(at, trailing, false);
            FUZZ_CHECK(remainder.isEmpty(),
                       "remainder of an oversized line: " + QByteArray::number(remainder.size()));
        } else {
            FUZZ_CHECK(remainder == trailing, "remainder differs from the unterminated tail");
        }
        FUZZ_CHECK(at == m_items.size(), "extra items; first: " + describe(m_items.value(at)));
        // A fresh start after takeRemainder: the buffer is usable again.
        m_buffer.append("x\n");
        const Item again = m_buffer.next();
        FUZZ_CHECK(again.kind == Kind::Line && again.line == "x",
                   "after takeRemainder: " + describe(again));
    }

private:
    const Item &itemAt(qsizetype at) const
    {
        FUZZ_CHECK(at < m_items.size(), "missing item " + QByteArray::number(at));
        return m_items[at];
    }

    void expectHead(const Item &item, const QByteArray &line) const
    {
        // The head is what was buffered when the line went over the limit: a prefix of more than
        // the limit (or of the whole edge).
        FUZZ_CHECK(line.startsWith(item.head), "head is not a prefix: " + describe(item));
        FUZZ_CHECK(item.head.size() <= Edge, "head too long: " + describe(item));
        FUZZ_CHECK(item.head.size() >= qMin(Edge, m_max + 1), "head too short: " + describe(item));
    }

    void expectTail(const Item &item, const QByteArray &line) const
    {
        FUZZ_CHECK(item.tail == line.right(qMin(Edge, line.size())),
                   "tail is not the line's end: " + describe(item));
    }

    // Checks the item(s) for one line starting at index at; returns the index after them.
    qsizetype expectLine(qsizetype at, const QByteArray &line, bool terminated) const
    {
        const Item &item = itemAt(at);
        if (line.size() <= m_max) {
            FUZZ_CHECK(item.kind == Kind::Line && item.line == line,
                       "expected a line; got " + describe(item));
            return at + 1;
        }
        FUZZ_CHECK(item.kind == Kind::Oversized && item.line.isEmpty(),
                   "expected oversized; got " + describe(item));
        expectHead(item, line);
        if (item.complete) {
            FUZZ_CHECK(terminated, "an unterminated line reported complete: " + describe(item));
            expectTail(item, line);
            return at + 1;
        }
        if (!terminated)
            return at + 1;
        const Item &end = itemAt(at + 1);
        FUZZ_CHECK(end.kind == Kind::OversizedEnd && end.complete,
                   "expected the oversized end; got " + describe(end));
        FUZZ_CHECK(end.head == item.head, "the end reports another head: " + describe(end));
        expectTail(end, line);
        return at + 2;
    }

    qsizetype m_max;
    LineBuffer m_buffer;
    QByteArray m_stream;
    QList<Item> m_items;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::ByteReader in(fuzz::bytesOf(data, size));
    // Small limits reach the oversized paths quickly; 1100+ puts head and tail below the limit.
    const quint8 pick = in.byte();
    Checker checker(pick & 0x80 ? 1100 + (pick & 0x7f) * 8 : 1 + (pick & 0x3f));
    qsizetype total = 0;
    while (!in.atEnd() && total < 1024 * 1024) {
        QByteArray chunk;
        switch (in.byte() & 3) {
        case 0:
            chunk = in.bytes(in.byte()).toByteArray();
            break;
        case 1: {
            const char c = char(in.byte());
            chunk = QByteArray(in.word() % 5000, c); // past EdgeBytes and the largest limit
            break;
        }
        case 2:
            chunk = "\n";
            break;
        case 3:
            chunk = in.bytes(1 + (in.byte() & 3)).toByteArray();
            break;
        }
        total += chunk.size();
        checker.append(chunk);
    }
    checker.finish();
    return 0;
}
