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
        // Oversized: a line went over the limit (reported as soon as that is known).
        // OversizedEnd: that line has ended; head and tail then hold its first and last bytes.
        enum class Kind { None, Line, Oversized, OversizedEnd };
        Kind kind = Kind::None;
        QByteArray line;   // without the '\n'; empty for the oversized kinds
        QByteArray head;   // oversized line: up to EdgeBytes from its start
        QByteArray tail;   // oversized line, once complete: up to EdgeBytes from its end
        bool complete = false;   // oversized line whose end (and tail) is known
    };
    static constexpr qsizetype EdgeBytes = 1024;
    // Lines at least this long are handed out in the buffer they arrived in, never copied.
    static constexpr qsizetype HandOverBytes = 64 * 1024;

    void append(QByteArrayView data);
    Item next();

    // Bytes of an unterminated last line (e.g. at EOF), and clears the buffer.
    QByteArray takeRemainder();

    qsizetype bufferedBytes() const { return m_buffer.size() - m_readPos; }
    void setMaxLineBytes(qsizetype max) { m_maxLineBytes = max; }

    // Appends data to buffer by growing it in place (a realloc), not into a copy.
    static void appendInPlace(QByteArray &buffer, QByteArrayView data);

private:
    QByteArray m_buffer;
    qsizetype m_readPos = 0;     // start of the first unconsumed byte
    qsizetype m_scanPos = 0;     // bytes before this (from m_readPos) hold no '\n'
    qsizetype m_maxLineBytes;
    bool m_discarding = false;   // inside an oversized line, dropping bytes until '\n'
    bool m_endPending = false;   // the discarded line ended: report OversizedEnd next
    QByteArray m_head;           // first bytes of the line being discarded
    QByteArray m_tail;           // last bytes seen of it
};

} // namespace manifold
