#include "linebuffer.h"

#include <cstring>
#include <utility>

namespace manifold {

void LineBuffer::append(QByteArrayView data)
{
    if (m_discarding) {
        const qsizetype newline = data.indexOf('\n');
        const QByteArrayView dropped = newline < 0 ? data : data.first(newline);
        m_tail.append(dropped.last(qMin(dropped.size(), EdgeBytes)));
        if (m_tail.size() > EdgeBytes)
            m_tail.remove(0, m_tail.size() - EdgeBytes);
        if (newline < 0)
            return;
        m_discarding = false;
        m_endPending = true;
        data = data.sliced(newline + 1);
    }
    // Compact lazily so taking many small lines stays linear. In place, so that the bytes keep
    // starting where the allocation does and growing it below can be a realloc.
    if (m_readPos > 0 && m_readPos * 2 >= m_buffer.size()) {
        const qsizetype rest = m_buffer.size() - m_readPos;
        std::memmove(m_buffer.data(), m_buffer.constData() + m_readPos, size_t(rest));
        m_buffer.truncate(rest);
        m_scanPos -= m_readPos;
        m_readPos = 0;
    }
    appendInPlace(m_buffer, data);
}

void LineBuffer::appendInPlace(QByteArray &buffer, QByteArrayView data)
{
    // Not QByteArray::append: it grows into a new block and copies, so a large line would be
    // resident twice while it arrives. resize() reallocates, which for a large block moves its
    // pages instead of copying them (see platform::tuneAllocator()).
    if (data.isEmpty())
        return;
    const qsizetype old = buffer.size();
    buffer.resize(old + data.size());
    std::memcpy(buffer.data() + old, data.data(), size_t(data.size()));
}

LineBuffer::Item LineBuffer::next()
{
    if (m_endPending) {
        m_endPending = false;
        Item end{Item::Kind::OversizedEnd,
                 {},
                 std::exchange(m_head, {}),
                 std::exchange(m_tail, {}),
                 true};
        return end;
    }
    const qsizetype newline = m_buffer.indexOf('\n', qMax(m_scanPos, m_readPos));
    if (newline < 0) {
        m_scanPos = m_buffer.size();
        if (m_buffer.size() - m_readPos > m_maxLineBytes) {
            const QByteArrayView pending = QByteArrayView(m_buffer).sliced(m_readPos);
            m_head = pending.first(qMin(pending.size(), EdgeBytes)).toByteArray();
            m_tail = pending.last(qMin(pending.size(), EdgeBytes)).toByteArray();
            m_buffer.clear();
            m_readPos = m_scanPos = 0;
            m_discarding = true;
            return {Item::Kind::Oversized, {}, m_head, {}, false};
        }
        return {};
    }
    const qsizetype length = newline - m_readPos;
    const qsizetype start = m_readPos;
    m_readPos = newline + 1;
    m_scanPos = m_readPos;
    if (length > m_maxLineBytes) {
        const QByteArrayView whole = QByteArrayView(m_buffer).sliced(start, length);
        const qsizetype edge = qMin(whole.size(), EdgeBytes);
        return {Item::Kind::Oversized,
                {},
                whole.first(edge).toByteArray(),
                whole.last(edge).toByteArray(),
                true};
    }
    Item item;
    item.kind = Item::Kind::Line;
    const qsizetype after = m_buffer.size() - m_readPos;
    if (start == 0 && after == 0) {
        // The buffer is exactly this line: hand it over instead of copying (a 10 MB result
        // would otherwise exist twice).
        item.line = std::exchange(m_buffer, {});
        item.line.truncate(length);
        m_readPos = m_scanPos = 0;
        return item;
    }
    if (length >= HandOverBytes && length >= after) {
        // A large line with the start of the next behind it: hand the buffer over all the same
        // and copy the (smaller) rest out instead.
        QByteArray rest(m_buffer.constData() + m_readPos, after);
        item.line = std::exchange(m_buffer, std::move(rest));
        if (start > 0)
            std::memmove(item.line.data(), item.line.constData() + start, size_t(length));
        item.line.truncate(length);
        m_readPos = m_scanPos = 0;
        return item;
    }
    item.line = m_buffer.mid(start, length);
    if (m_readPos == m_buffer.size()) {
        m_buffer.clear();
        m_readPos = m_scanPos = 0;
    }
    return item;
}

QByteArray LineBuffer::takeRemainder()
{
    QByteArray rest = m_buffer.mid(m_readPos);
    m_buffer.clear();
    m_readPos = m_scanPos = 0;
    m_discarding = false;
    m_endPending = false;
    m_head.clear();
    m_tail.clear();
    return rest;
}

} // namespace manifold
