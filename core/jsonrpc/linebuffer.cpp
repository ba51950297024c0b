#include "linebuffer.h"

namespace manifold {

void LineBuffer::append(QByteArrayView data)
{
    if (m_discarding) {
        const qsizetype newline = data.indexOf('\n');
        if (newline < 0)
            return;
        m_discarding = false;
        data = data.sliced(newline + 1);
    }
    // Compact lazily so taking many small lines stays linear.
    if (m_readPos > 0 && m_readPos * 2 >= m_buffer.size()) {
        m_buffer.remove(0, m_readPos);
        m_scanPos -= m_readPos;
        m_readPos = 0;
    }
    m_buffer.append(data);
}

LineBuffer::Item LineBuffer::next()
{
    const qsizetype newline = m_buffer.indexOf('\n', qMax(m_scanPos, m_readPos));
    if (newline < 0) {
        m_scanPos = m_buffer.size();
        if (m_buffer.size() - m_readPos > m_maxLineBytes) {
            m_buffer.clear();
            m_readPos = m_scanPos = 0;
            m_discarding = true;
            return {Item::Kind::Oversized, {}};
        }
        return {};
    }
    const qsizetype length = newline - m_readPos;
    const qsizetype start = m_readPos;
    m_readPos = newline + 1;
    m_scanPos = m_readPos;
    if (length > m_maxLineBytes)
        return {Item::Kind::Oversized, {}};
    Item item{Item::Kind::Line, m_buffer.mid(start, length)};
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
    return rest;
}

} // namespace manifold
