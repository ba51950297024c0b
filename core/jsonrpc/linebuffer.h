#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace manifold {

// Splits a byte stream into '\n'-terminated lines without assuming one read == one message.
// Lines longer than the limit are not buffered: they are reported once as oversized and their
// bytes are discarded up to the next newline, so one peer cannot make us hold unbounded memory.
class LineBuffer final
{
public:
    explicit LineBuffer(qsizetype maxLineBytes = 64 * 1024 * 1024) : m_maxLineBytes(maxLineBytes) {}

    struct Item
    {
        enum class Kind { None, Line, Oversized };
        Kind kind = Kind::None;
        QByteArray line;   // without the '\n'; empty for Oversized
    };

    void append(QByteArrayView data);
    Item next();

    // Bytes of an unterminated last line (e.g. at EOF), and clears the buffer.
    QByteArray takeRemainder();

    qsizetype bufferedBytes() const { return m_buffer.size() - m_readPos; }
    void setMaxLineBytes(qsizetype max) { m_maxLineBytes = max; }

private:
    QByteArray m_buffer;
    qsizetype m_readPos = 0;     // start of the first unconsumed byte
    qsizetype m_scanPos = 0;     // bytes before this (from m_readPos) hold no '\n'
    qsizetype m_maxLineBytes;
    bool m_discarding = false;   // inside an oversized line, dropping bytes until '\n'
};

} // namespace manifold
